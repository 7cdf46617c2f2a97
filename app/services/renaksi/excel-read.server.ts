/** Reading a plan workbook (issue #29): checked for hostile content, headers in order, every row's cells as typed. */

import ExcelJS from "exceljs";
import type { MessageParams } from "~/i18n/keyed";
import { cellValue, lastValueRow, LkeError } from "~/services/excel/sheet.server";
import { stripPadding } from "~/services/excel/strip-padding.server";
import { vetXlsx } from "~/services/excel/xlsx-scan.server";
import {
  FIRST_DATA_ROW,
  GENERAL_COLUMNS,
  GENERAL_SHEET,
  MAX_PLAN_ROWS,
  MAX_PLAN_WORKBOOK_BYTES,
  META_SHEET,
  TEMATIK_COLUMNS,
  TEMATIK_SHEET,
  colLetter,
  type CellRaw,
  type Column,
} from "./excel-shape";
import { issue, RenaksiExcelError, type PlanExcelIssue } from "./excel-types";

// ── Reading ───────────────────────────────────────────────────────────────────────────────────

export interface SheetRow {
  row: number;
  raw: Record<string, CellRaw>;
}

export interface ReadBook {
  general: SheetRow[] | null;
  tematik: SheetRow[] | null;
  errors: PlanExcelIssue[];
}

function readSheet(ws: ExcelJS.Worksheet, columns: Column[], errors: PlanExcelIssue[]): SheetRow[] | null {
  const header = ws.getRow(1);
  for (const [i, c] of columns.entries()) {
    const found = String(cellValue(header.getCell(i + 1)) ?? "").trim();
    if (found.toLowerCase() !== c.key) {
      errors.push(
        issue(ws.name, `${colLetter(i + 1)}1`, "renaksiExcel.issue.header", { column: colLetter(i + 1), expected: c.key, found }),
      );
      return null;
    }
  }
  const last = lastValueRow(ws);
  if (last - FIRST_DATA_ROW + 1 > MAX_PLAN_ROWS) {
    errors.push(issue(ws.name, null, "renaksiExcel.issue.tooManyRows", { max: MAX_PLAN_ROWS }));
    return null;
  }
  const rows: SheetRow[] = [];
  for (let r = 2; r <= last; r++) {
    const row = ws.getRow(r);
    if (r === 2 && String(cellValue(row.getCell(1)) ?? "").trim() === columns[0]!.label) continue;
    const raw: Record<string, CellRaw> = {};
    let any = false;
    for (const [i, c] of columns.entries()) {
      const v = cellValue(row.getCell(i + 1));
      raw[c.key] = v;
      if (c.kind !== "derived" && v !== null && String(v).trim() !== "") any = true;
    }
    if (any) rows.push({ row: r, raw });
  }
  return rows;
}

export async function readBook(bytes: Uint8Array, fileName: string, planId: string): Promise<ReadBook> {
  const errors: PlanExcelIssue[] = [];
  const empty = (e: PlanExcelIssue[]): ReadBook => ({ general: null, tematik: null, errors: e });
  if (bytes.length > MAX_PLAN_WORKBOOK_BYTES) throw new RenaksiExcelError("renaksiExcel.tooLarge", { kb: MAX_PLAN_WORKBOOK_BYTES / 1024 });
  const wb = new ExcelJS.Workbook();
  try {
    const scan = await vetXlsx(bytes, fileName, {
      entryBytes: 16 * 1024 * 1024,
      totalBytes: 32 * 1024 * 1024,
      entries: 500,
      rows: MAX_PLAN_ROWS * 3,
      cells: 400_000,
    });
    const clean = await stripPadding(bytes, scan.sheets);
    await wb.xlsx.load(Buffer.from(clean.buffer, clean.byteOffset, clean.byteLength) as unknown as ArrayBuffer);
  } catch (e) {
    if (e instanceof LkeError) return empty(e.issues.map((i) => issue(i.sheet, i.cell, i.key, i.params as MessageParams)));
    return empty([issue(null, null, "lke.issue.unreadable", { file: fileName, error: e instanceof Error ? e.message : String(e) })]);
  }
  const meta = wb.getWorksheet(META_SHEET);
  if (meta) {
    let plan: string | null = null;
    meta.eachRow((row) => {
      if (String(cellValue(row.getCell(1)) ?? "") === "plan") plan = String(cellValue(row.getCell(2)) ?? "").trim() || null;
    });
    if (plan && plan !== planId) return empty([issue(META_SHEET, null, "renaksiExcel.issue.otherPlan", { workbook: plan })]);
  }
  const g = wb.getWorksheet(GENERAL_SHEET);
  const t = wb.getWorksheet(TEMATIK_SHEET);
  if (!g && !t) return empty([issue(null, null, "renaksiExcel.issue.noSheet", { general: GENERAL_SHEET, tematik: TEMATIK_SHEET })]);
  return { general: g ? readSheet(g, GENERAL_COLUMNS, errors) : null, tematik: t ? readSheet(t, TEMATIK_COLUMNS, errors) : null, errors };
}
