import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { useDashT } from "~/components/dashboard/dash-t";
import { formatNumber, type Locale } from "~/i18n";
import { useLocale } from "~/i18n/use-t";
import { xlsxHref } from "~/services/dashboard/export";
import type { Cell, ColumnFormat, DataTable } from "./table-data";

export function formatCell(v: Cell, format: ColumnFormat | undefined, locale: Locale): string {
  if (v === null || v === undefined) return "–";
  if (typeof v === "string") return v;
  if (format === "int") return formatNumber(v, locale, 0);
  if (format === "percent") return `${formatNumber(v, locale, 2)} %`;
  if (format === "number") return formatNumber(v, locale, 2);
  return String(v);
}

export function DataTableView({ table, caption, testId }: { table: DataTable; caption?: string; testId?: string }) {
  const locale = useLocale();
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid={testId}>
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        <thead>
          <tr>
            {table.columns.map((c) => (
              <th key={c.key} scope="col" className={c.format && c.format !== "text" ? "num" : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row, i) => (
            <tr key={i}>
              {table.columns.map((c, ci) => {
                const text = formatCell(row[c.key] ?? null, c.format, locale);
                const href = ci === 0 && table.hrefKey ? row[table.hrefKey] : null;
                const numeric = c.format && c.format !== "text";
                return ci === 0 ? (
                  <th key={c.key} scope="row">
                    {typeof href === "string" ? <Link to={href}>{text}</Link> : text}
                  </th>
                ) : (
                  <td key={c.key} className={numeric ? "num" : undefined} data-col={c.key}>
                    {text}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface FigureProps {
  id: string;
  title: string;
  table: DataTable;
  csvHref: string;
  notes?: string[];
  /** The chart; omitted when there is nothing to draw. */
  children?: ReactNode;
  /** Show the table open (print, or when there is no chart). */
  open?: boolean;
  extra?: ReactNode;
}

/**
 * A chart with what makes it accessible: a title, the notes that explain it, its data as a table in a
 * toggle beneath, and CSV and Excel downloads of exactly that table.
 */
export function ChartFigure({ id, title, table, csvHref, notes = [], children, open = false, extra }: FigureProps) {
  const t = useDashT();
  const empty = table.rows.length === 0;
  return (
    <figure className="card chart-card" data-testid={`chart-${id}`} aria-labelledby={`chart-${id}-title`}>
      <figcaption id={`chart-${id}-title`} className="chart-title">
        {title}
      </figcaption>
      {empty ? (
        notes.length ? null : (
          <p className="muted">{t("dash.noData")}</p>
        )
      ) : (
        <div className="chart-box" role="img" aria-label={t("dash.chartLabel", { title })}>
          {children}
        </div>
      )}
      {notes.map((n) => (
        <p key={n} className="small muted chart-note">
          {n}
        </p>
      ))}
      {extra}
      {empty ? null : (
        // Keyed by the data source: a new drill-down level starts with its table closed again.
        <details key={csvHref} className="chart-data" open={open || undefined}>
          <summary>{t("dash.table.show")}</summary>
          <DataTableView table={table} caption={t("dash.table.caption", { title })} testId={`table-${id}`} />
        </details>
      )}
      {empty ? null : (
        <p className="chart-actions no-print">
          <a href={csvHref} download data-testid={`csv-${id}`}>
            {t("dash.csv")}
          </a>
          {" · "}
          <a href={xlsxHref(csvHref)} download data-testid={`xlsx-${id}`}>
            {t("dash.xlsx")}
          </a>
        </p>
      )}
    </figure>
  );
}
