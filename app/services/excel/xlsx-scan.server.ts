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
import { lkeIssue, type LkeIssueKey, type LkeParams } from "~/domain/lke/issues";
import { LkeError } from "./sheet.server";
import { SheetCounter, sheetNames, TagCounter } from "./xml-count";
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
export const SCAN_LIMITS = {
  elements: 1_000_000,
  validationCells: 2_000_000,
  merges: 5_000,
  partElements: 1_000_000,
  /** A worksheet with LibreOffice's padding may inflate this far (scanned, never held): its content still counts against entryBytes. */
  paddedSheetBytes: 256 * 1024 * 1024,
} as const;

export interface SheetCounts {
  /** The part, e.g. `xl/worksheets/sheet1.xml`. */
  file: string;
  /** The sheet's name in xl/workbook.xml (the part's name when it is not listed there). */
  name: string;
  valueRows: number;
  valueCells: number;
  rowElements: number;
  cellElements: number;
  /** Empty cells after a value in their row (LibreOffice's padding to column XFD), stripped before ExcelJS. */
  paddingCells: number;
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
/** A refusal of the file (or of one sheet, named). */
const fail = (key: LkeIssueKey, params: LkeParams, sheet: string | null = null): LkeError => new LkeError([lkeIssue(sheet, null, key, params)]);

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
    throw fail("lke.issue.xls", { file: fileName });
  }
  if (!looksLikeZip(bytes)) throw fail("lke.issue.notXlsx", { file: fileName });
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
      throw fail("lke.issue.ods", { file: fileName });
    }
    if (mime.startsWith("application/vnd.oasis.opendocument")) {
      throw fail("lke.issue.openDocument", { file: fileName, mime });
    }
    if (!byName.has("[Content_Types].xml") || !byName.has("xl/workbook.xml")) {
      throw fail("lke.issue.zipNotWorkbook", { file: fileName });
    }
    const contentTypes = await small("[Content_Types].xml");
    if (zip.entries.some((e) => /vbaProject\.bin$/i.test(e.name)) || /macroEnabled/i.test(contentTypes)) {
      throw fail("lke.issue.macro", { file: fileName });
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
    if (e instanceof ZipError) throw fail("lke.issue.inFile", { file: fileName, problem: e.problem });
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
      throw new ZipError("too_large", "lke.issue.tooManyPartElements", { part: name, count: this.partElements, max });
    }
  }
}

async function scanSheet(zip: ListedZip, entry: ZipDirEntry, name: string, budget: Budget, limits: XlsxLimits): Promise<SheetCounts> {
  const counter = new SheetCounter();
  const maxElements = limits.elements ?? SCAN_LIMITS.elements;
  const maxValidation = limits.validationCells ?? SCAN_LIMITS.validationCells;
  const maxMerges = limits.merges ?? SCAN_LIMITS.merges;
  const base = { cells: budget.cells, elements: budget.elements, validation: budget.validationCells };
  const check = () => {
    const c = counter;
    if (c.valueRows > limits.rows) {
      throw fail("lke.issue.tooManyRows", { count: c.valueRows, max: limits.rows }, name);
    }
    if (base.cells + c.valueCells > limits.cells) {
      throw fail("lke.issue.tooManyCells", { count: base.cells + c.valueCells, max: limits.cells }, name);
    }
    // LibreOffice's padding (empty cells after a row's values) is stripped before ExcelJS: it counts
    // neither as elements nor as bytes; a sheet of nothing but padding-free content is measured as before.
    if (c.bytes - c.paddingBytes > room) throw tooLarge(entry.name, limits);
    const elements = base.elements + c.rowElements + c.cellElements - c.paddingCells + c.mergedCells;
    if (elements > maxElements) {
      throw fail("lke.issue.tooManyElements", { count: elements, max: maxElements }, name);
    }
    if (c.merges > maxMerges) {
      throw fail("lke.issue.tooManyMerges", { count: c.merges, max: maxMerges }, name);
    }
    if (base.validation + c.validationCells > maxValidation) {
      throw fail("lke.issue.tooManyValidation", { count: base.validation + c.validationCells, max: maxValidation }, name);
    }
  };
  const room = budget.room();
  const n = await inflateEntry(
    zip,
    entry,
    Math.max(room, SCAN_LIMITS.paddedSheetBytes),
    (chunk) => {
      counter.feed(chunk);
      check();
    },
    () => tooLarge(entry.name, limits),
  );
  counter.end();
  check();
  budget.spent(entry.name, n - counter.paddingBytes);
  budget.cells += counter.valueCells;
  budget.elements += counter.rowElements + counter.cellElements - counter.paddingCells + counter.mergedCells;
  budget.validationCells += counter.validationCells;
  return {
    file: entry.name,
    name,
    valueRows: counter.valueRows,
    valueCells: counter.valueCells,
    rowElements: counter.rowElements,
    cellElements: counter.cellElements,
    paddingCells: counter.paddingCells,
    merges: counter.merges,
    mergedCells: counter.mergedCells,
    validationCells: counter.validationCells,
  };
}
