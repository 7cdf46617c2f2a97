import type { Db } from "#db/client.server";
import { readinessCounts, type ReadinessCriterion, type ReadinessVerdict } from "#db/queries/dashboard-readiness";
import { dashColumns, type DashT } from "~/components/dashboard/dash-t";
import type { Instrument } from "~/domain/instrument/schema";
import { treeNodes, walkTree } from "~/domain/instrument/tree";
import { csvHref, type ChartPayload, type PeriodChoice } from "./charts.server";
import type { DashboardScope } from "./scope.server";

/** Score criteria of the WBK/WBBM rules, resolved to node ids (context criteria are left out). */
export function readinessPlan(instrument: Instrument): ReadinessVerdict[] {
  const scope = instrument.settings.zi_area_min_scope;
  const groups = instrument.evaluation.zi_area_groups;
  return instrument.evaluation.zi_verdicts.map((v) => ({
    id: v.id,
    label: v.label,
    criteria: v.criteria.flatMap((c): ReadinessCriterion[] => {
      if (c.kind === "node_min") return [{ id: c.id, label: c.label, kind: "node" as const, nodes: [c.node], required: c.min }];
      if (c.kind !== "area_percent_min") return [];
      return scope === "combined"
        ? groups.map((g) => ({
            id: `${c.id}.${g.id}`,
            label: `${c.label}: ${g.label}`,
            kind: "percent" as const,
            nodes: g.nodes,
            required: c.min_percent,
          }))
        : groups.flatMap((g) =>
            g.nodes.map((n) => ({
              id: `${c.id}.${n}`,
              label: `${c.label}: ${n}`,
              kind: "percent" as const,
              nodes: [n],
              required: c.min_percent,
            })),
          );
    }),
  }));
}

/** Node id → stored level ("total", "component", "subcomponent", "area", "subarea"). */
export function levelMap(instrument: Instrument): Map<string, string> {
  const level = new Map<string, string>([["total", "total"]]);
  walkTree(treeNodes(instrument), (n) => void level.set(n.id, n.level));
  return level;
}

export interface ReadinessMeta {
  blockers: { verdict: string; criterion: string; required: string; failing: number; onlyFailing: number }[];
}

export async function readinessChart(
  db: Db,
  scope: DashboardScope,
  periods: PeriodChoice,
  t: DashT,
  /** Areas to sum in the same pass, for areasChart. */
  sumNodes: string[] = [],
): Promise<{ chart: ChartPayload<ReadinessMeta>; sums: Map<string, { value: number; max: number }> } | null> {
  const plan = scope.instrument ? readinessPlan(scope.instrument) : [];
  if (plan.length === 0) return null;
  const { counts, sums } = periods.current
    ? await readinessCounts(db, scope.filter, periods.current.id, plan, levelMap(scope.instrument!), sumNodes)
    : { counts: [], sums: new Map<string, { value: number; max: number }>() };
  const blockers = plan.flatMap((v) => {
    const c = counts.find((x) => x.verdictId === v.id);
    return v.criteria.map((cr) => {
      const n = c?.criteria.find((x) => x.id === cr.id);
      return {
        verdict: v.id.toUpperCase(),
        criterion: cr.label,
        required: cr.kind === "percent" ? `≥ ${cr.required} %` : `≥ ${cr.required}`,
        failing: n?.failing ?? 0,
        onlyFailing: n?.onlyFailing ?? 0,
      };
    });
  });
  const chart: ChartPayload<ReadinessMeta> = {
    id: "readiness",
    title: t("dash.readiness.title", { period: periods.current ? String(periods.current.year) : "–" }),
    table: {
      columns: dashColumns(t, [
        ["verdict"],
        { key: "units", label: t("dash.col.assessed"), format: "int" },
        ["pass", "int"],
        ["missByOne", "int"],
        ["more", "int"],
      ]),
      rows: counts
        .filter((c) => c.units > 0)
        .map((c) => ({
          verdict: c.verdictId.toUpperCase(),
          units: c.units,
          pass: c.pass,
          missByOne: c.missByOne,
          more: c.units - c.pass - c.missByOne,
        })),
    },
    notes: [t("dash.readiness.note")],
    csvHref: csvHref(scope, "readiness"),
    meta: { blockers: blockers.filter((b) => b.failing > 0).sort((a, b) => b.onlyFailing - a.onlyFailing || b.failing - a.failing) },
  };
  return { chart, sums };
}
