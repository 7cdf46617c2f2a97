import type { AssessmentStatus, ReviewStatus } from "#db/schema";
import { outlineOf } from "~/domain/instrument/outline";
import { NOT_APPLICABLE, NUMBER_TYPES, type Instrument, type Item } from "~/domain/instrument/schema";
import type { AnswerValue } from "~/domain/scoring/answers";

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

export type FormAnswer = { ok: true; value: AnswerValue } | { ok: false; field: string };

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
      if (!/^\d+$/.test(v)) return { ok: false, field: `in.${name}` };
      counts[name] = Number(v);
    }
    return { ok: true, value: counts };
  }
  const v = (fields.value ?? "").trim();
  if (v === "") return { ok: true, value: null };
  if ((NUMBER_TYPES as readonly string[]).includes(item.type)) {
    if (item.not_applicable && v.toUpperCase() === NOT_APPLICABLE) return { ok: true, value: NOT_APPLICABLE };
    const n = parseDecimal(v);
    return n === null ? { ok: false, field: "value" } : { ok: true, value: n };
  }
  return { ok: true, value: v };
}

/** A koefisien other than 0 adjusts the whole index: like an N/A row, it needs its reason (rb-2023 spec §3). */
export function needsCoefficientReason(instrument: Instrument, itemId: string, value: AnswerValue): boolean {
  return typeof value === "number" && value !== 0 && outlineOf(instrument).items.get(itemId)?.type === "coefficient";
}

