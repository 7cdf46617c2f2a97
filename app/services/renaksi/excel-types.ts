/** The plan workbook's import results and refusals (issue #29; excel.server.ts): shared by reading, diffing and applying. */
import type { TematikNodeKind } from "#db/schema";
import type { MessageKey } from "~/i18n";
import type { MessageParams } from "~/i18n/keyed";

// ── Types ─────────────────────────────────────────────────────────────────────────────────────

/** A problem of the workbook: where (sheet and cell; null for the whole file) and why, as a message key. */
export interface PlanExcelIssue {
  sheet: string | null;
  cell: string | null;
  key: MessageKey;
  params: MessageParams;
}

export type ImportEntity = "action" | "output" | TematikNodeKind;
export type Value = string | number | null;

export interface FieldChange {
  column: string;
  cell: string;
  before: Value;
  after: Value;
  /** A blank cell over a stored value. */
  clears: boolean;
}

export interface RowChange {
  sheet: string;
  row: number;
  op: "add" | "change";
  entity: ImportEntity;
  name: string;
  fields: FieldChange[];
}

export interface PlanImportPreview {
  sha256: string;
  /** The plan's version the preview was computed against (apply refuses when it moved on). */
  planVersion: number;
  changes: RowChange[];
  errors: PlanExcelIssue[];
  counts: { added: number; changed: number; cleared: number };
}

export interface PlanImportResult {
  added: number;
  changed: number;
  cleared: number;
}

export class RenaksiExcelError extends Error {
  constructor(
    readonly key: "renaksiExcel.stale" | "renaksiExcel.clearNeedsConfirm" | "renaksiExcel.hasErrors" | "renaksiExcel.tooLarge",
    readonly params: Record<string, string | number> = {},
    readonly issues: PlanExcelIssue[] = [],
  ) {
    super(key);
  }
}

/** One problem of the workbook, with its sheet and cell. */
export const issue = (sheet: string | null, cell: string | null, key: MessageKey, params: MessageParams = {}): PlanExcelIssue => ({
  sheet,
  cell,
  key,
  params,
});
