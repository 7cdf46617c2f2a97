/**
 * A chart's data table as an Excel workbook (see export.ts for what the CSV holds and the README
 * section "Exports"). Three sheets:
 *  1. the table as the page shows it: typed numbers rounded to 2 decimals with a number format that
 *     shows 2 decimals (`#,##0.00`; percent columns `0.00" %"`; counts `#,##0`), text as text, the
 *     header row bold, frozen and filtered, columns as wide as their content;
 *  2. the same table at full precision (the unrounded stored numbers, format `0.00##############`);
 *  3. what the file is: the chart's title and notes, when it was downloaded.
 * Numbers are stored locale-free, so Excel shows them in the reader's own convention (84,63 or 84.63).
 */
import ExcelJS from "exceljs";
import type { Cell } from "~/components/charts/table-data";
import { dashTranslator } from "~/components/dashboard/dash-t";
import { formatDate, type Locale } from "~/i18n";
import type { ChartPayload } from "./charts.server";
import { exportLayout, roundAsShown, type ExportColumn, type ExportKind } from "./export";

/** Number formats of the shown sheet, by column kind. */
export const XLSX_FORMATS: Record<Exclude<ExportKind, "text">, string> = {
  decimal: "#,##0.00",
  percent: '0.00" %"',
  int: "#,##0",
};
/** The full-precision sheet: at least 2 decimals, up to 16 when the value has them. */
export const XLSX_FULL_FORMAT = "0.00##############";

const MIN_WIDTH = 8;
const MAX_WIDTH = 60;

/** Sheet names are at most 31 characters and may not hold : \ / ? * [ ]. */
const sheetName = (s: string) => s.replace(/[:\\/?*[\]]/g, " ").slice(0, 31);

function addTable(
  wb: ExcelJS.Workbook,
  name: string,
  columns: ExportColumn[],
  rows: Record<string, Cell>[],
  value: (v: number, c: ExportColumn) => number,
  format: (c: ExportColumn) => string | undefined,
): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(sheetName(name), { views: [{ state: "frozen", ySplit: 1, xSplit: 0 }] });
  const header = ws.addRow(columns.map((c) => c.label));
  header.font = { bold: true };
  header.alignment = { vertical: "top", wrapText: true };
  const widths = columns.map((c) => c.label.length);
  for (const row of rows) {
    const cells = columns.map((c, i) => {
      const v = row[c.key] ?? null;
      if (typeof v === "number") {
        if (!Number.isFinite(v)) return null;
        const n = value(v, c);
        widths[i] = Math.max(widths[i]!, n.toFixed(c.kind === "int" ? 0 : 2).length + 2);
        return n;
      }
      if (typeof v === "string") widths[i] = Math.max(widths[i]!, v.length);
      return v;
    });
    ws.addRow(cells);
  }
  columns.forEach((c, i) => {
    const col = ws.getColumn(i + 1);
    col.width = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, widths[i]! + 2));
    const fmt = format(c);
    if (fmt) {
      // Per cell, not per column: a column style would also format the empty cells below the table.
      for (let r = 2; r <= rows.length + 1; r++) ws.getCell(r, i + 1).numFmt = fmt;
      col.alignment = { horizontal: "right" };
    }
  });
  // The header row keeps its own alignment (the column's right alignment applies to numbers).
  header.eachCell((cell) => (cell.alignment = { vertical: "top", wrapText: true }));
  if (columns.length > 0) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  return ws;
}

/** The chart's table as an .xlsx workbook (bytes), labelled in `locale`. */
export async function chartXlsx(chart: ChartPayload<unknown>, locale: Locale, now = new Date()): Promise<Buffer> {
  const t = dashTranslator(locale);
  const { shown } = exportLayout(chart.table, locale);
  const wb = new ExcelJS.Workbook();
  wb.creator = "Cermin";
  wb.title = chart.title;
  wb.created = now;
  wb.modified = now;
  addTable(
    wb,
    t("dash.export.sheet.data"),
    shown,
    chart.table.rows,
    (v, c) => (c.kind === "text" ? v : roundAsShown(v, c.kind)),
    (c) => (c.kind === "text" ? undefined : XLSX_FORMATS[c.kind]),
  );
  addTable(
    wb,
    t("dash.export.sheet.full"),
    shown,
    chart.table.rows,
    (v) => v,
    (c) => (c.kind === "decimal" || c.kind === "percent" ? XLSX_FULL_FORMAT : c.kind === "int" ? XLSX_FORMATS.int : undefined),
  );
  const about = wb.addWorksheet(sheetName(t("dash.export.sheet.about")));
  about.getColumn(1).width = 100;
  about.addRow([chart.title]).font = { bold: true, size: 13 };
  for (const note of chart.notes) about.addRow([note]);
  about.addRow([]);
  about.addRow([t("dash.export.about.rounded", { sheet: t("dash.export.sheet.data") })]);
  about.addRow([t("dash.export.about.full", { sheet: t("dash.export.sheet.full") })]);
  about.addRow([t("dash.export.about.downloaded", { date: formatDate(now.toISOString(), locale) })]);
  about.eachRow((r) => (r.alignment = { wrapText: true, vertical: "top" }));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
