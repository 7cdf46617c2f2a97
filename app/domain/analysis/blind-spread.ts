/**
 * The spread of the raters' answers to one item in a blind round (issue #14): min / max / mode of the
 * engine's item values, the majority answer, and the disagreement flag the consensus view shows.
 * Pure: no db, runs in the browser too.
 */
import { NOT_APPLICABLE, type Item } from "~/domain/instrument/schema";
import type { AnswerValue } from "~/domain/scoring/answers";

/** Options two or more steps apart (in the item's option order) count as a disagreement. */
export const OPTION_STEP_THRESHOLD = 2;
/**
 * Numbers and ratio inputs disagree when their spread exceeds 10 %: of the item's declared scale range
 * where it has one, otherwise of the largest magnitude answered.
 */
export const NUMBER_TOLERANCE = 0.1;

export interface RaterAnswer {
  value: AnswerValue;
  /** The engine's item value for this rater's answers (null when unanswered or not applicable). */
  itemValue: number | null;
}

export interface ItemSpread {
  answered: number;
  min: number | null;
  max: number | null;
  /** The most frequent item value; the smallest of tied values. */
  mode: number | null;
  /** Canonical JSON of the most frequent answers (several when tied; empty when nobody answered). */
  majority: string[];
  disagreement: boolean;
}

/** Canonical text of an answer: equal answers give equal strings (object keys sorted). */
export function canonicalAnswer(value: AnswerValue): string {
  if (value !== null && typeof value === "object") {
    return JSON.stringify(Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))));
  }
  return JSON.stringify(value);
}

function exceedsTolerance(values: number[], range: number | null): boolean {
  if (values.length < 2) return false;
  const spread = Math.max(...values) - Math.min(...values);
  const base = range ?? Math.max(...values.map(Math.abs));
  return base === 0 ? spread > 0 : spread / base > NUMBER_TOLERANCE;
}

/** The disagreement rule, as stated on the consensus page: option steps, or the numeric tolerance. */
export function isDisagreement(item: Pick<Item, "options" | "inputs" | "scale" | "type">, answers: readonly AnswerValue[]): boolean {
  const given = answers.filter((a): a is Exclude<AnswerValue, null> => a !== null);
  if (given.length < 2) return false;
  const na = given.filter((a) => a === NOT_APPLICABLE).length;
  if (na > 0) return na !== given.length;
  if (item.options && item.options.length > 0) {
    const steps = given.map((a) => item.options!.findIndex((o) => o.code === a)).filter((i) => i >= 0);
    return steps.length >= 2 && Math.max(...steps) - Math.min(...steps) >= OPTION_STEP_THRESHOLD;
  }
  if (item.type === "percent") {
    const names = new Set(given.flatMap((a) => (typeof a === "object" ? Object.keys(a) : [])));
    for (const name of names) {
      const values = given.map((a) => (typeof a === "object" ? a[name] : undefined)).filter((v): v is number => typeof v === "number");
      if (exceedsTolerance(values, null)) return true;
    }
    return false;
  }
  const numbers = given.filter((a): a is number => typeof a === "number");
  return exceedsTolerance(numbers, item.scale ? item.scale.max - item.scale.min : null);
}

/** Spread of one item: min / max / mode of the raters' item values, the majority answer and the flag. */
export function computeItemSpread(item: Pick<Item, "options" | "inputs" | "scale" | "type">, raters: readonly RaterAnswer[]): ItemSpread {
  const answered = raters.filter((r) => r.value !== null);
  const values = answered.map((r) => r.itemValue).filter((v): v is number => v !== null);
  const valueCounts = new Map<number, number>();
  for (const v of values) valueCounts.set(v, (valueCounts.get(v) ?? 0) + 1);
  let mode: number | null = null;
  for (const [v, c] of [...valueCounts].sort((a, b) => a[0] - b[0])) if (mode === null || c > valueCounts.get(mode)!) mode = v;
  const answerCounts = new Map<string, number>();
  for (const r of answered) answerCounts.set(canonicalAnswer(r.value), (answerCounts.get(canonicalAnswer(r.value)) ?? 0) + 1);
  const top = Math.max(0, ...answerCounts.values());
  return {
    answered: answered.length,
    min: values.length ? Math.min(...values) : null,
    max: values.length ? Math.max(...values) : null,
    mode,
    majority: [...answerCounts].filter(([, c]) => c === top).map(([a]) => a),
    disagreement: isDisagreement(
      item,
      answered.map((r) => r.value),
    ),
  };
}

/** A consensus answer departs from the majority when it is none of the most frequent answers. */
export function departsFromMajority(spread: Pick<ItemSpread, "majority">, consensus: AnswerValue): boolean {
  return spread.majority.length > 0 && !spread.majority.includes(canonicalAnswer(consensus));
}
