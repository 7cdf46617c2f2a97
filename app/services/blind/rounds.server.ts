/**
 * Penilaian bersama — blind individual scoring → consensus (issue #14): rounds per area, their named
 * raters, each rater's own answers, the coordinator's reveal, the consensus view and the consensus answer.
 *
 * Storage: individual answers live in the table `individual_answer`, never as a layer of `answer`, so
 * no existing reader of `answer` (area page, overview, reports, CSV, LKE export, snapshots, evaluator
 * layers) can return them. Only this module reads that table, and it returns another person's answers
 * only after the round is revealed. Audit entries of individual saves carry the item and version, not
 * the value or note (the audit log is readable by reviewers and admins while the round is still blind).
 */
import type { Db } from "#db/client.server";
import type { BlindRound } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { forbidden, notFound } from "~/auth/require.server";
import { outlineOf, type OutlineArea } from "~/domain/instrument/outline";
import { NOT_APPLICABLE, type Item } from "~/domain/instrument/schema";
import { validateAnswer } from "~/domain/scoring/score";
import { newId } from "~/utils/ids";
import { assertInRange, parseValue, WorkbenchError, type SaveInput, type SaveResult } from "~/services/workbench/answers.server";
import { canOnUnit, type AssessmentContext } from "~/services/workbench/assessments.server";
import { writeAudit } from "~/services/admin/audit.server";
import { notify } from "~/services/notifications/notify.server";
import { assignableUsers } from "~/services/workbench/workflow.server";
import { blindScope, blindWindow, type Contribution } from "./visibility.server";

export class BlindError extends Error {
  constructor(
    public readonly key:
      | "blind.tooFewRaters"
      | "blind.notEligible"
      | "blind.roundExists"
      | "blind.noRound"
      | "blind.notRevealed"
      | "blind.alreadyRevealed"
      | "blind.notFinishedReason"
      | "blind.notRater"
      | "blind.finished"
      | "blind.incomplete"
      | "blind.reasonRequired"
      | "workbench.locked"
      | "workbench.unknownItem",
  ) {
    super(key);
  }
}

export const MIN_RATERS = 2;

/** Coordinators (and admins) run rounds: they name raters and reveal. */
export const canRunRounds = (actor: Actor, ctx: AssessmentContext) => canOnUnit(actor, "assessment.assign", ctx.unit);

export function areaOf(ctx: AssessmentContext, areaId: string): OutlineArea {
  const area = outlineOf(ctx.instrument).areas.find((a) => a.id === areaId);
  if (!area) throw notFound();
  return area;
}

export const itemsOf = (area: OutlineArea): Item[] => area.groups.flatMap((g) => g.items);

export async function listRounds(db: Db, assessmentId: string): Promise<BlindRound[]> {
  return db.selectFrom("blind_round").selectAll().where("assessment_id", "=", assessmentId).orderBy("area_id").execute();
}

export async function roundOfArea(db: Db, assessmentId: string, areaId: string): Promise<BlindRound | undefined> {
  return db.selectFrom("blind_round").selectAll().where("assessment_id", "=", assessmentId).where("area_id", "=", areaId).executeTakeFirst();
}

/** True when the item's area has a round that is still blind: the self answer waits for the consensus. */
export async function itemInOpenRound(db: Db, ctx: AssessmentContext, itemId: string): Promise<boolean> {
  const areaId = outlineOf(ctx.instrument).areaOfItem.get(itemId);
  if (!areaId) return false;
  const round = await roundOfArea(db, ctx.assessment.id, areaId);
  return round?.status === "open";
}

/** The open round of this area in which the actor is a named rater, with their finish time. */
export async function raterRound(db: Db, actor: Actor, ctx: AssessmentContext, areaId: string) {
  const row = await db
    .selectFrom("blind_round")
    .innerJoin("blind_rater", "blind_rater.round_id", "blind_round.id")
    .select(["blind_round.id", "blind_rater.finished_at"])
    .where("blind_round.assessment_id", "=", ctx.assessment.id)
    .where("blind_round.area_id", "=", areaId)
    .where("blind_round.status", "=", "open")
    .where("blind_rater.user_id", "=", actor.id)
    .executeTakeFirst();
  return row ? { roundId: row.id, finishedAt: row.finished_at } : null;
}

export interface StartRoundInput {
  /** "all": every area of the instrument that has no round yet. */
  areaIds: string[] | "all";
  raterIds: string[];
}

/** Turns on penilaian bersama for the given areas with the same named raters (≥ 2, each able to fill here). */
export async function startRounds(db: Db, actor: Actor, ctx: AssessmentContext, input: StartRoundInput): Promise<string[]> {
  if (!canRunRounds(actor, ctx)) throw forbidden();
  if (ctx.assessment.status === "final") throw new BlindError("workbench.locked");
  const raterIds = [...new Set(input.raterIds)];
  if (raterIds.length < MIN_RATERS) throw new BlindError("blind.tooFewRaters");
  const eligible = new Set((await assignableUsers(db, ctx)).map((u) => u.id));
  if (raterIds.some((id) => !eligible.has(id))) throw new BlindError("blind.notEligible");
  const taken = new Set((await listRounds(db, ctx.assessment.id)).map((r) => r.area_id));
  const areaIds = input.areaIds === "all" ? outlineOf(ctx.instrument).areas.map((a) => a.id).filter((id) => !taken.has(id)) : [...new Set(input.areaIds)];
  for (const id of areaIds) areaOf(ctx, id);
  const now = new Date().toISOString();
  return db.transaction().execute(async (trx) => {
    const ids: string[] = [];
    for (const areaId of areaIds) {
      if (await roundOfArea(trx, ctx.assessment.id, areaId)) throw new BlindError("blind.roundExists");
      const id = newId();
      await trx.insertInto("blind_round").values({ id, assessment_id: ctx.assessment.id, area_id: areaId, status: "open", created_by: actor.id, created_at: now, revealed_by: null, revealed_at: null, reveal_reason: null }).execute();
      await trx.insertInto("blind_rater").values(raterIds.map((user_id) => ({ round_id: id, user_id, finished_at: null }))).execute();
      await writeAudit(trx, {
        actorUserId: actor.id,
        organisationId: ctx.assessment.organisation_id,
        action: "blind.start",
        entityType: "blind_round",
        entityId: ctx.assessment.id,
        after: { roundId: id, areaId, raterIds },
      });
      ids.push(id);
    }
    return ids;
  });
}

/** The actor's own answers in their open round of the area (the area page shows nothing else to a rater). */
export async function ownIndividualAnswers(db: Db, actor: Actor, roundId: string) {
  const rows = await db.selectFrom("individual_answer").selectAll().where("round_id", "=", roundId).where("user_id", "=", actor.id).execute();
  return Object.fromEntries(
    rows.map((r) => [r.item_id, { value: parseValue(r.value_json), note: r.note, version: r.version, carriedOver: false, reviewStatus: "pending" as const, reviewNote: null }]),
  );
}

/**
 * Saves the actor's individual answer (same validation and optimistic concurrency as the self layer).
 * Only a named rater of the item's open round, before they finished.
 */
export async function saveIndividualAnswer(db: Db, actor: Actor, ctx: AssessmentContext, input: SaveInput): Promise<SaveResult> {
  const outline = outlineOf(ctx.instrument);
  const areaId = outline.areaOfItem.get(input.itemId);
  if (!areaId) throw new WorkbenchError("workbench.unknownItem");
  if (ctx.assessment.status === "final") throw new WorkbenchError("workbench.locked");
  const rater = await raterRound(db, actor, ctx, areaId);
  if (!rater) throw new BlindError("blind.notRater");
  if (rater.finishedAt) throw new BlindError("blind.finished");
  assertInRange(ctx.instrument, input.itemId, input.value);
  const issues = validateAnswer(ctx.instrument, input.itemId, input.value);
  if (issues.length > 0) throw new WorkbenchError("workbench.invalidAnswer", issues[0]!.expected);
  const note = input.note?.trim() ? input.note.trim() : null;
  if (input.value === NOT_APPLICABLE && !note) throw new WorkbenchError("workbench.naReasonRequired");
  const valueJson = input.value === null ? null : JSON.stringify(input.value);
  const now = new Date().toISOString();
  return db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom("individual_answer")
      .selectAll()
      .where("assessment_id", "=", ctx.assessment.id)
      .where("item_id", "=", input.itemId)
      .where("user_id", "=", actor.id)
      .executeTakeFirst();
    const conflict = (): SaveResult => ({
      ok: false,
      conflict: { value: parseValue(current?.value_json ?? null), note: current?.note ?? null, version: current?.version ?? 0, updatedBy: null, updatedAt: current?.updated_at ?? now },
    });
    if ((current?.version ?? 0) !== input.baseVersion) return conflict();
    const version = (current?.version ?? 0) + 1;
    if (!current) {
      await trx
        .insertInto("individual_answer")
        .values({ id: newId(), assessment_id: ctx.assessment.id, round_id: rater.roundId, item_id: input.itemId, user_id: actor.id, value_json: valueJson, note, version, updated_at: now })
        .execute();
    } else {
      const res = await trx
        .updateTable("individual_answer")
        .set({ value_json: valueJson, note, version, updated_at: now })
        .where("id", "=", current.id)
        .where("version", "=", input.baseVersion)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return conflict();
    }
    // Item and version only: the value stays blind in the audit log too.
    await writeAudit(trx, {
      actorUserId: actor.id,
      organisationId: ctx.assessment.organisation_id,
      action: "blind.answer",
      entityType: "blind_round",
      entityId: rater.roundId,
      after: { itemId: input.itemId, version },
    });
    return { ok: true, version, answer: { value: input.value, note, carriedOver: false } };
  });
}

/** A rater declares their scoring of the area done: every item answered; their answers lock. */
export async function finishRating(db: Db, actor: Actor, ctx: AssessmentContext, areaId: string): Promise<void> {
  const area = areaOf(ctx, areaId);
  const rater = await raterRound(db, actor, ctx, areaId);
  if (!rater) throw new BlindError("blind.notRater");
  if (rater.finishedAt) return;
  const answered = await db
    .selectFrom("individual_answer")
    .select("item_id")
    .where("round_id", "=", rater.roundId)
    .where("user_id", "=", actor.id)
    .where("value_json", "is not", null)
    .execute();
  const done = new Set(answered.map((r) => r.item_id));
  if (itemsOf(area).some((i) => !done.has(i.id))) throw new BlindError("blind.incomplete");
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("blind_rater").set({ finished_at: new Date().toISOString() }).where("round_id", "=", rater.roundId).where("user_id", "=", actor.id).execute();
    await writeAudit(trx, { actorUserId: actor.id, organisationId: ctx.assessment.organisation_id, action: "blind.finish", entityType: "blind_round", entityId: rater.roundId, after: { areaId } });
  });
}

export interface RaterProgress {
  userId: string;
  name: string;
  answered: number;
  finished: boolean;
  /** While the round is open: evidence links and comments this rater added to the area's items (counts only, see blind/visibility.server.ts). */
  evidence: number;
  comments: number;
}

export interface RoundProgress {
  roundId: string;
  areaId: string;
  areaLabel: string;
  items: number;
  status: BlindRound["status"];
  revealedAt: string | null;
  revealReason: string | null;
  raters: RaterProgress[];
}

/** Per round and rater: answered count and finished — never values. Anyone who may read the assessment. */
export async function roundProgress(db: Db, ctx: AssessmentContext): Promise<RoundProgress[]> {
  const rounds = await listRounds(db, ctx.assessment.id);
  if (rounds.length === 0) return [];
  const raters = await db
    .selectFrom("blind_rater")
    .innerJoin("user", "user.id", "blind_rater.user_id")
    .select(["blind_rater.round_id", "blind_rater.user_id", "blind_rater.finished_at", "user.name"])
    .where(
      "blind_rater.round_id",
      "in",
      rounds.map((r) => r.id),
    )
    .orderBy("user.name")
    .execute();
  const counts = await db
    .selectFrom("individual_answer")
    .select(["round_id", "user_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("assessment_id", "=", ctx.assessment.id)
    .where("value_json", "is not", null)
    .groupBy(["round_id", "user_id"])
    .execute();
  const countOf = (roundId: string, userId: string) => Number(counts.find((c) => c.round_id === roundId && c.user_id === userId)?.n ?? 0);
  const outline = outlineOf(ctx.instrument);
  const added = await blindContributionCounts(db, ctx, rounds);
  return rounds.flatMap((r) => {
    const area = outline.areas.find((a) => a.id === r.area_id);
    if (!area) return [];
    return [
      {
        roundId: r.id,
        areaId: r.area_id,
        areaLabel: area.label,
        items: area.itemCount,
        status: r.status,
        revealedAt: r.revealed_at,
        revealReason: r.reveal_reason,
        raters: raters
          .filter((x) => x.round_id === r.id)
          .map((x) => ({
            userId: x.user_id,
            name: x.name,
            answered: countOf(r.id, x.user_id),
            finished: x.finished_at !== null,
            evidence: added.get(`${r.id}:${x.user_id}`)?.evidence ?? 0,
            comments: added.get(`${r.id}:${x.user_id}`)?.comments ?? 0,
          })),
      },
    ];
  });
}

/** Per open round and rater ("round:user"): the live evidence links and comments they added to the round's items since it opened. */
async function blindContributionCounts(db: Db, ctx: AssessmentContext, rounds: BlindRound[]): Promise<Map<string, { evidence: number; comments: number }>> {
  const out = new Map<string, { evidence: number; comments: number }>();
  if (!rounds.some((r) => r.status === "open")) return out;
  const scope = await blindScope(db, ctx.assessment.id, ctx.instrument);
  const [links, comments] = await Promise.all([
    db
      .selectFrom("evidence_item")
      .innerJoin("evidence", "evidence.id", "evidence_item.evidence_id")
      .select(["evidence_item.item_id", "evidence_item.created_by", "evidence_item.created_at"])
      .where("evidence_item.assessment_id", "=", ctx.assessment.id)
      .where("evidence_item.removed_at", "is", null)
      .where("evidence.removed_at", "is", null)
      .execute(),
    db.selectFrom("comment").select(["item_id", "author_id", "created_at"]).where("assessment_id", "=", ctx.assessment.id).execute(),
  ]);
  const bump = (c: Contribution, kind: "evidence" | "comments") => {
    const w = blindWindow(scope, c);
    if (!w) return;
    const key = `${w.roundId}:${c.authorId}`;
    const n = out.get(key) ?? { evidence: 0, comments: 0 };
    n[kind] += 1;
    out.set(key, n);
  };
  for (const l of links) bump({ itemId: l.item_id, authorId: l.created_by, at: l.created_at }, "evidence");
  for (const c of comments) bump({ itemId: c.item_id, authorId: c.author_id, at: c.created_at }, "comments");
  return out;
}

/** Ends the blindness of an area: when every rater finished, or earlier with a written reason. */
export async function revealRound(db: Db, actor: Actor, ctx: AssessmentContext, areaId: string, reason: string | null): Promise<void> {
  if (!canRunRounds(actor, ctx)) throw forbidden();
  areaOf(ctx, areaId);
  const round = await roundOfArea(db, ctx.assessment.id, areaId);
  if (!round) throw new BlindError("blind.noRound");
  if (round.status === "revealed") throw new BlindError("blind.alreadyRevealed");
  const raters = await db.selectFrom("blind_rater").selectAll().where("round_id", "=", round.id).execute();
  const unfinished = raters.filter((r) => r.finished_at === null).length;
  const why = reason?.trim() || null;
  if (unfinished > 0 && !why) throw new BlindError("blind.notFinishedReason");
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    const res = await trx
      .updateTable("blind_round")
      .set({ status: "revealed", revealed_by: actor.id, revealed_at: now, reveal_reason: unfinished > 0 ? why : null })
      .where("id", "=", round.id)
      .where("status", "=", "open")
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new BlindError("blind.alreadyRevealed");
    await writeAudit(trx, {
      actorUserId: actor.id,
      organisationId: ctx.assessment.organisation_id,
      action: unfinished > 0 ? "blind.reveal.forced" : "blind.reveal",
      entityType: "blind_round",
      entityId: ctx.assessment.id,
      after: { roundId: round.id, areaId, unfinished },
      reason: unfinished > 0 ? why : null,
    });
    await notify(trx, { kind: "consensus_revealed", ctx, actorId: actor.id, areaId, raterIds: raters.map((r) => r.user_id) });
  });
}
