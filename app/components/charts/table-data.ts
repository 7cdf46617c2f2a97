/**
 * The data behind a chart, as one table: the chart draws it, the toggle shows it, the CSV download
 * serialises it. Pure (runs on the server and in the browser).
 */
export type Cell = string | number | null;

export type ColumnFormat = "text" | "number" | "int" | "percent";

export interface DataColumn {
  key: string;
  /** A dictionary key (dash.…) or literal text such as a year. */
  label: string;
  format?: ColumnFormat;
}

export type DataRow = Record<string, Cell>;

export interface DataTable {
  columns: DataColumn[];
  rows: DataRow[];
  /** Row key whose value links the first column (drill-down), kept out of the table and the CSV. */
  hrefKey?: string;
}

function csvCell(v: Cell): string {
  if (v === null) return "";
  const s = typeof v === "number" ? (Number.isFinite(v) ? String(v) : "") : v;
  // Quote when needed; a leading =, +, - or @ would be run as a formula by spreadsheets.
  const safe = /^[=+\-@\t\r]/.test(s) && typeof v === "string" ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * RFC 4180 CSV with a UTF-8 byte-order mark (so spreadsheets read Indonesian text correctly). Numbers
 * are written unrounded with a decimal point: exactly the stored values, not the rounded display.
 */
export function toCsv(table: DataTable, label: (l: string) => string): string {
  const lines = [table.columns.map((c) => csvCell(label(c.label))).join(",")];
  for (const row of table.rows) lines.push(table.columns.map((c) => csvCell(row[c.key] ?? null)).join(","));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}
