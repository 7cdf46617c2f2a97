import { formatNumber } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import type { PredicateTargets } from "~/domain/scoring/types";

/**
 * The "target baik" check behind an A / A- predicate (rb-2024 §5): how many rows with a target meet it
 * and which do not, with their target and value; notes on targets the data itself casts doubt on.
 */
export function TargetCheck({ targets, notes = {}, open }: { targets: PredicateTargets; notes?: Record<string, string>; open?: boolean }) {
  const t = useT();
  const locale = useLocale();
  const num = (v: number | null) => (v === null ? t("workbench.targetNoValue") : formatNumber(v, locale, 2));
  return (
    <details className="target-check" data-testid="target-check" open={open ?? (targets.unmet.length > 0 && targets.unmet.length <= 5)}>
      <summary>{t("workbench.targetsMet", { met: targets.met, checked: targets.checked })}</summary>
      <p className="muted">{t("workbench.targetRule")}</p>
      {targets.unmet.length > 0 ? (
        <table className="compact">
          <caption>{t("workbench.targetsUnmet")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("workbench.targetRow")}</th>
              <th scope="col">{t("workbench.targetValue")}</th>
              <th scope="col">{t("workbench.targetTarget")}</th>
            </tr>
          </thead>
          <tbody>
            {targets.unmet.map((u) => (
              <tr key={u.itemId}>
                <th scope="row">
                  {u.label}
                  {notes[u.itemId] ? <span className="muted"> — {notes[u.itemId]}</span> : null}
                </th>
                <td>{num(u.actual)}</td>
                <td>≥ {formatNumber(u.target, locale, 2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </details>
  );
}
