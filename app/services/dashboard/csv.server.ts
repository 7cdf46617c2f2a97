import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import { notFound } from "~/auth/require.server";
import type { DashboardQuery } from "~/components/dashboard/query";
import type { Locale } from "~/i18n";
import type { ChartPayload } from "./charts.server";
import { ORG_CHARTS, organisationChart, type OrgChartId } from "./org.server";
import { unitDrill } from "./drill.server";
import { extraChart } from "./extra.server";

const UNIT_CHARTS = ["unit-trend", "unit-nodes", "unit-items"] as const;

/**
 * The chart behind a CSV or XLSX download, computed by the same service as its page (same scope
 * checks, same filters), so the file holds exactly what the chart draws. 404 for an unknown chart or
 * one that does not apply to these filters.
 */
export async function chartForExport(
  db: Db,
  actor: Actor,
  chart: string,
  url: URL,
  query: DashboardQuery,
  locale: Locale,
): Promise<ChartPayload<unknown>> {
  let found: ChartPayload<unknown> | null = null;
  if ((ORG_CHARTS as readonly string[]).includes(chart)) {
    found = await organisationChart(db, actor, chart as OrgChartId, query, locale);
  } else if ((UNIT_CHARTS as readonly string[]).includes(chart)) {
    const unitId = url.searchParams.get("unit");
    if (!unitId) throw notFound();
    const drill = await unitDrill(db, actor, unitId, url, locale);
    found = chart === "unit-trend" ? drill.trend : chart === "unit-nodes" ? drill.nodes : drill.items;
  } else {
    found = await extraChart(db, actor, chart, url, locale);
  }
  if (!found) throw notFound();
  return found;
}
