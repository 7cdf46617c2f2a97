import { formatNumber, type Locale } from "~/i18n";
import { useLocale } from "~/i18n/use-t";
import type { RecapRow } from "~/services/dashboard/report.server";
import { useDashT, type DashKey } from "./dash-t";

const num = (v: number, locale: Locale) => formatNumber(v, locale, 2);

/** Weights, values and percent of every component, subcomponent, area and sub-area, with the total last. */
export function RecapTable({ rows, total }: { rows: RecapRow[]; total: { value: number; max: number } }) {
  const t = useDashT();
  const locale = useLocale();
  return (
    <table className="data-table recap" data-testid="report-recap">
      <thead>
        <tr>
          <th scope="col">{t("dash.col.node")}</th>
          <th scope="col">{t("dash.col.label")}</th>
          <th scope="col" className="num">
            {t("dash.col.weight")}
          </th>
          <th scope="col" className="num">
            {t("dash.col.value")}
          </th>
          <th scope="col" className="num">
            {t("dash.col.percent")}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} className={`level-${r.level}`} data-node={r.id}>
            <th scope="row">{r.id}</th>
            <td>{r.label}</td>
            <td className="num">{num(r.weight, locale)}</td>
            <td className="num">{num(r.value, locale)}</td>
            <td className="num">{r.percent === null ? "–" : `${num(r.percent, locale)} %`}</td>
          </tr>
        ))}
        <tr className="level-component" data-node="total">
          <th scope="row">Σ</th>
          <td>{t("dash.report.total")}</td>
          <td className="num">{num(total.max, locale)}</td>
          <td className="num">{num(total.value, locale)}</td>
          <td className="num">{`${num((total.value / total.max) * 100, locale)} %`}</td>
        </tr>
      </tbody>
    </table>
  );
}

interface Verdict {
  id: string;
  label: string;
  pass: boolean;
  scorePass: boolean;
  criteria: { id: string; label: string; actual: number | boolean | null; required: number | boolean; status: string; unit: string }[];
}

function show(v: number | boolean | null, unit: string, locale: Locale): string {
  if (v === null) return "–";
  if (typeof v === "boolean") return v ? "✓" : "✗";
  return formatNumber(v, locale, 2) + (unit === "percent" ? " %" : "");
}

/** Each WBK/WBBM rule: its criteria with achieved and required values, as stored with the snapshot. */
export function VerdictTables({ verdicts }: { verdicts: Verdict[] }) {
  const t = useDashT();
  const locale = useLocale();
  if (verdicts.length === 0) return null;
  return (
    <section className="card" data-testid="report-verdicts">
      <h2>{t("dash.report.verdicts")}</h2>
      {verdicts.map((v) => (
        <div key={v.id}>
          <h3>
            {v.label}:{" "}
            <strong className={v.pass ? "ok" : "bad"}>{v.pass ? t("dash.report.verdictPass") : t("dash.report.verdictFail")}</strong>
            {!v.pass && v.scorePass ? <span className="small muted"> ({t("dash.report.scorePassOnly")})</span> : null}
          </h3>
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t("dash.col.criterion")}</th>
                <th scope="col" className="num">
                  {t("dash.report.actual")}
                </th>
                <th scope="col" className="num">
                  {t("dash.col.required")}
                </th>
                <th scope="col">{t("dash.report.result")}</th>
              </tr>
            </thead>
            <tbody>
              {v.criteria.map((c) => (
                <tr key={c.id}>
                  <td>{c.label}</td>
                  <td className="num">{show(c.actual, c.unit, locale)}</td>
                  <td className="num">{c.unit === "flag" ? show(c.required, c.unit, locale) : `≥ ${show(c.required, c.unit, locale)}`}</td>
                  <td className={`nowrap ${c.status === "pass" ? "ok" : c.status === "fail" ? "bad" : "muted"}`}>
                    {t(`dash.report.status.${c.status}` as DashKey)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}
