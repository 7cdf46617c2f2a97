/*
 * What both workbook readers share: the problems they report (sheet and cell named), the answers
 * they return, and how a cell's shown value is read.
 */
import type ExcelJS from "exceljs";
import type { CellValue } from "~/domain/lke/cells";
import type { LkeLayer } from "~/domain/lke/layout";
import type { AnswerValue } from "~/domain/scoring/answers";

export interface LkeIssue {
  sheet: string | null;
  cell: string | null;
  message: string;
}

export class LkeError extends Error {
  constructor(readonly issues: LkeIssue[]) {
    super(issues.map(issueText).join("\n"));
  }
}

export function issueText(i: LkeIssue): string {
  const where = i.sheet ? `sheet ${i.sheet}${i.cell ? `, sel ${i.cell}` : ""}: ` : "";
  return `${where}${i.message}`;
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

export interface ParsedWorkbook {
  cells: ParsedCell[];
  /** Layers whose columns the workbook has. */
  layers: LkeLayer[];
  unmatched: UnmatchedRow[];
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
