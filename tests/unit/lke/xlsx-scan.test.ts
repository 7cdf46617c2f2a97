/**
 * Issue #26: an uploaded workbook is vetted on its bytes before ExcelJS builds it. Rows and cells
 * count when they hold values (LibreOffice's empty row 1048576 counts for nothing); millions of
 * empty cells, an .ods file and a bulk zip bomb are refused fast, with a message that says why.
 */
import ExcelJS from "exceljs";
import { describe, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import { lastValueRow } from "~/services/excel/sheet.server";
import { BULK_ZIP_LIMITS, previewBulkImport } from "~/services/excel/bulk.server";
import { issueText, LkeError, openWorkbook, WORKBOOK_LIMITS } from "~/services/excel/read.server";
import { buildLkeWorkbook } from "~/services/excel/workbook.server";
import { SCAN_LIMITS, vetXlsx } from "~/services/excel/xlsx-scan.server";
import { rangeArea, SheetCounter, sheetNames, TagCounter } from "~/services/excel/xml-count";
import { loadInstruments } from "~/services/instruments/catalog.server";
import {
  bulkBomb,
  emptyCellsWorkbook,
  generatedWorkbook,
  odsZip,
  patched,
  partsOf,
  sheetRows,
  withLibreOfficeLastRow,
  withLibreOfficePadding,
  zipOf,
} from "../../helpers/hostile-xlsx";

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof LkeError) return e.issues.map(issueText).join("\n");
    throw e;
  }
  throw new Error("expected an LkeError");
}

function cermin(): Promise<Buffer> {
  const instrument = loadInstruments().find((l) => l.instrument.id === "zi-2021")!.instrument;
  const wb = buildLkeWorkbook({
    instrument,
    instrumentHash: null,
    assessment: null,
    exportedAt: "2026-12-07T00:00:00.000Z",
    exportedBy: null,
    layers: [{ layer: "self", answers: {} }],
    evidence: {},
  });
  return wb.xlsx.writeBuffer().then((b) => Buffer.from(b));
}

describe("counting what a sheet holds", () => {
  const count = (xml: string, chunk = xml.length) => {
    const c = new SheetCounter();
    const buf = Buffer.from(xml, "utf8");
    for (let i = 0; i < buf.length; i += chunk) c.feed(buf.subarray(i, i + chunk));
    c.end();
    return c;
  };
  const xml =
    '<worksheet><sheetData><row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="B1" s="2"/><c r="C1"><f>A1</f><v>1</v></c></row>' +
    '<row r="2"><c r="A2" s="1"/><c r="B2" s="1"></c></row>' +
    '<row r="3"><c r="A3" t="inlineStr"><is><r><t>x</t></r></is></c></row>' +
    '<row r="1048576" s="1" customFormat="false"><c r="A1048576" s="1"/></row></sheetData>' +
    '<mergeCells count="1"><mergeCell ref="A5:C6"/></mergeCells>' +
    '<dataValidations count="1"><dataValidation type="list" sqref="D2:D11 F1"><formula1>"a,b"</formula1></dataValidation></dataValidations></worksheet>';

  test.each([1, 2, 3, 7, 16, 64, 100_000])("the same counts whatever the chunk size (%i bytes)", (chunk) => {
    const c = count(xml, chunk);
    expect({ rows: c.valueRows, cells: c.valueCells, rowEls: c.rowElements, cellEls: c.cellElements }).toEqual({
      rows: 2,
      cells: 3,
      rowEls: 4,
      cellEls: 7,
    });
    expect({ merges: c.merges, merged: c.mergedCells, validation: c.validationCells }).toEqual({ merges: 1, merged: 5, validation: 11 });
  });

  test("start tags of other parts are counted across chunk boundaries", () => {
    const xml = Buffer.from('<?xml version="1.0"?><sst count="2"><si><t>a&lt;b</t></si><si><r><t>x</t></r></si></sst>');
    for (const chunk of [1, 2, 5, 1000]) {
      const c = new TagCounter();
      let n = 0;
      for (let i = 0; i < xml.length; i += chunk) n += c.feed(xml.subarray(i, i + chunk));
      expect(n).toBe(6);
    }
  });

  test("lastValueRow stops at the last row holding a value, not at a formatted row 1048576", () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("Jawaban");
    expect(lastValueRow(ws)).toBe(0);
    for (let r = 1; r <= 30; r++) ws.getCell(r, 1).value = r;
    ws.getCell(42, 3).value = { formula: "A1*2" } as ExcelJS.CellFormulaValue;
    ws.getRow(1048576).getCell(1).style = { font: { bold: true } };
    ws.getRow(50000).getCell(2).style = { font: { italic: true } };
    expect(ws.rowCount).toBe(1048576);
    expect(lastValueRow(ws)).toBe(42);
  });

  test("range areas and sheet names", () => {
    expect(rangeArea("A1")).toBe(1);
    expect(rangeArea("A1:XFD1048576")).toBe(16384 * 1048576);
    expect(rangeArea("$B$2:$C$3 E5")).toBe(5);
    const names = sheetNames(
      '<workbook><sheets><sheet name="Utama &amp; Data" sheetId="1" r:id="rId3"/><sheet sheetId="2" r:id="rId4" name="Jawaban"/></sheets></workbook>',
      '<Relationships><Relationship Id="rId3" Type="x" Target="worksheets/sheet1.xml"/><Relationship Id="rId4" Type="x" Target="/xl/worksheets/sheet2.xml"/></Relationships>',
    );
    expect(names.get("xl/worksheets/sheet1.xml")).toBe("Utama & Data");
    expect(names.get("xl/worksheets/sheet2.xml")).toBe("Jawaban");
  });
});

describe("LibreOffice's padding of formatted rows to the last column", () => {
  test("a padded workbook is counted, stripped before ExcelJS, and reads exactly as the original", async () => {
    const original = await cermin();
    const bytes = await patched(original, (name, xml) =>
      /^xl\/worksheets\/sheet\d+\.xml$/.test(name) ? withLibreOfficePadding(xml) : undefined,
    );
    const scan = await vetXlsx(bytes, "lke.xlsx", WORKBOOK_LIMITS);
    const jawaban = scan.sheets.find((s) => s.name === "Jawaban")!;
    // Every row with a value carries (at least) 663 empty cells after it; none of them counts as an element.
    expect(jawaban.paddingCells).toBeGreaterThanOrEqual(663 * jawaban.valueRows);
    expect(jawaban.cellElements - jawaban.paddingCells).toBeLessThan(SCAN_LIMITS.elements);
    const opened = await openWorkbook(bytes, "lke.xlsx");
    expect(opened.ws.getRow(5).cellCount).toBeLessThan(40);
    const plain = await openWorkbook(original, "lke.xlsx");
    const values = (o: typeof plain) => {
      const out: unknown[] = [];
      o.ws.eachRow((row) => row.eachCell((c) => out.push([c.address, c.value])));
      return out;
    };
    expect(values(opened)).toEqual(values(plain));
  });

  test("empty cells in rows without any value are not padding: they still count (the hostile file stays refused)", () => {
    const counter = new SheetCounter();
    counter.feed(
      Buffer.from(
        '<sheetData><row r="1"><c r="A1" s="1"/><c r="B1" s="1"/></row><row r="2"><c r="A2"><v>1</v></c><c r="B2" s="3"/></row></sheetData>',
      ),
    );
    counter.end();
    expect(counter).toMatchObject({ cellElements: 4, valueCells: 1, paddingCells: 1, paddingBytes: '<c r="B2" s="3"/>'.length });
  });
});

describe("LibreOffice's empty row 1048576", () => {
  test("a Cermin workbook saved by LibreOffice after a row was moved imports, and readers stop at the last value", async () => {
    const original = await cermin();
    const bytes = await patched(original, (name, xml) =>
      /^xl\/worksheets\/sheet\d+\.xml$/.test(name) ? withLibreOfficeLastRow(xml) : undefined,
    );
    const scan = await vetXlsx(bytes, "lke.xlsx", WORKBOOK_LIMITS);
    const jawaban = scan.sheets.find((s) => s.name === "Jawaban")!;
    expect(jawaban.rowElements).toBeGreaterThan(jawaban.valueRows);
    const opened = await openWorkbook(bytes, "lke.xlsx");
    expect(opened.layout).toBe("cermin");
    const ws = opened.wb.getWorksheet("Jawaban")!;
    expect(ws.rowCount).toBe(1048576);
    expect(lastValueRow(ws)).toBeLessThan(2000);
    expect(lastValueRow(ws)).toBeGreaterThan(10);
  });

  test("20,000 value rows and an empty row 1048576 pass; 20,001 value rows are refused, naming the sheet", async () => {
    function* withEmptyLast(rows: number): Generator<string> {
      for (const piece of sheetRows({ rows, cols: 2, values: true })) yield withLibreOfficeLastRow(piece);
    }
    const ok = await generatedWorkbook([["<worksheet><sheetData/></worksheet>"], withEmptyLast(WORKBOOK_LIMITS.rows)]);
    const scan = await vetXlsx(ok, "ok.xlsx", WORKBOOK_LIMITS);
    expect(scan.sheets.find((s) => s.name === "Jawaban")).toMatchObject({ valueRows: 20_000, rowElements: 20_001 });

    const tooMany = await generatedWorkbook([
      ["<worksheet><sheetData/></worksheet>"],
      sheetRows({ rows: WORKBOOK_LIMITS.rows + 1, cols: 2, values: true }),
    ]);
    const message = await refusal(openWorkbook(tooMany, "banyak.xlsx"));
    expect(message).toMatch(
      /^sheet Jawaban: terlalu banyak baris berisi nilai \(sudah 20\.001 .*paling banyak 20\.000, baris kosong tidak dihitung\)/,
    );
  });

  test("more value cells than the workbook limit are refused", async () => {
    const cols = 25;
    const rows = Math.ceil((WORKBOOK_LIMITS.cells + 1) / cols / 2);
    const bytes = await generatedWorkbook([sheetRows({ rows, cols, values: true }), sheetRows({ rows, cols, values: true })]);
    const message = await refusal(vetXlsx(bytes, "sel.xlsx", WORKBOOK_LIMITS));
    expect(message).toMatch(/^sheet Jawaban: buku kerja terlalu besar: sudah 400\.\d{3} sel berisi nilai .*paling banyak 400\.000/);
  });
});

describe("hostile files", () => {
  test("3.4 million empty cells are refused fast, before ExcelJS, with the element limit in the message", async () => {
    const t0 = performance.now();
    const bytes = await emptyCellsWorkbook();
    const built = performance.now() - t0;
    const t1 = performance.now();
    const message = await refusal(openWorkbook(bytes, "kosong.xlsx"));
    const took = performance.now() - t1;
    console.info(
      `3.4M empty cells: ${(bytes.length / 1048576).toFixed(1)} MiB packed, built in ${built.toFixed(0)} ms, refused in ${took.toFixed(0)} ms`,
    );
    expect(message).toMatch(/terlalu banyak sel dan baris, termasuk yang kosong atau hanya berformat/);
    expect(message).toContain(`paling banyak ${SCAN_LIMITS.elements.toLocaleString("id-ID")}`);
    expect(message).toMatch(/^sheet (Utama|Jawaban|Data\d):/);
    expect(took).toBeLessThan(3000);
  }, 30_000);

  test("a data validation over whole sheets is refused (ExcelJS would expand every address)", async () => {
    const xml =
      '<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>' +
      '<dataValidations count="1"><dataValidation type="list" sqref="A1:XFD1048576"><formula1>"a"</formula1></dataValidation></dataValidations></worksheet>';
    const bytes = await generatedWorkbook([[xml], ["<worksheet><sheetData/></worksheet>"]]);
    expect(await refusal(vetXlsx(bytes, "v.xlsx", WORKBOOK_LIMITS))).toMatch(/^sheet Utama: validasi data mencakup terlalu banyak sel/);
  });

  test("a shared-strings part of millions of empty strings is refused (ExcelJS would build each)", async () => {
    function* strings(): Generator<string> {
      yield '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">';
      for (let k = 0; k < 60; k++) yield "<si><t/></si>".repeat(20_000);
      yield "</sst>";
    }
    const base = await generatedWorkbook([["<worksheet><sheetData/></worksheet>"], ["<worksheet><sheetData/></worksheet>"]]);
    const bytes = await zipOf([...partsOf(base), { name: "xl/sharedStrings.xml", data: strings() }]);
    const message = await refusal(vetXlsx(bytes, "teks.xlsx", WORKBOOK_LIMITS));
    expect(message).toMatch(/^teks\.xlsx: "xl\/sharedStrings\.xml" berisi terlalu banyak elemen XML \(sudah 1\.\d{3}\.\d{3} di luar sheet/);
  });

  test("an .ods file gets the OpenDocument message with how to save as .xlsx", async () => {
    const message = await refusal(openWorkbook(await odsZip(), "LKE.ods"));
    expect(message).toBe(
      'LKE.ods adalah berkas OpenDocument (.ods), bukan .xlsx; di LibreOffice pilih Berkas → Simpan Sebagai → "Excel 2007-365 (.xlsx)", lalu unggah berkas .xlsx itu',
    );
  });

  test("a zip that is neither still gets the generic message", async () => {
    const message = await refusal(openWorkbook(await zipOf([{ name: "readme.txt", data: "halo" }]), "arsip.xlsx"));
    expect(message).toBe("arsip.xlsx adalah arsip ZIP, tetapi bukan buku kerja .xlsx");
  });

  test("a bulk zip bomb (~400 MiB from ~400 KiB) is refused before any workbook is opened, in bounded memory", async () => {
    const bomb = await bulkBomb();
    expect(bomb.length).toBeLessThan(600 * 1024);
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    const message = await refusal(previewBulkImport({} as Db, { id: "x", isAdmin: true, memberships: [] }, bomb));
    const took = performance.now() - t0;
    const grew = (process.memoryUsage().rss - rss0) / 1048576;
    console.info(`bulk bomb: ${(bomb.length / 1024).toFixed(0)} KiB packed, refused in ${took.toFixed(0)} ms, RSS +${grew.toFixed(0)} MiB`);
    expect(message).toMatch(
      /^arsip ditolak: "unit-1\.xlsx" membengkak dari \d+ KiB menjadi lebih dari \d+ MiB saat dibuka \(lebih dari 100 kali; bom zip\?\)$/,
    );
    expect(grew).toBeLessThan(200);
  });

  test("a bulk zip of ordinary workbooks is read entry by entry, each with its own row", async () => {
    const wb = await cermin();
    const bytes = await zipOf([
      { name: "a/unit-1.xlsx", data: wb },
      { name: "unit-2.xlsx", data: wb, store: true },
      { name: "__MACOSX/._unit-1.xlsx", data: "x" },
      { name: "catatan.txt", data: "abaikan" },
      { name: "unit-3.xlsx", data: await odsZip() },
    ]);
    const rows = await previewBulkImport({} as Db, { id: "x", isAdmin: true, memberships: [] }, bytes);
    expect(rows.map((r) => [r.file, r.error?.map((i) => i.key)])).toEqual([
      ["unit-1.xlsx", ["lke.issue.bulk.noAssessmentId"]],
      ["unit-2.xlsx", ["lke.issue.bulk.noAssessmentId"]],
      ["unit-3.xlsx", ["lke.issue.ods"]],
    ]);
    // As the Indonesian page and the CLI print them.
    expect(rows.map((r) => [r.file, r.error?.map(issueText).join("; ")])).toEqual([
      ["unit-1.xlsx", "sheet Utama: buku kerja tidak menyebut id penilaian; impor satu per satu di halaman penilaiannya"],
      ["unit-2.xlsx", "sheet Utama: buku kerja tidak menyebut id penilaian; impor satu per satu di halaman penilaiannya"],
      ["unit-3.xlsx", expect.stringMatching(/^unit-3\.xlsx adalah berkas OpenDocument \(\.ods\)/)],
    ]);
  });

  test("a bulk entry past the per-entry limit is refused even when it compresses poorly", async () => {
    const noise = Buffer.alloc(BULK_ZIP_LIMITS.entryBytes + 1024);
    for (let i = 0; i < noise.length; i += 4) noise.writeUInt32LE((Math.random() * 0xffffffff) >>> 0, i);
    const bytes = await zipOf([{ name: "besar.xlsx", data: noise }], 1);
    const message = await refusal(previewBulkImport({} as Db, { id: "x", isAdmin: true, memberships: [] }, bytes));
    expect(message).toMatch(/^arsip ditolak: "besar\.xlsx" membengkak melebihi batas saat dibuka \(20 MiB per bagian/);
  });
});
