/**
 * The autosave's fast path on PostgreSQL (issue #15): the whole save in one statement, one round trip.
 *
 * The transactional save (answers.server.ts) reads the row, checks it, writes it, touches the
 * assessment and appends the audit row: seven round trips with BEGIN and COMMIT, which on a network
 * database cost more than the work itself. Here the checks that need no database run first, in
 * JavaScript, with the same rule functions; the checks that need the database become conditions of
 * one statement whose data-modifying CTEs write the answer, the assessment's touch and the audit row
 * together (one statement is one transaction). The statement's conditions:
 *   - the row still has the version the user started from (optimistic concurrency; `FOR UPDATE`
 *     makes a concurrent save that read the same version re-check and lose);
 *   - its review status is one that `itemEditable` allows for this role now;
 *   - the assessment still has the status the checks assumed;
 *   - no blind round is open on the item's area;
 *   - an assessor with assignments in the assessment is assigned a node covering the item.
 * When any of them fails the statement changes nothing and returns no row; the caller then runs the
 * transactional path, which finds out why (a conflict, a lock, a blind round, a rater's own answer)
 * and answers exactly as before. So this path only ever takes the common case, and a refusal costs
 * one extra round trip. SQLite has no data-modifying CTEs and no round trips to save: it always uses
 * the transactional path.
 */
import { sql, type RawBuilder } from "kysely";
import { isPostgres } from "#db/dialect";
import type { Db } from "#db/client.server";
import { preferNamed } from "#db/pg-named";
import type { ReviewStatus } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { outlineOf } from "~/domain/instrument/outline";
import { NOT_APPLICABLE } from "~/domain/instrument/schema";
import { validateAnswer } from "~/domain/scoring/score";
import { newId } from "~/utils/ids";
import { editorRole, itemKey, type SaveInput, type SaveResult } from "./answers.server";
import type { AssessmentContext } from "./assessments.server";
import { itemEditable, needsCoefficientReason, rangeProblem, stageOpen, todayWib } from "./rules";

const REVIEW_STATUSES: readonly ReviewStatus[] = ["pending", "approved", "returned"];

export { isPostgres };

type Saved = Extract<SaveResult, { ok: true }>;

/**
 * The save in one statement, or null when this path does not apply or a condition failed (then the
 * caller runs the transactional save, which decides and reports). Never writes anything partially.
 */
export async function leanSaveAnswer(db: Db, actor: Actor, ctx: AssessmentContext, input: SaveInput): Promise<Saved | null> {
  if (!isPostgres(db)) return null;
  const outline = outlineOf(ctx.instrument);
  const areaId = outline.areaOfItem.get(input.itemId);
  if (!outline.items.has(input.itemId) || areaId === undefined) return null;
  // A computed item (A101/A102 from the Rencana Aksi) is refused by the transactional path, with its message.
  if (outline.items.get(input.itemId)!.computed_from) return null;
  const role = editorRole(actor, ctx);
  const status = ctx.assessment.status;
  if (!role || status === "final") return null;
  // A closed window needs an override (which is logged): the transactional path handles it.
  const stage = role === "coordinator" && status !== "draft" ? "review" : "fill";
  if (!stageOpen(ctx.period, stage, todayWib())) return null;
  const note = input.note?.trim() ? input.note.trim() : null;
  // Invalid answers and missing reasons are reported by the transactional path, in its order.
  if (rangeProblem(outline.items.get(input.itemId)!, outline.groupWeight.get(input.itemId) ?? 0, input.value)) return null;
  if (validateAnswer(ctx.instrument, input.itemId, input.value).length > 0) return null;
  if (input.value === NOT_APPLICABLE && !note) return null;
  if (needsCoefficientReason(ctx.instrument, input.itemId, input.value) && !note) return null;
  const allowed = REVIEW_STATUSES.filter((r) => itemEditable(status, role, r));
  const now = new Date().toISOString();
  const valueJson = input.value === null ? null : JSON.stringify(input.value);
  const version = input.baseVersion + 1;
  const guard = { assessmentId: ctx.assessment.id, status, areaId, assessorId: role === "assessor" ? actor.id : null, itemId: input.itemId };
  const audit = {
    id: newId(),
    organisationId: ctx.assessment.organisation_id,
    entityId: itemKey(ctx.assessment.id, input.itemId),
    afterJson: JSON.stringify({ value: input.value, note, version }),
  };
  const save: LeanSave = { db, actor, input, valueJson, note, now, g: guard, a: audit };
  const saved =
    input.baseVersion === 0
      ? itemEditable(status, role, null) && (await insertFirst(save))
      : allowed.length > 0 && (await updateAt(save, allowed));
  return saved ? { ok: true, version, answer: { value: input.value, note, carriedOver: false } } : null;
}

interface Guard {
  assessmentId: string;
  status: string;
  areaId: string;
  /** An assessor's id: the assignment rule (assignment.server.ts) applies; null for a coordinator. */
  assessorId: string | null;
  itemId: string;
}
interface AuditValues {
  id: string;
  organisationId: string;
  entityId: string;
  afterJson: string;
}
/** One save as the statements need it: the checked input, its JSON, the guard and the audit row's values. */
interface LeanSave {
  db: Db;
  actor: Actor;
  input: SaveInput;
  valueJson: string | null;
  note: string | null;
  now: string;
  g: Guard;
  a: AuditValues;
}

/** The assignment rule as a condition: no assignment of this assessor in the assessment, or one covering the item. */
const assignedFor = (g: Guard) =>
  g.assessorId === null
    ? sql``
    : sql`
  AND (NOT EXISTS (SELECT 1 FROM assignment WHERE assessment_id = ${g.assessmentId} AND user_id = ${g.assessorId})
    OR EXISTS (SELECT 1 FROM assignment WHERE assessment_id = ${g.assessmentId} AND user_id = ${g.assessorId}
      AND (node_id = ${g.itemId}::text OR substr(${g.itemId}::text, 1, length(node_id) + 1) = node_id || '.')))`;

const stillOpenFor = (g: Guard) => sql`
  EXISTS (SELECT 1 FROM assessment WHERE id = ${g.assessmentId} AND status = ${g.status})
  AND NOT EXISTS (SELECT 1 FROM blind_round WHERE assessment_id = ${g.assessmentId} AND area_id = ${g.areaId} AND status = 'open')${assignedFor(g)}`;

/** Runs one of the statements below as a named statement: its text is the same on every call. */
async function run<R>(db: Db, query: RawBuilder<R>): Promise<R[]> {
  const compiled = query.compile(db);
  preferNamed(compiled.sql);
  return (await db.executeQuery(compiled)).rows;
}

/** First save of an item: insert the row (a concurrent first save wins the unique key; this one then does nothing). */
async function insertFirst({ db, actor, input, valueJson, note, now, g, a }: LeanSave) {
  const rows = await run(
    db,
    sql<{ version: number }>`
    WITH ins AS (
      INSERT INTO answer (id, assessment_id, layer, item_id, value_json, note, version, carried_over, review_status, review_note, updated_by, updated_at)
      SELECT ${newId()}, ${g.assessmentId}, 'self', ${input.itemId}, ${valueJson}, ${note}, 1, 0, 'pending', NULL, ${actor.id}, ${now}
      WHERE ${stillOpenFor(g)}
      ON CONFLICT (assessment_id, layer, item_id) DO NOTHING
      RETURNING version
    ), touch AS (
      UPDATE assessment SET updated_at = ${now} WHERE id = ${g.assessmentId} AND EXISTS (SELECT 1 FROM ins)
    ), aud AS (
      INSERT INTO audit_log (id, at, actor_user_id, organisation_id, action, entity_type, entity_id, before_json, after_json, reason, ip)
      SELECT ${a.id}, ${now}, ${actor.id}, ${a.organisationId}, 'answer.save', 'answer', ${a.entityId}, NULL, ${a.afterJson}, NULL, NULL FROM ins
    )
    SELECT version FROM ins`,
  );
  return rows.length === 1;
}

/**
 * Later saves: update the row at the version the user saw. The audit row's `before` is built from the
 * locked old row as the same JSON text `JSON.stringify` gives (PostgreSQL's to_json escapes strings
 * as JavaScript does), and the action is `answer.confirm` when a carried-over value is kept as it is.
 */
async function updateAt({ db, actor, input, valueJson, note, now, g, a }: LeanSave, allowed: readonly ReviewStatus[]) {
  const rows = await run(
    db,
    sql<{ version: number }>`
    WITH old AS (
      SELECT id, value_json, note, version, carried_over FROM answer
      WHERE assessment_id = ${g.assessmentId} AND layer = 'self' AND item_id = ${input.itemId} AND version = ${input.baseVersion}
        AND review_status = ANY(${[...allowed]}::text[])
        AND ${stillOpenFor(g)}
      FOR UPDATE
    ), upd AS (
      UPDATE answer SET value_json = ${valueJson}, note = ${note}, version = old.version + 1, carried_over = 0, updated_by = ${actor.id}, updated_at = ${now}
      FROM old WHERE answer.id = old.id AND answer.version = old.version
      RETURNING answer.version
    ), touch AS (
      UPDATE assessment SET updated_at = ${now} WHERE id = ${g.assessmentId} AND EXISTS (SELECT 1 FROM upd)
    ), aud AS (
      INSERT INTO audit_log (id, at, actor_user_id, organisation_id, action, entity_type, entity_id, before_json, after_json, reason, ip)
      SELECT ${a.id}, ${now}, ${actor.id}, ${a.organisationId},
        CASE WHEN old.carried_over <> 0 AND old.value_json IS NOT DISTINCT FROM ${valueJson}::text THEN 'answer.confirm' ELSE 'answer.save' END,
        'answer', ${a.entityId},
        '{"value":' || COALESCE(old.value_json, 'null') || ',"note":' || COALESCE(to_json(old.note)::text, 'null') || ',"version":' || old.version || '}',
        ${a.afterJson}, NULL, NULL
      FROM old, upd
    )
    SELECT version FROM upd`,
  );
  return rows.length === 1;
}
