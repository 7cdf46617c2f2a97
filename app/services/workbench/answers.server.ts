import type { Db } from "#db/client.server";
import { prepared } from "#db/prepared";
import type { Answer, ReviewStatus } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { forbidden } from "~/auth/require.server";
import { outlineOf } from "~/domain/instrument/outline";
import type { Answers, AnswerValue } from "~/domain/scoring/answers";
import { NOT_APPLICABLE } from "~/domain/instrument/schema";
import { validateAnswer } from "~/domain/scoring/score";
import { insertAnswer } from "./answer-row.server";
import { newId } from "~/utils/ids";
import { canOnUnit, type AssessmentContext } from "./assessments.server";
import { writeAudit } from "~/services/admin/audit.server";
import { notify } from "~/services/notifications/notify.server";
import { itemEditable, needsCoefficientReason, rangeProblem, stageOpen, todayWib, type AnswerProblem, type EditorRole, type Stage } from "./rules";
import { assignedTo } from "./assignment.server";

export class WorkbenchError extends Error {
  constructor(
    public readonly key:
      | "workbench.locked"
      | "workbench.notReturned"
      | "workbench.windowClosed"
      | "workbench.invalidAnswer"
      | "workbench.unknownItem"
      | "workbench.wrongStatus"
      | "workbench.reasonRequired"
      | "workbench.returnedOpen"
      | "workbench.naReasonRequired"
      | "workbench.koefReasonRequired"
      | "workbench.blindRoundOpen"
      | "workbench.notAssigned"
      | "workbench.computedItem"
      | AnswerProblem["key"],
    public readonly detail?: string,
    /** For an answer refused at one field: the field and the message's parameters. */
    public readonly problem?: AnswerProblem,
  ) {
    super(key);
  }
}

/** Audit key of one item of one assessment: item history is every audit row with this entity id. */
export const itemKey = (assessmentId: string, itemId: string) => `${assessmentId}:${itemId}`;

export function parseValue(json: string | null): AnswerValue {
  return json === null ? null : (JSON.parse(json) as AnswerValue);
}

export async function loadAnswers(db: Db, assessmentId: string, layer: Answer["layer"] = "self"): Promise<Answer[]> {
  return db.selectFrom("answer").selectAll().where("assessment_id", "=", assessmentId).where("layer", "=", layer).execute();
}

/** The answers object the engine scores (cleared answers left out). */
export function answersObject(rows: Answer[]): Answers {
  const out: Answers = {};
  for (const r of rows) if (r.value_json !== null) out[r.item_id] = parseValue(r.value_json);
  return out;
}

export function editorRole(actor: Actor, ctx: AssessmentContext): EditorRole | null {
  if (canOnUnit(actor, "assessment.review", ctx.unit) && canOnUnit(actor, "assessment.fill", ctx.unit)) return "coordinator";
  if (canOnUnit(actor, "assessment.fill", ctx.unit)) return "assessor";
  return null;
}

/**
 * Stage windows (fill until X, review until Y) bind everybody; an organisation admin may act outside
 * them with a written reason, which is logged.
 */
export async function assertWindow(db: Db, actor: Actor, ctx: AssessmentContext, stage: Stage, overrideReason: string | null): Promise<void> {
  if (stageOpen(ctx.period, stage, todayWib())) return;
  if (!canOnUnit(actor, "window.override", ctx.unit)) throw new WorkbenchError("workbench.windowClosed");
  if (!overrideReason?.trim()) throw new WorkbenchError("workbench.reasonRequired");
  await writeAudit(db, {
    actorUserId: actor.id,
    organisationId: ctx.assessment.organisation_id,
    action: "window.override",
    entityType: "assessment",
    entityId: ctx.assessment.id,
    after: { stage },
    reason: overrideReason.trim(),
  });
}

/** The checks that need no database: a known item, a role that may edit, an assessment not final. */
function editorFor(actor: Actor, ctx: AssessmentContext, itemId: string): EditorRole {
  const item = outlineOf(ctx.instrument).items.get(itemId);
  if (!item) throw new WorkbenchError("workbench.unknownItem");
  // A101/A102 of the 2024 worksheets come from the Rencana Aksi (services/renaksi/rescore.server.ts), never by hand.
  if (item.computed_from) throw new WorkbenchError("workbench.computedItem");
  const role = editorRole(actor, ctx);
  if (!role) throw forbidden();
  if (ctx.assessment.status === "final") throw new WorkbenchError("workbench.locked");
  return role;
}

/**
 * The checks that need the database: the item's review status, the assignment rule
 * (assignment.server.ts) and the period's stage window (an override is logged on `db`).
 */
async function assertEditableNow(
  db: Db,
  actor: Actor,
  ctx: AssessmentContext,
  role: EditorRole,
  itemId: string,
  reviewStatus: ReviewStatus | null,
  overrideReason: string | null,
): Promise<void> {
  if (!itemEditable(ctx.assessment.status, role, reviewStatus)) {
    throw new WorkbenchError(ctx.assessment.status === "returned" ? "workbench.notReturned" : "workbench.locked");
  }
  if (!(await assignedTo(db, actor, ctx, role, itemId))) throw new WorkbenchError("workbench.notAssigned");
  await assertWindow(db, actor, ctx, role === "coordinator" && ctx.assessment.status !== "draft" ? "review" : "fill", overrideReason);
}

/** Throws unless the actor may change this item's self answer now. */
export async function assertItemEditable(db: Db, actor: Actor, ctx: AssessmentContext, itemId: string, overrideReason: string | null = null): Promise<void> {
  const role = editorFor(actor, ctx, itemId);
  const row = await db
    .selectFrom("answer")
    .select("review_status")
    .where("assessment_id", "=", ctx.assessment.id)
    .where("layer", "=", "self")
    .where("item_id", "=", itemId)
    .executeTakeFirst();
  await assertEditableNow(db, actor, ctx, role, itemId, row?.review_status ?? null, overrideReason);
}

export interface SaveInput {
  itemId: string;
  /** The version the user started from; 0 when there was no answer yet. */
  baseVersion: number;
  value: AnswerValue;
  note: string | null;
  overrideReason?: string | null;
}

export type SaveResult =
  | { ok: true; version: number; answer: { value: AnswerValue; note: string | null; carriedOver: boolean } }
  | { ok: false; conflict: { value: AnswerValue; note: string | null; version: number; updatedBy: string | null; updatedAt: string } };

// The statements of every autosave, built once (see db/prepared.ts).
const selfAnswer = prepared((db: Db, assessmentId: string, itemId: string) =>
  db.selectFrom("answer").selectAll().where("assessment_id", "=", assessmentId).where("layer", "=", "self").where("item_id", "=", itemId),
);
const updateSelfAnswer = prepared(
  (db: Db, valueJson: string | null, note: string | null, version: number, updatedBy: string, updatedAt: string, id: string, baseVersion: number) =>
    db
      .updateTable("answer")
      .set({ value_json: valueJson, note, version, carried_over: 0, updated_by: updatedBy, updated_at: updatedAt })
      .where("id", "=", id)
      .where("version", "=", baseVersion),
);
const touchAssessment = prepared((db: Db, updatedAt: string, id: string) => db.updateTable("assessment").set({ updated_at: updatedAt }).where("id", "=", id));

/**
 * Saves one answer with optimistic concurrency: the row changes only if its version is still the
 * one the user saw; otherwise the current value comes back as a conflict and nothing is overwritten.
 */
export async function saveAnswer(db: Db, actor: Actor, ctx: AssessmentContext, input: SaveInput): Promise<SaveResult> {
  editorFor(actor, ctx, input.itemId);
  return db.transaction().execute((trx) => saveAnswerIn(trx, actor, ctx, input)).catch(async (e: unknown) => {
    if (e instanceof WorkbenchError || e instanceof Response) throw e;
    // Two first saves of the same item race on the unique key: the loser sees a conflict.
    const again = await currentConflict(db, ctx, input.itemId);
    if (again && input.baseVersion === 0) return again;
    throw e;
  });
}

/** The item's current self answer, as the conflict a refused save reports (undefined when there is none). */
async function currentConflict(db: Db, ctx: AssessmentContext, itemId: string): Promise<Extract<SaveResult, { ok: false }> | undefined> {
  const row = await db
    .selectFrom("answer")
    .leftJoin("user", "user.id", "answer.updated_by")
    .select(["answer.value_json", "answer.note", "answer.version", "answer.updated_at", "user.name"])
    .where("answer.assessment_id", "=", ctx.assessment.id)
    .where("answer.layer", "=", "self")
    .where("answer.item_id", "=", itemId)
    .executeTakeFirst();
  return row && { ok: false, conflict: { value: parseValue(row.value_json), note: row.note, version: row.version, updatedBy: row.name, updatedAt: row.updated_at } };
}

/**
 * A number outside its item's range is refused with the range (at its field), not clamped by the
 * engine: one rule for the team's answers, a rater's blind answers and an evaluator's scores.
 */
export function assertInRange(instrument: AssessmentContext["instrument"], itemId: string, value: AnswerValue): void {
  const outline = outlineOf(instrument);
  const item = outline.items.get(itemId);
  if (!item) return;
  const problem = rangeProblem(item, outline.groupWeight.get(itemId) ?? 0, value);
  if (problem) throw new WorkbenchError(problem.key, undefined, problem);
}

/**
 * saveAnswer inside the caller's transaction (an Excel import applies many saves as one): the same
 * checks and optimistic concurrency; `source` is added to the audit entry (e.g. the workbook's hash).
 */
export async function saveAnswerIn(trx: Db, actor: Actor, ctx: AssessmentContext, input: SaveInput, source?: Record<string, unknown>): Promise<SaveResult> {
  const role = editorFor(actor, ctx, input.itemId);
  const now = new Date().toISOString();
  const valueJson = input.value === null ? null : JSON.stringify(input.value);
  const note = input.note?.trim() ? input.note.trim() : null;
  const current = (await selfAnswer(trx, ctx.assessment.id, input.itemId)).rows[0];
  await assertNotBlind(trx, ctx, input.itemId);
  // Editability is judged on the row this transaction read (one lookup per save, no gap between check and write).
  await assertEditableNow(trx, actor, ctx, role, input.itemId, current?.review_status ?? null, input.overrideReason ?? null);
  assertInRange(ctx.instrument, input.itemId, input.value);
  const issues = validateAnswer(ctx.instrument, input.itemId, input.value);
  if (issues.length > 0) throw new WorkbenchError("workbench.invalidAnswer", issues[0]!.expected);
  // A row marked not applicable leaves the index: the reason why is part of the answer.
  if (input.value === NOT_APPLICABLE && !note) throw new WorkbenchError("workbench.naReasonRequired");
  if (needsCoefficientReason(ctx.instrument, input.itemId, input.value) && !note) throw new WorkbenchError("workbench.koefReasonRequired");
  const conflict = async (): Promise<SaveResult> => {
    const found = await currentConflict(trx, ctx, input.itemId);
    // As before: a stale base version on an item nobody answered is no conflict to report.
    if (!found) throw new Error(`answer ${input.itemId}: base version ${input.baseVersion} names no saved answer`);
    return found;
  };
  if ((current?.version ?? 0) !== input.baseVersion) return conflict();
  let version: number;
  if (!current) {
    version = 1;
    await insertAnswer(trx, { assessmentId: ctx.assessment.id, layer: "self", itemId: input.itemId, valueJson, note, version, actorId: actor.id, now });
  } else {
    version = current.version + 1;
    // The WHERE on version makes a concurrent save that read the same version lose, not overwrite.
    const res = await updateSelfAnswer(trx, valueJson, note, version, actor.id, now, current.id, input.baseVersion);
    if (Number(res.numAffectedRows) !== 1) return conflict();
  }
  await touchAssessment(trx, now, ctx.assessment.id);
  await writeAudit(trx, {
    actorUserId: actor.id,
    organisationId: ctx.assessment.organisation_id,
    action: current?.carried_over && current.value_json === valueJson ? "answer.confirm" : "answer.save",
    entityType: "answer",
    entityId: itemKey(ctx.assessment.id, input.itemId),
    before: current ? { value: parseValue(current.value_json), note: current.note, version: current.version } : undefined,
    after: { value: input.value, note, version, ...(source ? { source } : {}) },
  });
  return { ok: true, version, answer: { value: input.value, note, carriedOver: false } };
}

/** While an area's blind round is open (issue #14) its self answers wait for the consensus: no save, no import. */
async function assertNotBlind(db: Db, ctx: AssessmentContext, itemId: string): Promise<void> {
  const areaId = outlineOf(ctx.instrument).areaOfItem.get(itemId);
  if (!areaId) return;
  const open = await db
    .selectFrom("blind_round")
    .select("id")
    .where("assessment_id", "=", ctx.assessment.id)
    .where("area_id", "=", areaId)
    .where("status", "=", "open")
    .executeTakeFirst();
  if (open) throw new WorkbenchError("workbench.blindRoundOpen");
}

export async function addComment(db: Db, actor: Actor, ctx: AssessmentContext, itemId: string, body: string): Promise<void> {
  if (!outlineOf(ctx.instrument).items.has(itemId)) throw new WorkbenchError("workbench.unknownItem");
  if (!canOnUnit(actor, "assessment.comment", ctx.unit)) throw forbidden();
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    const id = newId();
    await trx.insertInto("comment").values({ id, assessment_id: ctx.assessment.id, item_id: itemId, author_id: actor.id, body, created_at: now }).execute();
    await writeAudit(trx, {
      actorUserId: actor.id,
      organisationId: ctx.assessment.organisation_id,
      action: "comment.add",
      entityType: "comment",
      entityId: itemKey(ctx.assessment.id, itemId),
      after: { body },
    });
  });
}

/** Coordinator review of one item: approve, or send it back with a note the assessor sees. */
export async function reviewItem(
  db: Db,
  actor: Actor,
  ctx: AssessmentContext,
  itemId: string,
  decision: Exclude<ReviewStatus, "pending">,
  note: string | null,
  overrideReason: string | null = null,
): Promise<void> {
  if (!canOnUnit(actor, "assessment.review", ctx.unit)) throw forbidden();
  if (!outlineOf(ctx.instrument).items.has(itemId)) throw new WorkbenchError("workbench.unknownItem");
  if (ctx.assessment.status !== "submitted" && ctx.assessment.status !== "returned") throw new WorkbenchError("workbench.wrongStatus");
  if (decision === "returned" && !note?.trim()) throw new WorkbenchError("workbench.reasonRequired");
  await assertWindow(db, actor, ctx, "review", overrideReason);
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("answer")
      .selectAll()
      .where("assessment_id", "=", ctx.assessment.id)
      .where("layer", "=", "self")
      .where("item_id", "=", itemId)
      .executeTakeFirst();
    if (row) {
      await trx.updateTable("answer").set({ review_status: decision, review_note: note?.trim() || null }).where("id", "=", row.id).execute();
    } else {
      await trx
        .insertInto("answer")
        .values({ id: newId(), assessment_id: ctx.assessment.id, layer: "self", item_id: itemId, value_json: null, note: null, version: 1, carried_over: 0, review_status: decision, review_note: note?.trim() || null, updated_by: actor.id, updated_at: now })
        .execute();
    }
    if (decision === "returned" && ctx.assessment.status === "submitted") {
      await trx.updateTable("assessment").set({ status: "returned", updated_at: now }).where("id", "=", ctx.assessment.id).execute();
    }
    await writeAudit(trx, {
      actorUserId: actor.id,
      organisationId: ctx.assessment.organisation_id,
      action: decision === "approved" ? "answer.approve" : "answer.return",
      entityType: "answer",
      entityId: itemKey(ctx.assessment.id, itemId),
      before: { reviewStatus: row?.review_status ?? "pending" },
      after: { reviewStatus: decision, note: note?.trim() || null },
    });
    if (decision === "returned") await notify(trx, { kind: "item_returned", ctx, actorId: actor.id, itemId, note });
  });
}

