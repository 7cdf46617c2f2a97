/*
 * What both workbook readers share: the problems they report (sheet and cell named), the answers
 * they return, and how a cell's shown value is read.
 */
import type ExcelJS from "exceljs";
import type { CellValue } from "~/domain/lke/cells";
import type { LkeLayer } from "~/domain/lke/layout";
import type { LkeIssue, LkeMessage } from "~/domain/lke/issues";
import type { AnswerValue } from "~/domain/scoring/answers";
import { indonesianLkeIssue } from "~/i18n/lke-issues";

export type { LkeIssue } from "~/domain/lke/issues";
export { lkeIssue } from "~/domain/lke/issues";

/**
 * A workbook that cannot be read or imported: every problem as a key with parameters (the pages
 * translate them); the message is their Indonesian rendering, as the CLI prints them.
 */
export class LkeError extends Error {
  constructor(readonly issues: LkeIssue[]) {
    super(issues.map(issueText).join("\n"));
  }
}

/** "sheet Jawaban, sel D12: …" in Indonesian (the CLI's and exception messages' language). */
export const issueText = (i: LkeIssue): string => indonesianLkeIssue(i);

/** A cell whose value cannot be read as the item's answer: where, the item, and why (the cell parser's message). */
export function cellIssue(sheet: string, cell: string, item: string, why: LkeMessage): LkeIssue {
  return { sheet, cell, item, key: why.key, params: why.params };
}

/** Limits on what an uploaded workbook may unpack to (a ZI LKE from Cermin is ~0.3 MB unpacked). */
export interface ParsedCell {
  layer: LkeLayer;
  itemId: string;
  value: AnswerValue;
  note: string | null;
  links: string[];
  /** Where the item's answer sits, e.g. "D12". */
  cell: string;
}

export interface UnmatchedRow {
  sheet: string;
  row: number;
  code: string | null;
  text: string;
}

/** One answer column group of a workbook (the official PMPRB workbook has two, headed by year). */
export interface AnswerGroup {
  /** 0-based, in column order. */
  index: number;
  /** What heads the group, e.g. "PENILAIAN TAHUN 2015", "Jawaban", "Jawaban TPI". */
  header: string;
  /** Column letters, e.g. "K"; null when the group has no such column. */
  answerColumn: string;
  noteColumn: string | null;
  linkColumn: string | null;
}

export interface ParsedWorkbook {
  cells: ParsedCell[];
  /** Layers whose columns the workbook has. */
  layers: LkeLayer[];
  unmatched: UnmatchedRow[];
  /** The sheet read. */
  sheet: string;
  /** Every answer column group found (Cermin's layout: one per layer; official workbooks: one per "Jawaban" column). */
  groups: AnswerGroup[];
  /** The group read into `cells` (index into `groups`); Cermin's layout reads every layer group at once: null. */
  chosenGroup: number | null;
  /** How much of the instrument the workbook covered: item rows recognised, items of the instrument, items with an answer. */
  recognised: { items: number; itemsTotal: number; answered: number };
}

/** The text or number a cell shows: formulas as their cached value, rich text and links as their text. */
export function cellValue(cell: ExcelJS.Cell): CellValue {
  const v = cell.value as unknown;
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    if ("result" in o || "formula" in o || "sharedFormula" in o) {
      const r = o.result;
      if (r === undefined || r === null) return null;
      if (typeof r === "object" && r !== null && "error" in r) return null;
      return r instanceof Date ? r.toISOString().slice(0, 10) : (r as CellValue);
    }
    if (Array.isArray(o.richText)) return (o.richText as Array<{ text: string }>).map((t) => t.text).join("");
    if ("hyperlink" in o) {
      const text = typeof o.text === "string" ? o.text : "";
      const link = String(o.hyperlink ?? "");
      return text.includes(link) ? text : `${text} ${link}`.trim();
    }
    if ("error" in o) return null;
  }
  return String(v);
}

export const text = (cell: ExcelJS.Cell) => {
  const v = cellValue(cell);
  return v === null ? "" : String(v).trim();
};

/** Vets the bytes and loads the workbook. @throws LkeError with a message naming what is wrong. */

/**
 * The last row with a cell holding a value (0 when there is none). Readers loop to this, not to
 * `ws.rowCount`: a row moved or deleted in LibreOffice leaves an empty row 1048576 behind, and a
 * loop to `rowCount` would walk a million rows. ExcelJS skips rows without values itself.
 */
export function lastValueRow(ws: ExcelJS.Worksheet): number {
  // ExcelJS keeps rows in a sparse array: its keys are the rows that exist, so walk those from the
  // end rather than every index (eachRow visits all million slots, ~30-60 ms).
  const rows = (ws as unknown as { _rows?: Array<ExcelJS.Row | undefined> })._rows;
  if (Array.isArray(rows)) {
    const keys = Object.keys(rows);
    for (let k = keys.length - 1; k >= 0; k--) {
      const row = rows[Number(keys[k])];
      if (row?.hasValues) return row.number;
    }
    return 0;
  }
  let last = 0;
  ws.eachRow((_row, n) => {
    last = n;
  });
  return last;
}
