import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { useDashT } from "~/components/dashboard/dash-t";
import { formatNumber, type Locale } from "~/i18n";
import { useLocale } from "~/i18n/use-t";
import { xlsxHref } from "~/services/dashboard/export";
import { shownZero } from "./numbers";
import type { Cell, ColumnFormat, DataTable } from "./table-data";

export function formatCell(v: Cell, format: ColumnFormat | undefined, locale: Locale): string {
  if (v === null || v === undefined) return "–";
  if (typeof v === "string") return v;
  // A value that rounds to zero shows 0,00, never "−0,00".
  if (format === "int") return formatNumber(shownZero(v, 0), locale, 0);
  if (format === "percent") return `${formatNumber(shownZero(v, 2), locale, 2)} %`;
  if (format === "number") return formatNumber(shownZero(v, 2), locale, 2);
  return String(v);
}

/** A link beside each row (not a column of the data, so not in the downloads): `key` is the row key of its href. */
export interface RowAction {
  label: string;
  text: string;
  key: string;
}

export function DataTableView({
  table,
  caption,
  testId,
  action,
}: {
  table: DataTable;
  caption?: string;
  testId?: string;
  action?: RowAction;
}) {
  const locale = useLocale();
  // A long or wide table scrolls inside its box, never the page; without links inside, the box
  // itself takes the focus so a keyboard can scroll it.
  const focusable = !table.hrefKey;
  return (
    <div
      className="table-scroll"
      role={focusable ? "region" : undefined}
      tabIndex={focusable ? 0 : undefined}
      aria-label={focusable ? caption : undefined}
    >
      <table className="data-table" data-testid={testId}>
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        <thead>
          <tr>
            {table.columns.map((c) => (
              <th key={c.key} scope="col" className={c.format && c.format !== "text" ? "num" : undefined}>
                {c.label}
              </th>
            ))}
            {action ? <th scope="col">{action.label}</th> : null}
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
              {action ? (
                <td data-col={action.key}>
                  {typeof row[action.key] === "string" ? (
                    <Link
                      to={row[action.key] as string}
                      aria-label={`${action.text}: ${formatCell(row[table.columns[0]!.key] ?? null, table.columns[0]!.format, locale)}`}
                    >
                      {action.text}
                    </Link>
                  ) : null}
                </td>
              ) : null}
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
  /** Kept for callers: the table is always open (see below). */
  open?: boolean;
  extra?: ReactNode;
  /** A link beside each table row (e.g. the planner of an open assessment). */
  action?: RowAction;
}

/**
 * A chart with what makes it accessible: a title, the notes that explain it, its data as a table in a
 * toggle beneath, and CSV and Excel downloads of exactly that table.
 *
 * The table starts open: a screen reader finds it without opening anything, and a sighted keyboard
 * user reaches every drill-down link in it (the chart's marks are one Tab stop); a long table scrolls
 * inside its box, and the toggle folds it away.
 */
export function ChartFigure({ id, title, table, csvHref, notes = [], children, extra, action }: FigureProps) {
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
        <>
          <div className="chart-box">{children}</div>
          <p className="chart-keys small muted no-print" aria-hidden="true">
            {t("dash.keys")}
          </p>
        </>
      )}
      {notes.map((n) => (
        <p key={n} className="small muted chart-note">
          {n}
        </p>
      ))}
      {extra}
      {empty ? null : (
        // Keyed by the data source: a new drill-down level starts with its table open again.
        <details key={csvHref} className="chart-data" open>
          <summary>{t("dash.table.show")}</summary>
          <DataTableView table={table} caption={t("dash.table.caption", { title })} testId={`table-${id}`} action={action} />
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
