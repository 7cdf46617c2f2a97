import crypto from "node:crypto";
import type { Db } from "#db/client.server";
import type { Layer, SampleStrategy } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { adjustmentItems } from "~/domain/instrument/tree";
import { forbidden, notFound } from "~/auth/require.server";
import { estimateIndex, type IndexEstimate } from "~/domain/evaluation/estimate";
import { assessmentFrame, itemWeights } from "~/domain/evaluation/frame";
import { createRng } from "~/domain/evaluation/prng";
import { drawSample, type EvidenceState, type FrameUnit, type RiskFactors } from "~/domain/evaluation/sampling";
import { outlineOf } from "~/domain/instrument/outline";
import { scoreAssessment } from "~/domain/scoring/score";
import { newId } from "~/utils/ids";
import { answersObject, loadAnswers, WorkbenchError } from "~/services/workbench/answers.server";
import { requireAssessment, type AssessmentContext } from "~/services/workbench/assessments.server";
import { writeAudit } from "~/services/admin/audit.server";
import { canWriteLayer, loadLayerRows, mergeLayers, type EvaluatorLayer } from "./layer-rows.server";

/** A file backing this many items in more than one area counts as duplicated evidence. */
const DUPLICATE_MIN_ITEMS = 4;

/** Item values of the previous period's self answers of the same unit and instrument, if any. */
async function previousValues(db: Db, ctx: AssessmentContext): Promise<Record<string, number> | null> {
  const prev = await db
    .selectFrom("assessment")
    .innerJoin("period", "period.id", "assessment.period_id")
    .select(["assessment.id", "assessment.instrument_hash"])
    .where("assessment.unit_id", "=", ctx.unit.id)
    .where("assessment.instrument_id", "=", ctx.assessment.instrument_id)
    .where("period.year", "<", ctx.period.year)
    .orderBy("period.year", "desc")
    .executeTakeFirst();
  if (!prev) return null;
  const prevCtx = { ...ctx, assessment: { ...ctx.assessment, id: prev.id } };
  const answers = answersObject(await loadAnswers(db, prevCtx.assessment.id));
  try {
    const nodes = scoreAssessment(ctx.instrument, Object.fromEntries(Object.entries(answers).filter(([id]) => outlineOf(ctx.instrument).items.has(id)))).nodes;
    const out: Record<string, number> = {};
    for (const id of Object.keys(answers)) if (nodes[id]) out[id] = nodes[id]!.value;
    return out;
  } catch {
    return null;
  }
}

/** The unit's past mean (self − evaluator) as a share of the maximum, over assessments with evaluator answers. */
async function unitBias(db: Db, ctx: AssessmentContext): Promise<number> {
  const past = await db
    .selectFrom("assessment")
    .innerJoin("period", "period.id", "assessment.period_id")
    .select(["assessment.id"])
    .where("assessment.unit_id", "=", ctx.unit.id)
    .where("assessment.instrument_id", "=", ctx.assessment.instrument_id)
    .where("period.year", "<", ctx.period.year)
    .execute();
  const gaps: number[] = [];
  for (const p of past) {
    const rows = await loadLayerRows(db, p.id, ["self", "internal", "external"]);
    if (rows.internal.length === 0 && rows.external.length === 0) continue;
    const self = scoreAssessment(ctx.instrument, answersObject(rows.self)).total;
    const eff = scoreAssessment(ctx.instrument, mergeLayers(rows, ["self", "internal", "external"]).answers).total;
    gaps.push((self - eff) / ctx.instrument.total_weight);
  }
  if (gaps.length === 0) return 0;
  return Math.max(0, gaps.reduce((a, b) => a + b, 0) / gaps.length);
}

/** Risk factors of every item of an assessment, from its answers, evidence and history (issue #5). */
export async function riskFactors(db: Db, ctx: AssessmentContext): Promise<Map<string, RiskFactors>> {
  const outline = outlineOf(ctx.instrument);
  const rows = await loadAnswers(db, ctx.assessment.id);
  const current = scoreAssessment(ctx.instrument, answersObject(rows)).nodes;
  const prev = await previousValues(db, ctx);
  const bias = await unitBias(db, ctx);
  const links = await db
    .selectFrom("evidence_item")
    .innerJoin("evidence", "evidence.id", "evidence_item.evidence_id")
    .select(["evidence_item.item_id", "evidence.kind", "evidence.blob_sha256"])
    .where("evidence_item.assessment_id", "=", ctx.assessment.id)
    .where("evidence_item.removed_at", "is", null)
    .where("evidence.removed_at", "is", null)
    .execute();
  const itemsByBlob = new Map<string, Set<string>>();
  for (const l of links) if (l.blob_sha256) itemsByBlob.set(l.blob_sha256, (itemsByBlob.get(l.blob_sha256) ?? new Set()).add(l.item_id));
  const spread = (sha: string) => {
    const items = itemsByBlob.get(sha) ?? new Set<string>();
    return items.size >= DUPLICATE_MIN_ITEMS && new Set([...items].map((i) => outline.areaOfItem.get(i))).size > 1;
  };
  const byItem = new Map<string, RiskFactors>();
  const answerRow = new Map(rows.map((r) => [r.item_id, r]));
  for (const [id, item] of outline.items) {
    const mine = links.filter((l) => l.item_id === id);
    const files = mine.filter((l) => l.kind === "file");
    let evidence: EvidenceState = "ok";
    if (mine.length === 0) evidence = item.evidence.length > 0 ? "none" : "ok";
    else if (files.some((f) => f.blob_sha256 && spread(f.blob_sha256))) evidence = "duplicated";
    else if (files.length === 0 && item.evidence.length > 0) evidence = "weak";
    const now = answerRow.get(id)?.value_json != null ? (current[id]?.value ?? 0) : null;
    const before = prev?.[id];
    byItem.set(id, {
      jump: now !== null && before !== undefined ? Math.min(1, Math.abs(now - before)) : 0,
      evidence,
      carriedOver: answerRow.get(id)?.carried_over === 1,
      unitBias: bias,
    });
  }
  return byItem;
}

export async function buildFrame(db: Db, ctxs: AssessmentContext[]): Promise<FrameUnit[]> {
  const frame: FrameUnit[] = [];
  for (const ctx of ctxs) {
    const risks = await riskFactors(db, ctx);
    frame.push(...assessmentFrame(ctx.instrument, ctx.assessment.id, (id) => risks.get(id)));
  }
  return frame;
}

export interface DrawInput {
  layer: EvaluatorLayer;
  strategy: SampleStrategy;
  size: number;
  seed: string | null;
}

/**
 * Draws and stores a spot-check sample over one or many assessments of one organisation and period.
 * The seed, strategy, parameters and frame are stored, so the same inputs reproduce the same sample.
 */
export async function drawSampleAction(db: Db, actor: Actor, ctxs: AssessmentContext[], input: DrawInput): Promise<string> {
  if (ctxs.length === 0) throw notFound();
  const first = ctxs[0]!;
  for (const ctx of ctxs) {
    if (!canWriteLayer(actor, ctx, input.layer)) throw forbidden();
    if (ctx.assessment.status === "draft") throw new WorkbenchError("workbench.wrongStatus");
    if (ctx.assessment.organisation_id !== first.assessment.organisation_id || ctx.assessment.period_id !== first.assessment.period_id) throw new WorkbenchError("workbench.wrongStatus");
  }
  const seed = input.seed ?? crypto.randomBytes(4).toString("hex");
  const frame = await buildFrame(db, ctxs);
  const sample = drawSample(frame, { strategy: input.strategy, size: input.size, seed });
  // The koefisien (an adjustment component's item) is the evaluator's to set: every sample takes it, with certainty.
  for (const ctx of ctxs) {
    for (const itemId of adjustmentItems(ctx.instrument)) {
      if (!sample.items.some((it) => it.assessmentId === ctx.assessment.id && it.itemId === itemId)) {
        const area = outlineOf(ctx.instrument).areaOfItem.get(itemId) ?? "";
        sample.items.push({ key: `${ctx.assessment.id}:${itemId}`, assessmentId: ctx.assessment.id, itemId, area, drawWeight: 1, inclusionWeight: 1 });
      }
    }
  }
  const id = newId();
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("sample")
      .values({
        id,
        organisation_id: first.assessment.organisation_id,
        period_id: first.assessment.period_id,
        layer: input.layer,
        strategy: input.strategy,
        seed: String(seed),
        size: sample.items.length,
        params_json: JSON.stringify({ requested: input.size, params: sample.params, strata: sample.strata ?? null }),
        frame_json: JSON.stringify(frame),
        frame_hash: sample.frameHash,
        created_by: actor.id,
        created_at: now,
      })
      .execute();
    // Review order is shuffled by the seed, so a half-finished review is not just the first areas.
    const order = [...sample.items];
    const rng = createRng(`${seed}:order`);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const [position, it] of order.entries()) {
      await trx
        .insertInto("sample_item")
        .values({ id: newId(), sample_id: id, assessment_id: it.assessmentId, item_id: it.itemId, position, inclusion_weight: it.inclusionWeight, decision: null, decided_at: null, decided_by: null })
        .execute();
    }
    await writeAudit(trx, {
      actorUserId: actor.id,
      organisationId: first.assessment.organisation_id,
      action: "sample.draw",
      entityType: "sample",
      entityId: id,
      after: { layer: input.layer, strategy: input.strategy, seed, size: sample.items.length, frameSize: frame.length, frameHash: sample.frameHash, assessments: ctxs.map((c) => c.assessment.id) },
    });
  });
  return id;
}

export async function listSamples(db: Db, assessmentId: string) {
  const rows = await db
    .selectFrom("sample")
    .innerJoin("sample_item", "sample_item.sample_id", "sample.id")
    .select(["sample.id", "sample.strategy", "sample.layer", "sample.seed", "sample.created_at"])
    .select((eb) => [eb.fn.count<number>("sample_item.id").as("size"), eb.fn.count<number>("sample_item.decision").as("done")])
    .where("sample_item.assessment_id", "=", assessmentId)
    .groupBy(["sample.id", "sample.strategy", "sample.layer", "sample.seed", "sample.created_at"])
    .orderBy("sample.created_at", "desc")
    .execute();
  return rows.map((r) => ({ ...r, size: Number(r.size), done: Number(r.done) }));
}

/**
 * Adjusted index estimate from the latest sample of `layer` that reviewed items of this assessment:
 * self and evaluator item values of the decided items, weighted by their inclusion probabilities.
 */
export async function estimateForAssessment(db: Db, actor: Actor, ctx: AssessmentContext, layer: EvaluatorLayer): Promise<(IndexEstimate & { layer: Layer }) | null> {
  if (!canWriteLayer(actor, ctx, layer)) return null;
  const sample = await db
    .selectFrom("sample")
    .innerJoin("sample_item", "sample_item.sample_id", "sample.id")
    .select(["sample.id", "sample.strategy", "sample.seed", "sample.frame_json"])
    .where("sample.layer", "=", layer)
    .where("sample_item.assessment_id", "=", ctx.assessment.id)
    .where("sample_item.decision", "is not", null)
    .orderBy("sample.created_at", "desc")
    .executeTakeFirst();
  if (!sample) return null;
  const decided = await db
    .selectFrom("sample_item")
    .selectAll()
    .where("sample_id", "=", sample.id)
    .where("assessment_id", "=", ctx.assessment.id)
    .where("decision", "is not", null)
    .execute();
  const rows = await loadLayerRows(db, ctx.assessment.id, ["self", layer]);
  const self = scoreAssessment(ctx.instrument, answersObject(rows.self));
  const merged = scoreAssessment(ctx.instrument, mergeLayers(rows, ["self", layer]).answers);
  const weights = itemWeights(ctx.instrument);
  const frame = JSON.parse(sample.frame_json) as FrameUnit[];
  const layerAnswered = new Set(rows[layer].filter((r) => r.value_json !== null).map((r) => r.item_id));
  // A sent-back item the evaluator did not score tells nothing about the evaluator's value: leave it out.
  const reviewed = decided.filter((d) => d.decision !== "send_back" || layerAnswered.has(d.item_id));
  return {
    layer,
    ...estimateIndex({
      selfTotal: self.total,
      max: ctx.instrument.total_weight,
      populationSize: frame.filter((f) => f.assessmentId === ctx.assessment.id).length,
      design: sample.strategy,
      seed: sample.seed,
      items: reviewed.map((d) => ({
        itemId: d.item_id,
        weight: weights.get(d.item_id)?.points ?? 0,
        self: self.nodes[d.item_id]?.value ?? 0,
        evaluator: merged.nodes[d.item_id]?.value ?? 0,
        inclusionProbability: d.inclusion_weight,
        stratum: weights.get(d.item_id)?.area,
      })),
    }),
  };
}

/** A stored sample with its items, for the review screen; every assessment in it is scope-checked. */
export async function getSample(db: Db, actor: Actor, sampleId: string) {
  const sample = await db.selectFrom("sample").selectAll().where("id", "=", sampleId).executeTakeFirst();
  if (!sample) throw notFound();
  const items = await db.selectFrom("sample_item").selectAll().where("sample_id", "=", sampleId).orderBy("position").execute();
  const ctxs = new Map<string, AssessmentContext>();
  for (const id of new Set(items.map((i) => i.assessment_id))) {
    const ctx = await requireAssessment(db, actor, id, "evaluation.read");
    if (!canWriteLayer(actor, ctx, sample.layer as EvaluatorLayer)) throw forbidden();
    ctxs.set(id, ctx);
  }
  return { sample, items, ctxs };
}
