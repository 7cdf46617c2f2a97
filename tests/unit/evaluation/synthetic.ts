// Test helper: synthetic self-assessments and evaluator reviews on a real instrument, so that the
// true full-review total is known (score the evaluator's answers with the engine).
import type { Instrument, Item } from "~/domain/instrument/schema";
import { itemsWithGroups } from "~/domain/instrument/tree";
import type { ReviewedItem } from "~/domain/evaluation/estimate";
import { createRng, type Rng } from "~/domain/evaluation/prng";
import type { Answers, AnswerValue } from "~/domain/scoring/answers";

const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** A self answer: units rate themselves well (options are listed best first; r^skew favours them). */
function selfAnswer(item: Item, r: Rng, skew: number): AnswerValue {
  if (item.options) return item.options[Math.floor(r() ** skew * item.options.length)]!.code;
  if (item.type === "percent" && item.formula) {
    const out: Record<string, number> = {};
    for (const input of item.inputs ?? []) out[input.name] = int(r, 0, 6);
    const f = item.formula;
    if (f.kind === "ratio") {
      const den = f.denominator.map((d) => (out[d] = int(r, 1, 8)));
      const total = den.reduce((s, x) => s + x, 0);
      out[f.numerator] = Math.min(total, Math.round(total * (1 - r() ** skew)) + int(r, 0, 1));
    } else {
      out[f.before] = int(r, 0, 8);
      out[f.after] = Math.floor(out[f.before]! * r() ** skew);
    }
    return out;
  }
  const max = item.scale?.max ?? 4;
  return round(max * (0.7 + 0.3 * (1 - r() ** skew)));
}

/** The evaluator's answer on an item they change: usually down one or two steps, sometimes up one. */
function adjust(item: Item, answer: AnswerValue, r: Rng): AnswerValue {
  const up = r() < 0.1;
  const steps = up ? -1 : r() < 0.3 ? 2 : 1;
  if (item.options && typeof answer === "string") {
    const i = item.options.findIndex((o) => o.code === answer);
    const j = Math.min(item.options.length - 1, Math.max(0, i + steps));
    return item.options[j]!.code;
  }
  if (typeof answer === "object" && answer !== null && item.formula) {
    const out = { ...answer };
    const f = item.formula;
    const key = f.kind === "ratio" ? f.numerator : f.after;
    const sign = f.kind === "ratio" ? -1 : 1; // fewer achievements, or more violations this year
    out[key] = Math.max(0, (out[key] ?? 0) + sign * steps * int(r, 1, 2));
    return out;
  }
  if (typeof answer === "number") {
    const max = item.scale?.max ?? 4;
    return round(Math.min(max, Math.max(0, answer - steps * (0.1 + 0.3 * r()))));
  }
  return answer;
}

export interface SyntheticReview {
  self: Answers;
  evaluator: Answers;
  /** Share of items the evaluator changed on purpose (some changes are no-ops at the bottom of a scale). */
  rate: number;
}

/**
 * One synthetic assessment: complete self answers (skewed to good options) and the evaluator's
 * answers = the self answers with a random subset changed, at a per-assessment rate p drawn from
 * [lo, hi]; `changeFactor(itemId)` scales p per item (risky items changed more often).
 */
export function syntheticReview(
  inst: Instrument,
  seed: number | string,
  rate: [number, number] = [0.1, 0.5],
  changeFactor: (itemId: string) => number = () => 1,
): SyntheticReview {
  const r = createRng(seed);
  const skew = 1.5 + r() * 3;
  const p = rate[0] + (rate[1] - rate[0]) * r();
  const self: Answers = {};
  const evaluator: Answers = {};
  for (const { item } of itemsWithGroups(inst)) {
    const a = selfAnswer(item, r, skew);
    self[item.id] = a;
    evaluator[item.id] = r() < Math.min(1, p * changeFactor(item.id)) ? adjust(item, a, r) : a;
  }
  return { self, evaluator, rate: p };
}

/**
 * The estimator's input rows for a drawn sample: each sampled item's weight (points), the self and
 * evaluator values the engine gave it, its inclusion probability and its area as stratum.
 */
export function reviewedItems(
  sample: { items: ReadonlyArray<{ itemId: string; inclusionWeight: number; area: string }> },
  weights: ReadonlyMap<string, { points: number }>,
  self: { nodes: Record<string, { value: number } | undefined> },
  evaluator: { nodes: Record<string, { value: number } | undefined> },
): ReviewedItem[] {
  return sample.items.map((i) => ({
    itemId: i.itemId,
    weight: weights.get(i.itemId)!.points,
    self: self.nodes[i.itemId]!.value,
    evaluator: evaluator.nodes[i.itemId]!.value,
    inclusionProbability: i.inclusionWeight,
    stratum: i.area,
  }));
}
