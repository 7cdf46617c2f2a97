import { outlineOf } from "../instrument/outline";
import { isScaled, NOT_APPLICABLE, type AnswerType, type Instrument, type Item, type Settings } from "../instrument/schema";
import { scaleFor } from "../instrument/validate";
import { weightValue } from "../instrument/weights";
import type { Answers, AnswerValue } from "../scoring/answers";
import { numberRange } from "../scoring/item-value";
import { scoreAssessment } from "../scoring/score";
import type { ScoreOptions, ScoreResult } from "../scoring/types";

/*
 * "What would raise it" (issue #6), part one: the best feasible answer of every item and what
 * moving it there adds to the total. An item value depends on its own answer only, and the total
 * is T = Σ_i s_i·v_i with s_i = w_g / n_g (README §4), so the gains of different items are
 * independent and add up: gain_i = s_i × (v_best − v_current).
 *
 * The values of candidate answers come from the engine itself (one scoring per candidate set, not
 * a re-implementation of the answer rules), so a gain can never disagree with a re-score.
 */

export interface ItemImprovement {
  id: string;
  label: string;
  type: AnswerType;
  areaId: string;
  areaLabel: string;
  groupId: string;
  /** s = group weight / items in group: the points the item adds at v = 1. */
  share: number;
  current: AnswerValue | null;
  /** The best feasible answer (= current when nothing is better). */
  best: AnswerValue;
  valueCurrent: number;
  valueBest: number;
  /** s × (valueBest − valueCurrent) ≥ 0, in points of the total. */
  gain: number;
}

type Counts = Record<string, number>;

function isCounts(v: AnswerValue | undefined): v is Counts {
  return typeof v === "object" && v !== null;
}

/** The option code with the highest value under the active abcd setting (first in content order on ties). */
function bestOption(instrument: Instrument, item: Item, abcd: Settings["abcd_values"]): string | null {
  const t = item.type;
  const table = isScaled(t) ? scaleFor(instrument, t, abcd) : null;
  let best: string | null = null;
  let top = -Infinity;
  for (const o of item.options ?? []) {
    const raw = table ? table[o.code] : o.value;
    if (raw === undefined) continue;
    const v = weightValue(raw);
    if (v > top) [best, top] = [o.code, v];
  }
  return best;
}

/**
 * Count answers that make a ratio item reach its cap, keeping the counts that are facts
 * (how many agents, obligated officials, targets, last year's violations) whenever that is possible:
 *   ratio:          numerator = Σ denominators (ratio 1);
 *   decrease_ratio: after = 0 with before ≥ 1 (a full decrease).
 * With all denominators 0 the data's zero-denominator outcome applies (e.g. "no complaints → 1");
 * the second candidate (denominator 1, ratio 1) is used only if that outcome is lower.
 */
function countCandidates(item: Item, current: AnswerValue | undefined): Counts[] {
  const f = item.formula;
  if (!f) return [];
  const base: Counts = {};
  for (const input of item.inputs ?? []) {
    const v = isCounts(current) ? current[input.name] : undefined;
    if (typeof v === "number") base[input.name] = v;
    else if (!input.informational) base[input.name] = 0;
  }
  if (f.kind === "ratio") {
    let den = 0;
    for (const d of f.denominator) den += base[d] ?? 0;
    if (den > 0) return [{ ...base, [f.numerator]: den }];
    return [
      { ...base, [f.numerator]: 0 },
      { ...base, [f.denominator[0] as string]: 1, [f.numerator]: 1 },
    ];
  }
  if ((base[f.before] ?? 0) > 0) return [{ ...base, [f.after]: 0 }];
  return [
    { ...base, [f.before]: 0, [f.after]: 0 },
    { ...base, [f.before]: 1, [f.after]: 0 },
  ];
}

/** Candidate best answers of one item, preferred first; the engine decides which scores highest. */
function candidates(
  instrument: Instrument,
  item: Item,
  groupWeight: number,
  current: AnswerValue | undefined,
  abcd: Settings["abcd_values"],
): AnswerValue[] {
  switch (item.type) {
    case "yes_no":
    case "abc":
    case "abcd":
    case "abcde":
    case "choice": {
      const code = bestOption(instrument, item, abcd);
      return code === null ? [] : [code];
    }
    case "survey_0_4":
    case "index_score":
    case "external_points":
    case "range_scaled":
    case "coefficient":
      // An N/A row stays N/A: it is out of the index, not a row to raise. Otherwise the top of the range.
      if (current === NOT_APPLICABLE && item.not_applicable) return [];
      return [numberRange(item, groupWeight)!.max];
    case "percent":
      return countCandidates(item, current);
  }
}

/**
 * Every item of the instrument in content order with its best feasible answer and gain
 * (gain_i = w_g / n_g × (v_best − v_current) ≥ 0). `current` may pass an existing scoring of
 * `answers` under the same options to save one engine call (its nodes are read).
 * @throws AnswerError when the answers do not fit the instrument.
 */
export function improvementsOf(
  instrument: Instrument,
  answers: Answers,
  options: ScoreOptions = {},
  current?: ScoreResult,
): ItemImprovement[] {
  const now = current ?? scoreAssessment(instrument, answers, options);
  const abcd = now.settings.abcd_values;
  const rows: Array<{ item: Item; areaId: string; areaLabel: string; groupId: string; share: number; cands: AnswerValue[] }> = [];
  let rounds = 0;
  for (const area of outlineOf(instrument).areas) {
    for (const g of area.groups) {
      for (const item of g.items) {
        const cands = candidates(instrument, item, g.weight, answers[item.id] ?? undefined, abcd);
        rounds = Math.max(rounds, cands.length);
        rows.push({ item, areaId: area.id, areaLabel: area.label, groupId: g.id, share: g.weight / g.items.length, cands });
      }
    }
  }
  // Round r scores every item's r-th candidate (or its last) at once: item values are independent.
  const best = rows.map(() => ({ answer: undefined as AnswerValue | undefined, value: -Infinity }));
  for (let r = 0; r < rounds; r++) {
    const set: Answers = {};
    rows.forEach((row) => {
      const a = row.cands[Math.min(r, row.cands.length - 1)];
      if (a !== undefined) set[row.item.id] = a;
    });
    const nodes = scoreAssessment(instrument, set, options).nodes;
    rows.forEach((row, k) => {
      const v = nodes[row.item.id]?.value ?? 0;
      const slot = best[k] as (typeof best)[number];
      if (r < row.cands.length && v > slot.value) [slot.answer, slot.value] = [set[row.item.id], v];
    });
  }
  // With an index rule (RB 2023) the total is not Σ s_i·v_i: a multiplier source also raises the rows
  // it multiplies, and renormalisation scales every general row. There each gain is the engine's own
  // difference in the total when that one answer moves to its best.
  const exact = instrument.evaluation.index !== undefined;
  return rows.map((row, k): ItemImprovement => {
    const answer = answers[row.item.id] ?? null;
    const valueCurrent = now.nodes[row.item.id]?.value ?? 0;
    const slot = best[k] as (typeof best)[number];
    const better = slot.answer !== undefined && slot.value > valueCurrent;
    const valueBest = better ? slot.value : valueCurrent;
    return {
      id: row.item.id,
      label: row.item.question,
      type: row.item.type,
      areaId: row.areaId,
      areaLabel: row.areaLabel,
      groupId: row.groupId,
      share: row.share,
      current: answer,
      best: better ? (slot.answer as AnswerValue) : answer,
      valueCurrent,
      valueBest,
      gain: !better
        ? 0
        : exact
          ? scoreAssessment(instrument, { ...answers, [row.item.id]: slot.answer as AnswerValue }, options).total - now.total
          : row.share * (valueBest - valueCurrent),
    };
  });
}

/**
 * The best feasible answer of one item and its value v ∈ [0, 1]: the highest-valued option, the
 * scale maximum, points = group weight, or counts that make the ratio reach its cap.
 * @throws Error for an unknown item id; AnswerError when `current` does not fit the item.
 */
export function bestFeasible(
  instrument: Instrument,
  itemId: string,
  current: AnswerValue | null = null,
  options: ScoreOptions = {},
): { answer: AnswerValue | null; value: number } {
  if (!outlineOf(instrument).items.has(itemId)) throw new Error(`no item "${itemId}" in ${instrument.id}`);
  const row = improvementsOf(instrument, current === null ? {} : { [itemId]: current }, options).find((r) => r.id === itemId);
  return { answer: row?.best ?? null, value: row?.valueBest ?? 0 };
}

/** Items by gain, largest first (content order on ties), only those that can still gain. */
export function byGain(rows: readonly ItemImprovement[]): ItemImprovement[] {
  return rows.filter((r) => r.gain > 0).sort((x, y) => y.gain - x.gain);
}

/**
 * The n items whose move to their best feasible answer adds most to the total:
 * gain = w_g / n_g × (v_best − v_current), sorted descending.
 */
export function topImprovements(instrument: Instrument, answers: Answers, n: number, options: ScoreOptions = {}): ItemImprovement[] {
  return byGain(improvementsOf(instrument, answers, options)).slice(0, Math.max(0, n));
}
