/**
 * Blind scoring, after the reveal (issue #14): the consensus view and the consensus answers the team
 * records, the individual answers shown to evaluators, the agreement figures (share of items where
 * all agreed; Krippendorff's alpha, nominal) for the overview, the blind panel and the dashboard.
 * The rounds themselves — start, individual answers, finish, reveal — are in blind/rounds.server.ts.
 */

import type { Db } from "#db/client.server";
import { inSubtrees, type SnapshotFilter } from "#db/queries/dashboard";
import type { BlindRound } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { computeAgreementShare, computeKrippendorffAlphaNominal } from "~/domain/analysis/agreement";
import { canonicalAnswer, computeItemSpread, departsFromMajority, type ItemSpread } from "~/domain/analysis/blind-spread";
import { outlineOf } from "~/domain/instrument/outline";
import type { Answers, AnswerValue } from "~/domain/scoring/answers";
import { scoreAssessment } from "~/domain/scoring/score";
import { itemKey, loadAnswers, parseValue, saveAnswerIn, type SaveInput, type SaveResult } from "~/services/workbench/answers.server";
import { canOnUnit, type AssessmentContext } from "~/services/workbench/assessments.server";
import { writeAudit } from "~/services/admin/audit.server";
import { assignableUsers } from "~/services/workbench/workflow.server";
import { areaOf, BlindError, canRunRounds, itemsOf, listRounds, roundOfArea, roundProgress } from "./rounds.server";

interface RevealedRater {
  userId: string;
  name: string;
  finished: boolean;
  answers: Answers;
  notes: Record<string, string | null>;
}

/** Every rater's answers of a revealed round. Callers have checked the round is revealed. */
async function unsafeRevealedRaters(db: Db, round: BlindRound): Promise<RevealedRater[]> {
  const raters = await db
    .selectFrom("blind_rater")
    .innerJoin("user", "user.id", "blind_rater.user_id")
    .select(["blind_rater.user_id", "blind_rater.finished_at", "user.name"])
    .where("blind_rater.round_id", "=", round.id)
    .orderBy("user.name")
    .execute();
  const rows = await db.selectFrom("individual_answer").selectAll().where("round_id", "=", round.id).execute();
  return raters.map((r) => {
    const own = rows.filter((x) => x.user_id === r.user_id);
    return {
      userId: r.user_id,
      name: r.name,
      finished: r.finished_at !== null,
      answers: Object.fromEntries(own.filter((x) => x.value_json !== null).map((x) => [x.item_id, parseValue(x.value_json)])),
      notes: Object.fromEntries(own.map((x) => [x.item_id, x.note])),
    };
  });
}

export interface ConsensusItem {
  id: string;
  question: string;
  options: { code: string; criterion: string }[];
  raters: { userId: string; value: AnswerValue; note: string | null; itemValue: number | null }[];
  spread: ItemSpread;
  consensus: { value: AnswerValue; note: string | null; version: number } | null;
}

/**
 * The consensus view of a revealed area: per item every rater's answer and engine value, the spread and
 * disagreement flag, each rater's area total, and the disagreement share per sub-area (the heat map).
 * Anyone who may read the assessment, and only after reveal.
 */
export async function getConsensusView(db: Db, actor: Actor, ctx: AssessmentContext, areaId: string) {
  const area = areaOf(ctx, areaId);
  const round = await roundOfArea(db, ctx.assessment.id, areaId);
  if (!round) throw new BlindError("blind.noRound");
  if (round.status !== "revealed") throw new BlindError("blind.notRevealed");
  const raters = await unsafeRevealedRaters(db, round);
  const scored = raters.map((r) => scoreAssessment(ctx.instrument, r.answers));
  const self = await loadAnswers(db, ctx.assessment.id);
  const selfByItem = new Map(self.map((r) => [r.item_id, r]));
  const groups = area.groups.map((g) => {
    const items: ConsensusItem[] = g.items.map((item) => {
      const perRater = raters.map((r, i) => {
        const value = r.answers[item.id] ?? null;
        const node = scored[i]!.nodes[item.id];
        return {
          userId: r.userId,
          value,
          note: r.notes[item.id] ?? null,
          itemValue: value !== null && node && node.answered > 0 ? node.value : null,
        };
      });
      const selfRow = selfByItem.get(item.id);
      return {
        id: item.id,
        question: item.question,
        options: (item.options ?? []).map((o) => ({ code: o.code, criterion: o.criterion })),
        raters: perRater,
        spread: computeItemSpread(item, perRater),
        consensus: selfRow ? { value: parseValue(selfRow.value_json), note: selfRow.note, version: selfRow.version } : null,
      };
    });
    const disagreements = items.filter((i) => i.spread.disagreement).length;
    return { id: g.id, label: g.label, weight: g.weight, items, disagreementShare: items.length ? disagreements / items.length : 0 };
  });
  const units = groups.flatMap((g) => g.items.map((i) => i.raters.map((r) => (r.value === null ? null : canonicalAnswer(r.value)))));
  const optionUnits = groups.flatMap((g) =>
    g.items.filter((i) => i.options.length > 0).map((i) => i.raters.map((r) => (r.value === null ? null : canonicalAnswer(r.value)))),
  );
  return {
    round: { id: round.id, status: round.status, revealedAt: round.revealed_at, revealReason: round.reveal_reason },
    area: { id: area.id, label: area.label, weight: area.weight },
    raters: raters.map((r, i) => ({ userId: r.userId, name: r.name, finished: r.finished, total: scored[i]!.nodes[area.id]?.value ?? 0 })),
    groups,
    agreement: { share: computeAgreementShare(units), alpha: computeKrippendorffAlphaNominal(optionUnits) },
    can: { record: canOnUnit(actor, "assessment.fill", ctx.unit) && ctx.assessment.status !== "final" },
  };
}

export interface ConsensusInput extends SaveInput {
  /** Why the team departs from the majority answer (required then). */
  reason: string | null;
}

/**
 * Records the team's consensus answer of one item of a revealed area: it becomes the `self` answer
 * through saveAnswerIn (same checks, version, audit and score), plus a `blind.consensus` audit entry
 * naming the majority and the reason.
 */
export async function recordConsensus(
  db: Db,
  actor: Actor,
  ctx: AssessmentContext,
  areaId: string,
  input: ConsensusInput,
): Promise<SaveResult> {
  const area = areaOf(ctx, areaId);
  const item = itemsOf(area).find((i) => i.id === input.itemId);
  if (!item) throw new BlindError("workbench.unknownItem");
  const round = await roundOfArea(db, ctx.assessment.id, areaId);
  if (!round) throw new BlindError("blind.noRound");
  if (round.status !== "revealed") throw new BlindError("blind.notRevealed");
  const raters = await unsafeRevealedRaters(db, round);
  const scored = raters.map((r) => scoreAssessment(ctx.instrument, r.answers));
  const spread = computeItemSpread(
    item,
    raters.map((r, i) => ({ value: r.answers[item.id] ?? null, itemValue: scored[i]!.nodes[item.id]?.value ?? null })),
  );
  const departs = departsFromMajority(spread, input.value);
  const reason = input.reason?.trim() || null;
  if (departs && !reason) throw new BlindError("blind.reasonRequired");
  return db.transaction().execute(async (trx) => {
    const saved = await saveAnswerIn(trx, actor, ctx, input, { consensus: round.id });
    if (!saved.ok) return saved;
    await writeAudit(trx, {
      actorUserId: actor.id,
      organisationId: ctx.assessment.organisation_id,
      action: "blind.consensus",
      entityType: "answer",
      entityId: itemKey(ctx.assessment.id, item.id),
      after: { roundId: round.id, value: input.value, majority: spread.majority.map((m) => JSON.parse(m) as unknown), departs },
      reason: departs ? reason : null,
    });
    return saved;
  });
}

/** Individual answers of every revealed round, per item, for the evaluator's view beside the consensus. */
export async function revealedIndividualsByItem(
  db: Db,
  ctx: AssessmentContext,
): Promise<Record<string, { name: string; value: AnswerValue; note: string | null }[]>> {
  const out: Record<string, { name: string; value: AnswerValue; note: string | null }[]> = {};
  for (const round of await listRounds(db, ctx.assessment.id)) {
    if (round.status !== "revealed") continue;
    for (const r of await unsafeRevealedRaters(db, round)) {
      for (const [itemId, value] of Object.entries(r.answers))
        (out[itemId] ??= []).push({ name: r.name, value, note: r.notes[itemId] ?? null });
    }
  }
  return out;
}

export interface AssessmentAgreement {
  rounds: number;
  items: number;
  share: number | null;
  alpha: number | null;
}

/**
 * Inter-rater agreement of an assessment over its revealed rounds (blind rounds still open count for
 * nothing, so the figure reveals nothing): share of items where all raters agreed, and Krippendorff's
 * alpha (nominal) over the option items. Null when there is no revealed round.
 */
export async function unsafeAssessmentAgreement(db: Db, assessmentIds: readonly string[]): Promise<Map<string, AssessmentAgreement>> {
  const out = new Map<string, AssessmentAgreement>();
  if (assessmentIds.length === 0) return out;
  const rows = await db
    .selectFrom("individual_answer")
    .innerJoin("blind_round", "blind_round.id", "individual_answer.round_id")
    .select([
      "individual_answer.assessment_id",
      "individual_answer.round_id",
      "individual_answer.item_id",
      "individual_answer.user_id",
      "individual_answer.value_json",
    ])
    .where("blind_round.status", "=", "revealed")
    .where("individual_answer.assessment_id", "in", [...assessmentIds])
    .execute();
  const raters = await db
    .selectFrom("blind_rater")
    .innerJoin("blind_round", "blind_round.id", "blind_rater.round_id")
    .select(["blind_round.assessment_id", "blind_rater.round_id", "blind_rater.user_id"])
    .where("blind_round.status", "=", "revealed")
    .where("blind_round.assessment_id", "in", [...assessmentIds])
    .execute();
  for (const id of assessmentIds) {
    const mine = raters.filter((r) => r.assessment_id === id);
    if (mine.length === 0) continue;
    const roundIds = [...new Set(mine.map((r) => r.round_id))];
    const all: (string | null)[][] = [];
    const options: (string | null)[][] = [];
    for (const roundId of roundIds) {
      const users = mine.filter((r) => r.round_id === roundId).map((r) => r.user_id);
      const answers = rows.filter((r) => r.round_id === roundId && r.value_json !== null);
      for (const itemId of new Set(answers.map((a) => a.item_id))) {
        const unit = users.map((u) => answers.find((a) => a.item_id === itemId && a.user_id === u)?.value_json ?? null);
        const canonical = unit.map((v) => (v === null ? null : canonicalAnswer(parseValue(v))));
        all.push(canonical);
        // Option answers are JSON strings; numbers and ratio counts stay out of the nominal alpha.
        if (unit.every((v) => v === null || v.startsWith('"'))) options.push(canonical);
      }
    }
    const share = computeAgreementShare(all);
    out.set(id, {
      rounds: roundIds.length,
      items: share.pairable,
      share: share.share,
      alpha: computeKrippendorffAlphaNominal(options).alpha,
    });
  }
  return out;
}

/** The agreement figure of one assessment the actor may read (see unsafeAssessmentAgreement). */
export async function assessmentAgreement(db: Db, ctx: AssessmentContext): Promise<AssessmentAgreement | null> {
  return (await unsafeAssessmentAgreement(db, [ctx.assessment.id])).get(ctx.assessment.id) ?? null;
}

/** The penilaian bersama page: rounds with per-rater progress (counts only), agreement, and what the actor may do. */
export async function getBlindPanel(db: Db, actor: Actor, ctx: AssessmentContext) {
  const rounds = await roundProgress(db, ctx);
  const run = canRunRounds(actor, ctx) && ctx.assessment.status !== "final";
  const taken = new Set(rounds.map((r) => r.areaId));
  return {
    rounds,
    agreement: await assessmentAgreement(db, ctx),
    freeAreas: run
      ? outlineOf(ctx.instrument)
          .areas.filter((a) => !taken.has(a.id))
          .map((a) => ({ id: a.id, label: a.label }))
      : [],
    people: run ? await assignableUsers(db, ctx) : [],
    can: { run },
  };
}

/** For the assessment overview: how many rounds (open / revealed) and the agreement figure. */
export async function blindSummary(db: Db, ctx: AssessmentContext) {
  const rounds = await listRounds(db, ctx.assessment.id);
  return {
    rounds: rounds.length,
    open: rounds.filter((r) => r.status === "open").length,
    agreement: rounds.length ? await assessmentAgreement(db, ctx) : null,
  };
}

/** Rows for the evaluator's view: per item of a revealed round, the consensus (self) answer beside each rater's. */
export async function revealedConsensusRows(db: Db, ctx: AssessmentContext) {
  const byItem = await revealedIndividualsByItem(db, ctx);
  const ids = Object.keys(byItem);
  if (ids.length === 0) return [];
  const self = new Map((await loadAnswers(db, ctx.assessment.id)).map((r) => [r.item_id, parseValue(r.value_json)]));
  const order = [...outlineOf(ctx.instrument).items.keys()];
  return ids
    .sort((a, b) => order.indexOf(a) - order.indexOf(b))
    .map((itemId) => ({ itemId, consensus: self.get(itemId) ?? null, raters: byItem[itemId]! }));
}

/**
 * The organisation dashboard's agreement table: every assessment in the dashboard's scope (organisation,
 * instrument, readable subtrees) with a revealed blind round, and its agreement figure.
 */
export async function listAgreement(db: Db, filter: SnapshotFilter) {
  const rows = await db
    .selectFrom("blind_round as r")
    .innerJoin("assessment as a", "a.id", "r.assessment_id")
    .innerJoin("unit as u", "u.id", "a.unit_id")
    .innerJoin("period as p", "p.id", "a.period_id")
    .select(["a.id", "u.name", "p.year"])
    .distinct()
    .where("r.status", "=", "revealed")
    .where("a.organisation_id", "=", filter.organisationId)
    .where("a.instrument_id", "=", filter.instrumentId)
    .where(inSubtrees(filter.unitPaths))
    .orderBy("p.year", "desc")
    .orderBy("u.name")
    .limit(100)
    .execute();
  const figures = await unsafeAssessmentAgreement(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({ assessmentId: r.id, unitName: r.name, year: r.year, ...figures.get(r.id)! }));
}
