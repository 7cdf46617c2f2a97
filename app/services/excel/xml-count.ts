/*
 * Counting worksheet XML as it streams by, in chunks of any size, without parsing it into a tree:
 * start tags, rows and cells (with and without values), merges and data-validation areas; and the
 * sheet names of a workbook. Used by xlsx-scan.server.ts before ExcelJS sees the bytes.
 */
import { ZipError } from "./zip.server";

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
  /**
   * Empty cells after a value in the same row, and their bytes. LibreOffice pads every formatted row
   * out to column XFD (the official PMPRB workbook saved there: 212 rows, 3.46 million such cells,
   * 71 MB of XML). They hold nothing to read: openWorkbook strips them before ExcelJS, and the scan
   * does not count them as elements or against the size limits.
   */
  paddingCells = 0;
  paddingBytes = 0;
  /** Bytes fed so far. */
  bytes = 0;
  private inCell = false;
  /** Where the cell that started last begins (offset), while it is not judged yet; whether its row had a value before it. */
  private cellStart = -1;
  private afterValue = false;
  private cellHasValue = false;
  private rowHasValue = false;
  private carry: Buffer | null = null;

  feed(chunk: Buffer): void {
    const carried = this.carry?.length ?? 0;
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const base = this.bytes - carried;
    this.bytes += chunk.length;
    this.scan(buf, false, base);
  }

  end(): void {
    if (this.carry) this.scan(this.carry, true, this.bytes - this.carry.length);
    this.carry = null;
    this.closeCell(this.bytes);
  }

  /** Judges the cell that started last, now that the next tag begins at `at`: empty after a value in its row is padding. */
  private closeCell(at: number): void {
    if (this.cellStart >= 0 && !this.cellHasValue && this.afterValue) {
      this.paddingCells++;
      this.paddingBytes += at - this.cellStart;
    }
    this.cellStart = -1;
  }

  private scan(buf: Buffer, final: boolean, base: number): void {
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
            this.closeCell(base + lt);
            this.inCell = true;
            this.cellHasValue = false;
            this.cellElements++;
            this.cellStart = base + lt;
            this.afterValue = this.rowHasValue;
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
            this.closeCell(base + lt);
            this.inCell = false;
            this.rowHasValue = false;
            this.rowElements++;
          }
          break;
        case 0x2f: // </c, </row
          if (ends(buf[lt + 3]) && buf[lt + 2] === 0x63) this.inCell = false;
          else if (startsWith(buf, lt + 2, "row")) {
            this.closeCell(base + lt);
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
            if (buf.length - lt > MAX_TAG) throw new ZipError("corrupt", "lke.issue.zip.longTag");
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

export function attribute(tag: string, name: string): string {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(tag);
  return m ? (m[1] ?? m[2] ?? "") : "";
}

export function colNumber(letters: string): number {
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
