import type { RiskExplanation } from "~/domain/evaluation/sampling";
import { formatNumber, type MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";

export interface DrawnRisk {
  jump: number;
  evidence: string;
  carriedOver: boolean;
  unitBias: number;
  explanation: RiskExplanation;
}

/**
 * Why the sampler drew this item, in sentences: a random draw says so; a risk-based draw names the
 * signs that raised the item's chance (its weight against the average, a jump since the last period,
 * missing or reused evidence, a carried-over answer, the unit's past optimism).
 */
export function WhyDrawn({ strategy, risk }: { strategy: string; risk: DrawnRisk }) {
  const t = useT();
  const locale = useLocale();
  const sentences: string[] = [];
  if (strategy !== "risk") sentences.push(t("eval.why.random", { strategy: t(`eval.strategy.${strategy}` as MessageKey).toLowerCase() }));
  else {
    const rel = risk.explanation.factors.find((f) => f.id === "weight")?.input;
    if (typeof rel === "number") sentences.push(t("eval.why.weight", { ratio: formatNumber(rel, locale, 1) }));
    if (risk.jump > 0) sentences.push(t("eval.why.jump", { jump: formatNumber(risk.jump * 100, locale, 0) }));
    if (risk.evidence !== "ok") sentences.push(t(`eval.why.evidence.${risk.evidence}` as MessageKey));
    if (risk.carriedOver) sentences.push(t("eval.why.carried"));
    if (risk.unitBias > 0) sentences.push(t("eval.why.bias", { bias: formatNumber(risk.unitBias * 100, locale, 1) }));
    if (sentences.length === 1) sentences.push(t("eval.why.none"));
  }
  return (
    <p className="small muted" data-testid="why-drawn">
      {t("eval.why.title")}: {sentences.join(" ")}
    </p>
  );
}
