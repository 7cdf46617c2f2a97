import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { forbidden, requireUser } from "~/auth/require.server";
import { OrganisationList, IndicatorGrid, SubcomponentMeans, TargetSummaryCard } from "~/components/rollup/overview";
import { NationalNote, PredicateDistribution, RollupFilters, useNumber } from "~/components/rollup/parts";
import { getDb } from "~/db.server";
import { getLocale } from "~/i18n/locale.server";
import { pageTitle } from "~/i18n/page-title";
import { useT } from "~/i18n/use-t";
import { parseRollupQuery, rollupOverview } from "~/services/rollup/rollup.server";
import { mayReadRollup, PREDICATE_ORDER } from "~/services/rollup/rules";

export const meta = pageTitle("rollup.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!mayReadRollup(user)) throw forbidden();
  const url = new URL(request.url);
  const out = await rollupOverview(getDb(), user, parseRollupQuery(url), await getLocale(request, user));
  // Someone who may see only their own organisation reads its own page (no list of others exists for them).
  if ("own" in out) throw redirect(`/rollup/organisations/${out.own}${url.search}`);
  return { ...out, isAdmin: user.isAdmin };
}

export default function RollupOverviewPage() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const n = useNumber();
  const national = d.figures?.national.total ?? null;
  return (
    <>
      <h1>{t("rollup.title")}</h1>
      <p className="muted">{d.mode === "all" ? t("rollup.scopeAll") : t("rollup.scopeSome")}</p>
      {d.isAdmin ? (
        <p>
          <Link to="/rollup/national">{t("rollup.national.title")}</Link>
        </p>
      ) : null}
      {d.year === null ? (
        <p className="card muted">{t("rollup.noYears")}</p>
      ) : (
        <>
          <RollupFilters
            years={d.years}
            year={d.year}
            kind={d.kind}
            instruments={d.instruments}
            instrument={d.model?.instrumentId ?? null}
          />
          <PredicateDistribution rows={d.distribution} order={PREDICATE_ORDER} />
          {d.model ? (
            <section className="card" aria-labelledby="rollup-peer">
              <h2 id="rollup-peer">
                {t(`orgKind.${d.kind}`)} · {d.year}
              </h2>
              <p>
                {d.model.title} <span className="tag">{d.model.instrumentId}</span>
              </p>
              {d.figures ? (
                <p data-testid="rollup-mean-total">
                  {t("rollup.meanTotalLine", { count: d.figures.summary.organisations, mean: n(d.figures.summary.meanTotal) })}
                  {national ? ` · ${t("rollup.nationalLine", { mean: n(national.value), source: national.source })}` : null}
                </p>
              ) : null}
              <NationalNote source={national?.source ?? null} />
            </section>
          ) : (
            <p className="card muted">{t("rollup.noResults")}</p>
          )}
          {d.hidden ? (
            <p className="alert alert-warn" role="status">
              {t("rollup.hidden", { min: 3 })}
            </p>
          ) : null}
          {d.figures ? (
            <>
              <SubcomponentMeans figures={d.figures} />
              <TargetSummaryCard figures={d.figures} />
              <IndicatorGrid
                rows={d.figures.indicators}
                previousYear={d.compared ? d.previousYear : null}
                compareHref={
                  d.previousYear !== null && d.model
                    ? {
                        href: `?year=${d.year}&kind=${d.kind}&instrument=${d.model.instrumentId}${d.compared ? "" : "&compare=1"}#rollup-grid`,
                        year: d.previousYear,
                        on: d.compared,
                      }
                    : null
                }
              />
            </>
          ) : null}
          {d.model ? <OrganisationList d={d} kind={d.kind} /> : null}
        </>
      )}
    </>
  );
}
