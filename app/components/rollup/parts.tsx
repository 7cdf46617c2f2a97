import { Form, Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { ORGANISATION_KINDS, type OrganisationKind } from "#db/schema";
import { formatNumber, type MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";

/** Shared pieces of the roll-up pages: numbers as shown (rounded only here), filters, scrollable tables. */

export function useNumber() {
  const locale = useLocale();
  return (v: number | null | undefined, digits = 2) => (v === null || v === undefined ? "–" : formatNumber(v, locale, digits));
}

/** A wide table that scrolls inside its card (keyboard-reachable), never the page. */
export function ScrollTable({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={label} data-testid={testId}>
      <table>{children}</table>
    </div>
  );
}

export function Bar({ value, label }: { value: number; label: string }) {
  const pct = Math.max(0, Math.min(100, value));
  return (
    <div className="progress">
      <div className="progress-track" aria-hidden="true">
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <span className="progress-label">{label}</span>
    </div>
  );
}

export const layerKey = (layer: string): MessageKey =>
  layer === "external" ? "rollup.layer.external" : layer === "internal" ? "rollup.layer.internal" : "rollup.layer.self";

/** Year, kind and (when a kind used several) instrument: a GET form that works without JavaScript. */
export function RollupFilters({
  years,
  year,
  kind,
  instruments,
  instrument,
}: {
  years: number[];
  year: number | null;
  kind?: OrganisationKind;
  instruments: string[];
  instrument: string | null;
}) {
  const t = useT();
  return (
    <Form method="get" className="row card" aria-label={t("rollup.filters")}>
      <div>
        <label htmlFor="rollup-year">{t("rollup.year")}</label>
        <select id="rollup-year" name="year" defaultValue={year ?? undefined}>
          {years.map((y) => (
            <option key={y} value={y}>
              {y}
            </option>
          ))}
        </select>
      </div>
      {kind ? (
        <div>
          <label htmlFor="rollup-kind">{t("rollup.kind")}</label>
          <select id="rollup-kind" name="kind" defaultValue={kind}>
            {ORGANISATION_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`orgKind.${k}`)}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {instruments.length > 1 ? (
        <div>
          <label htmlFor="rollup-instrument">{t("rollup.instrument")}</label>
          <select id="rollup-instrument" name="instrument" defaultValue={instrument ?? undefined}>
            {instruments.map((i) => (
              <option key={i} value={i}>
                {i}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div>
        <button type="submit">{t("rollup.show")}</button>
      </div>
    </Form>
  );
}

export interface DistributionRow {
  kind: OrganisationKind;
  instrumentId: string | null;
  organisations: number;
  counts: Record<string, number>;
  hidden: boolean;
}

/** Organisations per predicate (AA … D, and those without one), per kind. */
export function PredicateDistribution({ rows, order }: { rows: DistributionRow[]; order: readonly string[] }) {
  const t = useT();
  const n = useNumber();
  return (
    <section className="card" aria-labelledby="rollup-dist">
      <h2 id="rollup-dist">{t("rollup.distribution")}</h2>
      <ScrollTable label={t("rollup.distribution")} testId="rollup-distribution">
        <thead>
          <tr>
            <th scope="col">{t("rollup.kind")}</th>
            {order.map((p) => (
              <th scope="col" key={p}>
                {p}
              </th>
            ))}
            <th scope="col">{t("rollup.noPredicate")}</th>
            <th scope="col">{t("rollup.organisations")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.kind} data-kind={r.kind}>
              <th scope="row">
                {t(`orgKind.${r.kind}`)}
                {r.instrumentId ? <span className="tag">{r.instrumentId}</span> : null}
              </th>
              {r.hidden || r.organisations === 0 ? (
                <td colSpan={order.length + 1} className="muted">
                  {r.hidden ? t("rollup.hiddenShort") : t("rollup.noResults")}
                </td>
              ) : (
                <>
                  {order.map((p) => (
                    <td key={p} data-predicate={p}>
                      {n(r.counts[p] ?? 0, 0)}
                    </td>
                  ))}
                  <td data-predicate="">{n(r.counts[""] ?? 0, 0)}</td>
                </>
              )}
              <td>{r.hidden ? "–" : n(r.organisations, 0)}</td>
            </tr>
          ))}
        </tbody>
      </ScrollTable>
    </section>
  );
}

export function NationalNote({ source }: { source: string | null }) {
  const t = useT();
  return <p className="muted">{source ? t("rollup.nationalSource", { source }) : t("rollup.installationNote")}</p>;
}

export function BackToOverview() {
  const t = useT();
  return (
    <p>
      <Link to="/rollup">← {t("rollup.title")}</Link>
    </p>
  );
}
