import type { AssessmentStatus, ReviewStatus } from "#db/schema";
import { outlineOf } from "~/domain/instrument/outline";
import { NOT_APPLICABLE, NUMBER_TYPES, type Instrument, type Item } from "~/domain/instrument/schema";
import type { AnswerValue } from "~/domain/scoring/answers";
import { numberRange } from "~/domain/scoring/item-value";
import { parseCountText, parseNumberText } from "~/domain/lke/cells";

/** Pure rules of the workbench, shared by the server and the browser. */

/** Today in Indonesia's western time zone (WIB), as YYYY-MM-DD: stage windows are calendar dates there. */
export function todayWib(now: Date = new Date()): string {
  return new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}

export type Stage = "fill" | "review";

/** Whether a stage window is open today; a missing bound does not restrict. */
export function stageOpen(
  period: { status: string; fill_start: string | null; fill_end: string | null; review_end: string | null },
  stage: Stage,
  today: string,
): boolean {
  if (period.status !== "open") return false;
  if (stage === "fill") return (!period.fill_start || today >= period.fill_start) && (!period.fill_end || today <= period.fill_end);
  return !period.review_end || today <= period.review_end;
}

export type EditorRole = "assessor" | "coordinator";

/**
 * Who may change an item's self answer in which status: assessors and coordinators while draft;
 * only the coordinator once submitted; assessors again only for items sent back; nobody when final.
 */
export function itemEditable(status: AssessmentStatus, role: EditorRole, reviewStatus: ReviewStatus | null): boolean {
  switch (status) {
    case "draft":
      return true;
    case "submitted":
      return role === "coordinator";
    case "returned":
      return role === "coordinator" || reviewStatus === "returned";
    case "final":
      return false;
  }
}

/** Reads a decimal typed with either separator ("3,60" or "3.60"); null when it is not a number. */
export function parseDecimal(raw: string): number | null {
  const t = raw.trim().replace(/\s/g, "");
  if (!/^-?\d+([.,]\d+)?$/.test(t)) return null;
  return Number(t.replace(",", "."));
}

/**
 * Why a typed answer is refused, as a message key with its parameters and the field it concerns:
 * the same family of wording as the workbook reader ("5 di luar rentang 0–4").
 */
export interface AnswerProblem {
  field: string;
  key: "workbench.outOfRange" | "workbench.countWhole" | "workbench.countNegative" | "workbench.notANumber";
  params: Record<string, string | number>;
}

export type FormAnswer = { ok: true; value: AnswerValue } | { ok: false; field: string; problem?: AnswerProblem };

/** A count field's text: a whole number ≥ 0 (thousands may be grouped, "1.000", as the workbook reads it), or why not. */
function countOf(label: string, field: string, v: string): number | AnswerProblem {
  const n = parseCountText(v);
  if (typeof n === "number") return n;
  if (n === "fraction") return { field, key: "workbench.countWhole", params: { label, value: v } };
  const x = parseNumberText(v);
  if (x !== null && x < 0) return { field, key: "workbench.countNegative", params: { label, value: v } };
  return { field, key: "workbench.notANumber", params: { label, value: v } };
}

/**
 * Whether a number or counts answer lies outside what its item accepts (null when it does not, and
 * for option items): a number outside the item's range (survey 0–4, index scale, range_scaled,
 * coefficient, external points 0 … group weight), a count that is negative or not whole. The
 * engine still clamps such values for old stored data; saves refuse them and readiness lists them.
 */
export function rangeProblem(item: Item, groupWeight: number, value: AnswerValue): AnswerProblem | null {
  if (value === null || value === NOT_APPLICABLE) return null;
  if (item.type === "percent") {
    if (typeof value !== "object") return null;
    for (const i of item.inputs ?? []) {
      const n = value[i.name];
      if (typeof n !== "number") continue;
      if (n < 0) return { field: `in.${i.name}`, key: "workbench.countNegative", params: { label: i.label, value: n } };
      if (!Number.isInteger(n)) return { field: `in.${i.name}`, key: "workbench.countWhole", params: { label: i.label, value: n } };
    }
    return null;
  }
  const range = numberRange(item, groupWeight);
  if (!range || typeof value !== "number") return null;
  if (value >= range.min && value <= range.max) return null;
  return { field: "value", key: "workbench.outOfRange", params: { value, min: range.min, max: range.max } };
}

/**
 * The answer value of one item from form fields: `value` for options and scores, `in.<name>` for the
 * named counts of a ratio item. Every field empty means "clear the answer" (null).
 */
export function answerFromFields(item: Item, fields: Record<string, string>): FormAnswer {
  if (item.type === "percent") {
    const inputs = item.inputs ?? [];
    const raw = inputs.map((i) => [i.name, (fields[`in.${i.name}`] ?? "").trim()] as const);
    if (raw.every(([, v]) => v === "")) return { ok: true, value: null };
    const counts: Record<string, number> = {};
    for (const [name, v] of raw) {
      if (v === "") {
        if (inputs.find((i) => i.name === name)?.informational) continue;
        return { ok: false, field: `in.${name}` };
      }
      const n = countOf(inputs.find((i) => i.name === name)?.label ?? name, `in.${name}`, v);
      if (typeof n !== "number") return { ok: false, field: `in.${name}`, problem: n };
      counts[name] = n;
    }
    return { ok: true, value: counts };
  }
  const v = (fields.value ?? "").trim();
  if (v === "") return { ok: true, value: null };
  if ((NUMBER_TYPES as readonly string[]).includes(item.type)) {
    if (item.not_applicable && v.toUpperCase() === NOT_APPLICABLE) return { ok: true, value: NOT_APPLICABLE };
    const n = parseDecimal(v);
    return n === null ? { ok: false, field: "value", problem: { field: "value", key: "workbench.notANumber", params: { label: item.id, value: v } } } : { ok: true, value: n };
  }
  return { ok: true, value: v };
}

/** A koefisien other than 0 adjusts the whole index: like an N/A row, it needs its reason (rb-2023 spec §3). */
export function needsCoefficientReason(instrument: Instrument, itemId: string, value: AnswerValue): boolean {
  return typeof value === "number" && value !== 0 && outlineOf(instrument).items.get(itemId)?.type === "coefficient";
}

