import type { ExpressionBuilder } from "kysely";
import type { Db } from "#db/client.server";
import type { AssessmentStatus, Database } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { forbidden } from "~/auth/require.server";
import { outlineOf } from "~/domain/instrument/outline";
import type { Answers } from "~/domain/scoring/answers";
import { newId } from "~/utils/ids";
import { answersObject, assertWindow, editorRole, itemKey, loadAnswers, WorkbenchError } from "./answers.server";
import { storeSnapshot } from "./snapshots.server";
import { canOnUnit, type AssessmentContext } from "./assessments.server";
import { writeAudit } from "~/services/admin/audit.server";
import { notify } from "~/services/notifications/notify.server";
import { sealAssessment } from "~/services/seal/seal.server";

async function transition(db: Db, actor: Actor, ctx: AssessmentContext, to: AssessmentStatus, extra: Record<string, string | null> = {}, reason: string | null = null) {
  const now = new Date().toISOString();
  await db.updateTable("assessment").set({ status: to, updated_at: now, ...extra }).where("id", "=", ctx.assessment.id).execute();
  await writeAudit(db, {
    actorUserId: actor.id,
    organisationId: ctx.assessment.organisation_id,
    action: `assessment.${to}`,
    entityType: "assessment",
    entityId: ctx.assessment.id,
    before: { status: ctx.assessment.status },
    after: { status: to },
    reason,
  });
}

/** Who may submit now, without touching the database (the overview checks it before asking to confirm what is missing). */
export function assertMaySubmit(actor: Actor, ctx: AssessmentContext): void {
  if (!editorRole(actor, ctx)) throw forbidden();
  if (ctx.assessment.status !== "draft" && ctx.assessment.status !== "returned") throw new WorkbenchError("workbench.wrongStatus");
}

/** Who may finalise now, without touching the database. */
export function assertMayFinalise(actor: Actor, ctx: AssessmentContext): void {
  if (!canOnUnit(actor, "assessment.review", ctx.unit)) throw forbidden();
  if (ctx.assessment.status !== "submitted") throw new WorkbenchError(ctx.assessment.status === "returned" ? "workbench.returnedOpen" : "workbench.wrongStatus");
}

/**
 * Hands the assessment over: assessors can no longer edit (draft or returned → submitted); the
 * coordinator then finalises. The overview asks to confirm first when items are missing
 * (`submissionGaps` in readiness.server.ts); this function does not.
 */
export async function submitAssessment(db: Db, actor: Actor, ctx: AssessmentContext, overrideReason: string | null): Promise<void> {
  assertMaySubmit(actor, ctx);
  await assertWindow(db, actor, ctx, "fill", overrideReason);
  // A blind round still open means the team has not agreed yet: its area has no consensus answers to submit.
  const open = await db.selectFrom("blind_round").select("id").where("assessment_id", "=", ctx.assessment.id).where("status", "=", "open").executeTakeFirst();
  if (open) throw new WorkbenchError("workbench.blindRoundOpen");
  await db.transaction().execute(async (trx) => {
    // Items sent back and now resubmitted go back to review.
    await trx.updateTable("answer").set({ review_status: "pending" }).where("assessment_id", "=", ctx.assessment.id).where("review_status", "=", "returned").execute();
    const at = new Date().toISOString();
    await transition(trx, actor, ctx, "submitted", { submitted_at: at });
    // What was submitted, provable later: sealed in the same transaction (issue #14).
    await sealAssessment(trx, actor, ctx.assessment.id, "submit", at);
    await notify(trx, { kind: "submitted", ctx, actorId: actor.id });
  });
}

/**
 * Locks the assessment and stores its score snapshot: every node value of the engine, the frozen
 * instrument hash, the engine version, the answers scored, when and by whom.
 */
export async function finaliseAssessment(db: Db, actor: Actor, ctx: AssessmentContext, overrideReason: string | null): Promise<string> {
  assertMayFinalise(actor, ctx);
  await assertWindow(db, actor, ctx, "review", overrideReason);
  const answers = answersObject(await loadAnswers(db, ctx.assessment.id));
  const now = new Date().toISOString();
  let snapshotId = "";
  await db.transaction().execute(async (trx) => {
    snapshotId = await writeSnapshot(trx, ctx, answers, actor.id, now);
    await transition(trx, actor, ctx, "final", { finalised_at: now, finalised_by: actor.id });
    await sealAssessment(trx, actor, ctx.assessment.id, "finalise", now);
    await notify(trx, { kind: "finalised", ctx, actorId: actor.id });
  });
  return snapshotId;
}

/** The self layer's snapshot of an assessment (storeSnapshot scores the answers). */
export async function writeSnapshot(db: Db, ctx: Pick<AssessmentContext, "assessment" | "instrument">, answers: Answers, actorId: string | null, now: string): Promise<string> {
  return storeSnapshot(db, {
    assessmentId: ctx.assessment.id,
    instrumentHash: ctx.assessment.instrument_hash,
    instrument: ctx.instrument,
    layer: "self",
    answers,
    actorId,
    now,
  });
}

/** Reopening a final assessment is an administrator's act with a written reason. */
export async function reopenAssessment(db: Db, actor: Actor, ctx: AssessmentContext, reason: string): Promise<void> {
  if (!canOnUnit(actor, "assessment.reopen", ctx.unit)) throw forbidden();
  if (ctx.assessment.status !== "final") throw new WorkbenchError("workbench.wrongStatus");
  if (!reason.trim()) throw new WorkbenchError("workbench.reasonRequired");
  await transition(db, actor, ctx, "submitted", { finalised_at: null, finalised_by: null }, reason.trim());
}

export async function setAssignment(db: Db, actor: Actor, ctx: AssessmentContext, nodeId: string, userId: string, assign: boolean): Promise<void> {
  if (!canOnUnit(actor, "assessment.assign", ctx.unit)) throw forbidden();
  if (ctx.assessment.status === "final") throw new WorkbenchError("workbench.locked");
  const outline = outlineOf(ctx.instrument);
  const known = outline.areas.some((a) => a.id === nodeId || a.groups.some((g) => g.id === nodeId));
  if (!known) throw new WorkbenchError("workbench.unknownItem");
  const member = await assignableUsers(db, ctx);
  if (!member.some((m) => m.id === userId)) throw forbidden();
  if (assign) {
    // Idempotent, also for a double submit arriving at two server processes at once: only a new row is logged.
    const added = await db
      .insertInto("assignment")
      .values({ id: newId(), assessment_id: ctx.assessment.id, node_id: nodeId, user_id: userId, created_at: new Date().toISOString() })
      .onConflict((oc) => oc.columns(["assessment_id", "node_id", "user_id"]).doNothing())
      .executeTakeFirst();
    if (Number(added.numInsertedOrUpdatedRows ?? 0) === 0) return;
  } else {
    const removed = await db.deleteFrom("assignment").where("assessment_id", "=", ctx.assessment.id).where("node_id", "=", nodeId).where("user_id", "=", userId).executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) return;
  }
  await writeAudit(db, {
    actorUserId: actor.id,
    organisationId: ctx.assessment.organisation_id,
    action: assign ? "assignment.add" : "assignment.remove",
    entityType: "assessment",
    entityId: ctx.assessment.id,
    after: { nodeId, userId },
  });
  if (assign) await notify(db, { kind: "assigned", ctx, actorId: actor.id, userId, nodeId });
}

/** Assessors and coordinators whose scope covers the assessment's unit. */
export async function assignableUsers(db: Db, ctx: AssessmentContext): Promise<{ id: string; name: string }[]> {
  const rows = await db
    .selectFrom("membership")
    .innerJoin("user", "user.id", "membership.user_id")
    .leftJoin("unit", "unit.id", "membership.unit_id")
    .select(["user.id", "user.name", "unit.path"])
    .where("membership.organisation_id", "=", ctx.assessment.organisation_id)
    .where("membership.role", "in", ["assessor", "coordinator"])
    .where("user.disabled_at", "is", null)
    .execute();
  const seen = new Map<string, string>();
  for (const r of rows) if (!r.path || ctx.unit.path.startsWith(r.path)) seen.set(r.id, r.name);
  return [...seen].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
}

export interface TimelineEntry {
  id: string;
  at: string;
  actor: string | null;
  action: string;
  itemId: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
}

/** Audit rows of the assessment (status, assignments, windows) and of its items, newest first. */
export async function timeline(db: Db, assessmentId: string, itemId?: string, limit = 300): Promise<TimelineEntry[]> {
  return timelineOf(db, assessmentId, itemId === undefined ? { all: true } : { item: itemId }, limit);
}

/**
 * The newest `limit` entries about the given items (their answer, review and comment rows) and the
 * assessment's evidence rows (which name their items in before/after): what an area page shows,
 * without reading the rest of a long assessment history.
 */
export async function itemsTimeline(db: Db, assessmentId: string, itemIds: string[], limit: number): Promise<TimelineEntry[]> {
  return itemIds.length === 0 ? [] : timelineOf(db, assessmentId, { items: itemIds }, limit);
}

type TimelineScope = { all: true } | { item: string } | { items: string[] };

async function timelineOf(db: Db, assessmentId: string, scope: TimelineScope, limit: number): Promise<TimelineEntry[]> {
  let q = db
    .selectFrom("audit_log")
    .leftJoin("user", "user.id", "audit_log.actor_user_id")
    .select(["audit_log.id", "audit_log.at", "user.name", "audit_log.action", "audit_log.entity_id", "audit_log.before_json", "audit_log.after_json", "audit_log.reason"])
    .orderBy("audit_log.at", "desc")
    .limit(limit);
  const evidenceRows = (eb: ExpressionBuilder<Database, "audit_log" | "user">) =>
    eb("audit_log.entity_id", "in", eb.selectFrom("evidence").select("id").where("assessment_id", "=", assessmentId));
  if ("all" in scope)
    q = q.where((eb) => eb.or([eb("audit_log.entity_id", "=", assessmentId), eb("audit_log.entity_id", "like", `${assessmentId}:%`), evidenceRows(eb)]));
  else if ("item" in scope) q = q.where("audit_log.entity_id", "=", itemKey(assessmentId, scope.item));
  else q = q.where((eb) => eb.or([eb("audit_log.entity_id", "in", scope.items.map((id) => itemKey(assessmentId, id))), evidenceRows(eb)]));
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actor: r.name,
    action: r.action,
    itemId: r.entity_id?.includes(":") ? r.entity_id.split(":")[1]! : null,
    before: r.before_json ? JSON.parse(r.before_json) : null,
    after: r.after_json ? JSON.parse(r.after_json) : null,
    reason: r.reason,
  }));
}

export { itemKey };
