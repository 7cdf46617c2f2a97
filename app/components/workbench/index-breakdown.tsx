import { Fragment } from "react";
import type { IndexResult } from "~/domain/scoring/types";
import { formatNumber } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";

/**
 * How the Indeks RB is made (RB 2023): RB General as scored, the weight of the rows that apply,
 * the koefisien, the renormalised RB General and what is added on top (RB Tematik). Display only:
 * every number comes unrounded from the engine and is rounded here.
 */
export function IndexBreakdown({ index }: { index: IndexResult }) {
  const t = useT();
  const locale = useLocale();
  const f = (v: number) => formatNumber(v, locale, 2);
  const g = index.general;
  return (
    <dl className="index-breakdown small" data-testid="index-breakdown">
      <dt>{g.label}</dt>
      <dd>
        <span data-testid="index-general">{f(g.value)}</span> / {f(g.max)}
      </dd>
      {index.adjustment ? (
        <>
          <dt>{index.adjustment.label}</dt>
          <dd data-testid="index-adjustment">{f(index.adjustment.value)}</dd>
        </>
      ) : null}
      <dt>{t("workbench.index.applicable")}</dt>
      <dd data-testid="index-applicable">{f(g.applicable)}</dd>
      <dt>{t("workbench.index.adjusted", { label: g.label })}</dt>
      <dd>
        <span data-testid="index-adjusted">{f(g.adjusted)}</span> = ({f(g.value)}
        {index.adjustment ? ` + ${f(index.adjustment.value)}` : ""}) / {f(g.applicable)} × {f(g.scaleTo)}
      </dd>
      {index.added.map((a) => (
        <Fragment key={a.id}>
          <dt>{a.label}</dt>
          <dd data-testid={`index-added-${a.id}`}>
            {f(a.value)} / {f(a.max)}
          </dd>
        </Fragment>
      ))}
      <dt>{index.label}</dt>
      <dd>
        <strong data-testid="index-value">{f(index.value)}</strong>
      </dd>
      {index.notApplicable.length > 0 ? (
        <>
          <dt>{t("workbench.index.notApplicable")}</dt>
          <dd data-testid="index-na">{index.notApplicable.join(", ")}</dd>
        </>
      ) : null}
    </dl>
  );
}
