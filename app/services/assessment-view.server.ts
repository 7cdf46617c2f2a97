import type { Db } from "#db/client.server";
import type { Answer } from "#db/schema";
import { outlineOf } from "~/domain/instrument/outline";
import { scoreAssessment } from "~/domain/scoring/score";
import type { IndexResult, ScoreResult } from "~/domain/scoring/types";
import { answersObject } from "./answers.server";
import type { AssessmentContext } from "./assessments.server";

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
  predicate: { code: string; label: string } | null;
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
    predicate: result.predicate ? { code: result.predicate.code, label: result.predicate.label } : null,
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
