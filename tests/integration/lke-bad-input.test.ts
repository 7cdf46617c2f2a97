/**
 * Excel LKE import, bad input: every workbook Cermin must refuse is refused with an `LkeError`
 * whose issues name the sheet (and the cell, where there is one), and nothing is written: the
 * assessment's `answer` rows stay byte-identical, no `lke_import` preview is stored, no audit row.
 */
import zlib from "node:zlib";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import type { Item } from "~/domain/instrument/schema";
import { lkeRows, META_SHEET } from "~/domain/lke/layout";
import type { AnswerValue } from "~/domain/scoring/answers";
import { lkeIssueMessage } from "~/i18n/lke-issues";
import { saveAnswer } from "~/services/workbench/answers.server";
import { requireAssessment, type AssessmentContext } from "~/services/workbench/assessments.server";
import { exportAssessmentWorkbook, templateWorkbook } from "~/services/excel/export.server";
import { previewImport } from "~/services/excel/import.server";
import { issueText, LkeError, WORKBOOK_LIMITS, type LkeIssue } from "~/services/excel/read.server";
import { readZip } from "~/services/excel/zip.server";
import { type World, freshWorld } from "../helpers/world";

let db: Db;
let w: World;
let system: Actor;
let ctx: AssessmentContext;
/** The untouched export of w.assessmentId (after the answers below were saved). */
let exported: Buffer;

type ItemRow = { code: string; item: Item };
let yesNo: ItemRow;
let abc: ItemRow;
let abcde: ItemRow;
let survey: ItemRow;
let ratio: ItemRow;

function itemsOfType(type: Item["type"]): ItemRow[] {
  return lkeRows(ctx.instrument).flatMap((r) => (r.kind === "item" && r.item.type === type ? [{ code: r.code, item: r.item }] : []));
}

function first(type: Item["type"]): ItemRow {
  const row = itemsOfType(type)[0];
  if (!row) throw new Error(`zi-2021 has no ${type} item`);
  return row;
}

beforeAll(async () => {
  ({ db, w } = await freshWorld());
  system = { id: w.users.admin.id, isAdmin: true, memberships: [] };
  ctx = await requireAssessment(db, system, w.assessmentId);
  yesNo = first("yes_no");
  abc = first("abc");
  abcde = first("abcde");
  survey = first("survey_0_4");
  ratio = first("percent");
  const inputs = ratio.item.inputs ?? [];
  expect(inputs.length).toBeGreaterThanOrEqual(2);
  // Answers of every kind, so that "no answer changed" means something.
  const answers: Array<[string, AnswerValue, string | null]> = [
    [yesNo.code, "Ya", "sudah ada SK"],
    [abc.code, "B", null],
    [abcde.code, "C", "sebagian"],
    [survey.code, 3.5, null],
    [ratio.code, Object.fromEntries(inputs.map((i, k) => [i.name, 10 - k * 6])), "hitungan 2025"],
  ];
  for (const [itemId, value, note] of answers) {
    const saved = await saveAnswer(db, system, ctx, { itemId, baseVersion: 0, value, note });
    expect(saved.ok).toBe(true);
  }
  // A second save: versions > 1 in the snapshot.
  const again = await saveAnswer(db, system, ctx, { itemId: yesNo.code, baseVersion: 1, value: "Tidak", note: "dicabut" });
  expect(again.ok).toBe(true);
  ctx = await requireAssessment(db, system, w.assessmentId);
  exported = await exportAssessmentWorkbook(db, system, ctx);
});

// ---------------------------------------------------------------------------------------------
// Helpers

/** Everything an import could write, as bytes: the assessment's answer rows, previews, audit rows. */
async function snapshot() {
  const answers = await db
    .selectFrom("answer")
    .selectAll()
    .where("assessment_id", "=", w.assessmentId)
    .orderBy("layer")
    .orderBy("item_id")
    .execute();
  const imports = await db.selectFrom("lke_import").selectAll().orderBy("id").execute();
  const audit = await db
    .selectFrom("audit_log")
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirstOrThrow();
  return { answers: JSON.stringify(answers), answerRows: answers.length, imports: JSON.stringify(imports), audit: Number(audit.n) };
}

/** Previews the bytes into w.assessmentId, expects an LkeError and that nothing was written. */
async function refused(bytes: Uint8Array, name = "lke.xlsx"): Promise<LkeError> {
  const before = await snapshot();
  expect(before.answerRows).toBe(5);
  const attempt = previewImport(db, system, ctx, { name, bytes: new Uint8Array(bytes) });
  await expect(attempt).rejects.toBeInstanceOf(LkeError);
  const err = (await attempt.catch((e: unknown) => e)) as LkeError;
  expect(err.issues.length).toBeGreaterThan(0);
  const after = await snapshot();
  expect(after.answers).toBe(before.answers);
  expect(after).toEqual(before);
  expect(await db.selectFrom("lke_import").select("id").where("assessment_id", "=", w.assessmentId).execute()).toEqual([]);
  return err;
}

/** An issue as the Indonesian page and the CLI print it (item and message; sheet and cell apart). */
const said = (i: LkeIssue) => lkeIssueMessage(i, "id");

/** The issue at this sheet/cell whose Indonesian message matches; the error's text names both. */
function expectIssue(err: LkeError, sheet: string | null, cell: string | null, message: RegExp | string): LkeIssue {
  const re = typeof message === "string" ? new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : message;
  const found = err.issues.find((i) => i.sheet === sheet && i.cell === cell && re.test(said(i)));
  expect(found, `no issue at ${sheet ?? "-"}!${cell ?? "-"} matching ${re}; got ${JSON.stringify(err.issues)}`).toBeDefined();
  expect(err.message).toContain(issueText(found!));
  if (sheet) expect(err.message).toContain(cell ? `sheet ${sheet}, sel ${cell}: ` : `sheet ${sheet}: `);
  return found!;
}

async function load(buf: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  return wb;
}

/** Loads the workbook, lets `change` edit it, writes it back. */
async function edited(buf: Buffer, change: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = await load(buf);
  change(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function sheet(wb: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const ws = wb.getWorksheet(name);
  if (!ws) throw new Error(`no sheet ${name}`);
  return ws;
}

/** The row whose column A holds `code` (found by scanning, not by the writer's layout). */
function rowOf(ws: ExcelJS.Worksheet, code: string): number {
  let found = 0;
  ws.eachRow((row, n) => {
    if (!found && String(row.getCell(1).value ?? "").trim() === code) found = n;
  });
  if (!found) throw new Error(`no row with Kode ${code} in ${ws.name}`);
  return found;
}

/** Sets column B of the key/value row whose column A is `key` (sheets `_cermin` and `Utama`). */
function setValue(ws: ExcelJS.Worksheet, key: string, value: string): void {
  ws.getRow(rowOf(ws, key)).getCell(2).value = value;
}

// A tiny ZIP writer (deflate, no ZIP64), to build archives ExcelJS would never write.

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(data: Buffer): number {
  if (typeof zlib.crc32 === "function") return zlib.crc32(data) >>> 0;
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function zipOf(entries: Array<{ name: string; data: Buffer | string }>): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
  for (const e of entries) {
    const name = Buffer.from(e.name, "utf8");
    const data = typeof e.data === "string" ? Buffer.from(e.data, "utf8") : e.data;
    const packed = zlib.deflateRawSync(data);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0);
    cen.writeUInt16LE(20, 4); // made by
    cen.writeUInt16LE(20, 6); // needed
    cen.writeUInt16LE(0x0800, 8);
    cen.writeUInt16LE(8, 10);
    cen.writeUInt16LE(0, 12);
    cen.writeUInt16LE(DOS_DATE, 14);
    cen.writeUInt32LE(crc, 16);
    cen.writeUInt32LE(packed.length, 20);
    cen.writeUInt32LE(data.length, 24);
    cen.writeUInt16LE(name.length, 28);
    cen.writeUInt32LE(offset, 42); // extra, comment, disk, attributes stay 0
    parts.push(local, name, packed);
    central.push(cen, name);
    offset += local.length + name.length + packed.length;
  }
  const cd = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, eocd]);
}

/** The entries of a (trusted) archive, to rebuild it with something added. */
function entriesOf(buf: Buffer): Array<{ name: string; data: Buffer }> {
  return readZip(buf, { entryBytes: 1 << 30, totalBytes: 1 << 30, entries: 100_000 });
}

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
  '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
  "</Types>";
const WORKBOOK_XML =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
  '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
  '<sheets><sheet name="Jawaban" sheetId="1" r:id="rId1"/></sheets></workbook>';

// ---------------------------------------------------------------------------------------------
// The positive controls: the mutations below start from workbooks the reader accepts.

describe("controls", () => {
  test("the untouched export previews with zero changes and stores nothing", async () => {
    const before = await snapshot();
    const preview = await previewImport(db, system, ctx, { name: "lke.xlsx", bytes: new Uint8Array(exported) });
    expect(preview.layout).toBe("cermin");
    expect(preview.changes).toEqual([]);
    expect(preview.changes.length).toBe(0);
    expect(preview.importId).toBeNull();
    expect(preview.unmatched).toEqual([]);
    expect(preview.unchanged).toBeGreaterThan(0);
    expect(await snapshot()).toEqual(before);
  });

  test("an ExcelJS round trip of the export (how every case below is built) still previews with zero changes", async () => {
    const bytes = await edited(exported, () => {});
    const preview = await previewImport(db, system, ctx, { name: "lke.xlsx", bytes: new Uint8Array(bytes) });
    expect(preview.changes).toEqual([]);
    expect(preview.importId).toBeNull();
  });

  test("a rebuilt archive of the export (the ZIP writer below) still previews with zero changes", async () => {
    const bytes = zipOf(entriesOf(exported));
    const preview = await previewImport(db, system, ctx, { name: "lke.xlsx", bytes: new Uint8Array(bytes) });
    expect(preview.changes).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// 1–4: the bytes are not an acceptable .xlsx at all (no sheet to name: the file is named).

describe("not an .xlsx", () => {
  test("plain text is refused by its content, whatever its name", async () => {
    const err = await refused(Buffer.from("Kode;Jawaban\nA.I.1.i.a;Ya\n", "utf8"), "lke.xlsx");
    expectIssue(err, null, null, "lke.xlsx bukan berkas .xlsx");
  });

  test("a PDF is refused", async () => {
    const err = await refused(Buffer.from("%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n", "latin1"), "LKE.pdf");
    expectIssue(err, null, null, "LKE.pdf bukan berkas .xlsx");
  });

  test("an empty file is refused", async () => {
    const err = await refused(new Uint8Array(0), "kosong.xlsx");
    expectIssue(err, null, null, "kosong.xlsx bukan berkas .xlsx");
  });

  test("a ZIP that is not a workbook is refused", async () => {
    const err = await refused(zipOf([{ name: "readme.txt", data: "halo" }]), "arsip.xlsx");
    expectIssue(err, null, null, "arsip.xlsx adalah arsip ZIP, tetapi bukan buku kerja .xlsx");
  });

  test("a truncated .xlsx is refused", async () => {
    const err = await refused(exported.subarray(0, Math.floor(exported.length / 2)), "terpotong.xlsx");
    expect(err.issues[0]!.params.file).toBe("terpotong.xlsx");
    expect(said(err.issues[0]!)).toMatch(/^terpotong\.xlsx/);
  });

  test("an old .xls (OLE compound file) is refused with a hint to save as .xlsx", async () => {
    const ole = Buffer.alloc(512);
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(ole);
    const err = await refused(ole, "LKE lama.xls");
    expectIssue(err, null, null, /LKE lama\.xls adalah berkas Excel lama \(\.xls\); simpan ulang sebagai \.xlsx/);
  });

  test("a macro workbook (xl/vbaProject.bin) is refused", async () => {
    const entries = entriesOf(exported);
    expect(entries.some((e) => e.name === "xl/workbook.xml")).toBe(true);
    const bytes = zipOf([
      ...entries,
      { name: "xl/vbaProject.bin", data: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 1, 2, 3]) },
    ]);
    const err = await refused(bytes, "LKE.xlsm");
    expectIssue(err, null, null, "LKE.xlsm berisi makro (.xlsm)");
  });

  test("a macro-enabled content type (without vbaProject.bin) is refused", async () => {
    const entries = entriesOf(exported).map((e) =>
      e.name === "[Content_Types].xml"
        ? {
            name: e.name,
            data: Buffer.from(
              e.data
                .toString("utf8")
                .replace(
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                  "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                ),
              "utf8",
            ),
          }
        : e,
    );
    expect(entries.find((e) => e.name === "[Content_Types].xml")!.data.toString("utf8")).toContain("macroEnabled");
    const err = await refused(zipOf(entries), "lke.xlsx");
    expectIssue(err, null, null, "berisi makro (.xlsm)");
  });

  test("a zip bomb (one sheet inflating past the limit) is refused without inflating it", async () => {
    const bomb = Buffer.alloc(70 * 1024 * 1024);
    expect(bomb.length).toBeGreaterThan(WORKBOOK_LIMITS.totalBytes);
    const bytes = zipOf([
      { name: "[Content_Types].xml", data: CONTENT_TYPES },
      { name: "xl/workbook.xml", data: WORKBOOK_XML },
      { name: "xl/worksheets/sheet1.xml", data: bomb },
    ]);
    expect(bytes.length).toBeLessThan(1024 * 1024);
    const err = await refused(bytes, "bom.xlsx");
    expectIssue(err, null, null, /bom\.xlsx: "xl\/worksheets\/sheet1\.xml" membengkak melebihi batas/);
  });

  test("a zip bomb spread over parts each under the per-part limit is refused by the total", async () => {
    const part = Buffer.alloc(WORKBOOK_LIMITS.entryBytes - 1024);
    const count = Math.ceil(WORKBOOK_LIMITS.totalBytes / part.length) + 1;
    const bytes = zipOf([
      { name: "[Content_Types].xml", data: CONTENT_TYPES },
      { name: "xl/workbook.xml", data: WORKBOOK_XML },
      ...Array.from({ length: count }, (_, k) => ({ name: `xl/worksheets/sheet${k + 1}.xml`, data: part })),
    ]);
    const err = await refused(bytes, "bom2.xlsx");
    expectIssue(err, null, null, /bom2\.xlsx: "xl\/worksheets\/sheet\d+\.xml" membengkak melebihi batas/);
  });
});

// ---------------------------------------------------------------------------------------------
// 5, 11: the workbook's shape.

describe("the workbook's shape", () => {
  test("a Jawaban sheet with more value-holding rows than the limit is refused, naming the sheet", async () => {
    const bytes = await edited(exported, (wb) => {
      const ws = sheet(wb, "Jawaban");
      for (let r = 200; r <= WORKBOOK_LIMITS.rows + 205; r++) ws.getCell(`B${r}`).value = "x";
    });
    const err = await refused(bytes);
    expectIssue(err, "Jawaban", null, /terlalu banyak baris berisi nilai/);
  });

  test("a workbook without sheet Utama still reads (the hidden sheet names the instrument); nothing changes", async () => {
    const bytes = await edited(exported, (wb) => wb.removeWorksheet(sheet(wb, "Utama").id));
    const preview = await previewImport(db, system, ctx, { name: "lke.xlsx", bytes: new Uint8Array(bytes) });
    expect(preview.changes).toEqual([]);
    expect(preview.importId).toBeNull();
  });

  test("a workbook without sheet Jawaban is refused, naming the sheets there are", async () => {
    const bytes = await edited(exported, (wb) => wb.removeWorksheet(sheet(wb, "Jawaban").id));
    const err = await refused(bytes);
    expectIssue(err, null, null, /tidak ada lembar kerja LKE: tidak satu pun sheet yang terlihat \("Utama"\)/);
    expect(err.issues).toHaveLength(1);
  });

  test("a workbook without either sheet names the sheet there is", async () => {
    const bytes = await edited(exported, (wb) => {
      wb.removeWorksheet(sheet(wb, "Utama").id);
      wb.removeWorksheet(sheet(wb, "Jawaban").id);
      wb.addWorksheet("Sheet1").getCell("A1").value = "halo";
    });
    const err = await refused(bytes);
    expectIssue(err, null, null, /tidak ada lembar kerja LKE[^]*"Sheet1"/);
  });

  test("a Jawaban sheet without the Kode header is refused: no item recognised, the columns read named", async () => {
    const bytes = await edited(exported, (wb) => {
      const ws = sheet(wb, "Jawaban");
      ws.getCell("A1").value = "Nomor";
    });
    const err = await refused(bytes);
    expectIssue(err, "Jawaban", null, /hanya 0 dari \d+ butir instrumen yang dikenali/);
    expect(err.message).toMatch(/jawaban dari kolom D \("Jawaban"\), catatan dari F, tautan dari G/);
    expect(err.message).toMatch(/periksa apakah jawaban ada di kolom berjudul Jawaban/);
  });

  test("a workbook whose answer column is blank is refused: no answer read, the answers it would clear counted", async () => {
    const bytes = await edited(exported, (wb) => {
      const ws = sheet(wb, "Jawaban");
      ws.eachRow((row, n) => {
        if (n > 1 && row.getCell(1).value) row.getCell(4).value = null;
      });
    });
    const err = await refused(bytes);
    expectIssue(
      err,
      "Jawaban",
      null,
      /tidak ada jawaban yang terbaca di \d+ butir yang dikenali; mengimpornya akan mengosongkan 5 jawaban/,
    );
  });

  test("an unknown _cermin format is refused, naming the cell", async () => {
    const bytes = await edited(exported, (wb) => setValue(sheet(wb, META_SHEET), "format", "cermin-lke/99"));
    const err = await refused(bytes);
    expectIssue(err, META_SHEET, "B1", "format cermin-lke/99 tidak dikenal");
  });
});

// ---------------------------------------------------------------------------------------------
// 6, 12: a workbook of something else.

describe("a workbook of something else", () => {
  test("a workbook of another instrument is refused, naming both instruments", async () => {
    const other = await templateWorkbook(db, "pmprb-2014");
    expect(other).not.toBeNull();
    const err = await refused(other!, "LKE pmprb.xlsx");
    const issue = expectIssue(err, "Utama", null, /pmprb-2014/);
    expect(said(issue)).toContain("zi-2021");
    expect(said(issue)).toContain(`instrumen pmprb-2014`);
    expect(said(issue)).toContain(`memakai zi-2021 ${ctx.instrument.version}`);
  });

  test("a workbook of another version of the instrument is refused, naming both versions", async () => {
    expect(ctx.instrument.version).not.toBe("9.9.9");
    const bytes = await edited(exported, (wb) => {
      setValue(sheet(wb, META_SHEET), "instrument_version", "9.9.9");
      setValue(sheet(wb, "Utama"), "Versi instrumen", "9.9.9");
    });
    const err = await refused(bytes);
    const issue = expectIssue(err, "Utama", null, /9\.9\.9/);
    expect(said(issue)).toContain(`zi-2021 9.9.9`);
    expect(said(issue)).toContain(`memakai zi-2021 ${ctx.instrument.version}`);
  });

  test("without the hidden sheet, the version on Utama decides", async () => {
    const bytes = await edited(exported, (wb) => {
      wb.removeWorksheet(sheet(wb, META_SHEET).id);
      setValue(sheet(wb, "Utama"), "Versi instrumen", "9.9.9");
    });
    const err = await refused(bytes);
    const issue = expectIssue(err, "Utama", null, /zi-2021 9\.9\.9/);
    expect(said(issue)).toContain(`memakai zi-2021 ${ctx.instrument.version}`);
  });

  test("a workbook of the same version with other content (hash) is refused", async () => {
    const bytes = await edited(exported, (wb) => setValue(sheet(wb, META_SHEET), "instrument_hash", "f".repeat(64)));
    const err = await refused(bytes);
    expectIssue(err, "Utama", null, /isi instrumen berbeda: buku kerja ffffffffffff…/);
  });

  test("a workbook of another assessment of the same instrument is refused, naming it", async () => {
    const otherCtx = await requireAssessment(db, system, w.submittedAssessmentId);
    expect(otherCtx.assessment.instrument_id).toBe(ctx.assessment.instrument_id);
    expect(otherCtx.assessment.instrument_hash).toBe(ctx.assessment.instrument_hash);
    const bytes = await exportAssessmentWorkbook(db, system, otherCtx);
    const err = await refused(bytes);
    const issue = expectIssue(err, "Utama", null, /milik penilaian lain/);
    expect(said(issue)).toContain(w.submittedAssessmentId);
    expect(said(issue)).toContain(w.assessmentId);
  });

  test("a workbook of another organisation's assessment is refused too", async () => {
    const otherCtx = await requireAssessment(db, system, w.otherAssessmentId);
    const err = await refused(await exportAssessmentWorkbook(db, system, otherCtx));
    const issue = expectIssue(err, "Utama", null, /milik penilaian lain/);
    expect(said(issue)).toContain(w.otherAssessmentId);
  });
});

// ---------------------------------------------------------------------------------------------
// 7–10: cells.

describe("cells", () => {
  test("a duplicated Kode is refused, naming both cells", async () => {
    let dupRow = 0;
    let origRow = 0;
    const bytes = await edited(exported, (wb) => {
      const ws = sheet(wb, "Jawaban");
      origRow = rowOf(ws, abc.code);
      dupRow = rowOf(ws, abcde.code);
      expect(dupRow).not.toBe(origRow);
      // Copy the earlier row's Kode onto the later one.
      const [from, to] = origRow < dupRow ? [origRow, dupRow] : [dupRow, origRow];
      ws.getRow(to).getCell(1).value = ws.getRow(from).getCell(1).value;
      origRow = from;
      dupRow = to;
    });
    const err = await refused(bytes);
    const code = [abc.code, abcde.code].find((c) => err.message.includes(`"${c}"`))!;
    expectIssue(err, "Jawaban", `A${dupRow}`, `Kode "${code}" ganda (juga di A${origRow})`);
  });

  test("an option that does not exist is refused, naming each cell (yes/no and A–E items)", async () => {
    let yesNoCell = "";
    let abcdeCell = "";
    const bytes = await edited(exported, (wb) => {
      const ws = sheet(wb, "Jawaban");
      yesNoCell = `D${rowOf(ws, yesNo.code)}`;
      abcdeCell = `D${rowOf(ws, abcde.code)}`;
      ws.getCell(yesNoCell).value = "F";
      ws.getCell(abcdeCell).value = "Z";
    });
    const err = await refused(bytes);
    expectIssue(err, "Jawaban", yesNoCell, `${yesNo.code}: "F" bukan pilihan jawaban (pilih Ya, Tidak)`);
    expectIssue(err, "Jawaban", abcdeCell, `${abcde.code}: "Z" bukan pilihan jawaban (pilih A, B, C, D, E)`);
    expect(err.issues).toHaveLength(2);
  });

  test("a number out of range in a 0–4 survey item is refused, naming the cell", async () => {
    let cell = "";
    const bytes = await edited(exported, (wb) => {
      const ws = sheet(wb, "Jawaban");
      cell = `D${rowOf(ws, survey.code)}`;
      ws.getCell(cell).value = 5;
    });
    const err = await refused(bytes);
    const issue = expectIssue(err, "Jawaban", cell, `${survey.code}: 5 di luar rentang 0–4`);
    expect(issue).toMatchObject({ item: survey.code, key: "lke.issue.outOfRange", params: { value: 5, min: 0, max: 4 } });
  });

  test("text in a number item is refused, naming the cell", async () => {
    let cell = "";
    const bytes = await edited(exported, (wb) => {
      const ws = sheet(wb, "Jawaban");
      cell = `D${rowOf(ws, survey.code)}`;
      ws.getCell(cell).value = "tinggi";
    });
    const err = await refused(bytes);
    expectIssue(err, "Jawaban", cell, `${survey.code}: "tinggi" bukan angka`);
  });

  test("a negative or fractional count in a ratio input row is refused, naming each cell", async () => {
    const [a, b] = ratio.item.inputs!;
    let cellA = "";
    let cellB = "";
    const bytes = await edited(exported, (wb) => {
      const ws = sheet(wb, "Jawaban");
      cellA = `D${rowOf(ws, `${ratio.code}#${a!.name}`)}`;
      cellB = `D${rowOf(ws, `${ratio.code}#${b!.name}`)}`;
      ws.getCell(cellA).value = -1;
      ws.getCell(cellB).value = 2.5;
    });
    const err = await refused(bytes);
    expectIssue(err, "Jawaban", cellA, `${ratio.code}: -1 untuk "${a!.label}" bukan bilangan bulat ≥ 0`);
    expectIssue(err, "Jawaban", cellB, `${ratio.code}: 2,5 untuk "${b!.label}" bukan bilangan bulat ≥ 0`);
    expect(err.issues).toHaveLength(2);
  });

  test("a ratio item with a required count left blank is refused at the item's cell", async () => {
    const [a] = ratio.item.inputs!;
    let itemCell = "";
    const bytes = await edited(exported, (wb) => {
      const ws = sheet(wb, "Jawaban");
      itemCell = `D${rowOf(ws, ratio.code)}`;
      ws.getCell(`D${rowOf(ws, `${ratio.code}#${a!.name}`)}`).value = null;
    });
    const err = await refused(bytes);
    expectIssue(err, "Jawaban", itemCell, `${ratio.code}: jumlah "${a!.label}" belum diisi`);
  });

  test("merged cells over an answer cell are refused, naming the cell", async () => {
    let cell = "";
    const bytes = await edited(exported, (wb) => {
      const ws = sheet(wb, "Jawaban");
      const r = rowOf(ws, abc.code);
      cell = `D${r}`;
      ws.mergeCells(`D${r}:E${r}`);
    });
    const err = await refused(bytes);
    expectIssue(err, "Jawaban", cell, /sel gabungan \(merge\)/);
  });

  test("an answer cell inside a merge started further left is refused, naming the cell", async () => {
    let cell = "";
    const bytes = await edited(exported, (wb) => {
      const ws = sheet(wb, "Jawaban");
      const r = rowOf(ws, yesNo.code);
      cell = `D${r}`;
      ws.mergeCells(`C${r}:D${r}`);
    });
    const err = await refused(bytes);
    expectIssue(err, "Jawaban", cell, /sel gabungan \(merge\)/);
  });

  test("merged cells over a ratio input cell are refused, naming the cell", async () => {
    const [a] = ratio.item.inputs!;
    let cell = "";
    const bytes = await edited(exported, (wb) => {
      const ws = sheet(wb, "Jawaban");
      const r = rowOf(ws, `${ratio.code}#${a!.name}`);
      cell = `D${r}`;
      ws.mergeCells(`D${r}:E${r}`);
    });
    const err = await refused(bytes);
    expectIssue(err, "Jawaban", cell, /sel gabungan \(merge\)/);
  });

  test("every bad cell of a workbook is reported at once", async () => {
    const cells: string[] = [];
    const bytes = await edited(exported, (wb) => {
      const ws = sheet(wb, "Jawaban");
      for (const [code, v] of [
        [yesNo.code, "Mungkin"],
        [abc.code, "Q"],
        [survey.code, -3],
      ] as const) {
        const c = `D${rowOf(ws, code)}`;
        ws.getCell(c).value = v;
        cells.push(c);
      }
    });
    const err = await refused(bytes);
    const where = (list: string[]) => [...list].sort();
    expect(where(err.issues.map((i) => `${i.sheet}!${i.cell}`))).toEqual(where(cells.map((c) => `Jawaban!${c}`)));
  });
});
