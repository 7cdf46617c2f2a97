import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import { outlineOf } from "~/domain/instrument/outline";
import { scoreAssessment } from "~/domain/scoring/score";
import { answersObject } from "~/services/workbench/answers.server";
import { canOnUnit, listAssessments, requireAssessment } from "~/services/workbench/assessments.server";
import { loadLayerRows, mergeLayers, visibleLayers } from "./layer-rows.server";

export interface GapRow {
  assessmentId: string;
  unitId: string;
  unitName: string;
  year: number;
  self: number;
  evaluator: number;
  gap: number;
  areas: { id: string; label: string; self: number; evaluator: number; gap: number }[];
  sampled: number;
  adjusted: number;
}

/**
 * Self score vs evaluator (effective) score per assessment and area, over every period in scope,
 * for assessments where an evaluator layer visible to the actor exists.
 */
export async function listGaps(db: Db, actor: Actor): Promise<GapRow[]> {
  const out: GapRow[] = [];
  for (const row of await listAssessments(db, actor)) {
    if (row.status !== "submitted" && row.status !== "final") continue;
    const ctx = await requireAssessment(db, actor, row.id);
    if (!canOnUnit(actor, "evaluation.read", ctx.unit) && !canOnUnit(actor, "assessment.read", ctx.unit)) continue;
    const layers = await visibleLayers(db, actor, ctx);
    const rows = await loadLayerRows(db, ctx.assessment.id, layers);
    if (rows.internal.length === 0 && rows.external.length === 0) continue;
    const self = scoreAssessment(ctx.instrument, answersObject(rows.self));
    const effective = scoreAssessment(ctx.instrument, mergeLayers(rows, layers).answers);
    const decisions = await db.selectFrom("sample_item").select("decision").where("assessment_id", "=", ctx.assessment.id).where("decision", "is not", null).execute();
    out.push({
      assessmentId: ctx.assessment.id,
      unitId: ctx.unit.id,
      unitName: ctx.unit.name,
      year: ctx.period.year,
      self: self.total,
      evaluator: effective.total,
      gap: self.total - effective.total,
      areas: outlineOf(ctx.instrument).areas.map((a) => {
        const s = self.nodes[a.id]?.value ?? 0;
        const e = effective.nodes[a.id]?.value ?? 0;
        return { id: a.id, label: a.label, self: s, evaluator: e, gap: s - e };
      }),
      sampled: decisions.length,
      adjusted: decisions.filter((d) => d.decision !== "agree").length,
    });
  }
  return out;
}

/** Units ranked by their mean gap (self above evaluator first): where self-assessment runs optimistic. */
export function rankUnitsByGap(rows: GapRow[]): { unitId: string; unitName: string; meanGap: number; periods: number }[] {
  const byUnit = new Map<string, { unitName: string; gaps: number[] }>();
  for (const r of rows) {
    const e = byUnit.get(r.unitId) ?? { unitName: r.unitName, gaps: [] };
    e.gaps.push(r.gap);
    byUnit.set(r.unitId, e);
  }
  return [...byUnit]
    .map(([unitId, e]) => ({ unitId, unitName: e.unitName, meanGap: e.gaps.reduce((a, b) => a + b, 0) / e.gaps.length, periods: e.gaps.length }))
    .sort((a, b) => b.meanGap - a.meanGap);
}
