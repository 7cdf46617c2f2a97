import type { Formula, Item } from "../instrument/schema";
import { weightValue } from "../instrument/weights";
import type { AnswerIssue, AnswerValue } from "./answers";
import { fmt } from "./format";

/** The item value v ∈ [0, 1] (README §3), how it was obtained, and any reviewer warning. */
export interface ItemOutcome {
  value: number;
  /** fmt(value), precomputed for option answers. */
  text?: string;
  trace: string;
  warning?: { code: string; message: string };
}

/** Code → value of a scaled or choice item, resolved once per instrument and setting (with its trace). */
export interface OptionTable {
  byCode: ReadonlyMap<string, { value: number; text: string; trace: string }>;
  /** `one of "A", "B", …`, for error messages. */
  expected: string;
}

type Result = ItemOutcome | Omit<AnswerIssue, "itemId">;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Option answers: the value of the chosen code (README §3: Ya 1 / Tidak 0; A 1 … per scale). */
function optionValue(answer: AnswerValue, table: OptionTable, typeName: string): Result {
  if (typeof answer !== "string") {
    return { message: `${typeName} needs an option code, got ${JSON.stringify(answer)}`, expected: table.expected };
  }
  const option = table.byCode.get(answer);
  if (!option) return { message: `"${answer}" is not an option of this ${typeName} item`, expected: table.expected };
  return option;
}

function readNumber(answer: AnswerValue, typeName: string, expected: string): number | Omit<AnswerIssue, "itemId"> {
  if (typeof answer !== "number" || !Number.isFinite(answer)) {
    return { message: `${typeName} needs a number, got ${JSON.stringify(answer)}`, expected };
  }
  return answer;
}

/**
 * Score on a scale: v = (clamp(score, min, max) − min) / (max − min).
 * survey_0_4 is the scale 0–4 (PermenPANRB 90/2021 Lampiran III: 4.00 → 17.50, 3.60 → 15.75);
 * out-of-range scores are clamped as the spec says, with a warning so the typo is seen.
 */
function scaleValue(answer: AnswerValue, min: number, max: number, typeName: string): Result {
  const score = readNumber(answer, typeName, `a number from ${fmt(min)} to ${fmt(max)}`);
  if (typeof score !== "number") return score;
  const clamped = Math.min(max, Math.max(min, score));
  const value = (clamped - min) / (max - min);
  const base = min === 0 ? `${fmt(clamped)} / ${fmt(max)}` : `(${fmt(clamped)} − ${fmt(min)}) / (${fmt(max)} − ${fmt(min)})`;
  if (clamped !== score) {
    return {
      value,
      trace: `min(${fmt(max)}, max(${fmt(min)}, ${fmt(score)})) = ${fmt(clamped)}; ${base} = ${fmt(value)}`,
      warning: {
        code: "score_clamped",
        message: `score ${fmt(score)} is outside ${fmt(min)}–${fmt(max)} and was clamped to ${fmt(clamped)}`,
      },
    };
  }
  return { value, trace: `${base} = ${fmt(value)}` };
}

/** external_points (README §0): points awarded by the external evaluation, 0 … group weight; v = points / weight. */
function pointsValue(answer: AnswerValue, weight: number): Result {
  const expected = `points from 0 to ${fmt(weight)}`;
  const points = readNumber(answer, "external_points", expected);
  if (typeof points !== "number") return points;
  if (points < 0 || points > weight) return { message: `${fmt(points)} points is outside 0–${fmt(weight)}`, expected };
  const value = points / weight;
  return { value, trace: `${fmt(points)} / ${fmt(weight)} = ${fmt(value)}` };
}

/**
 * Ratio items (README §5, ZI Reform): value = min(cap, max(0, ratio)); the zero-denominator
 * outcome is per item in the data. Computed unrounded (apps round the ratio to 2 dp; we do not).
 */
function formulaValue(answer: AnswerValue, item: Item, formula: Formula): Result {
  const inputs = item.inputs ?? [];
  // Built only on the error path: this function runs for every ratio item of every scoring.
  const expected = () => `an object of counts {${inputs.map((i) => `${i.name}${i.informational ? "?" : ""}`).join(", ")}}`;
  if (!isRecord(answer)) return { message: `percent needs named counts, got ${JSON.stringify(answer)}`, expected: expected() };
  for (const key in answer) {
    if (!inputs.some((i) => i.name === key)) return { message: `unknown input "${key}"`, expected: expected() };
  }
  const counts: Record<string, number> = {};
  for (const input of inputs) {
    const raw = answer[input.name];
    if (raw === undefined) {
      if (input.informational) continue;
      return { message: `missing input "${input.name}" (${input.label})`, expected: expected() };
    }
    if (typeof raw !== "number" || !Number.isInteger(raw) || raw < 0) {
      return { message: `input "${input.name}" must be a whole number ≥ 0, got ${JSON.stringify(raw)}`, expected: expected() };
    }
    counts[input.name] = raw;
  }
  const c = (name: string) => counts[name] ?? 0;

  let numerator: number;
  let denominator: number;
  let expr: string;
  if (formula.kind === "ratio") {
    numerator = c(formula.numerator);
    denominator = formula.denominator.reduce((s, n) => s + c(n), 0);
    const den = formula.denominator.map((n) => `${n} ${c(n)}`).join(" + ");
    expr = `${formula.numerator} ${c(formula.numerator)} / ${formula.denominator.length > 1 ? `(${den})` : den}`;
  } else {
    numerator = c(formula.before) - c(formula.after);
    denominator = c(formula.before);
    expr = `(${formula.before} ${c(formula.before)} − ${formula.after} ${c(formula.after)}) / ${formula.before} ${c(formula.before)}`;
  }

  if (denominator === 0) {
    const zero = formula.on_zero_denominator;
    const outcome = numerator === 0 && zero.when_numerator_zero ? zero.when_numerator_zero : zero.default;
    const trace = `${expr}: penyebut 0 → ${fmt(outcome.value)}`;
    return outcome.warn
      ? {
          value: outcome.value,
          trace,
          warning: {
            code: "zero_denominator",
            message: `denominator is 0 (${expr}); scored ${fmt(outcome.value)}, check with the reviewer`,
          },
        }
      : { value: outcome.value, trace };
  }
  const value = Math.min(formula.cap, Math.max(0, numerator / denominator));
  return { value, trace: `min(${fmt(formula.cap)}, max(0, ${expr})) = ${fmt(value)}` };
}

/**
 * The value v ∈ [0, 1] of one answered item, or the issue that makes the answer invalid.
 * `options` is the resolved table for scaled/choice items; `groupWeight` the weight of the item's group.
 */
export function itemValue(item: Item, answer: AnswerValue, options: OptionTable | null, groupWeight: number): Result {
  switch (item.type) {
    case "yes_no":
    case "abc":
    case "abcd":
    case "abcde":
    case "choice":
      return optionValue(answer, options ?? { byCode: new Map(), expected: "an option code" }, item.type);
    case "percent":
      // The validator guarantees a formula on percent items.
      return item.formula ? formulaValue(answer, item, item.formula) : { message: "item has no formula", expected: "—" };
    case "survey_0_4":
      return scaleValue(answer, item.scale?.min ?? 0, item.scale?.max ?? 4, item.type);
    case "index_score":
      return scaleValue(answer, item.scale?.min ?? 0, item.scale?.max ?? 100, item.type);
    case "external_points":
      return pointsValue(answer, groupWeight);
  }
}

/** Resolves an option list against a scale (or the options' own values for `choice`). */
export function optionTable(item: Item, scale: Record<string, string | number> | null): OptionTable {
  const byCode = new Map<string, { value: number; text: string; trace: string }>();
  for (const o of item.options ?? []) {
    const raw = scale ? scale[o.code] : o.value;
    if (raw === undefined) continue;
    const value = weightValue(raw);
    // Exact fractions are shown as written ("2/3"), decimals compactly.
    const shown = typeof raw === "string" ? raw : fmt(raw);
    byCode.set(o.code, { value, text: fmt(value), trace: `${o.code} → ${shown}` });
  }
  return { byCode, expected: `one of ${[...byCode.keys()].map((c) => `"${c}"`).join(", ")}` };
}

export function isIssue(r: Result): r is Omit<AnswerIssue, "itemId"> {
  return "expected" in r;
}
