/**
 * The data behind a chart, as one table: the chart draws it, the toggle shows it, the CSV and XLSX
 * downloads serialise it (services/dashboard/export.ts). Pure (runs on the server and in the browser).
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
  /** Row key whose value links the first column (drill-down), kept out of the table and the downloads. */
  hrefKey?: string;
}
