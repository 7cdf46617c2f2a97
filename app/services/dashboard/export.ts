/**
 * A chart's data table as a download people open in a spreadsheet: the columns the page shows, under
 * their translated labels, with numbers rounded as the page shows them, and every rounded column's
 * full-precision value beside it. The CSV follows the reader's locale convention (Indonesian Excel
 * reads `;` and a decimal comma; English `,` and a decimal point); the XLSX (xlsx.server.ts) holds
 * typed numbers and is the same in every locale but for its labels. Pure: no database, no Node APIs.
 * See the README section "Exports".
 */
import type { Cell, DataColumn, DataTable } from "~/components/charts/table-data";
import { dashTranslator } from "~/components/dashboard/dash-t";
import type { Locale } from "~/i18n";

/** Decimals the page shows for a number or percent column (formatCell in chart-figure.tsx). */
export const SHOWN_DECIMALS = 2;

/** How a column is exported: text, a whole number, or a decimal rounded as shown (with its full value kept). */
export type ExportKind = "text" | "int" | "decimal" | "percent";

export interface ExportColumn {
  key: string;
  label: string;
  kind: ExportKind;
}

export interface ExportLayout {
  /** The columns as the page's table shows them, in its order. */
  shown: ExportColumn[];
  /** The full-precision copies of the rounded (decimal and percent) columns, labelled as such. */
  full: ExportColumn[];
}

const kindOf = (c: DataColumn): ExportKind =>
  c.format === "number" ? "decimal" : c.format === "percent" ? "percent" : c.format === "int" ? "int" : "text";

/** The table's columns for an export, and which of them also get a full-precision column. */
export function exportLayout(table: DataTable, locale: Locale): ExportLayout {
  const t = dashTranslator(locale);
  const shown = table.columns.map((c) => ({ key: c.key, label: c.label, kind: kindOf(c) }));
  const full = shown
    .filter((c) => c.kind === "decimal" || c.kind === "percent")
    .map((c) => ({ ...c, label: t("dash.export.fullLabel", { label: c.label }) }));
  return { shown, full };
}

/** A number rounded as the page shows it (2 decimals, or none for counts); −0 becomes 0. */
export function roundAsShown(v: number, kind: ExportKind): number {
  const digits = kind === "int" ? 0 : SHOWN_DECIMALS;
  const r = Number(v.toFixed(digits));
  return r === 0 ? 0 : r;
}

const finite = (v: Cell): v is number => typeof v === "number" && Number.isFinite(v);

/** The locale's CSV convention: Indonesian Excel splits on `;` and reads a decimal comma. */
export const CSV_CONVENTION: Record<Locale, { separator: string; decimal: string }> = {
  id: { separator: ";", decimal: "," },
  en: { separator: ",", decimal: "." },
};

/**
 * The CSV of a chart table in the reader's convention: UTF-8 with a byte-order mark, CRLF line ends,
 * a header row of the table's labels, then one row per table row. Decimal columns are written rounded
 * as shown with exactly 2 decimals ("84,63"; no thousands separator), counts as whole numbers, and
 * every decimal column again at the end of the row at full precision ("84,63142622582096"). Text is
 * quoted when it holds the separator, a quote or a line break; text starting with = + - @ gets a
 * leading apostrophe so a spreadsheet does not run it as a formula.
 */
export function chartCsv(table: DataTable, locale: Locale): string {
  const { separator, decimal } = CSV_CONVENTION[locale];
  const { shown, full } = exportLayout(table, locale);
  const quote = (s: string) => (s.includes(separator) || /["\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const text = (s: string) => quote(/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
  const num = (s: string) => (decimal === "." ? s : s.replace(".", decimal));
  const cell = (v: Cell, c: ExportColumn, precision: "shown" | "full"): string => {
    if (v === null || v === undefined) return "";
    if (typeof v === "string") return text(v);
    if (!finite(v)) return "";
    if (precision === "full" || c.kind === "text") return num(String(v));
    return num(roundAsShown(v, c.kind).toFixed(c.kind === "int" ? 0 : SHOWN_DECIMALS));
  };
  const lines = [[...shown, ...full].map((c) => text(c.label)).join(separator)];
  for (const row of table.rows) {
    const cells = [...shown.map((c) => cell(row[c.key] ?? null, c, "shown")), ...full.map((c) => cell(row[c.key] ?? null, c, "full"))];
    lines.push(cells.join(separator));
  }
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

/** The XLSX download of the chart whose CSV is at `csvHref` (same chart id and query). */
export function xlsxHref(csvHref: string): string {
  return csvHref.replace(/^\/dashboard\/csv\//, "/dashboard/xlsx/");
}

/** The download's file name: `cermin-<chart>-<YYYY-MM-DD>.<ext>`. */
export function exportFileName(chartId: string, ext: "csv" | "xlsx", now = new Date()): string {
  return `cermin-${chartId.replace(/[^\w.-]/g, "_")}-${now.toISOString().slice(0, 10)}.${ext}`;
}
