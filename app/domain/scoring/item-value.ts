import type { Formula, Item } from "../instrument/schema";
import { weightValue } from "../instrument/weights";
import type { AnswerIssue, AnswerValue } from "./answers";
import { fmt } from "./format";
import type { ScoreWarning } from "./types";

/** How an item turns its answer into v ∈ [0, 1]; decided once per instrument, not per answer. */
export const OPTION = 0;
const RATIO = 1;
const DECREASE = 2;
const SCALE = 3;
const POINTS = 4;
/** range_scaled: v = score / max, the score within [min, max] (RB 2023 spec §2). */
const RANGE = 6;
/** coefficient: signed points within [min, max]; v = points / group weight (the group value is the points). */
const SIGNED = 7;
/** A percent item without a formula (the validator rejects these): every answer is an issue. */
const NO_FORMULA = 5;

/**
 * One item compiled for scoring. A single class for every answer type keeps property access
 * monomorphic in the per-item loop; fields a kind does not use hold neutral values.
 */
export class ItemPlan {
  constructor(
    readonly id: string,
    readonly kind: number,
    readonly typeName: string,
    /** What the item accepts, for issue messages. */
    readonly expected: string,
    /** OPTION: codes in content order, their values, fmt(value) and trace. */
    readonly codes: readonly string[],
    readonly values: readonly number[],
    readonly texts: readonly string[],
    readonly traces: readonly string[],
    /** SCALE: the scale; POINTS: 0 … group weight. */
    readonly lo: number,
    readonly hi: number,
    /** RATIO / DECREASE: the named inputs and where their counts are kept in the result's count store. */
    readonly inputs: readonly string[],
    readonly labels: readonly string[],
    readonly informational: readonly boolean[],
    readonly countOffset: number,
    readonly formula: Formula | null,
    /** Input positions: RATIO numerator, denominators; DECREASE before, after (−1: not an input, counts 0). */
    readonly a: number,
    readonly b: readonly number[],
    /** Node index of the group whose value / weight multiplies v (−1: none); its id for traces. */
    readonly mult: number = -1,
    readonly multId: string = "",
    /** Whether "N/A" (not applicable) is a valid answer. */
    readonly naAllowed: boolean = false,
    /** RANGE / SIGNED: the group weight (v = points / weight for SIGNED). */
    readonly weight: number = 1,
  ) {}
}

const NONE: readonly never[] = Object.freeze([]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Code → value of a scaled or choice item against its scale (or the options' own values for `choice`). */
function optionPlan(item: Item, scale: Record<string, string | number> | null, link: Link): ItemPlan {
  // A Map first: a repeated code keeps its first position and its last value, as a lookup table would.
  const byCode = new Map<string, { value: number; text: string; trace: string }>();
  for (const o of item.options ?? []) {
    const raw = scale ? scale[o.code] : o.value;
    if (raw === undefined) continue;
    const value = weightValue(raw);
    // Exact fractions are shown as written ("2/3"), decimals compactly.
    const shown = typeof raw === "string" ? raw : fmt(raw);
    byCode.set(o.code, { value, text: fmt(value), trace: `${o.code} → ${shown}` });
  }
  const codes = [...byCode.keys()];
  const opts = [...byCode.values()];
  const expected = `one of ${codes.map((c) => `"${c}"`).join(", ")}`;
  return new ItemPlan(
    item.id,
    OPTION,
    item.type,
    expected,
    codes,
    opts.map((o) => o.value),
    opts.map((o) => o.text),
    opts.map((o) => o.trace),
    0,
    0,
    NONE,
    NONE,
    NONE,
    0,
    null,
    -1,
    NONE,
    link.mult,
    link.multId,
    item.not_applicable,
  );
}

function numberPlan(item: Item, kind: number, lo: number, hi: number, expected: string, link: Link, weight = 1): ItemPlan {
  return new ItemPlan(item.id, kind, item.type, expected, NONE, NONE, NONE, NONE, lo, hi, NONE, NONE, NONE, 0, null, -1, NONE, link.mult, link.multId, item.not_applicable, weight);
}

/** How an item refers to other nodes, resolved by the compiler. */
export interface Link {
  /** Node index of the multiplier group, −1 for none. */
  mult: number;
  multId: string;
}
const NO_LINK: Link = { mult: -1, multId: "" };

function formulaPlan(item: Item, countOffset: number, link: Link): ItemPlan {
  const inputs = item.inputs ?? [];
  const names = inputs.map((i) => i.name);
  const f = item.formula ?? null;
  const expected = f === null ? "—" : `an object of counts {${inputs.map((i) => `${i.name}${i.informational ? "?" : ""}`).join(", ")}}`;
  const kind = f === null ? NO_FORMULA : f.kind === "ratio" ? RATIO : DECREASE;
  const a = f === null ? -1 : names.indexOf(f.kind === "ratio" ? f.numerator : f.before);
  const b = f === null ? [] : f.kind === "ratio" ? f.denominator.map((n) => names.indexOf(n)) : [names.indexOf(f.after)];
  const labels = inputs.map((i) => i.label);
  const informational = inputs.map((i) => i.informational);
  return new ItemPlan(item.id, kind, item.type, expected, NONE, NONE, NONE, NONE, 0, 0, names, labels, informational, countOffset, f, a, b, link.mult, link.multId, item.not_applicable);
}

/**
 * Compiles an item. `scale` is the resolved value table of a scaled type (null for `choice`);
 * `groupWeight` the weight of its group; `countOffset` where a percent item keeps its counts.
 */
export function compileItem(
  item: Item,
  scale: Record<string, string | number> | null,
  groupWeight: number,
  countOffset: number,
  link: Link = NO_LINK,
): ItemPlan {
  const { min: lo, max: hi } = numberRange(item, groupWeight) ?? { min: 0, max: 0 };
  const range = `${fmt(lo)} to ${fmt(hi)}`;
  switch (item.type) {
    case "yes_no":
    case "abc":
    case "abcd":
    case "abcde":
    case "choice":
      return optionPlan(item, scale, link);
    case "percent":
      return formulaPlan(item, countOffset, link);
    case "survey_0_4":
    case "index_score":
      return numberPlan(item, SCALE, lo, hi, `a number from ${range}`, link);
    case "external_points":
      return numberPlan(item, POINTS, lo, hi, `points from ${range}`, link);
    case "range_scaled":
      return numberPlan(item, RANGE, lo, hi, `a number from ${range}${item.not_applicable ? ` or "N/A"` : ""}`, link);
    case "coefficient":
      return numberPlan(item, SIGNED, lo, hi, `a number from ${range}`, link, groupWeight);
  }
}

/**
 * The range a number-answered item accepts, or null for option and count items: the declared
 * scale; survey_0_4 0–4 and index_score 0–100 by default; external_points 0 … its group weight.
 * One place for these defaults (the engine, the planner, the workbook and the forms read it).
 */
export function numberRange(item: Item, groupWeight: number): { min: number; max: number } | null {
  switch (item.type) {
    case "survey_0_4":
    case "index_score":
      return { min: item.scale?.min ?? 0, max: item.scale?.max ?? (item.type === "survey_0_4" ? 4 : 100) };
    case "external_points":
      return { min: 0, max: groupWeight };
    case "range_scaled":
    case "coefficient":
      return item.scale ? { min: item.scale.min, max: item.scale.max } : { min: 0, max: 1 };
    default:
      return null;
  }
}

/** Collects what goes wrong or needs a reviewer while the items of one assessment are scored. */
export interface Findings {
  issues: AnswerIssue[];
  warnings: ScoreWarning[];
}

function issue(f: Findings, p: ItemPlan, message: string): number {
  f.issues.push({ itemId: p.id, message, expected: p.expected });
  return 0;
}

function count(p: ItemPlan, counts: readonly number[], at: number): number {
  return at < 0 ? 0 : (counts[p.countOffset + at] as number);
}

/** "lapor 4 / (wajib_kepala 1 + wajib_pejabat 2)" or "(lalu 4 − kini 1) / lalu 4", from the stored counts. */
export function formulaExpr(p: ItemPlan, counts: readonly number[]): string {
  const f = p.formula;
  if (f === null) return "";
  if (f.kind === "ratio") {
    let den = "";
    for (let i = 0; i < f.denominator.length; i++) {
      den += (i === 0 ? "" : " + ") + f.denominator[i] + " " + count(p, counts, p.b[i] as number);
    }
    return `${f.numerator} ${count(p, counts, p.a)} / ${f.denominator.length > 1 ? `(${den})` : den}`;
  }
  const before = count(p, counts, p.a);
  return `(${f.before} ${before} − ${f.after} ${count(p, counts, p.b[0] as number)}) / ${f.before} ${before}`;
}

/**
 * Ratio items (README §5, ZI Reform): value = min(cap, max(0, ratio)); the zero-denominator
 * outcome is per item in the data. Computed unrounded (apps round the ratio to 2 dp; we do not).
 * Valid counts are kept in `counts` so the trace can be written later from what was scored.
 */
function formulaValue(p: ItemPlan, answer: AnswerValue, counts: number[], f: Findings): number {
  if (p.kind === NO_FORMULA) return issue(f, p, "item has no formula");
  if (!isRecord(answer)) return issue(f, p, `percent needs named counts, got ${JSON.stringify(answer)}`);
  for (const key in answer) {
    if (!p.inputs.includes(key)) return issue(f, p, `unknown input "${key}"`);
  }
  for (let i = 0; i < p.inputs.length; i++) {
    const raw = answer[p.inputs[i] as string];
    if (raw === undefined) {
      if (p.informational[i]) continue;
      return issue(f, p, `missing input "${p.inputs[i]}" (${p.labels[i]})`);
    }
    if (typeof raw !== "number" || !Number.isInteger(raw) || raw < 0) {
      return issue(f, p, `input "${p.inputs[i]}" must be a whole number ≥ 0, got ${JSON.stringify(raw)}`);
    }
    counts[p.countOffset + i] = raw;
  }
  const formula = p.formula as Formula;
  let numerator: number;
  let denominator: number;
  if (p.kind === RATIO) {
    numerator = count(p, counts, p.a);
    denominator = 0;
    for (let i = 0; i < p.b.length; i++) denominator += count(p, counts, p.b[i] as number);
  } else {
    const before = count(p, counts, p.a);
    numerator = before - count(p, counts, p.b[0] as number);
    denominator = before;
  }
  if (denominator === 0) {
    const outcome = zeroOutcome(formula, numerator);
    if (outcome.warn) {
      f.warnings.push({
        itemId: p.id,
        code: "zero_denominator",
        message: `denominator is 0 (${formulaExpr(p, counts)}); scored ${fmt(outcome.value)}, check with the reviewer`,
      });
    }
    return outcome.value;
  }
  return Math.min(formula.cap, Math.max(0, numerator / denominator));
}

function zeroOutcome(formula: Formula, numerator: number): { value: number; warn: boolean } {
  const zero = formula.on_zero_denominator;
  return numerator === 0 && zero.when_numerator_zero ? zero.when_numerator_zero : zero.default;
}

function readNumber(p: ItemPlan, answer: AnswerValue, f: Findings): number | null {
  if (typeof answer !== "number" || !Number.isFinite(answer)) {
    issue(f, p, `${p.typeName} needs a number, got ${JSON.stringify(answer)}`);
    return null;
  }
  return answer;
}

/**
 * Score on a scale: v = (clamp(score, min, max) − min) / (max − min).
 * survey_0_4 is the scale 0–4 (PermenPANRB 90/2021 Lampiran III: 4.00 → 17.50, 3.60 → 15.75);
 * out-of-range scores are clamped as the spec says, with a warning so the typo is seen.
 */
function scaleValue(p: ItemPlan, answer: AnswerValue, f: Findings): number {
  const score = readNumber(p, answer, f);
  if (score === null) return 0;
  const clamped = Math.min(p.hi, Math.max(p.lo, score));
  if (clamped !== score) {
    f.warnings.push({
      itemId: p.id,
      code: "score_clamped",
      message: `score ${fmt(score)} is outside ${fmt(p.lo)}–${fmt(p.hi)} and was clamped to ${fmt(clamped)}`,
    });
  }
  return (clamped - p.lo) / (p.hi - p.lo);
}

/** external_points (README §0): points awarded by the external evaluation, 0 … group weight; v = points / weight. */
function pointsValue(p: ItemPlan, answer: AnswerValue, f: Findings): number {
  const points = readNumber(p, answer, f);
  if (points === null) return 0;
  if (points < 0 || points > p.hi) return issue(f, p, `${fmt(points)} points is outside 0–${fmt(p.hi)}`);
  return points / p.hi;
}

/** range_scaled (RB 2023 spec §2, checked on real 2023 rows): v = score / max, the score must be within [min, max]. */
function rangeValue(p: ItemPlan, answer: AnswerValue, f: Findings): number {
  const score = readNumber(p, answer, f);
  if (score === null) return 0;
  if (score < p.lo || score > p.hi) return issue(f, p, `${fmt(score)} is outside ${fmt(p.lo)}–${fmt(p.hi)}`);
  return score / p.hi;
}

/** coefficient: signed points within [min, max]; v = points / group weight, so the group value is the points. */
function signedValue(p: ItemPlan, answer: AnswerValue, f: Findings): number {
  const points = readNumber(p, answer, f);
  if (points === null) return 0;
  if (points < p.lo || points > p.hi) return issue(f, p, `${fmt(points)} is outside ${fmt(p.lo)}…${fmt(p.hi)}`);
  return points / p.weight;
}

/**
 * The value v ∈ [0, 1] of one given (non-null) answer (README §3: Ya 1 / Tidak 0; A 1 … per scale;
 * ratios §5; scores and points §0). An invalid answer is recorded as an issue naming the item and
 * scores 0 here, but the engine then throws: it is never scored as 0.
 */
export function itemValue(p: ItemPlan, answer: AnswerValue, counts: number[], f: Findings): number {
  if (p.kind === OPTION) {
    if (typeof answer !== "string") return issue(f, p, `${p.typeName} needs an option code, got ${JSON.stringify(answer)}`);
    const j = p.codes.indexOf(answer);
    if (j < 0) return issue(f, p, `"${answer}" is not an option of this ${p.typeName} item`);
    return p.values[j] as number;
  }
  if (p.kind === SCALE) return scaleValue(p, answer, f);
  if (p.kind === POINTS) return pointsValue(p, answer, f);
  if (p.kind === RANGE) return rangeValue(p, answer, f);
  if (p.kind === SIGNED) return signedValue(p, answer, f);
  return formulaValue(p, answer, counts, f);
}

/** How the value of a valid, given answer was obtained, e.g. "B → 0.67" or "min(1, max(0, agen 4 / …)) = 0.75". */
export function itemTrace(p: ItemPlan, answer: AnswerValue, value: number, counts: readonly number[]): string {
  if (p.kind === OPTION) return p.traces[p.codes.indexOf(answer as string)] as string;
  if (p.kind === SCALE) {
    const score = answer as number;
    const clamped = Math.min(p.hi, Math.max(p.lo, score));
    const base =
      p.lo === 0 ? `${fmt(clamped)} / ${fmt(p.hi)}` : `(${fmt(clamped)} − ${fmt(p.lo)}) / (${fmt(p.hi)} − ${fmt(p.lo)})`;
    if (clamped !== score) return `min(${fmt(p.hi)}, max(${fmt(p.lo)}, ${fmt(score)})) = ${fmt(clamped)}; ${base} = ${fmt(value)}`;
    return `${base} = ${fmt(value)}`;
  }
  if (p.kind === POINTS) return `${fmt(answer as number)} / ${fmt(p.hi)} = ${fmt(value)}`;
  if (p.kind === RANGE) return `${fmt(answer as number)} / ${fmt(p.hi)} = ${fmt(value)}`;
  if (p.kind === SIGNED) return `${fmt(answer as number)} poin`;
  const expr = formulaExpr(p, counts);
  const formula = p.formula as Formula;
  // Recomputed from the counts rather than stored: the zero-denominator case is rare and cheap to detect.
  let denominator = 0;
  if (p.kind === RATIO) for (let i = 0; i < p.b.length; i++) denominator += count(p, counts, p.b[i] as number);
  else denominator = count(p, counts, p.a);
  if (denominator === 0) return `${expr}: penyebut 0 → ${fmt(value)}`;
  return `min(${fmt(formula.cap)}, max(0, ${expr})) = ${fmt(value)}`;
}
