/*
 * Read models of the assessment pages: the score summary the overview cards show, the latest
 * snapshot, and the whole overview page (assessmentOverview).
 */
import type { Db } from "#db/client.server";
import type { Answer } from "#db/schema";
import { outlineOf } from "~/domain/instrument/outline";
import { scoreAssessment } from "~/domain/scoring/score";
import type { PredicateTargets, IndexResult, ScoreResult } from "~/domain/scoring/types";
import type { Actor } from "~/auth/permissions";
import { blindSummary } from "~/services/blind/results.server";
import { blindScope, hiddenAuditIds } from "~/services/blind/visibility.server";
import { listFindings, openFollowUps } from "~/services/evaluation/findings.server";
import { layerComparison } from "~/services/evaluation/view.server";
import { answersObject, editorRole, loadAnswers } from "./answers.server";
import { canOnUnit, type AssessmentContext } from "./assessments.server";
import { readiness } from "./readiness.server";
import { stageOpen, todayWib } from "./rules";
import { assignableUsers, timeline } from "./workflow.server";

export interface AreaSummary {
  id: string;
  label: string;
  path: string[];
  weight: number;
  value: number;
  answered: number;
  confirmed: number;
  items: number;
}

export interface VerdictSummary {
  id: string;
  label: string;
  pass: boolean;
  criteria: { id: string; label: string; actual: number | boolean | null; required: number | boolean; pass: boolean | null; unit: string }[];
}

export interface ScoreSummary {
  total: number;
  max: number;
  predicate: { code: string; label: string; targets?: PredicateTargets } | null;
  /** Notes on doubtful "target baik" values (rb-2024 §1.3 ⚠), by item id. */
  targetNotes: Record<string, string>;
  verdicts: VerdictSummary[];
  areas: AreaSummary[];
  warnings: { itemId: string; message: string }[];
  /** The Indeks RB breakdown (RB 2023 instruments), else null. */
  index: IndexResult | null;
}

/** The server's score of the current answers, reduced to what overview pages show. */
export function summarise(ctx: AssessmentContext, rows: Answer[]): ScoreSummary {
  const result: ScoreResult = scoreAssessment(ctx.instrument, answersObject(rows));
  const outline = outlineOf(ctx.instrument);
  const confirmed = new Map<string, number>();
  for (const r of rows) {
    if (r.value_json === null || r.carried_over) continue;
    const area = outline.areaOfItem.get(r.item_id);
    if (area) confirmed.set(area, (confirmed.get(area) ?? 0) + 1);
  }
  return {
    total: result.total,
    max: result.max,
    predicate: result.predicate
      ? { code: result.predicate.code, label: result.predicate.label, ...(result.predicate.targets ? { targets: result.predicate.targets } : {}) }
      : null,
    targetNotes: ctx.instrument.evaluation.portal_2025?.target_notes ?? {},
    verdicts: Object.values(result.zi ?? {}).map((v) => ({
      id: v.id,
      label: v.label,
      pass: v.pass,
      criteria: v.criteria.map((c) => ({ id: c.id, label: c.label, actual: c.actual, required: c.required, pass: c.pass, unit: c.unit })),
    })),
    areas: outline.areas.map((a) => {
      const n = result.nodes[a.id]!;
      return { id: a.id, label: a.label, path: a.path, weight: a.weight, value: n.value, answered: n.answered, confirmed: confirmed.get(a.id) ?? 0, items: n.items };
    }),
    warnings: result.warnings.map((w) => ({ itemId: w.itemId, message: w.message })),
    index: result.index ?? null,
  };
}

export async function latestSnapshot(db: Db, assessmentId: string) {
  return db
    .selectFrom("score_snapshot")
    .leftJoin("user", "user.id", "score_snapshot.created_by")
    .select(["score_snapshot.id", "score_snapshot.total", "score_snapshot.predicate", "score_snapshot.engine_version", "score_snapshot.created_at", "user.name as createdBy"])
    .where("score_snapshot.assessment_id", "=", assessmentId)
    .where("score_snapshot.layer", "=", "self")
    .orderBy("score_snapshot.created_at", "desc")
    .executeTakeFirst();
}

/**
 * Everything the assessment overview page shows, for an actor already allowed to read the
 * assessment: the score summary, progress per person, readiness, the released evaluator layers,
 * findings, blind rounds, the timeline and what the actor may do now.
 */
export async function assessmentOverview(db: Db, user: Actor, ctx: AssessmentContext, search: URLSearchParams) {
  const rows = await loadAnswers(db, ctx.assessment.id);
  const summary = summarise(ctx, rows);
  const role = editorRole(user, ctx);
  const canAssign = canOnUnit(user, "assessment.assign", ctx.unit);
  const assignments = await db
    .selectFrom("assignment")
    .innerJoin("user", "user.id", "assignment.user_id")
    .select(["assignment.node_id", "assignment.user_id", "user.name"])
    .where("assignment.assessment_id", "=", ctx.assessment.id)
    .execute();
  // Progress per person: the items under each assignee's areas/sub-areas, answered and confirmed.
  const outline = outlineOf(ctx.instrument);
  const byItem = new Map(rows.map((r) => [r.item_id, r]));
  const perPerson = new Map<string, { name: string; items: Set<string> }>();
  for (const asg of assignments) {
    const entry = perPerson.get(asg.user_id) ?? { name: asg.name, items: new Set<string>() };
    for (const id of outline.items.keys()) if (id === asg.node_id || id.startsWith(`${asg.node_id}.`)) entry.items.add(id);
    perPerson.set(asg.user_id, entry);
  }
  const progress = [...perPerson.values()].map((p) => {
    const items = [...p.items];
    const answered = items.filter((i) => byItem.get(i)?.value_json != null).length;
    const confirmed = items.filter((i) => byItem.get(i)?.value_json != null && !byItem.get(i)?.carried_over).length;
    return { name: p.name, total: items.length, answered, confirmed };
  });
  const evaluation = await layerComparison(db, user, ctx);
  const released = evaluation.layers.filter((l) => l.layer !== "self");
  const today = todayWib();
  const status = ctx.assessment.status;
  const importedAnswers = Number(search.get("imported"));
  return {
    imported: search.has("imported") && Number.isSafeInteger(importedAnswers) ? { answers: importedAnswers, links: Number(search.get("links")) || 0 } : null,
    assessment: {
      id: ctx.assessment.id,
      status,
      unitName: ctx.unit.name,
      organisationName: ctx.organisationName,
      year: ctx.period.year,
      instrumentId: ctx.assessment.instrument_id,
      instrumentTitle: ctx.instrument.title,
      instrumentHash: ctx.assessment.instrument_hash,
    },
    summary,
    completeness: { answered: rows.filter((r) => r.value_json !== null && outline.items.has(r.item_id)).length, total: outline.items.size },
    myNodes: assignments.filter((a) => a.user_id === user.id).map((a) => a.node_id),
    assignments,
    progress,
    people: canAssign ? await assignableUsers(db, ctx) : [],
    nodes: summary.areas.flatMap((a) => [{ id: a.id, label: `${a.id} ${a.label}` }]),
    readiness: role || canAssign ? await readiness(db, ctx) : null,
    snapshot: (await latestSnapshot(db, ctx.assessment.id)) ?? null,
    evaluation: released.length
      ? { layers: released, effective: { total: evaluation.effective.total, verdicts: evaluation.effective.verdicts }, comparisons: evaluation.comparisons }
      : null,
    findings: await listFindings(db, user, ctx),
    followUps: await openFollowUps(db, ctx),
    canEvaluate: canOnUnit(user, "evaluation.read", ctx.unit),
    blind: await blindSummary(db, ctx),
    timeline: await visibleTimeline(db, user, ctx),
    /** Who submits decides what the button says: an assessor hands over to the coordinator, a coordinator locks the answers for finalisation. */
    role,
    can: {
      submit: role !== null && (status === "draft" || status === "returned"),
      finalise: canOnUnit(user, "assessment.review", ctx.unit) && status === "submitted",
      reopen: canOnUnit(user, "assessment.reopen", ctx.unit) && status === "final",
      assign: canAssign && status !== "final",
      override: canOnUnit(user, "window.override", ctx.unit),
      followUp: canOnUnit(user, "followup.write", ctx.unit),
    },
    windows: { fill: stageOpen(ctx.period, "fill", today), review: stageOpen(ctx.period, "review", today), fillEnd: ctx.period.fill_end, reviewEnd: ctx.period.review_end },
  };
}

export type AssessmentOverview = Awaited<ReturnType<typeof assessmentOverview>>;

/** The newest timeline entries, without the comments and evidence other raters added in an open blind round (blind/visibility.server.ts). */
async function visibleTimeline(db: Db, actor: Actor, ctx: AssessmentContext) {
  const hidden = await hiddenAuditIds(db, ctx.assessment.id, await blindScope(db, ctx.assessment.id, ctx.instrument), actor.id);
  return (await timeline(db, ctx.assessment.id, undefined, 60)).filter((e) => !hidden.has(e.id));
}
