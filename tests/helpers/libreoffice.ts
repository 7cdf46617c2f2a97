// Test helper: edits and recalculates .xlsx files in a real LibreOffice Calc (headless `soffice`), the
// way a person would with the program: open, insert or delete rows and columns, recalculate, save.
// It drives LibreOffice with a StarBasic macro kept in a throwaway user profile (LibreOffice trusts
// macros of the profile's own `Standard` library), so it needs no Python-UNO bridge.
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The `soffice` on PATH, or null when LibreOffice is not installed. */
export function findSoffice(): string | null {
  try {
    const found = execFileSync("sh", ["-c", "command -v soffice"], { encoding: "utf8" }).trim();
    return found || null;
  } catch {
    return null;
  }
}

/**
 * What the macro does to the `Jawaban` sheet before saving, in order. Rows are found by their `Kode`
 * cell, columns by their header text (row 1).
 */
export type LibreOfficeOp =
  | { op: "deleteRow"; code: string }
  /** Deletes the row right above the row of `code` (e.g. an empty spacer row inserted before). */
  | { op: "deleteRowAbove"; code: string }
  | { op: "insertRowBefore"; code: string }
  | { op: "insertColumnBefore"; header: string; newHeader: string; fill: string }
  | { op: "recalculate" };

const MODULE = String.raw`
' Opens sIn hidden, applies sOps (op=arg;arg|op=arg…) to sheet Jawaban, saves as .xlsx to sOut,
' and writes "ok" or the failure to sLog (a headless Basic error would otherwise go unseen).
Sub Run(sIn As String, sOut As String, sOps As String, sLog As String)
  Dim oDoc As Object, oSheet As Object, sFail As String
  On Error GoTo Failed
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = "Hidden"
  args(0).Value = True
  oDoc = StarDesktop.loadComponentFromURL(ConvertToURL(sIn), "_blank", 0, args())
  If IsNull(oDoc) Then
    WriteLog(sLog, "cannot open " & sIn)
    Exit Sub
  End If
  oSheet = oDoc.getSheets().getByName("Jawaban")
  sFail = ""
  If sOps <> "" Then
    Dim ops() As String, i As Integer
    ops = Split(sOps, "|")
    For i = LBound(ops) To UBound(ops)
      sFail = ApplyOp(oDoc, oSheet, ops(i))
      If sFail <> "" Then Exit For
    Next i
  End If
  If sFail = "" Then
    Dim sargs(1) As New com.sun.star.beans.PropertyValue
    sargs(0).Name = "FilterName"
    sargs(0).Value = "Calc MS Excel 2007 XML"
    sargs(1).Name = "Overwrite"
    sargs(1).Value = True
    oDoc.storeToURL(ConvertToURL(sOut), sargs())
  End If
  oDoc.close(True)
  If sFail = "" Then sFail = "ok"
  WriteLog(sLog, sFail)
  Exit Sub
Failed:
  WriteLog(sLog, "Basic error " & Err & " at line " & Erl & ": " & Error$)
End Sub

' One operation; returns "" when done, else why not.
Function ApplyOp(oDoc As Object, oSheet As Object, sOp As String) As String
  Dim parts() As String, sName As String, sArg As String, n As Long
  parts = Split(sOp, "=")
  sName = parts(0)
  sArg = ""
  If UBound(parts) >= 1 Then sArg = parts(1)
  ApplyOp = ""
  If sName = "recalculate" Then
    oDoc.calculateAll()
    Exit Function
  End If
  ' Cermin protects the sheet without a password (against slips): a person unprotects it to restructure.
  If oSheet.isProtected() Then oSheet.unprotect("")
  If sName = "deleteRow" Or sName = "deleteRowAbove" Or sName = "insertRowBefore" Then
    n = FindRow(oSheet, sArg)
    If n < 0 Then
      ApplyOp = "no row with Kode " & sArg
      Exit Function
    End If
    If sName = "deleteRow" Then
      oSheet.getRows().removeByIndex(n, 1)
    ElseIf sName = "deleteRowAbove" Then
      oSheet.getRows().removeByIndex(n - 1, 1)
    Else
      oSheet.getRows().insertByIndex(n, 1)
    End If
  ElseIf sName = "insertColumnBefore" Then
    Dim f() As String, c As Long, r As Long, nLast As Long, nCode As Long
    f = Split(sArg, ";")
    c = FindColumn(oSheet, f(0))
    If c < 0 Then
      ApplyOp = "no column headed " & f(0)
      Exit Function
    End If
    oSheet.getColumns().insertByIndex(c, 1)
    oSheet.getCellByPosition(c, 0).setString(f(1))
    nLast = LastRow(oSheet)
    nCode = FindColumn(oSheet, "Kode")
    For r = 1 To nLast
      If oSheet.getCellByPosition(nCode, r).getString() <> "" Then oSheet.getCellByPosition(c, r).setString(f(2))
    Next r
  Else
    ApplyOp = "unknown operation " & sName
    Exit Function
  End If
  oSheet.protect("")
End Function

Function LastRow(oSheet As Object) As Long
  Dim oCursor As Object
  oCursor = oSheet.createCursor()
  oCursor.gotoEndOfUsedArea(False)
  LastRow = oCursor.getRangeAddress().EndRow
End Function

Function FindColumn(oSheet As Object, sHeader As String) As Long
  Dim c As Long
  For c = 0 To 100
    If oSheet.getCellByPosition(c, 0).getString() = sHeader Then
      FindColumn = c
      Exit Function
    End If
  Next c
  FindColumn = -1
End Function

Function FindRow(oSheet As Object, sCode As String) As Long
  Dim nCode As Long, r As Long, nLast As Long
  nCode = FindColumn(oSheet, "Kode")
  nLast = LastRow(oSheet)
  For r = 1 To nLast
    If oSheet.getCellByPosition(nCode, r).getString() = sCode Then
      FindRow = r
      Exit Function
    End If
  Next r
  FindRow = -1
End Function

Sub WriteLog(sLog As String, sText As String)
  Dim n As Integer
  n = FreeFile
  Open sLog For Output As #n
  Print #n, sText
  Close #n
End Sub
`;

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';
const LIBRARIES = `${XML_HEAD}<!DOCTYPE library:libraries PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "libraries.dtd">
<library:libraries xmlns:library="http://openoffice.org/2000/library" xmlns:xlink="http://www.w3.org/1999/xlink">
 <library:library library:name="Standard" library:link="false"/>
</library:libraries>
`;
const library = (
  elements: string,
) => `${XML_HEAD}<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">
<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" library:readonly="false" library:passwordprotected="false">${elements}</library:library>
`;
const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function opText(o: LibreOfficeOp): string {
  const text = (() => {
    switch (o.op) {
      case "deleteRow":
      case "deleteRowAbove":
      case "insertRowBefore":
        return `${o.op}=${o.code}`;
      case "insertColumnBefore":
        return `${o.op}=${o.header};${o.newHeader};${o.fill}`;
      case "recalculate":
        return o.op;
    }
  })();
  // The macro URL takes its arguments in double quotes and splits on | = ; (and "#" would end the URL).
  if (/["#%]/.test(text) || text.split("|").length > 1) throw new Error(`operation not expressible in the macro URL: ${text}`);
  return text;
}

/**
 * One LibreOffice user profile (a temporary directory) holding the macro. Calls run one `soffice`
 * after another (two on the same profile at once would hand over to each other); `dispose` removes it.
 */
export class LibreOffice {
  private constructor(
    private readonly soffice: string,
    readonly dir: string,
  ) {}

  /** Creates the profile (LibreOffice's first start writes its defaults), then installs the macro over them. */
  static async start(soffice: string): Promise<LibreOffice> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cermin-lo-"));
    const lo = new LibreOffice(soffice, dir);
    await run(soffice, [lo.profileArg(), "--headless", "--norestore", "--terminate_after_init"], { timeout: 60_000 });
    const basic = path.join(dir, "profile", "user", "basic");
    fs.mkdirSync(path.join(basic, "Standard"), { recursive: true });
    fs.writeFileSync(path.join(basic, "script.xlc"), LIBRARIES);
    fs.writeFileSync(path.join(basic, "dialog.xlc"), LIBRARIES);
    fs.writeFileSync(path.join(basic, "Standard", "script.xlb"), library('\n <library:element library:name="Cermin"/>\n'));
    fs.writeFileSync(path.join(basic, "Standard", "dialog.xlb"), library(""));
    fs.writeFileSync(
      path.join(basic, "Standard", "Cermin.xba"),
      `${XML_HEAD}<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Cermin" script:language="StarBasic">${escapeXml(MODULE)}</script:module>
`,
    );
    return lo;
  }

  private profileArg(): string {
    return `-env:UserInstallation=file://${path.join(this.dir, "profile")}`;
  }

  private count = 0;

  /** Opens `bytes` in LibreOffice Calc, applies `ops` to sheet `Jawaban`, saves as .xlsx: the saved bytes. */
  async edit(bytes: Uint8Array, ops: LibreOfficeOp[] = []): Promise<Buffer> {
    const n = ++this.count;
    const input = path.join(this.dir, `in-${n}.xlsx`);
    const output = path.join(this.dir, `out-${n}.xlsx`);
    const log = path.join(this.dir, `log-${n}.txt`);
    fs.writeFileSync(input, bytes);
    const macro = `macro:///Standard.Cermin.Run("${input}","${output}","${ops.map(opText).join("|")}","${log}")`;
    const { stderr } = await run(this.soffice, [this.profileArg(), "--headless", "--norestore", macro], { timeout: 60_000 });
    const said = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim() : `no answer from the macro (stderr: ${stderr.trim()})`;
    if (said !== "ok") throw new Error(`LibreOffice: ${said}`);
    return fs.readFileSync(output);
  }

  /** Opens `bytes` in LibreOffice Calc and saves it as .xlsx unchanged (any workbook: no macro, no sheet named). */
  async resave(bytes: Uint8Array, name = "resave.xlsx"): Promise<Buffer> {
    const n = ++this.count;
    const inDir = path.join(this.dir, `resave-in-${n}`);
    const outDir = path.join(this.dir, `resave-out-${n}`);
    fs.mkdirSync(inDir);
    fs.writeFileSync(path.join(inDir, name), bytes);
    await run(
      this.soffice,
      [
        this.profileArg(),
        "--headless",
        "--norestore",
        "--convert-to",
        "xlsx:Calc MS Excel 2007 XML",
        "--outdir",
        outDir,
        path.join(inDir, name),
      ],
      {
        timeout: 120_000,
      },
    );
    return fs.readFileSync(path.join(outDir, name));
  }

  /**
   * Opens a CSV in LibreOffice Calc with the import options a person picks in its text-import dialog
   * (separator, UTF-8, the language whose number convention applies: an LCID, e.g. 1057 id-ID, 2057
   * en-GB) and saves it as .xlsx: what Calc made of every field (a number or text).
   */
  async importCsv(bytes: Uint8Array, opts: { separator: string; lcid: number }, name = "export.csv"): Promise<Buffer> {
    const n = ++this.count;
    const inDir = path.join(this.dir, `csv-in-${n}`);
    const outDir = path.join(this.dir, `csv-out-${n}`);
    fs.mkdirSync(inDir);
    fs.writeFileSync(path.join(inDir, name), bytes);
    // CSV filter options: separator, text delimiter ("), character set (76 = UTF-8), first line, column types, language.
    const filter = `CSV:${opts.separator.charCodeAt(0)},34,76,1,,${opts.lcid}`;
    await run(
      this.soffice,
      [
        this.profileArg(),
        "--headless",
        "--norestore",
        `--infilter=${filter}`,
        "--convert-to",
        "xlsx:Calc MS Excel 2007 XML",
        "--outdir",
        outDir,
        path.join(inDir, name),
      ],
      { timeout: 120_000 },
    );
    return fs.readFileSync(path.join(outDir, name.replace(/\.csv$/, ".xlsx")));
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
