import { formatNumber } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";

interface Props {
  agreement: { share: number | null; alpha: number | null; items: number } | null;
}

/** Inter-rater agreement of an assessment's revealed blind rounds, with the method stated. */
export function AgreementFigure({ agreement }: Props) {
  const t = useT();
  const locale = useLocale();
  if (!agreement) return null;
  const show = (v: number | null, digits: number) => (v === null ? "–" : formatNumber(v, locale, digits));
  return (
    <section className="card" data-testid="agreement">
      <h2>{t("blind.agreement")}</h2>
      <p>{t("blind.agreementShare", { share: agreement.share === null ? "–" : `${show(agreement.share * 100, 1)} %` })}</p>
      <p>{t("blind.alpha", { alpha: show(agreement.alpha, 3) })}</p>
      <p className="muted">{t("blind.method")}</p>
    </section>
  );
}
