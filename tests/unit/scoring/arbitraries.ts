// Test helper: fast-check arbitraries for answers of the shipped instruments.
import fc from "fast-check";
import type { Instrument, Item, Settings } from "~/domain/instrument/schema";
import { itemsWithGroups } from "~/domain/instrument/tree";
import { scaleFor } from "~/domain/instrument/validate";
import { weightValue } from "~/domain/instrument/weights";
import type { Answers, AnswerValue } from "~/domain/scoring/answers";

/** Fixed seed: CI runs the same cases every time; a failure prints its counterexample and path. */
export const SEED = 20261123;

export const abcdArb = fc.constantFrom<Settings["abcd_values"]>("two_decimal", "exact_thirds");
export const scopeArb = fc.constantFrom<Settings["zi_area_min_scope"]>("combined", "per_half");

/** Counts, zero often (zero denominators and their per-item outcomes are where the rules differ). */
const countArb = fc.oneof(fc.constant(0), fc.nat({ max: 8 }), fc.nat({ max: 10_000 }));

/** A valid answer to one item, including scores outside the scale (clamped with a warning). */
export function answerArb(item: Item, groupWeight: number): fc.Arbitrary<AnswerValue> {
  if (item.options) return fc.constantFrom(...item.options.map((o) => o.code));
  if (item.type === "percent") {
    const inputs = item.inputs ?? [];
    const model = Object.fromEntries(inputs.map((i) => [i.name, countArb]));
    return fc.record(model, { requiredKeys: inputs.filter((i) => !i.informational).map((i) => i.name) });
  }
  if (item.type === "external_points") {
    return fc.oneof(fc.constant(0), fc.constant(groupWeight), fc.double({ min: 0, max: groupWeight, noNaN: true }));
  }
  const lo = item.scale?.min ?? 0;
  const hi = item.scale?.max ?? (item.type === "index_score" ? 100 : 4);
  const span = hi - lo;
  return fc.oneof(
    { arbitrary: fc.double({ min: lo, max: hi, noNaN: true }), weight: 8 },
    { arbitrary: fc.constantFrom(lo, hi), weight: 1 },
    { arbitrary: fc.double({ min: lo - span, max: hi + span, noNaN: true }), weight: 1 },
  );
}

/** Answers to any subset of the items; some given as null (unanswered too). */
export function answersArb(inst: Instrument): fc.Arbitrary<Answers> {
  const model: Record<string, fc.Arbitrary<AnswerValue>> = {};
  for (const { item, group } of itemsWithGroups(inst)) model[item.id] = fc.option(answerArb(item, group.weight), { nil: null, freq: 12 });
  return fc.record(model, { requiredKeys: [] }) as fc.Arbitrary<Answers>;
}

/** The value table of an option item under an abcd setting (README §3). */
function optionValue(inst: Instrument, item: Item, code: string, abcd: Settings["abcd_values"]): number {
  if (item.type === "choice") {
    const raw = item.options?.find((o) => o.code === code)?.value;
    return raw === undefined ? 0 : weightValue(raw);
  }
  const raw = scaleFor(inst, item.type as "yes_no" | "abc" | "abcd" | "abcde", abcd)[code];
  return raw === undefined ? 0 : weightValue(raw);
}

/** What it takes to improve one item: which item, a fresh answer if it was unanswered, and how much better. */
export interface Improvement {
  index: number;
  fresh: AnswerValue;
  pick: number;
  delta: number;
}

export function improvementArb(inst: Instrument): fc.Arbitrary<Improvement> {
  const items = itemsWithGroups(inst);
  // Half the time one of the few items not answered with an option (ratios, scores, points), where the rules are.
  const numeric = items.flatMap(({ item }, i) => (item.options ? [] : [i]));
  const indexArb = numeric.length > 0 ? fc.oneof(fc.nat({ max: items.length - 1 }), fc.constantFrom(...numeric)) : fc.nat({ max: items.length - 1 });
  return indexArb.chain((index) => {
    const { item, group } = items[index] as (typeof items)[number];
    return fc.record({
      index: fc.constant(index),
      fresh: answerArb(item, group.weight),
      pick: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      delta: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 100, noNaN: true })),
    });
  });
}

/** An answer at least as good as `current` (never worse under the item's rule); `current` itself if nothing is better. */
export function betterAnswer(inst: Instrument, abcd: Settings["abcd_values"], answers: Answers, m: Improvement): { id: string; answer: AnswerValue } {
  const { item, group } = itemsWithGroups(inst)[m.index] as ReturnType<typeof itemsWithGroups>[number];
  const current = answers[item.id];
  if (current === undefined || current === null) return { id: item.id, answer: m.fresh };
  if (item.options) {
    const floor = optionValue(inst, item, String(current), abcd);
    const better = item.options.filter((o) => optionValue(inst, item, o.code, abcd) >= floor);
    return { id: item.id, answer: better[Math.floor(m.pick * better.length)]?.code ?? current };
  }
  if (typeof current === "number") {
    const max = item.type === "external_points" ? group.weight : (item.scale?.max ?? 4);
    return { id: item.id, answer: Math.max(current, Math.min(max, current + m.delta)) };
  }
  const f = item.formula;
  if (typeof current === "object" && f) {
    const counts = { ...current };
    const more = 1 + Math.floor(m.pick * 5);
    // More achieved over the same denominator; a zero denominator is left alone (its outcome is fixed by data).
    if (f.kind === "ratio" && f.denominator.some((d) => (counts[d] ?? 0) > 0)) counts[f.numerator] = (counts[f.numerator] ?? 0) + more;
    if (f.kind === "decrease_ratio" && (counts[f.before] ?? 0) > 0) counts[f.after] = Math.max(0, (counts[f.after] ?? 0) - more);
    return { id: item.id, answer: counts };
  }
  return { id: item.id, answer: current };
}
