import type { Db } from "#db/client.server";
import type { SampleDecision } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { forbidden } from "~/auth/require.server";
import { outlineOf } from "~/domain/instrument/outline";
import type { AnswerValue } from "~/domain/scoring/answers";
import { NOT_APPLICABLE } from "~/domain/instrument/schema";
import { validateAnswer } from "~/domain/scoring/score";
import { insertAnswer } from "~/services/workbench/answer-row.server";
import { newId } from "~/utils/ids";
import { assertInRange, itemKey, parseValue, WorkbenchError } from "~/services/workbench/answers.server";
import { canOnUnit, type AssessmentContext } from "~/services/workbench/assessments.server";
import { writeAudit } from "~/services/admin/audit.server";
import { notify, notifyReleasedSendBacks } from "~/services/notifications/notify.server";
import { writeLayerSnapshot } from "~/services/dashboard/layers.server";
import { needsCoefficientReason } from "~/services/workbench/rules";

import { canWriteLayer, releasedLayers, type EvaluatorLayer } from "./layer-rows.server";

export interface EvaluatorAnswerInput {
  layer: EvaluatorLayer;
  itemId: string;
  decision: SampleDecision;
  /** For "adjust": the evaluator's answer. For "agree" the team's answer is copied. */
  value: AnswerValue;
  note: string | null;
  /** Sent-back items and adjusted scores may carry a recommendation (a finding for the RATL). */
  recommendation: string | null;
  sampleItemId?: string | null;
}

/**
 * Records an evaluator's review of one item in their own layer; the team's answer is never touched.
 * Agree copies the team's answer, adjust stores the evaluator's, send back stores a finding.
 */
export async function saveEvaluatorAnswer(db: Db, actor: Actor, ctx: AssessmentContext, input: EvaluatorAnswerInput): Promise<void> {
  if (!canWriteLayer(actor, ctx, input.layer)) throw forbidden();
  await db.transaction().execute((trx) => saveEvaluatorAnswerIn(trx, actor, ctx, input));
}

/** saveEvaluatorAnswer inside the caller's transaction; `source` is added to the audit entry (e.g. an Excel import). */
export async function saveEvaluatorAnswerIn(
  db: Db,
  actor: Actor,
  ctx: AssessmentContext,
  input: EvaluatorAnswerInput,
  source?: Record<string, unknown>,
): Promise<void> {
  if (!canWriteLayer(actor, ctx, input.layer)) throw forbidden();
  if (!outlineOf(ctx.instrument).items.has(input.itemId)) throw new WorkbenchError("workbench.unknownItem");
  if (ctx.assessment.status === "draft") throw new WorkbenchError("workbench.wrongStatus");
  const self = await db
    .selectFrom("answer")
    .select(["value_json"])
    .where("assessment_id", "=", ctx.assessment.id)
    .where("layer", "=", "self")
    .where("item_id", "=", input.itemId)
    .executeTakeFirst();
  let value: AnswerValue = input.decision === "agree" ? parseValue(self?.value_json ?? null) : input.value;
  if (
    input.decision === "adjust" &&
    needsCoefficientReason(ctx.instrument, input.itemId, value) &&
    !input.note?.trim() &&
    !input.recommendation?.trim()
  ) {
    throw new WorkbenchError("workbench.koefReasonRequired");
  }
  if (input.decision === "send_back" && value === null) value = null;
  if (input.decision === "adjust") assertInRange(ctx.instrument, input.itemId, value);
  if (validateAnswer(ctx.instrument, input.itemId, value).length > 0) throw new WorkbenchError("workbench.invalidAnswer");
  if (input.decision === "adjust" && value === null) throw new WorkbenchError("workbench.invalidAnswer");
  if (input.decision === "adjust" && value === NOT_APPLICABLE && !input.note?.trim() && !input.recommendation?.trim()) {
    throw new WorkbenchError("workbench.naReasonRequired");
  }
  if (input.decision === "send_back" && !input.recommendation?.trim()) throw new WorkbenchError("workbench.reasonRequired");
  const now = new Date().toISOString();
  const current = await db
    .selectFrom("answer")
    .selectAll()
    .where("assessment_id", "=", ctx.assessment.id)
    .where("layer", "=", input.layer)
    .where("item_id", "=", input.itemId)
    .executeTakeFirst();
  const valueJson = value === null ? null : JSON.stringify(value);
  if (current) {
    await db
      .updateTable("answer")
      .set({ value_json: valueJson, note: input.note, version: current.version + 1, updated_by: actor.id, updated_at: now })
      .where("id", "=", current.id)
      .execute();
  } else {
    await insertAnswer(db, {
      assessmentId: ctx.assessment.id,
      layer: input.layer,
      itemId: input.itemId,
      valueJson,
      note: input.note,
      version: 1,
      actorId: actor.id,
      now,
    });
  }
  const recommendation = input.recommendation?.trim();
  if (recommendation && input.decision !== "agree") {
    const findingId = newId();
    await db
      .insertInto("finding")
      .values({
        id: findingId,
        assessment_id: ctx.assessment.id,
        unit_id: ctx.unit.id,
        item_id: input.itemId,
        layer: input.layer,
        kind: input.decision === "send_back" ? "send_back" : "adjusted",
        recommendation,
        created_by: actor.id,
        created_at: now,
        follow_up_action: null,
        follow_up_owner: null,
        follow_up_due: null,
        follow_up_status: "open",
        follow_up_updated_at: null,
      })
      .execute();
    // The unit hears of a send-back only once the layer is released (before that it is hidden from them).
    if (input.decision === "send_back" && (await releasedLayers(db, ctx.assessment.id)).has(input.layer)) {
      await notify(db, {
        kind: "evaluator_returned",
        ctx,
        actorId: actor.id,
        itemId: input.itemId,
        note: recommendation,
        layer: input.layer,
        findingId,
      });
    }
  }
  if (input.sampleItemId) {
    await db
      .updateTable("sample_item")
      .set({ decision: input.decision, decided_at: now, decided_by: actor.id })
      .where("id", "=", input.sampleItemId)
      .where("assessment_id", "=", ctx.assessment.id)
      .execute();
  }
  await writeAudit(db, {
    actorUserId: actor.id,
    organisationId: ctx.assessment.organisation_id,
    action: `evaluation.${input.decision}`,
    // Not the item key: the team's item history must not show evaluator work before release.
    entityType: "evaluation",
    entityId: `eval:${itemKey(ctx.assessment.id, input.itemId)}`,
    before: current ? { layer: input.layer, value: parseValue(current.value_json), note: current.note } : undefined,
    after: { layer: input.layer, value, note: input.note, recommendation: recommendation ?? null, ...(source ? { source } : {}) },
  });
}

/** A sample of the layer with items of this assessment still undecided. */
export interface UnfinishedSample {
  sampleId: string;
  strategy: string;
  seed: string;
  size: number;
  /** Item ids still undecided, in review order. */
  items: string[];
}

/** Samples of `layer` on this assessment whose review is not finished, newest first. */
export async function unfinishedSamples(db: Db, assessmentId: string, layer: EvaluatorLayer): Promise<UnfinishedSample[]> {
  const rows = await db
    .selectFrom("sample_item")
    .innerJoin("sample", "sample.id", "sample_item.sample_id")
    .select(["sample.id", "sample.strategy", "sample.seed", "sample.created_at", "sample_item.item_id", "sample_item.decision"])
    .where("sample_item.assessment_id", "=", assessmentId)
    .where("sample.layer", "=", layer)
    .orderBy("sample.created_at", "desc")
    .orderBy("sample_item.position")
    .execute();
  const out = new Map<string, UnfinishedSample>();
  for (const r of rows) {
    const s = out.get(r.id) ?? { sampleId: r.id, strategy: r.strategy, seed: r.seed, size: 0, items: [] };
    s.size++;
    if (r.decision === null) s.items.push(r.item_id);
    out.set(r.id, s);
  }
  return [...out.values()].filter((s) => s.items.length > 0);
}

/** Releasing while samples of the layer are unfinished needs the evaluator's explicit confirmation. */
export class ReleaseUnconfirmedError extends Error {
  readonly status = 409;
  readonly key = "eval.releaseUnfinished" as const;
  constructor(public readonly unfinished: UnfinishedSample[]) {
    super("eval.releaseUnfinished");
  }
}

/**
 * Releases an evaluator layer to the unit (logged). While a sample of the layer still has undecided
 * items the release is refused (ReleaseUnconfirmedError, naming them) unless `confirmed`.
 */
export async function releaseLayer(
  db: Db,
  actor: Actor,
  ctx: AssessmentContext,
  layer: EvaluatorLayer,
  opts: { confirmed?: boolean } = {},
): Promise<void> {
  if (!canWriteLayer(actor, ctx, layer)) throw forbidden();
  if ((await releasedLayers(db, ctx.assessment.id)).has(layer)) return;
  const unfinished = await unfinishedSamples(db, ctx.assessment.id, layer);
  if (unfinished.length > 0 && !opts.confirmed) throw new ReleaseUnconfirmedError(unfinished);
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("layer_release")
      .values({
        id: newId(),
        assessment_id: ctx.assessment.id,
        layer,
        released_at: new Date().toISOString(),
        released_by: actor.id,
        revoked_at: null,
        revoked_by: null,
        revoke_reason: null,
      })
      .execute();
    // Dashboards compare self and evaluator scores from stored snapshots, taken at release.
    await writeLayerSnapshot(trx, ctx.assessment.id, layer, actor.id);
    await writeAudit(trx, {
      actorUserId: actor.id,
      organisationId: ctx.assessment.organisation_id,
      action: "evaluation.release",
      entityType: "assessment",
      entityId: ctx.assessment.id,
      after: { layer, ...(unfinished.length ? { unfinished: unfinished.map((u) => ({ sample: u.sampleId, items: u.items })) } : {}) },
    });
    await notify(trx, { kind: "results_released", ctx, actorId: actor.id, layer });
    await notifyReleasedSendBacks(trx, ctx, layer);
  });
}

/** Withdrawing a release is an administrator's act with a written reason. */
export async function revokeRelease(db: Db, actor: Actor, ctx: AssessmentContext, layer: EvaluatorLayer, reason: string): Promise<void> {
  if (!canOnUnit(actor, "evaluation.unrelease", ctx.unit)) throw forbidden();
  if (!reason.trim()) throw new WorkbenchError("workbench.reasonRequired");
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("layer_release")
      .set({ revoked_at: new Date().toISOString(), revoked_by: actor.id, revoke_reason: reason.trim() })
      .where("assessment_id", "=", ctx.assessment.id)
      .where("layer", "=", layer)
      .where("revoked_at", "is", null)
      .execute();
    await writeAudit(trx, {
      actorUserId: actor.id,
      organisationId: ctx.assessment.organisation_id,
      action: "evaluation.unrelease",
      entityType: "assessment",
      entityId: ctx.assessment.id,
      after: { layer },
      reason: reason.trim(),
    });
  });
}
