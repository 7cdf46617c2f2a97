import type { Db } from "#db/client.server";
import type { Answer, Layer } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { outlineOf } from "~/domain/instrument/outline";
import { scoreAssessment } from "~/domain/scoring/score";
import { answersObject } from "~/services/workbench/answers.server";
import type { AssessmentContext } from "~/services/workbench/assessments.server";
import { LAYER_ORDER, loadLayerRows, mergeLayers, releasedLayers, visibleLayers } from "./layer-rows.server";

export interface LayerSummary {
  layer: Layer;
  /** Items this layer scored (a non-empty answer); the layer's total rests on these. */
  answered: number;
  /** The team's answers overlaid with this layer's; with no scored item it is just the team's score. */
  total: number;
  /** False for an evaluator layer that scored no item: it has no score of its own to show. */
  scored: boolean;
  released: boolean;
}

export interface ItemComparison {
  itemId: string;
  areaId: string;
  self: unknown;
  selfNote: string | null;
  evaluator: { layer: Layer; value: unknown; note: string | null } | null;
  /** Points the effective answer moves the total by, relative to the team's answer. */
  delta: number;
}

/** The layers' scores over the team's answers, and the effective score over all of `layers`. */
function scoreLayers(ctx: AssessmentContext, rows: Record<Layer, Answer[]>, layers: readonly Layer[], released: ReadonlySet<Layer>) {
  const selfAnswers = answersObject(rows.self);
  const selfResult = scoreAssessment(ctx.instrument, selfAnswers);
  const merged = mergeLayers(rows, layers);
  const effective = scoreAssessment(ctx.instrument, merged.answers);
  const summaries: LayerSummary[] = layers.map((layer) => {
    const answered = rows[layer].filter((r) => r.value_json !== null).length;
    return {
      layer,
      answered,
      total: layer === "self" ? selfResult.total : scoreAssessment(ctx.instrument, { ...selfAnswers, ...answersObject(rows[layer]) }).total,
      scored: answered > 0,
      released: layer === "self" || released.has(layer),
    };
  });
  return { summaries, selfResult, merged, effective };
}

/**
 * The effective score as every reader of the assessment sees it (the printed report): the team's
 * layer and each released evaluator layer with its total and the items it rests on, the effective
 * total over exactly those layers, the order of authority that makes it effective (highest first),
 * and how many of the answered items each layer decided.
 */
export async function releasedLayerScores(db: Db, ctx: AssessmentContext) {
  const released = await releasedLayers(db, ctx.assessment.id);
  const layers = LAYER_ORDER.filter((l) => l === "self" || released.has(l));
  const rows = await loadLayerRows(db, ctx.assessment.id, layers);
  const { summaries, merged, effective } = scoreLayers(ctx, rows, layers, released);
  const items = outlineOf(ctx.instrument).items;
  const decided = Object.fromEntries(layers.map((l) => [l, 0])) as Record<Layer, number>;
  for (const [itemId, layer] of Object.entries(merged.source)) if (items.has(itemId)) decided[layer]++;
  return {
    layers: summaries,
    effective: { total: effective.total, predicate: effective.predicate?.code ?? null },
    /** Highest authority first: where a layer answered an item, its answer counts. */
    authority: [...layers].reverse(),
    decided,
  };
}

export type ReleasedLayerScores = Awaited<ReturnType<typeof releasedLayerScores>>;

/**
 * Scores of each visible layer and the effective score (per item the highest-authority layer that
 * answered), plus the items where an evaluator's answer differs from the team's.
 */
export async function layerComparison(db: Db, actor: Actor, ctx: AssessmentContext) {
  const layers = await visibleLayers(db, actor, ctx);
  const released = await releasedLayers(db, ctx.assessment.id);
  const rows = await loadLayerRows(db, ctx.assessment.id, layers);
  const { summaries, selfResult, merged, effective } = scoreLayers(ctx, rows, layers, released);
  const outline = outlineOf(ctx.instrument);
  const selfRow = new Map(rows.self.map((r) => [r.item_id, r]));
  const comparisons: ItemComparison[] = [];
  for (const layer of ["external", "internal"] as const) {
    for (const r of rows[layer]) {
      if (comparisons.some((c) => c.itemId === r.item_id)) continue;
      const s = selfRow.get(r.item_id);
      // Only real adjustments: agreement copies the team's answer, a send-back without a score is a finding.
      if (r.value_json === null || r.value_json === (s?.value_json ?? null)) continue;
      const selfValue = selfResult.nodes[r.item_id]?.value ?? 0;
      const effValue = effective.nodes[r.item_id]?.value ?? 0;
      const group = outline.areas.flatMap((a) => a.groups).find((g) => g.items.some((i) => i.id === r.item_id));
      comparisons.push({
        itemId: r.item_id,
        areaId: outline.areaOfItem.get(r.item_id) ?? "",
        self: s?.value_json ? JSON.parse(s.value_json) : null,
        selfNote: s?.note ?? null,
        evaluator: { layer, value: r.value_json ? JSON.parse(r.value_json) : null, note: r.note },
        delta: group ? (group.weight / group.items.length) * (effValue - selfValue) : 0,
      });
    }
  }
  return {
    layers: summaries,
    self: { total: selfResult.total, predicate: selfResult.predicate?.code ?? null },
    effective: {
      total: effective.total,
      predicate: effective.predicate?.code ?? null,
      verdicts: Object.values(effective.zi ?? {}).map((v) => ({ id: v.id, label: v.label, pass: v.pass })),
      answers: merged.answers,
      source: merged.source,
    },
    comparisons: comparisons.sort((a, b) => a.itemId.localeCompare(b.itemId)),
  };
}
