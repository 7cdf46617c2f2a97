import type { Db } from "#db/client.server";
import { outlineOf } from "~/domain/instrument/outline";
import type { AssessmentContext } from "./assessments.server";
import { loadAnswers, parseValue } from "./answers.server";
import { itemRefs, type ItemRef } from "./links";
import { rangeProblem, type AnswerProblem } from "./rules";
import { blindScope, hiddenFrom } from "~/services/blind/visibility.server";

export type { ItemRef } from "./links";

/**
 * What would weaken the assessment if submitted now. Every finding names its items as `ItemRef`s, each
 * with the link to the item on its area page (`itemHref`), so every list of findings links the same way.
 */
export interface Readiness {
  unanswered: ItemRef[];
  answeredWithoutEvidence: ItemRef[];
  /** Carried-over answers not yet confirmed. */
  unconfirmed: ItemRef[];
  /** Evidence dated outside the period, with the items it supports (the first is where to fix it). */
  outsidePeriod: { evidenceId: string; name: string; date: string; items: ItemRef[] }[];
  spreadFiles: { name: string; items: ItemRef[] }[];
  /**
   * Stored answers outside their item's range (saved before saves refused them, or written around
   * the workbench): the engine clamps them, so the score may not say what was meant.
   */
  outOfRange: (ItemRef & { key: AnswerProblem["key"]; params: AnswerProblem["params"] })[];
  /** Items (answered or not) whose instrument expects evidence and that have no live evidence. */
  withoutEvidence: ItemRef[];
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
  const ref = itemRefs(ctx.assessment.id, outline.areaOfItem);

  const unanswered: ItemRef[] = [];
  const answeredWithoutEvidence: ItemRef[] = [];
  const unconfirmed: ItemRef[] = [];
  const outOfRange: Readiness["outOfRange"] = [];
  const withoutEvidence: ItemRef[] = [];
  for (const [id, item] of outline.items) {
    const a = byItem.get(id);
    if (item.evidence.length > 0 && !withEvidence.has(id)) withoutEvidence.push(ref(id));
    if (!a || a.value_json === null) unanswered.push(ref(id));
    else {
      const problem = rangeProblem(item, outline.groupWeight.get(id) ?? 0, parseValue(a.value_json));
      if (problem) outOfRange.push({ ...ref(id), key: problem.key, params: problem.params });
      if (a.carried_over) unconfirmed.push(ref(id));
      if (item.evidence.length > 0 && !withEvidence.has(id)) answeredWithoutEvidence.push(ref(id));
    }
  }

  // Evidence for year N is produced during year N or while assessing it, up to the end of the evaluation stage.
  const year = ctx.period.year;
  const from = `${year}-01-01`;
  const until = ctx.period.evaluation_end ?? `${year + 1}-12-31`;
  const outsidePeriod = new Map<string, { evidenceId: string; name: string; date: string; items: Set<string> }>();
  const byFile = new Map<string, { name: string; items: Set<string> }>();
  for (const l of links) {
    if (l.evidence_date && (l.evidence_date < from || l.evidence_date > until)) {
      const entry = outsidePeriod.get(l.id) ?? { evidenceId: l.id, name: l.name, date: l.evidence_date, items: new Set<string>() };
      entry.items.add(l.item_id);
      outsidePeriod.set(l.id, entry);
    }
    const key = l.blob_sha256 ?? l.url ?? l.id;
    const entry = byFile.get(key) ?? { name: l.name, items: new Set<string>() };
    entry.items.add(l.item_id);
    byFile.set(key, entry);
  }
  const refs = (items: Set<string>) => [...items].sort().map(ref);
  const spreadFiles = [...byFile.values()]
    .filter((f) => f.items.size >= SPREAD_MIN_ITEMS && new Set([...f.items].map((i) => outline.areaOfItem.get(i))).size > 1)
    .map((f) => ({ name: f.name, items: refs(f.items) }));
  return {
    unanswered,
    answeredWithoutEvidence,
    unconfirmed,
    outsidePeriod: [...outsidePeriod.values()].map((o) => ({ ...o, items: refs(o.items) })),
    spreadFiles,
    outOfRange,
    withoutEvidence,
  };
}

/** What a submission or finalisation would leave missing; the overview asks for confirmation when any list is non-empty (issue #27). */
export interface SubmissionGaps {
  answered: number;
  total: number;
  unanswered: ItemRef[];
  outOfRange: Readiness["outOfRange"];
  missingEvidence: ItemRef[];
}

export async function submissionGaps(db: Db, ctx: AssessmentContext): Promise<SubmissionGaps> {
  const outline = outlineOf(ctx.instrument);
  const r = await readiness(db, ctx);
  return {
    answered: outline.items.size - r.unanswered.length,
    total: outline.items.size,
    unanswered: r.unanswered,
    outOfRange: r.outOfRange,
    missingEvidence: r.withoutEvidence,
  };
}

export function hasGaps(g: SubmissionGaps): boolean {
  return g.unanswered.length > 0 || g.outOfRange.length > 0 || g.missingEvidence.length > 0;
}
