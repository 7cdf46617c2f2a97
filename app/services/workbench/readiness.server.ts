import type { Db } from "#db/client.server";
import { outlineOf } from "~/domain/instrument/outline";
import type { AssessmentContext } from "./assessments.server";
import { loadAnswers, parseValue } from "./answers.server";
import { rangeProblem, type AnswerProblem } from "./rules";
import { blindScope, hiddenFrom } from "~/services/blind/visibility.server";

export interface Readiness {
  unanswered: string[];
  answeredWithoutEvidence: string[];
  unconfirmed: string[];
  outsidePeriod: { evidenceId: string; name: string; date: string }[];
  spreadFiles: { name: string; items: string[] }[];
  /**
   * Stored answers outside their item's range (saved before saves refused them, or written around
   * the workbench): the engine clamps them, so the score may not say what was meant.
   */
  outOfRange: { itemId: string; areaId: string; key: AnswerProblem["key"]; params: AnswerProblem["params"] }[];
  /** Items (answered or not) whose instrument expects evidence and that have no live evidence. */
  withoutEvidence: string[];
}

/** A file backing this many items across more than one area looks like a catch-all upload. */
const SPREAD_MIN_ITEMS = 4;

/** What would weaken the assessment if submitted now (the readiness check before submission). */
export async function readiness(db: Db, ctx: AssessmentContext): Promise<Readiness> {
  const outline = outlineOf(ctx.instrument);
  const answers = await loadAnswers(db, ctx.assessment.id);
  const byItem = new Map(answers.map((a) => [a.item_id, a]));
  const allLinks = await db
    .selectFrom("evidence_item")
    .innerJoin("evidence", "evidence.id", "evidence_item.evidence_id")
    .select([
      "evidence_item.item_id",
      "evidence_item.created_by",
      "evidence_item.created_at",
      "evidence.id",
      "evidence.name",
      "evidence.blob_sha256",
      "evidence.url",
      "evidence.evidence_date",
    ])
    .where("evidence_item.assessment_id", "=", ctx.assessment.id)
    .where("evidence_item.removed_at", "is", null)
    .where("evidence.removed_at", "is", null)
    .execute();
  // Links raters added in an open blind round are nobody else's to see until the reveal (blind/visibility.server.ts).
  const scope = await blindScope(db, ctx.assessment.id, ctx.instrument);
  const links = allLinks.filter((l) => !hiddenFrom(scope, null, { itemId: l.item_id, authorId: l.created_by, at: l.created_at }));
  const withEvidence = new Set(links.map((l) => l.item_id));

  const unanswered: string[] = [];
  const answeredWithoutEvidence: string[] = [];
  const unconfirmed: string[] = [];
  const outOfRange: Readiness["outOfRange"] = [];
  const withoutEvidence: string[] = [];
  for (const [id, item] of outline.items) {
    const a = byItem.get(id);
    if (item.evidence.length > 0 && !withEvidence.has(id)) withoutEvidence.push(id);
    if (!a || a.value_json === null) unanswered.push(id);
    else {
      const problem = rangeProblem(item, outline.groupWeight.get(id) ?? 0, parseValue(a.value_json));
      if (problem) outOfRange.push({ itemId: id, areaId: outline.areaOfItem.get(id) ?? "", key: problem.key, params: problem.params });
      if (a.carried_over) unconfirmed.push(id);
      if (item.evidence.length > 0 && !withEvidence.has(id)) answeredWithoutEvidence.push(id);
    }
  }

  // Evidence for year N is produced during year N or while assessing it, up to the end of the evaluation stage.
  const year = ctx.period.year;
  const from = `${year}-01-01`;
  const until = ctx.period.evaluation_end ?? `${year + 1}-12-31`;
  const outsidePeriod = new Map<string, { evidenceId: string; name: string; date: string }>();
  const byFile = new Map<string, { name: string; items: Set<string> }>();
  for (const l of links) {
    if (l.evidence_date && (l.evidence_date < from || l.evidence_date > until)) outsidePeriod.set(l.id, { evidenceId: l.id, name: l.name, date: l.evidence_date });
    const key = l.blob_sha256 ?? l.url ?? l.id;
    const entry = byFile.get(key) ?? { name: l.name, items: new Set<string>() };
    entry.items.add(l.item_id);
    byFile.set(key, entry);
  }
  const spreadFiles = [...byFile.values()]
    .filter((f) => f.items.size >= SPREAD_MIN_ITEMS && new Set([...f.items].map((i) => outline.areaOfItem.get(i))).size > 1)
    .map((f) => ({ name: f.name, items: [...f.items].sort() }));
  return { unanswered, answeredWithoutEvidence, unconfirmed, outsidePeriod: [...outsidePeriod.values()], spreadFiles, outOfRange, withoutEvidence };
}

export interface GapItem {
  itemId: string;
  areaId: string;
}

/** What a submission or finalisation would leave missing; the overview asks for confirmation when any list is non-empty (issue #27). */
export interface SubmissionGaps {
  answered: number;
  total: number;
  unanswered: GapItem[];
  outOfRange: Readiness["outOfRange"];
  missingEvidence: GapItem[];
}

export async function submissionGaps(db: Db, ctx: AssessmentContext): Promise<SubmissionGaps> {
  const outline = outlineOf(ctx.instrument);
  const r = await readiness(db, ctx);
  const at = (itemId: string): GapItem => ({ itemId, areaId: outline.areaOfItem.get(itemId) ?? "" });
  return {
    answered: outline.items.size - r.unanswered.length,
    total: outline.items.size,
    unanswered: r.unanswered.map(at),
    outOfRange: r.outOfRange,
    missingEvidence: r.withoutEvidence.map(at),
  };
}

export function hasGaps(g: SubmissionGaps): boolean {
  return g.unanswered.length > 0 || g.outOfRange.length > 0 || g.missingEvidence.length > 0;
}
