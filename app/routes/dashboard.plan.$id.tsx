import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { translator } from "~/i18n";
import { localeOfMatches, titleText } from "~/i18n/page-title";
import { Form, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/require.server";
import { BarsChart } from "~/components/charts/bars-chart";
import { ChartFigure } from "~/components/charts/chart-figure";
import { useDashT, type DashKey } from "~/components/dashboard/dash-t";
import dashboardStyles from "~/components/dashboard/dashboard.css?url";
import { UnitPageCrumbs } from "~/components/dashboard/unit-page-crumbs";
import { getDb } from "~/db.server";
import { formatNumber } from "~/i18n";
import { getLocale } from "~/i18n/locale.server";
import { useLocale } from "~/i18n/use-t";
import { assessmentPlan } from "~/services/dashboard/plan.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: dashboardStyles }];

/** The page's own heading (unit and period in it) as the title, in the reader's language. */
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = translator(localeOfMatches(matches));
  return [{ title: titleText(t, data?.title ?? t("dash.pageTitle.plan")) }];
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const locale = await getLocale(request, user);
  return assessmentPlan(getDb(), user, params.id!, new URL(request.url), locale);
}

export default function Plan() {
  const d = useLoaderData<typeof loader>();
  const t = useDashT();
  const locale = useLocale();
  return (
    <div className="dashboard" data-testid="plan">
      <UnitPageCrumbs
        unit={d.unit}
        instrumentId={d.instrumentId}
        period={d.period.id}
        year={d.period.year}
        current={t("dash.unit.openPlan")}
      />
      <h1>{d.title}</h1>
      <p className="big-number">
        {t("dash.plan.current", { total: formatNumber(d.total, locale, 2) })} / {formatNumber(d.max, locale, 2)}
      </p>
      {d.assessment.final ? <p className="muted">{t("dash.plan.final")}</p> : null}
      <ChartFigure {...d.top}>
        <BarsChart
          id="plan"
          table={d.top.table}
          categoryKey="_label"
          series={[{ key: "gain" }]}
          mutedKey="_external"
          mutedLabel={t("dash.plan.external.mark")}
        />
      </ChartFigure>
      <Form method="get" className="card row no-print" aria-label={t("dash.plan.target")} data-testid="plan-target">
        <fieldset className="row">
          <legend>{t("dash.plan.target")}</legend>
          {d.targets.map((k) => (
            <label key={k} className="check">
              <input type="radio" name="target" value={k} defaultChecked={d.target.kind === k} /> {t(`dash.plan.target.${k}` as DashKey)}
            </label>
          ))}
          <div>
            <label htmlFor="p-value">{t("dash.plan.targetValue")}</label>
            {/* Text, not type=number: the reader's decimal comma ("72,5") is kept as typed and read back. */}
            <input id="p-value" name="value" type="text" inputMode="decimal" autoComplete="off" size={8} defaultValue={d.targetText} />
          </div>
        </fieldset>
        {d.external.count > 0 ? (
          <label className="check plan-external">
            <input type="checkbox" name="external" value="1" defaultChecked={d.external.included} /> {t("dash.plan.external.toggle")}
          </label>
        ) : null}
        <div>
          <button type="submit">{t("dash.plan.compute")}</button>
        </div>
      </Form>
      <section className="card" data-testid="plan-summary">
        <h2>{t("dash.plan.outcome")}</h2>
        {d.summary.map((line) => (
          <p key={line}>{line}</p>
        ))}
      </section>
      {d.steps.table.rows.length > 0 ? (
        <ChartFigure {...d.steps}>
          <BarsChart
            id="plan-steps"
            table={d.steps.table}
            categoryKey="_label"
            series={[{ key: "gain" }]}
            mutedKey="_external"
            mutedLabel={t("dash.plan.external.mark")}
          />
        </ChartFigure>
      ) : null}
    </div>
  );
}
