import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import type { Locale } from "~/i18n";
import type { ChartPayload } from "./charts.server";
import { unitMovement } from "./movement.server";
import { planChart } from "./plan.server";
import { reportAreasChart } from "./report.server";

/** Charts of the report, movement and planner pages, for their CSV downloads. */
export async function extraChart(db: Db, actor: Actor, chart: string, url: URL, locale: Locale): Promise<ChartPayload<unknown> | null> {
  const assessment = url.searchParams.get("assessment");
  if (chart === "report-areas" && assessment) return reportAreasChart(db, actor, assessment, locale);
  if ((chart === "plan" || chart === "plan-steps") && assessment) return planChart(db, actor, chart, assessment, url, locale);
  const unit = url.searchParams.get("unit");
  if (chart === "movement" && unit) return (await unitMovement(db, actor, unit, url, locale)).chart;
  return null;
}
