import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { pageTitle } from "~/i18n/page-title";
import { useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/require.server";
import { BarsChart } from "~/components/charts/bars-chart";
import { ChartFigure } from "~/components/charts/chart-figure";
import { OKABE_ITO, STACK, STACK_RISK } from "~/components/charts/palette";
import { TrendChart } from "~/components/charts/trend-chart";
import { useDashT } from "~/components/dashboard/dash-t";
import { DashboardFilters } from "~/components/dashboard/filters";
import { readQuery } from "~/components/dashboard/query";
import { ReadinessBlockers } from "~/components/dashboard/readiness-blockers";
import { getDb } from "~/db.server";
import { getLocale } from "~/i18n/locale.server";
import { organisationDashboard } from "~/services/dashboard/org.server";
import { listAgreement } from "~/services/blind/results.server";
import { AgreementTable } from "~/components/blind/agreement-table";
import dashboardStyles from "~/components/dashboard/dashboard.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: dashboardStyles }];

export const meta = pageTitle("dash.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const locale = await getLocale(request, user);
  const { scope, periods, periodNote, charts } = await organisationDashboard(getDb(), user, readQuery(new URL(request.url)), locale);
  return {
    agreement: await listAgreement(getDb(), scope.filter),
    organisation: scope.organisation,
    subtree: scope.subtree ? { id: scope.subtree.id, name: scope.subtree.name } : null,
    period: periods.current,
    periodNote,
    filters: {
      organisations: scope.organisations,
      subtrees: scope.subtrees,
      instruments: scope.instruments.length ? scope.instruments : [scope.instrumentId],
      periods: scope.periods,
      values: { org: scope.organisation.id, unit: scope.subtree?.id ?? null, instrument: scope.instrumentId, period: scope.query.period },
    },
    charts,
  };
}

export default function Dashboard() {
  const data = useLoaderData<typeof loader>();
  const t = useDashT();
  const { trend, areas, units, progress, layers, readiness } = data.charts;
  return (
    <div className="dashboard" data-testid="dashboard">
      <h1>
        {t("dash.title")}: {data.organisation.name}
        {data.subtree ? ` · ${data.subtree.name}` : ""}
      </h1>
      <p className="muted">{t("dash.intro")}</p>
      <DashboardFilters options={data.filters} />
      {data.periodNote ? (
        <p className="period-note" data-testid="period-note">
          {data.periodNote}
        </p>
      ) : null}
      <ChartFigure {...trend}>
        <TrendChart
          id="trend"
          table={trend.table}
          xKey="period"
          series={["mean", "min", "max"]}
          guides={trend.meta}
          countKey="units"
          flagKey="_fewer"
        />
      </ChartFigure>
      <ChartFigure {...areas}>
        <BarsChart
          id="areas"
          table={areas.table}
          categoryKey="_label"
          series={areas.meta.series.map((key) => ({ key, color: key === "previous" ? OKABE_ITO.skyBlue : OKABE_ITO.blue }))}
          max={100}
          format="percent"
          guides={areas.meta.guides}
        />
      </ChartFigure>
      <ChartFigure {...units}>
        <BarsChart id="units" table={units.table} categoryKey="unit" series={[{ key: "total" }]} max={trend.meta.max} />
      </ChartFigure>
      <ChartFigure {...progress} action={{ label: t("dash.plan.linkHead"), text: t("dash.plan.link"), key: "_plan" }}>
        <BarsChart
          id="progress"
          table={progress.table}
          categoryKey="unit"
          stacked
          format="int"
          series={[
            { key: "confirmed", color: STACK[0] },
            { key: "answered", color: STACK[1] },
            { key: "empty", color: STACK[2] },
          ]}
        />
      </ChartFigure>
      {layers ? (
        <ChartFigure {...layers}>
          <BarsChart
            id="layers"
            table={layers.table}
            categoryKey="unit"
            series={[
              { key: "self", color: OKABE_ITO.blue },
              { key: "internal", color: OKABE_ITO.orange },
              { key: "external", color: OKABE_ITO.bluishGreen },
            ]}
            max={trend.meta.max}
          />
        </ChartFigure>
      ) : null}
      {readiness ? (
        <ChartFigure {...readiness} extra={<ReadinessBlockers blockers={readiness.meta.blockers} />}>
          <BarsChart
            id="readiness"
            table={readiness.table}
            categoryKey="verdict"
            stacked
            format="int"
            series={[
              { key: "pass", color: STACK_RISK[0] },
              { key: "missByOne", color: STACK_RISK[1] },
              { key: "more", color: STACK_RISK[2] },
            ]}
          />
        </ChartFigure>
      ) : null}
      <AgreementTable rows={data.agreement} />
    </div>
  );
}
