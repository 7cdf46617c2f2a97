import type { Db } from "#db/client.server";
import { isUniqueViolation } from "#db/errors";
import type { Appeal } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { appealRefusal, isAppealableItem, type AppealRefusal } from "~/domain/appeal/eligibility";
import { outlineOf } from "~/domain/instrument/outline";
import type { AnswerValue } from "~/domain/scoring/answers";
import type { Json, SealAppeal } from "~/domain/seal/document";
import { writeAudit } from "~/services/admin/audit.server";
import { writeLayerSnapshot } from "~/services/dashboard/layers.server";
import { canWriteLayer, type EvaluatorLayer } from "~/services/evaluation/layer-rows.server";
import { saveEvaluatorAnswerIn } from "~/services/evaluation/layers.server";
import { stageFiles, type EvidenceUpload } from "~/services/evidence/upload.server";
import { sealAssessment } from "~/services/seal/seal.server";
import { requireAssessment, type AssessmentContext } from "~/services/workbench/assessments.server";
import { newId } from "~/utils/ids";
import { AppealError } from "./errors";
import { prepareAppealFiles, restoreMissing } from "./files.server";
import { notifyAppealDecided, notifyAppealFiled } from "./notices.server";
import { layerWindows, todayWib } from "./windows.server";
import { isOwnTeam, json } from "./read.server";

export * from "./read.server";

/*
 * Appeals (sanggah, issue #30; spec rb-2024 §4): the organisation's team appeals one row (item) of a
 * released evaluator layer inside the window, with a reason and at least one file; the evaluator of that
 * layer accepts (with a new value for the row, in the same step: the layer is re-scored, its snapshot
 * re-written and a new chained seal records the appeal) or rejects (only the record changes), always with
 * a written response. An appeal is never overwritten: after a decision a new appeal is a new row. Every
 * step is audited and notified, inside one transaction.
 */

export const MAX_REASON_LENGTH = 4000;
export const MAX_RESPONSE_LENGTH = 4000;

const STATUS_OF: Partial<Record<AppealRefusal, 403 | 409>> = {
  "appeal.refused.notOwnOrganisation": 403,
  "appeal.refused.alreadyOpen": 409,
};

export interface FileAppealInput {
  layer: EvaluatorLayer;
  itemId: string;
  reason: string;
}

/**
 * Files an appeal of one row with the staged files of an upload (the caller disposes it). Refused with a
 * message key (AppealError) when the actor is not the organisation's team, the row is not appealable or
 * has no released evaluator value, an appeal of it is still open (also when two arrive at once: the
 * database's one-open-appeal index decides), or today (WIB) is outside the window. Returns the appeal id.
 */
export async function fileAppeal(
  db: Db,
  actor: Actor,
  ctx: AssessmentContext,
  input: FileAppealInput,
  upload: EvidenceUpload,
  now: Date = new Date(),
): Promise<string> {
  const outline = outlineOf(ctx.instrument);
  const item = outline.items.get(input.itemId);
  if (!isOwnTeam(actor, ctx)) throw new AppealError("appeal.refused.notOwnOrganisation", 403);
  if (!item) throw new AppealError("appeal.unknownItem", 404);
  const windows = await layerWindows(db, ctx, now);
  const w = windows.find((x) => x.layer === input.layer)!;
  const answer = await db
    .selectFrom("answer")
    .select(["value_json"])
    .where("assessment_id", "=", ctx.assessment.id)
    .where("layer", "=", input.layer)
    .where("item_id", "=", input.itemId)
    .executeTakeFirst();
  const openAppeal = await db
    .selectFrom("appeal")
    .select("id")
    .where("assessment_id", "=", ctx.assessment.id)
    .where("layer", "=", input.layer)
    .where("item_id", "=", input.itemId)
    .where("status", "=", "diajukan")
    .executeTakeFirst();
  const refusal = appealRefusal({
    ownTeam: true,
    appealable: isAppealableItem(item),
    released: w.releasedAt !== null,
    hasEvaluatorValue: !!answer && answer.value_json !== null,
    openAppeal: !!openAppeal,
    window: w.window,
    today: todayWib(now),
  });
  if (refusal) throw new AppealError(refusal, STATUS_OF[refusal] ?? 400);
  const reason = input.reason.trim();
  if (!reason) throw new AppealError("appeal.reasonRequired");
  if (reason.length > MAX_REASON_LENGTH) throw new AppealError("appeal.reasonRequired");
  const files = await prepareAppealFiles(upload);
  const id = newId();
  const at = now.toISOString();
  try {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto("appeal")
        .values({
          id,
          assessment_id: ctx.assessment.id,
          organisation_id: ctx.assessment.organisation_id,
          item_id: input.itemId,
          layer: input.layer,
          status: "diajukan",
          reason,
          filed_by: actor.id,
          filed_at: at,
          value_before_json: answer!.value_json,
          response: null,
          decided_by: null,
          decided_at: null,
          value_after_json: null,
          seal_id: null,
        })
        .execute();
      for (const p of files) {
        await trx
          .insertInto("evidence_blob")
          .values({ sha256: p.sha256, size: p.size, mime: p.mime, created_at: at })
          .onConflict((oc) => oc.column("sha256").doNothing())
          .execute();
        await trx
          .insertInto("appeal_file")
          .values({
            id: newId(),
            appeal_id: id,
            blob_sha256: p.sha256,
            filename: p.name,
            mime: p.mime,
            size: p.size,
            uploaded_by: actor.id,
            created_at: at,
          })
          .execute();
      }
      await writeAudit(trx, {
        actorUserId: actor.id,
        organisationId: ctx.assessment.organisation_id,
        action: "appeal.file",
        entityType: "appeal",
        entityId: id,
        after: {
          assessmentId: ctx.assessment.id,
          item: input.itemId,
          layer: input.layer,
          reason,
          valueBefore: json(answer!.value_json),
          files: files.map((f) => ({ name: f.name, sha256: f.sha256, size: f.size })),
        },
      });
      await notifyAppealFiled(trx, ctx, { id, item_id: input.itemId, layer: input.layer, reason }, actor.id);
    });
  } catch (e) {
    // Two filings of the same row at once: the partial unique index lets one through.
    if (isUniqueViolation(e)) throw new AppealError("appeal.refused.alreadyOpen", 409);
    throw e;
  }
  await restoreMissing(upload, files);
  return id;
}

/** fileAppeal with File objects (the service API, tests, the seed): staged through the same upload stream. */
export async function fileAppealWithFiles(
  db: Db,
  actor: Actor,
  ctx: AssessmentContext,
  input: FileAppealInput,
  files: File[],
  now: Date = new Date(),
): Promise<string> {
  if (!isOwnTeam(actor, ctx)) throw new AppealError("appeal.refused.notOwnOrganisation", 403);
  const upload = await stageFiles(files);
  try {
    return await fileAppeal(db, actor, ctx, input, upload, now);
  } finally {
    await upload.dispose();
  }
}

export interface DecideInput {
  decision: "accept" | "reject";
  response: string;
  /** Accept: the row's new evaluator value (validated like any evaluator answer). */
  value?: AnswerValue;
}

/** The appeal and its assessment, for someone who may read the assessment (404 otherwise). */
export async function requireAppeal(db: Db, actor: Actor, appealId: string): Promise<{ appeal: Appeal; ctx: AssessmentContext }> {
  if (appealId.length > 64) throw new AppealError("appeal.notFound", 404);
  const appeal = await db.selectFrom("appeal").selectAll().where("id", "=", appealId).executeTakeFirst();
  if (!appeal) throw new AppealError("appeal.notFound", 404);
  const ctx = await requireAssessment(db, actor, appeal.assessment_id);
  return { appeal, ctx };
}

/**
 * Decides an open appeal (only someone who may write that layer on the unit, never its filer), with a
 * written response. Reject changes only the record. Accept, in the same transaction: the row's new
 * evaluator value (saveEvaluatorAnswerIn, decision "adjust", the response as its note), the layer's
 * snapshot re-written, a new chained seal (event "appeal") whose document and receipt carry the appeal,
 * and the record with the value after and the seal. Audited; the filer and the coordinators are told.
 */
export async function decideAppeal(db: Db, actor: Actor, appealId: string, input: DecideInput, now: Date = new Date()): Promise<void> {
  const { appeal, ctx } = await requireAppeal(db, actor, appealId);
  if (!canWriteLayer(actor, ctx, appeal.layer)) throw new AppealError("appeal.cannotDecide", 403);
  if (appeal.filed_by === actor.id) throw new AppealError("appeal.ownAppeal", 403);
  if (appeal.status !== "diajukan") throw new AppealError("appeal.alreadyDecided", 409);
  const response = input.response.trim();
  if (!response || response.length > MAX_RESPONSE_LENGTH) throw new AppealError("appeal.responseRequired");
  const accept = input.decision === "accept";
  if (accept && (input.value === undefined || input.value === null)) throw new AppealError("appeal.valueRequired");
  if (accept) {
    const released = (await layerWindows(db, ctx, now)).find((w) => w.layer === appeal.layer)!.releasedAt;
    if (!released) throw new AppealError("appeal.refused.notReleased");
  }
  const at = now.toISOString();
  const status = accept ? "diterima" : "ditolak";
  await db.transaction().execute(async (trx) => {
    // Only one decision: a second decider (or a double post) finds the appeal no longer open.
    const decided = await trx
      .updateTable("appeal")
      .set({ status, response, decided_by: actor.id, decided_at: at })
      .where("id", "=", appeal.id)
      .where("status", "=", "diajukan")
      .executeTakeFirst();
    if (Number(decided.numUpdatedRows) !== 1) throw new AppealError("appeal.alreadyDecided", 409);
    let valueAfter: Json = null;
    let sealId: string | null = null;
    if (accept) {
      await saveEvaluatorAnswerIn(
        trx,
        actor,
        ctx,
        { layer: appeal.layer, itemId: appeal.item_id, decision: "adjust", value: input.value!, note: response, recommendation: null },
        { appeal: appeal.id },
      );
      const stored = await trx
        .selectFrom("answer")
        .select("value_json")
        .where("assessment_id", "=", ctx.assessment.id)
        .where("layer", "=", appeal.layer)
        .where("item_id", "=", appeal.item_id)
        .executeTakeFirstOrThrow();
      valueAfter = json(stored.value_json);
      const snapshotId = await writeLayerSnapshot(trx, ctx.assessment.id, appeal.layer, actor.id, at);
      const snapshot = await trx.selectFrom("score_snapshot").select("total").where("id", "=", snapshotId).executeTakeFirstOrThrow();
      const names = await trx
        .selectFrom("user")
        .select(["id", "name"])
        .where("id", "in", [actor.id, ...(appeal.filed_by ? [appeal.filed_by] : [])])
        .execute();
      const nameOf = (id: string | null) => names.find((n) => n.id === id)?.name ?? "–";
      const facts: SealAppeal = {
        id: appeal.id,
        item: appeal.item_id,
        layer: appeal.layer,
        reason: appeal.reason,
        response,
        valueBefore: json(appeal.value_before_json),
        valueAfter,
        layerTotal: Number(snapshot.total),
        filedAt: appeal.filed_at,
        filedBy: nameOf(appeal.filed_by),
        decidedAt: at,
        decidedBy: nameOf(actor.id),
      };
      const seal = await sealAssessment(trx, actor, ctx.assessment.id, "appeal", at, undefined, undefined, facts);
      sealId = seal.id;
      await trx.updateTable("appeal").set({ value_after_json: stored.value_json, seal_id: seal.id }).where("id", "=", appeal.id).execute();
    }
    await writeAudit(trx, {
      actorUserId: actor.id,
      organisationId: ctx.assessment.organisation_id,
      action: accept ? "appeal.accept" : "appeal.reject",
      entityType: "appeal",
      entityId: appeal.id,
      before: { status: "diajukan", value: json(appeal.value_before_json) },
      after: { status, response, ...(accept ? { value: valueAfter, sealId } : {}) },
    });
    await notifyAppealDecided(trx, ctx, appeal, status, response, actor.id);
  });
}
