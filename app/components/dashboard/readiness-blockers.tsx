import { formatNumber } from "~/i18n";
import { useLocale } from "~/i18n/use-t";
import { useDashT } from "./dash-t";

interface Blocker {
  verdict: string;
  criterion: string;
  required: string;
  failing: number;
  onlyFailing: number;
}

/** Which criteria hold units back: how many fail each, and for how many it is the only one missing. */
export function ReadinessBlockers({ blockers }: { blockers: Blocker[] }) {
  const t = useDashT();
  const locale = useLocale();
  if (blockers.length === 0) return null;
  return (
    <details className="chart-data" data-testid="readiness-blockers">
      <summary>{t("dash.readiness.blockers")}</summary>
      <div className="table-scroll">
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{t("dash.col.verdict")}</th>
              <th scope="col">{t("dash.col.criterion")}</th>
              <th scope="col">{t("dash.col.required")}</th>
              <th scope="col" className="num">
                {t("dash.col.failing")}
              </th>
              <th scope="col" className="num">
                {t("dash.col.onlyFailing")}
              </th>
            </tr>
          </thead>
          <tbody>
            {blockers.map((b) => (
              <tr key={`${b.verdict}-${b.criterion}`}>
                <td>{b.verdict}</td>
                <td>{b.criterion}</td>
                <td>{b.required}</td>
                <td className="num">{formatNumber(b.failing, locale, 0)}</td>
                <td className="num">{formatNumber(b.onlyFailing, locale, 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
