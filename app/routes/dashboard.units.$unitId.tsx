import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { pageTitle } from "~/i18n/page-title";
import { TargetCheck } from "~/components/workbench/target-check";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/require.server";
import { BarsChart } from "~/components/charts/bars-chart";
import { ChartFigure } from "~/components/charts/chart-figure";
import { OKABE_ITO } from "~/components/charts/palette";
import { TrendChart } from "~/components/charts/trend-chart";
import { Breadcrumbs } from "~/components/dashboard/breadcrumbs";
import { useDashT } from "~/components/dashboard/dash-t";
import { queryString } from "~/components/dashboard/query";
import { getDb } from "~/db.server";
import { formatDate, formatNumber } from "~/i18n";
import { getLocale } from "~/i18n/locale.server";
import { useLocale } from "~/i18n/use-t";
import { unitDrill } from "~/services/dashboard/drill.server";
import dashboardStyles from "~/components/dashboard/dashboard.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: dashboardStyles }];

export const meta = pageTitle<typeof loader>("dash.pageTitle.unit", (d) => d.unit.name);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const locale = await getLocale(request, user);
  return unitDrill(getDb(), user, params.unitId!, new URL(request.url), locale);
}

export default function UnitDashboard() {
  const d = useLoaderData<typeof loader>();
  const t = useDashT();
  const locale = useLocale();
  const chosen = d.chosen;
  return (
    <div className="dashboard" data-testid="unit-dashboard">
      <Breadcrumbs crumbs={d.crumbs} />
      <h1>{t("dash.unit.title", { unit: d.unit.name })}</h1>
      {d.snapshot ? (
        <p className="big-number" data-testid="unit-total">
          {t("dash.unit.total")}: <span data-testid="unit-total-value">{formatNumber(d.snapshot.total, locale, 2)}</span>
          {d.snapshot.predicate ? <span className="tag">{d.snapshot.predicate}</span> : null}
          <span className="small muted snapshot-meta">
            {" "}
            {t("dash.unit.snapshot", { date: formatDate(d.snapshot.createdAt, locale), engine: d.snapshot.engineVersion })}
          </span>
        </p>
      ) : chosen ? (
        <p className="alert alert-ok">{t("dash.unit.notFinal", { status: t(`dash.status.${chosen.status}`) })}</p>
      ) : (
        <p className="muted">{t("dash.unit.noAssessment")}</p>
      )}
      {d.snapshot?.targets ? <TargetCheck targets={d.snapshot.targets} notes={d.targetNotes} /> : null}
      {chosen ? (
        <p className="row no-print unit-links">
          <Link to={`/assessments/${chosen.assessmentId}`}>{t("dash.unit.openAssessment")}</Link>
          <Link to={`/reports/${chosen.assessmentId}`}>{t("dash.unit.openReport")}</Link>
          {d.snapshot && d.previous ? (
            <Link
              to={`/dashboard/movement/${d.unit.id}${queryString({ instrument: d.instrumentId, from: d.previous.periodId, to: chosen.periodId })}`}
            >
              {t("dash.unit.openMovement")}
            </Link>
          ) : null}
          <Link to={`/dashboard/plan/${chosen.assessmentId}`} data-testid="unit-plan-link">
            {t("dash.unit.openPlan")}
          </Link>
        </p>
      ) : null}
      {d.nodes ? (
        <ChartFigure {...d.nodes}>
          <BarsChart
            id="unit-nodes"
            table={d.nodes.table}
            categoryKey="_label"
            series={d.nodes.meta.series.map((key) => ({ key, color: key === "previous" ? OKABE_ITO.skyBlue : OKABE_ITO.blue }))}
            max={100}
            format="percent"
            guides={d.nodes.meta.guides}
          />
        </ChartFigure>
      ) : null}
      {d.items ? (
        <ChartFigure {...d.items} open>
          <BarsChart id="unit-items" table={d.items.table} categoryKey="_label" series={[{ key: "value" }]} max={1} />
        </ChartFigure>
      ) : null}
      <ChartFigure {...d.trend}>
        <TrendChart id="unit-trend" table={d.trend.table} xKey="period" series={["total"]} guides={d.trend.meta} height={260} />
      </ChartFigure>
    </div>
  );
}
