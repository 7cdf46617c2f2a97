import { Link } from "@remix-run/react";
import { formatNumber } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";

interface Row {
  assessmentId: string;
  unitName: string;
  year: number;
  share: number | null;
  alpha: number | null;
  items: number;
}

/** The organisation dashboard's inter-rater agreement per assessment (revealed blind rounds only). */
export function AgreementTable({ rows }: { rows: Row[] }) {
  const t = useT();
  const locale = useLocale();
  if (rows.length === 0) return null;
  const show = (v: number | null, digits: number) => (v === null ? "–" : formatNumber(v, locale, digits));
  return (
    <section className="card" data-testid="agreement-table">
      <h2>{t("blind.agreement")}</h2>
      <table>
        <thead>
          <tr>
            <th>{t("dash.col.unit")}</th>
            <th>{t("blind.year")}</th>
            <th>{t("blind.agreementColumn")}</th>
            <th>{t("blind.alphaColumn")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.assessmentId}>
              <td>
                <Link to={`/assessments/${r.assessmentId}/blind`}>{r.unitName}</Link>
              </td>
              <td>{r.year}</td>
              <td>{r.share === null ? "–" : `${show(r.share * 100, 1)} %`}</td>
              <td>{show(r.alpha, 3)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">{t("blind.method")}</p>
    </section>
  );
}
