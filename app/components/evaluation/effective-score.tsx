import { LayerScore } from "~/components/evaluation/layers-card";
import { formatNumber, type MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import type { ReleasedLayerScores } from "~/services/evaluation/view.server";

/**
 * The score layers a reader of the assessment may see (the team's and each released evaluator layer),
 * each with its total and how many items it rests on, then the effective score and the rule that
 * makes it effective: per item, the highest-authority layer that answered it (with how many items each
 * layer decided). Used by the printed report.
 */
export function ReleasedLayersCard({ scores }: { scores: ReleasedLayerScores }) {
  const t = useT();
  const locale = useLocale();
  const label = (layer: string) => t(`eval.layer.${layer}` as MessageKey);
  return (
    <section className="card report-layers" data-testid="report-layers">
      <h2>{t("eval.layers")}</h2>
      <ul>
        {scores.layers.map((l) => (
          <li key={l.layer} data-testid={`report-layer-${l.layer}`}>
            {label(l.layer)}: <LayerScore total={l.scored ? l.total : null} answered={l.answered} />
          </li>
        ))}
      </ul>
      <p className="big-number" data-testid="report-effective">
        {t("eval.effectiveTotal")}: <span data-testid="report-effective-value">{formatNumber(scores.effective.total, locale, 2)}</span>
        {scores.effective.predicate ? <span className="tag">{scores.effective.predicate}</span> : null}
      </p>
      <p data-testid="report-effective-rule">{t("eval.effectiveRule", { order: scores.authority.map(label).join(" › ") })}</p>
      <p className="small">
        {t("eval.effectiveDecided", {
          list: scores.authority.map((l) => t("eval.decidedItems", { layer: label(l), count: scores.decided[l] })).join(", "),
        })}
      </p>
    </section>
  );
}
