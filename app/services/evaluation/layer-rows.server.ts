/*
 * Score layers, read side: which layers exist (self, internal, external), who may see or write
 * which, and the effective answers when several layers answered an item. Writing a layer is in
 * layers.server.ts; the dashboard's layer snapshots (dashboard/layers.server.ts) read through here.
 */
import type { Db } from "#db/client.server";
import type { Answer, Layer } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import type { Answers } from "~/domain/scoring/answers";
import { answersObject } from "~/services/workbench/answers.server";
import { canOnUnit, type AssessmentContext } from "~/services/workbench/assessments.server";
/** Authority of the score layers, lowest first: where an evaluator answered, theirs prevails (README §9). */
export const LAYER_ORDER: readonly Layer[] = ["self", "internal", "external"];
export type EvaluatorLayer = Exclude<Layer, "self">;

export function canWriteLayer(actor: Actor, ctx: Pick<AssessmentContext, "unit">, layer: EvaluatorLayer): boolean {
  return canOnUnit(actor, layer === "internal" ? "evaluation.internal" : "evaluation.external", ctx.unit);
}

export async function releasedLayers(db: Db, assessmentId: string): Promise<Set<Layer>> {
  const rows = await db.selectFrom("layer_release").select("layer").where("assessment_id", "=", assessmentId).where("revoked_at", "is", null).execute();
  return new Set(rows.map((r) => r.layer));
}

/**
 * Layers the actor may see: the team's own always; an evaluator layer once released, or before that
 * only to those who may write it (and the system administrator).
 */
export async function visibleLayers(db: Db, actor: Actor, ctx: AssessmentContext): Promise<Layer[]> {
  const released = await releasedLayers(db, ctx.assessment.id);
  return LAYER_ORDER.filter((l) => l === "self" || released.has(l) || actor.isAdmin || canWriteLayer(actor, ctx, l as EvaluatorLayer));
}

export async function loadLayerRows(db: Db, assessmentId: string, layers: readonly Layer[]): Promise<Record<Layer, Answer[]>> {
  const rows = layers.length
    ? await db.selectFrom("answer").selectAll().where("assessment_id", "=", assessmentId).where("layer", "in", [...layers]).execute()
    : [];
  const out: Record<Layer, Answer[]> = { self: [], internal: [], external: [] };
  for (const r of rows) out[r.layer].push(r);
  return out;
}

/** The effective answers: per item, the highest-authority layer among `layers` that answered it. */
export function mergeLayers(byLayer: Record<Layer, Answer[]>, layers: readonly Layer[]): { answers: Answers; source: Record<string, Layer> } {
  const answers: Answers = {};
  const source: Record<string, Layer> = {};
  for (const layer of LAYER_ORDER) {
    if (!layers.includes(layer)) continue;
    for (const [id, v] of Object.entries(answersObject(byLayer[layer]))) {
      answers[id] = v;
      source[id] = layer;
    }
  }
  return { answers, source };
}
