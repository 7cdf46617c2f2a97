/*
 * Vets an uploaded .xlsx before ExcelJS sees it (issue #26). ExcelJS materialises every cell
 * element, merged range and data-validation address of a sheet, so its limits must be checked on
 * the bytes: the zip's directory is read, every part is inflated as a stream within the zip limits,
 * and each worksheet's XML is counted as it goes by, 64 KiB at a time, stopping at the first limit
 * crossed. What is counted:
 *
 *   - rows and cells that HOLD VALUES (a `<c>` with a `<v>`, `<is>` or `<f>`): the workbook limits
 *     (rows per sheet, cells in all). An empty row 1048576, as LibreOffice writes after a row is
 *     moved or deleted, holds nothing and counts for nothing;
 *   - every `<c>` and `<row>` element, values or not, plus the cells of merged ranges: ExcelJS builds
 *     an object for each, so a file of millions of empty styled cells is refused too, by a separate,
 *     generous limit;
 *   - the addresses data validations cover (ExcelJS expands a range into one entry per address) and
 *     the number of merged ranges (ExcelJS checks each against all earlier ones).
 *
 * The inflate runs on libuv's thread pool and the counting between chunks is short, so a hostile
 * upload does not hold the event loop. Also recognised here: an old .xls, an OpenDocument file
 * (.ods, a zip too) and a macro workbook, each with its own message.
 */
import os from "node:os";
import { LkeError } from "./sheet.server";
import { inflateEntry, listZip, looksLikeZip, tooLarge, ZipError, type ListedZip, type ZipDirEntry, type ZipLimits } from "./zip.server";

export interface XlsxLimits extends ZipLimits {
  /** Rows holding a value, per sheet. */
  rows: number;
  /** Cells holding a value, in all sheets. */
  cells: number;
  /** `<c>` and `<row>` elements (empty or not) plus merged cells, in all sheets. */
  elements?: number;
  /** Addresses covered by data validations, in all sheets. */
  validationCells?: number;
  /** Merged ranges per sheet. */
  merges?: number;
  /** Elements of the XML parts that are not worksheets (shared strings, styles, …), in all. */
  partElements?: number;
}

/**
 * The defaults of the limits that only this scan knows. One million elements is 2.5 times the
 * value-cell limit, room for generous formatting; ExcelJS needs roughly 300 bytes per element, so
 * the limit also caps what one upload can make it allocate (~300 MB).
 */
export const SCAN_LIMITS = { elements: 1_000_000, validationCells: 2_000_000, merges: 5_000, partElements: 1_000_000 } as const;

export interface SheetCounts {
  /** The part, e.g. `xl/worksheets/sheet1.xml`. */
  file: string;
  /** The sheet's name in xl/workbook.xml (the part's name when it is not listed there). */
  name: string;
  valueRows: number;
  valueCells: number;
  rowElements: number;
  cellElements: number;
  merges: number;
  mergedCells: number;
  validationCells: number;
}

export interface XlsxScan {
  sheets: SheetCounts[];
  /** Sum of every part's inflated size. */
  inflatedBytes: number;
  /** Elements of the XML parts that are not worksheets. */
  partElements: number;
}

/** Parts ExcelJS loads as worksheets (its own pattern, unanchored as it is there). */
const WORKSHEET = /xl\/worksheets\/sheet(\d+)[.]xml/;
const ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet";
const fmt = (n: number) => n.toLocaleString("id-ID");

const fail = (message: string, sheet: string | null = null): LkeError => new LkeError([{ sheet, cell: null, message }]);

/**
 * Checks that `bytes` are an .xlsx within `limits` without building it. Returns the counts per
 * worksheet. @throws LkeError naming the file (or the sheet) and the numbers.
 */
export async function vetXlsx(bytes: Uint8Array, fileName: string, limits: XlsxLimits): Promise<XlsxScan> {
  return inSlot(() => vet(bytes, fileName, limits));
}

/**
 * How many scans run at once in one process: one fewer than the machine's cores, so that four
 * hostile uploads inflating together still leave a core to the event loop (a scan takes ~0.1 s;
 * the others wait their turn).
 */
const SLOTS = Math.max(1, os.availableParallelism() - 1);
let running = 0;
const waiting: Array<() => void> = [];

async function inSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (running < SLOTS) running++;
  else await new Promise<void>((resolve) => waiting.push(resolve)); // handed a slot by the one leaving
  try {
    return await fn();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

async function vet(bytes: Uint8Array, fileName: string, limits: XlsxLimits): Promise<XlsxScan> {
  if (bytes.length >= 8 && bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) {
    throw fail(`${fileName} adalah berkas Excel lama (.xls); simpan ulang sebagai .xlsx`);
  }
  if (!looksLikeZip(bytes)) throw fail(`${fileName} bukan berkas .xlsx (isi berkas tidak dikenali)`);
  try {
    const zip = listZip(bytes, limits);
    const byName = new Map(zip.entries.map((e) => [e.name, e]));
    const budget = new Budget(limits);
    // The parts read whole below; any other entry, a duplicate name included, is inflated in the loop.
    const done = new Set<ZipDirEntry>();
    const small = async (name: string): Promise<string> => {
      const e = byName.get(name);
      if (!e) return "";
      done.add(e);
      const parts: Buffer[] = [];
      const tags = new TagCounter();
      await inflateEntry(
        zip,
        e,
        budget.room(),
        (c) => {
          parts.push(c);
          budget.counted(name, tags.feed(c));
        },
        () => tooLarge(name, limits),
      );
      const data = Buffer.concat(parts);
      budget.spent(name, data.length);
      return data.toString("utf8");
    };
    const mime = byName.has("mimetype") ? (await small("mimetype")).trim() : "";
    if (mime.startsWith(ODS_MIME)) {
      throw fail(
        `${fileName} adalah berkas OpenDocument (.ods), bukan .xlsx; di LibreOffice pilih Berkas → Simpan Sebagai → "Excel 2007-365 (.xlsx)", lalu unggah berkas .xlsx itu`,
      );
    }
    if (mime.startsWith("application/vnd.oasis.opendocument")) {
      throw fail(`${fileName} adalah dokumen OpenDocument (${mime}), bukan buku kerja .xlsx`);
    }
    if (!byName.has("[Content_Types].xml") || !byName.has("xl/workbook.xml")) {
      throw fail(`${fileName} adalah arsip ZIP, tetapi bukan buku kerja .xlsx`);
    }
    const contentTypes = await small("[Content_Types].xml");
    if (zip.entries.some((e) => /vbaProject\.bin$/i.test(e.name)) || /macroEnabled/i.test(contentTypes)) {
      throw fail(`${fileName} berisi makro (.xlsm); Cermin hanya menerima .xlsx tanpa makro`);
    }
    const names = sheetNames(await small("xl/workbook.xml"), await small("xl/_rels/workbook.xml.rels"));
    const sheets: SheetCounts[] = [];
    for (const e of zip.entries) {
      if (done.has(e)) continue;
      if (WORKSHEET.test(e.name)) {
        const name = names.get(e.name) ?? e.name.split("/").pop()!;
        sheets.push(await scanSheet(zip, e, name, budget, limits));
      } else {
        // Inflated within the limits all the same (ExcelJS will inflate it), and an XML part's
        // elements counted: ExcelJS builds an object for each shared string, style, relationship…
        const tags = /\.(xml|rels|vml)$/i.test(e.name) ? new TagCounter() : null;
        const onChunk = tags ? (c: Buffer) => budget.counted(e.name, tags.feed(c)) : () => undefined;
        budget.spent(e.name, await inflateEntry(zip, e, budget.room(), onChunk, () => tooLarge(e.name, limits)));
      }
    }
    return { sheets, inflatedBytes: budget.bytes, partElements: budget.partElements };
  } catch (e) {
    if (e instanceof ZipError) throw fail(`${fileName}: ${e.message}`);
    throw e;
  }
}

/** What the whole workbook has used so far, against its limits. */
class Budget {
  bytes = 0;
  cells = 0;
  elements = 0;
  validationCells = 0;
  constructor(readonly limits: XlsxLimits) {}
  room(): number {
    return Math.max(1, Math.min(this.limits.entryBytes, this.limits.totalBytes - this.bytes));
  }
  spent(name: string, n: number): void {
    this.bytes += n;
    if (this.bytes > this.limits.totalBytes) throw tooLarge(name, this.limits);
  }
  partElements = 0;
  /** `n` more elements in part `name` (not a worksheet). */
  counted(name: string, n: number): void {
    this.partElements += n;
    const max = this.limits.partElements ?? SCAN_LIMITS.partElements;
    if (this.partElements > max) {
      throw new ZipError(
        "too_large",
        `"${name}" berisi terlalu banyak elemen XML (sudah ${fmt(this.partElements)} di luar sheet saat pemeriksaan dihentikan; paling banyak ${fmt(max)})`,
      );
    }
  }
}

/** Start tags (`<` and a name) in XML fed in chunks of any size. */
export class TagCounter {
  private ltAtEnd = false;
  /** The start tags in `chunk`, counting one split from the previous chunk. */
  feed(chunk: Buffer): number {
    let n = 0;
    if (this.ltAtEnd && chunk.length > 0 && startsName(chunk[0]!)) n++;
    let i = chunk.indexOf(LT);
    while (i >= 0 && i < chunk.length - 1) {
      if (startsName(chunk[i + 1]!)) n++;
      i = chunk.indexOf(LT, i + 1);
    }
    this.ltAtEnd = chunk.length > 0 && chunk[chunk.length - 1] === LT;
    return n;
  }
}

/** A letter, `_`, `:` or a byte of a non-ASCII name: what follows `<` in a start tag. */
const startsName = (b: number) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f || b === 0x3a || b >= 0x80;

async function scanSheet(zip: ListedZip, entry: ZipDirEntry, name: string, budget: Budget, limits: XlsxLimits): Promise<SheetCounts> {
  const counter = new SheetCounter();
  const maxElements = limits.elements ?? SCAN_LIMITS.elements;
  const maxValidation = limits.validationCells ?? SCAN_LIMITS.validationCells;
  const maxMerges = limits.merges ?? SCAN_LIMITS.merges;
  const base = { cells: budget.cells, elements: budget.elements, validation: budget.validationCells };
  const check = () => {
    const c = counter;
    if (c.valueRows > limits.rows) {
      throw fail(
        `terlalu banyak baris berisi nilai (sudah ${fmt(c.valueRows)} saat pemeriksaan dihentikan; paling banyak ${fmt(limits.rows)}, baris kosong tidak dihitung)`,
        name,
      );
    }
    if (base.cells + c.valueCells > limits.cells) {
      throw fail(
        `buku kerja terlalu besar: sudah ${fmt(base.cells + c.valueCells)} sel berisi nilai saat pemeriksaan dihentikan (paling banyak ${fmt(limits.cells)} di seluruh sheet)`,
        name,
      );
    }
    const elements = base.elements + c.rowElements + c.cellElements + c.mergedCells;
    if (elements > maxElements) {
      throw fail(
        `terlalu banyak sel dan baris, termasuk yang kosong atau hanya berformat (sudah ${fmt(elements)} elemen sel, baris dan sel gabungan saat pemeriksaan dihentikan; paling banyak ${fmt(maxElements)} di seluruh buku kerja); hapus baris dan kolom kosong yang berformat lalu simpan ulang`,
        name,
      );
    }
    if (c.merges > maxMerges) {
      throw fail(`terlalu banyak rentang sel gabungan (sudah ${fmt(c.merges)}; paling banyak ${fmt(maxMerges)} per sheet)`, name);
    }
    if (base.validation + c.validationCells > maxValidation) {
      throw fail(
        `validasi data mencakup terlalu banyak sel (sudah ${fmt(base.validation + c.validationCells)}; paling banyak ${fmt(maxValidation)} di seluruh buku kerja); batasi validasi pada sel yang dipakai`,
        name,
      );
    }
  };
  const n = await inflateEntry(
    zip,
    entry,
    budget.room(),
    (chunk) => {
      counter.feed(chunk);
      check();
    },
    () => tooLarge(entry.name, limits),
  );
  counter.end();
  check();
  budget.spent(entry.name, n);
  budget.cells += counter.valueCells;
  budget.elements += counter.rowElements + counter.cellElements + counter.mergedCells;
  budget.validationCells += counter.validationCells;
  return {
    file: entry.name,
    name,
    valueRows: counter.valueRows,
    valueCells: counter.valueCells,
    rowElements: counter.rowElements,
    cellElements: counter.cellElements,
    merges: counter.merges,
    mergedCells: counter.mergedCells,
    validationCells: counter.validationCells,
  };
}

const LT = 0x3c;
const GT = 0x3e;
/** What may follow an element's name: whitespace, `>` or `/`. */
const ends = (b: number | undefined) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === GT || b === 0x2f;
const startsWith = (buf: Buffer, at: number, word: string): boolean => {
  for (let k = 0; k < word.length; k++) if (buf[at + k] !== word.charCodeAt(k)) return false;
  return ends(buf[at + word.length]);
};
/** A tag whose attributes are needed may be this long before the scan gives up on it. */
const MAX_TAG = 1024 * 1024;

/**
 * Counts a worksheet's XML fed in chunks of any size. It looks only at what follows each `<`, so a
 * tag split across two chunks is carried over (a few bytes; a whole `<mergeCell>` or
 * `<dataValidation>` tag when its attributes are needed). Elements with a namespace prefix are not
 * counted: ExcelJS does not read them either.
 */
export class SheetCounter {
  valueRows = 0;
  valueCells = 0;
  rowElements = 0;
  cellElements = 0;
  merges = 0;
  mergedCells = 0;
  validationCells = 0;
  private inCell = false;
  private cellHasValue = false;
  private rowHasValue = false;
  private carry: Buffer | null = null;

  feed(chunk: Buffer): void {
    this.scan(this.carry ? Buffer.concat([this.carry, chunk]) : chunk, false);
  }

  end(): void {
    if (this.carry) this.scan(this.carry, true);
    this.carry = null;
  }

  private scan(buf: Buffer, final: boolean): void {
    this.carry = null;
    // Short names are recognised from the bytes after `<`; near the end of a chunk, wait for more.
    const stop = final ? buf.length : buf.length - 16;
    let i = 0;
    for (;;) {
      const lt = buf.indexOf(LT, i);
      if (lt < 0) return;
      if (lt >= stop) {
        this.carry = buf.subarray(lt);
        return;
      }
      i = lt + 1;
      switch (buf[lt + 1]) {
        case 0x63: // <c
          if (ends(buf[lt + 2])) {
            this.inCell = true;
            this.cellHasValue = false;
            this.cellElements++;
          }
          break;
        case 0x76: // <v
        case 0x66: // <f
          if (ends(buf[lt + 2])) this.value();
          break;
        case 0x69: // <is
          if (buf[lt + 2] === 0x73 && ends(buf[lt + 3])) this.value();
          break;
        case 0x72: // <row
          if (startsWith(buf, lt + 1, "row")) {
            this.inCell = false;
            this.rowHasValue = false;
            this.rowElements++;
          }
          break;
        case 0x2f: // </c, </row
          if (ends(buf[lt + 3]) && buf[lt + 2] === 0x63) this.inCell = false;
          else if (startsWith(buf, lt + 2, "row")) {
            this.inCell = false;
            this.rowHasValue = false;
          }
          break;
        case 0x6d: // <mergeCell
        case 0x64: {
          // <dataValidation
          const merge = startsWith(buf, lt + 1, "mergeCell");
          if (!merge && !startsWith(buf, lt + 1, "dataValidation")) break;
          const gt = buf.indexOf(GT, lt);
          if (gt < 0) {
            if (buf.length - lt > MAX_TAG) throw new ZipError("corrupt", "sheet berisi tag XML yang terlalu panjang");
            if (!final) this.carry = buf.subarray(lt);
            return;
          }
          const tag = buf.toString("latin1", lt, gt);
          const area = rangeArea(attribute(tag, merge ? "ref" : "sqref"));
          if (merge) {
            this.merges++;
            // The top-left cell is usually a <c> of its own already.
            this.mergedCells += Math.max(0, area - 1);
          } else {
            this.validationCells += area;
          }
          i = gt + 1;
          break;
        }
      }
    }
  }

  private value(): void {
    if (!this.inCell || this.cellHasValue) return;
    this.cellHasValue = true;
    this.valueCells++;
    if (!this.rowHasValue) {
      this.rowHasValue = true;
      this.valueRows++;
    }
  }
}

function attribute(tag: string, name: string): string {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(tag);
  return m ? (m[1] ?? m[2] ?? "") : "";
}

function colNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** Cells in a space-separated list of ranges (`A1:B3 D4`); what cannot be read counts as one cell. */
export function rangeArea(sqref: string): number {
  let total = 0;
  for (const part of sqref.trim().split(/\s+/)) {
    if (!part) continue;
    const m = /^\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?$/i.exec(part);
    if (!m) {
      total += 1;
      continue;
    }
    const c1 = colNumber(m[1]!.toUpperCase());
    const r1 = Number(m[2]);
    const c2 = m[3] ? colNumber(m[3].toUpperCase()) : c1;
    const r2 = m[4] ? Number(m[4]) : r1;
    total += (Math.abs(r2 - r1) + 1) * (Math.abs(c2 - c1) + 1);
  }
  return total;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const unescapeXml = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) =>
    e[0] === "#"
      ? String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : Number(e.slice(1)))
      : ENTITIES[e.toLowerCase()]!,
  );

/** Worksheet part → sheet name, from xl/workbook.xml and its relationships. */
export function sheetNames(workbookXml: string, relsXml: string): Map<string, string> {
  const targets = new Map<string, string>();
  for (const m of relsXml.matchAll(/<(?:\w+:)?Relationship\b[^>]*>/g)) {
    const id = attribute(m[0], "Id");
    const target = attribute(m[0], "Target");
    if (!id || !target) continue;
    const part = target.startsWith("/") ? target.slice(1) : `xl/${target.replace(/^\.\//, "")}`;
    targets.set(id, unescapeXml(part));
  }
  const out = new Map<string, string>();
  for (const m of workbookXml.matchAll(/<(?:\w+:)?sheet\s[^>]*>/g)) {
    const name = attribute(m[0], "name");
    const id = /\s(?:\w+:)?id\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(m[0]);
    const part = id ? targets.get(id[1] ?? id[2] ?? "") : undefined;
    if (name && part) out.set(part, unescapeXml(name));
  }
  return out;
}
