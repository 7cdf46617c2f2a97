import type { Db } from "#db/client.server";
import { trendByPeriod } from "#db/queries/dashboard";
import type { Actor } from "~/auth/permissions";
import { dashTranslator } from "~/components/dashboard/dash-t";
import type { DashboardQuery } from "~/components/dashboard/query";
import type { Locale } from "~/i18n";
import {
  areaList,
  areasChart,
  choosePeriods,
  layersChart,
  periodNote,
  progressChart,
  trendChart,
  unitsChart,
  type ChartPayload,
} from "./charts.server";
import { readinessChart } from "./readiness.server";
import { resolveScope } from "./scope.server";

export const ORG_CHARTS = ["trend", "areas", "units", "progress", "layers", "readiness"] as const;
export type OrgChartId = (typeof ORG_CHARTS)[number];

/** Everything the organisation dashboard shows, for the viewer's scope and filters. */
export async function organisationDashboard(db: Db, actor: Actor, query: DashboardQuery, locale: Locale) {
  const t = dashTranslator(locale);
  const scope = await resolveScope(db, actor, query);
  const trend = await trendByPeriod(db, scope.filter);
  const periods = choosePeriods(scope, trend);
  // Readiness reads every area node of the period's snapshots anyway: the areas chart takes its sums
  // (and meanwhile reads the previous period's). Independent queries: concurrent on PostgreSQL's pool,
  // the readiness pass included (SQLite runs them one after another anyway).
  const pending = readinessChart(db, scope, periods, t, scope.instrument ? areaList(scope.instrument).map((a) => a.id) : []);
  const [readiness, areas, units, progress, layers] = await Promise.all([
    pending,
    areasChart(
      db,
      scope,
      periods,
      t,
      pending.then((r) => (r && periods.current ? r.sums : undefined)),
    ),
    unitsChart(db, scope, periods, t),
    progressChart(db, scope, t),
    layersChart(db, scope, periods, t),
  ]);
  return {
    scope,
    periods,
    /** Which period the charts show and why, in words. */
    periodNote: periodNote(periods, t),
    charts: { trend: trendChart(scope, trend, t), areas, units, progress, layers, readiness: readiness?.chart ?? null },
  };
}

/** One chart of the organisation dashboard, for its CSV download; null when the chart does not apply. */
export async function organisationChart(
  db: Db,
  actor: Actor,
  id: OrgChartId,
  query: DashboardQuery,
  locale: Locale,
): Promise<ChartPayload<unknown> | null> {
  const t = dashTranslator(locale);
  const scope = await resolveScope(db, actor, query);
  const trend = await trendByPeriod(db, scope.filter);
  if (id === "trend") return trendChart(scope, trend, t);
  if (id === "progress") return progressChart(db, scope, t);
  const periods = choosePeriods(scope, trend);
  if (id === "areas") return areasChart(db, scope, periods, t);
  if (id === "units") return unitsChart(db, scope, periods, t);
  if (id === "layers") return layersChart(db, scope, periods, t);
  return (await readinessChart(db, scope, periods, t))?.chart ?? null;
}
