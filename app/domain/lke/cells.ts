import { NOT_APPLICABLE, type Input, type Item } from "../instrument/schema";
import type { AnswerValue } from "../scoring/answers";
import { lkeMessage, type LkeMessage } from "./issues";
import { numberRange, optionCodes } from "./layout";

/**
 * Reading what people type into an Indonesian Excel workbook: option codes in any case and with
 * stray spaces ("a", "ya", " TIDAK "), numbers with a decimal comma or point, numbers stored as
 * text. A cell value here is what the reader extracted (formula cells already as their value).
 */
export type CellValue = string | number | boolean | null;

/** A cell read: its value, or why it cannot be (a message key with its parameters; the reader adds sheet, cell and item). */
export type CellParse<T> = { ok: true; value: T } | ({ ok: false } & LkeMessage);

const isBlank = (v: CellValue) => v === null || (typeof v === "string" && v.trim() === "");

/**
 * "3,60", "3.60", " 4 " → a number; grouped thousands too ("1.234,5", "1,234.5", "1.234.567").
 * One separator alone is the decimal one, whichever it is: "3,865" and "3.865" are both 3.865.
 * Null when the text is not a number.
 */
export function parseNumberText(raw: string): number | null {
  let t = raw.trim().replace(/[\s\u00a0]/g, "");
  if (t === "") return null;
  const dots = (t.match(/\./g) ?? []).length;
  const commas = (t.match(/,/g) ?? []).length;
  if (dots && commas) {
    // Both: the last one is the decimal separator, the other groups thousands.
    const decimal = t.lastIndexOf(",") > t.lastIndexOf(".") ? "," : ".";
    const group = decimal === "," ? "." : ",";
    if (!new RegExp(`^-?\\d{1,3}(\\${group}\\d{3})*\\${decimal}\\d+$`).test(t)) return null;
    t = t.split(group).join("").replace(",", ".");
  } else if (commas > 1 || dots > 1) {
    const group = commas > 1 ? "," : ".";
    if (!new RegExp(`^-?\\d{1,3}(\\${group}\\d{3})+$`).test(t)) return null;
    t = t.split(group).join("");
  } else if (commas === 1) t = t.replace(",", ".");
  if (!/^-?(\d+(\.\d+)?|\.\d+)$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

function numberOf(v: CellValue): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string") return parseNumberText(v);
  return null;
}

/** What the cell holds, for a message: text quoted as typed, a number as a number (formatted in the reader's locale). */
const show = (v: CellValue): string | number => (typeof v === "string" ? `"${v.trim()}"` : typeof v === "number" ? v : String(v));

/** A range limit for a message: at most 4 decimals (a group weight of 5/3 reads 1,6667, not 1,666666666667). */
const limit = (n: number) => Math.round(n * 1e4) / 1e4;

const fail = (key: LkeMessage["key"], params: LkeMessage["params"] = {}) => ({ ok: false as const, ...lkeMessage(key, params) });

/** The answer of an option or number item from its `Jawaban` cell; blank = not answered (null). */
export function parseAnswerCell(item: Item, groupWeight: number, v: CellValue): CellParse<AnswerValue> {
  if (isBlank(v)) return { ok: true, value: null };
  if (item.not_applicable && typeof v === "string" && v.trim().toUpperCase() === NOT_APPLICABLE) return { ok: true, value: NOT_APPLICABLE };
  const range = numberRange(item, groupWeight);
  if (range) {
    const n = numberOf(v);
    const bounds = { min: limit(range.min), max: limit(range.max) };
    if (n === null) return fail("lke.issue.notNumber", { value: show(v), ...bounds });
    if (n < range.min || n > range.max) return fail("lke.issue.outOfRange", { value: n, ...bounds });
    return { ok: true, value: n };
  }
  if (item.type === "percent") return fail("lke.issue.percentOnCounts");
  const codes = optionCodes(item);
  const text = typeof v === "boolean" ? (v ? "Ya" : "Tidak") : String(v).trim();
  // The code ("WTP"), or a category's full name as official workbooks type it ("Wajar Tanpa Pengecualian").
  const squash = (t: string) => t.toLowerCase().replace(/[^a-z0-9]+/g, "");
  const code =
    codes.find((c) => c.toLowerCase() === text.toLowerCase()) ??
    (item.type === "choice" ? item.options?.find((o) => squash(o.criterion) === squash(text))?.code : undefined);
  if (!code) return fail("lke.issue.notOption", { value: show(v), codes });
  return { ok: true, value: code };
}

/**
 * A count typed as text: digits, with thousands grouped by "." or "," ("1.000", "12.500", "1,234,567";
 * spaces ignored). A count is a whole number, so a separator followed by exactly three digits groups
 * thousands ("1.000" is one thousand, not 1); any other separator is a decimal one, and a count with
 * decimals is no count: "fraction" ("3,5", "3.5", "1,0"). Null when the text is no number at all.
 * The workbook's count formulas (layout.ts, `countNumber`) read the same texts the same way.
 */
export function parseCountText(raw: string): number | "fraction" | null {
  const t = raw.replace(/[\s\u00a0]/g, "");
  if (/^\d+$/.test(t)) return Number(t);
  if (/^\d{1,3}(\.\d{3})+$/.test(t) || /^\d{1,3}(,\d{3})+$/.test(t)) return Number(t.replace(/[.,]/g, ""));
  const n = parseNumberText(t);
  return n === null || n < 0 ? null : "fraction";
}

/** One count of a ratio item: a whole number ≥ 0 (as text: thousands may be grouped, "1.000"); blank = not given. */
export function parseCountCell(input: Input, v: CellValue): CellParse<number | null> {
  if (isBlank(v)) return { ok: true, value: null };
  const n = typeof v === "string" ? parseCountText(v) : numberOf(v);
  if (n === "fraction") return fail("lke.issue.countFraction", { value: show(v), label: input.label });
  if (n === null || !Number.isInteger(n) || n < 0) return fail("lke.issue.countNotWhole", { value: show(v), label: input.label });
  return { ok: true, value: n };
}

/**
 * The counts object of a ratio item from its input cells (null when every one is blank).
 * A missing count the formula needs is an error; informational counts may stay blank.
 */
export function countsAnswer(item: Item, counts: Record<string, number | null>): CellParse<AnswerValue> {
  const inputs = item.inputs ?? [];
  if (inputs.every((i) => counts[i.name] === null || counts[i.name] === undefined)) return { ok: true, value: null };
  const out: Record<string, number> = {};
  for (const i of inputs) {
    const n = counts[i.name];
    if (n === null || n === undefined) {
      if (i.informational) continue;
      return fail("lke.issue.countMissing", { label: i.label });
    }
    out[i.name] = n;
  }
  return { ok: true, value: out };
}

/** A note cell: text as typed (newlines kept, outer spaces trimmed), blank = no note. */
export function parseNoteCell(v: CellValue): string | null {
  if (v === null) return null;
  const t = String(v).replace(/\r\n/g, "\n").trim();
  return t === "" ? null : t;
}

/** The http(s) links in a `Bukti dukung` cell, in order, without duplicates. */
export function linksIn(text: string): string[] {
  const found = text.match(/https?:\/\/[^\s<>"']+/gi) ?? [];
  return [...new Set(found.map((u) => u.replace(/[),.;]+$/, "")))];
}

/** Whether two answers are the same (counts compared by name, not key order). */
export function sameAnswer(a: AnswerValue | undefined, b: AnswerValue | undefined): boolean {
  const x = a ?? null;
  const y = b ?? null;
  if (x === null || y === null || typeof x !== "object" || typeof y !== "object") return x === y;
  const kx = Object.keys(x).sort();
  const ky = Object.keys(y).sort();
  return kx.length === ky.length && kx.every((k, i) => k === ky[i] && x[k] === y[k]);
}
