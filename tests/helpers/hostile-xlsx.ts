/**
 * Hostile and odd workbooks for issue #26, built on the bytes: a small ZIP writer that deflates
 * generated parts as a stream (a 50 MB sheet is never one string), a workbook of millions of empty
 * cells, a LibreOffice-style empty row 1048576, an OpenDocument (.ods) zip and a bulk zip bomb.
 * Shared by tests/unit/lke/xlsx-scan.test.ts and bench/excel-hostile.ts.
 */
import zlib from "node:zlib";
import ExcelJS from "exceljs";
import { readZip } from "~/services/excel/zip.server";

export interface ZipPart {
  name: string;
  /** Bytes, or pieces generated one after the other (deflated as they come). */
  data: Buffer | string | Iterable<string | Buffer>;
  /** Stored instead of deflated (the `mimetype` of an OpenDocument file must be). */
  store?: boolean;
}

const DOS_DATE = ((2026 - 1980) << 9) | (12 << 5) | 7;

async function deflatePieces(pieces: Iterable<string | Buffer>, level: number): Promise<{ packed: Buffer; crc: number; size: number }> {
  const deflate = zlib.createDeflateRaw({ level });
  const out: Buffer[] = [];
  deflate.on("data", (c: Buffer) => out.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    deflate.on("end", resolve);
    deflate.on("error", reject);
  });
  let crc = 0;
  let size = 0;
  for (const piece of pieces) {
    const b = typeof piece === "string" ? Buffer.from(piece, "utf8") : piece;
    crc = zlib.crc32(b, crc);
    size += b.length;
    if (!deflate.write(b)) await new Promise((r) => deflate.once("drain", r));
  }
  deflate.end();
  await ended;
  return { packed: Buffer.concat(out), crc, size };
}

/** A ZIP archive of the parts, in order (deflate level 6 unless told). */
export async function zipOf(parts: ZipPart[], level = 6): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name, "utf8");
    const pieces: Iterable<string | Buffer> = Buffer.isBuffer(part.data) || typeof part.data === "string" ? [part.data] : part.data;
    let packed: Buffer;
    let crc: number;
    let size: number;
    if (part.store) {
      const data = Buffer.concat([...pieces].map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : p)));
      ({ crc, size } = { crc: zlib.crc32(data), size: data.length });
      packed = data;
    } else {
      ({ packed, crc, size } = await deflatePieces(pieces, level));
    }
    const method = part.store ? 0 : 8;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0);
    cen.writeUInt16LE(20, 4);
    cen.writeUInt16LE(20, 6);
    cen.writeUInt16LE(0x0800, 8);
    cen.writeUInt16LE(method, 10);
    cen.writeUInt16LE(DOS_DATE, 14);
    cen.writeUInt32LE(crc >>> 0, 16);
    cen.writeUInt32LE(packed.length, 20);
    cen.writeUInt32LE(size, 24);
    cen.writeUInt16LE(name.length, 28);
    cen.writeUInt32LE(offset, 42);
    chunks.push(local, name, packed);
    central.push(cen, name);
    offset += local.length + name.length + packed.length;
  }
  const cd = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(parts.length, 8);
  eocd.writeUInt16LE(parts.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, cd, eocd]);
}

/** The parts of a trusted archive, to rebuild it with some replaced. */
export function partsOf(xlsx: Uint8Array): ZipPart[] {
  return readZip(xlsx, { entryBytes: 1 << 30, totalBytes: 1 << 30, entries: 100_000 }).map((e) => ({ name: e.name, data: e.data }));
}

/** The archive with the parts `replace` returns something for replaced (undefined keeps a part). */
export async function patched(xlsx: Uint8Array, replace: (name: string, xml: string) => ZipPart["data"] | undefined): Promise<Buffer> {
  return zipOf(
    partsOf(xlsx).map((p) => {
      const next = p.name.endsWith(".xml") ? replace(p.name, (p.data as Buffer).toString("utf8")) : undefined;
      return next === undefined ? p : { name: p.name, data: next };
    }),
  );
}

/** What LibreOffice leaves after a row is moved or deleted: an empty, formatted row 1048576. */
export function withLibreOfficeLastRow(sheetXml: string): string {
  const row =
    '<row r="1048576" s="1" customFormat="false" ht="12.8" hidden="false" customHeight="false" outlineLevel="0" collapsed="false">' +
    '<c r="A1048576" s="1"/><c r="B1048576" s="1"/></row>';
  return sheetXml.includes("</sheetData>")
    ? sheetXml.replace("</sheetData>", `${row}</sheetData>`)
    : sheetXml.replace("<sheetData/>", `<sheetData>${row}</sheetData>`);
}

const SHEET_HEAD =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
  '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
  "<sheetData>";
const SHEET_TAIL = "</sheetData></worksheet>";

function colLetters(n: number): string {
  let s = "";
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

/** Sheet XML generated row by row: `cols` cells per row, empty (`<c r=".."/>`) or holding a number. */
export function* sheetRows(opts: { rows: number; cols: number; values: boolean; firstRow?: number }): Generator<string> {
  yield SHEET_HEAD;
  const letters = Array.from({ length: opts.cols }, (_, k) => colLetters(k + 1));
  const first = opts.firstRow ?? 1;
  let batch = "";
  for (let r = first; r < first + opts.rows; r++) {
    let row = `<row r="${r}">`;
    for (const l of letters) row += opts.values ? `<c r="${l}${r}"><v>${r}</v></c>` : `<c r="${l}${r}"/>`;
    batch += `${row}</row>`;
    if (batch.length > 256 * 1024) {
      yield batch;
      batch = "";
    }
  }
  yield batch + SHEET_TAIL;
}

/** A workbook (sheets Utama, Jawaban, Data3, Data4, …) whose sheets are replaced by generated XML. */
export async function generatedWorkbook(sheets: Array<Iterable<string>>, level = 6): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const names = ["Utama", "Jawaban", ...sheets.slice(2).map((_, k) => `Data${k + 3}`)];
  for (const n of names.slice(0, Math.max(2, sheets.length))) wb.addWorksheet(n).getCell("A1").value = n;
  const base = Buffer.from(await wb.xlsx.writeBuffer());
  return zipOf(
    partsOf(base).map((p) => {
      const m = /^xl\/worksheets\/sheet(\d+)\.xml$/.exec(p.name);
      const gen = m ? sheets[Number(m[1]) - 1] : undefined;
      return gen ? { name: p.name, data: gen } : p;
    }),
    level,
  );
}

/**
 * The hostile workbook of issue #26: `cells` empty cell elements (3.4 million by default) over four
 * sheets of 25 columns, small enough packed (a few MiB) and unpacked (under the 64 MiB zip limit)
 * for the zip checks alone to let it through.
 */
export function emptyCellsWorkbook(cells = 3_400_000): Promise<Buffer> {
  const perSheet = Math.ceil(cells / 4 / 25);
  return generatedWorkbook(
    Array.from({ length: 4 }, () => sheetRows({ rows: perSheet, cols: 25, values: false })),
    4,
  );
}

/** An OpenDocument spreadsheet as LibreOffice writes it: a zip whose first part is a stored `mimetype`. */
export function odsZip(): Promise<Buffer> {
  return zipOf([
    { name: "mimetype", data: "application/vnd.oasis.opendocument.spreadsheet", store: true },
    {
      name: "META-INF/manifest.xml",
      data: '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>',
    },
    {
      name: "content.xml",
      data: '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>',
    },
  ]);
}

/**
 * A bulk zip bomb: `count` "workbooks" of zeros, each just under the bulk per-entry limit (20 MiB),
 * so that only their sum (~400 MiB from ~400 KiB) or their ratio gives them away.
 */
export function bulkBomb(count = 20, entryBytes = 20 * 1024 * 1024 - 4096): Promise<Buffer> {
  const zeros = Buffer.alloc(1024 * 1024);
  function* pieces(): Generator<Buffer> {
    for (let left = entryBytes; left > 0; left -= zeros.length) yield left >= zeros.length ? zeros : zeros.subarray(0, left);
  }
  return zipOf(
    Array.from({ length: count }, (_, k) => ({ name: `unit-${k + 1}.xlsx`, data: pieces() })),
    9,
  );
}

/**
 * What LibreOffice writes for a worksheet whose columns are formatted: every row padded with empty
 * styled cells out to the last column (`<c r="XFD5" s="0"/>`; here from column `from` to `to`).
 */
export function withLibreOfficePadding(sheetXml: string, from = 40, to = 702): string {
  return sheetXml.replace(/<row r="(\d+)"([^>]*)>([\s\S]*?)<\/row>/g, (_m, r: string, attrs: string, cells: string) => {
    let pad = "";
    for (let c = from; c <= to; c++) pad += `<c r="${colLetters(c)}${r}" s="0"/>`;
    return `<row r="${r}"${attrs}>${cells}${pad}</row>`;
  });
}
