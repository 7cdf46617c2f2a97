import { formatNumber } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import type { IndexResult, PredicateTargets } from "~/domain/scoring/types";
import { TargetCheck } from "./target-check";
import { IndexBreakdown } from "./index-breakdown";

interface Props {
  summary: {
    total: number;
    max: number;
    predicate: { code: string; label: string; targets?: PredicateTargets } | null;
    targetNotes?: Record<string, string>;
    index?: IndexResult | null;
    verdicts: { id: string; label: string; pass: boolean; criteria: { id: string; label: string; actual: number | boolean | null; required: number | boolean; pass: boolean | null; unit: string }[] }[];
  };
}

function show(v: number | boolean | null, unit: string, locale: "id" | "en"): string {
  if (v === null) return "–";
  if (typeof v === "boolean") return v ? "✓" : "✗";
  return formatNumber(v, locale, 2) + (unit === "percent" ? " %" : "");
}

/** Total, predicate and WBK/WBBM criteria (actual vs required), numbers rounded for display only. */
export function ScoreSummaryCard({ summary }: Props) {
  const t = useT();
  const locale = useLocale();
  return (
    <section className="card" data-testid="score-summary">
      <h2>{t("workbench.total")}</h2>
      <p className="big-number">
        <span data-testid="server-total">{formatNumber(summary.total, locale, 2)}</span> / {formatNumber(summary.max, locale, 2)}
        {summary.predicate ? (
          <span className="tag">
            {t("workbench.predicate")}: {summary.predicate.code} ({summary.predicate.label})
          </span>
        ) : null}
      </p>
      {summary.predicate?.targets ? <TargetCheck targets={summary.predicate.targets} notes={summary.targetNotes} /> : null}
      {summary.index ? <IndexBreakdown index={summary.index} /> : null}
      {summary.verdicts.map((v) => (
        <details key={v.id}>
          <summary>
            {v.label}: <strong className={v.pass ? "ok" : "bad"}>{v.pass ? t("workbench.pass") : t("workbench.fail")}</strong>
          </summary>
          <table>
            <tbody>
              {v.criteria.map((c) => (
                <tr key={c.id}>
                  <td>{c.label}</td>
                  <td>{show(c.actual, c.unit, locale)}</td>
                  <td>≥ {show(c.required, c.unit, locale)}</td>
                  <td>{c.pass === null ? "?" : c.pass ? "✓" : "✗"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
    </section>
  );
}
