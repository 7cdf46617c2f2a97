/** What people type into an Indonesian Excel workbook, read as answers (issue #12). */
import { expect, test } from "vitest";
import {
  countsAnswer,
  linksIn,
  parseAnswerCell,
  parseCountCell,
  parseCountText,
  parseNoteCell,
  parseNumberText,
  sameAnswer,
} from "~/domain/lke/cells";
import { lkeRows } from "~/domain/lke/layout";
import { keyedMessage } from "~/i18n/keyed";
import { getInstrument } from "~/services/instruments/catalog.server";

const zi = getInstrument("zi-2021")!.instrument;
const rows = lkeRows(zi).flatMap((r) => (r.kind === "item" ? [r] : []));
const ofType = (t: string) => rows.find((r) => r.item.type === t)!;
/** A refused cell's message rendered in a language (null when the cell was read). */
const said = (r: ReturnType<typeof parseAnswerCell | typeof parseCountCell>, locale: "id" | "en" = "id") =>
  r.ok ? null : keyedMessage(r, locale);

test.each([
  ["3,60", 3.6],
  ["3.60", 3.6],
  [" 4 ", 4],
  ["3,865", 3.865],
  ["1.234,5", 1234.5],
  ["1,234.5", 1234.5],
  ["1.234.567", 1234567],
  ["0", 0],
  ["-2", -2],
  ["12,3.4", null],
  ["1.2.3", null],
  ["empat", null],
  ["1e3", null],
  ["", null],
])("parseNumberText(%j) = %j", (raw, expected) => {
  expect(parseNumberText(raw)).toBe(expected);
});

test.each([
  ["7", 7],
  [" 12 ", 12],
  ["0", 0],
  ["1.000", 1000],
  ["12.500", 12500],
  ["1.234.567", 1234567],
  ["1,000", 1000],
  ["1,234,567", 1234567],
  ["1 000", 1000],
  ["3,5", "fraction"],
  ["3.5", "fraction"],
  ["1,0", "fraction"],
  ["1.0000", "fraction"],
  ["1.234,5", "fraction"],
  ["12.50", "fraction"],
  ["1.000,000", "fraction"],
  ["1.234,567", "fraction"],
  ["-3", null],
  ["1.2.3", null],
  ["tujuh", null],
  ["", null],
])("parseCountText(%j) = %j: a dot or comma before exactly three digits groups thousands in a count", (raw, expected) => {
  expect(parseCountText(raw)).toBe(expected);
});

test("options in any case and with spaces; Excel booleans as Ya/Tidak", () => {
  const yn = ofType("yes_no");
  const abc = ofType("abc");
  expect(parseAnswerCell(yn.item, yn.groupWeight, "ya")).toEqual({ ok: true, value: "Ya" });
  expect(parseAnswerCell(yn.item, yn.groupWeight, " TIDAK ")).toEqual({ ok: true, value: "Tidak" });
  expect(parseAnswerCell(yn.item, yn.groupWeight, true)).toEqual({ ok: true, value: "Ya" });
  expect(parseAnswerCell(abc.item, abc.groupWeight, "b")).toEqual({ ok: true, value: "B" });
  expect(parseAnswerCell(abc.item, abc.groupWeight, "")).toEqual({ ok: true, value: null });
  const refused = parseAnswerCell(abc.item, abc.groupWeight, "D");
  expect(refused).toEqual({ ok: false, key: "lke.issue.notOption", params: { value: '"D"', codes: ["A", "B", "C"] } });
  expect(said(refused)).toBe('"D" bukan pilihan jawaban (pilih A, B, C)');
  expect(said(refused, "en")).toBe('"D" is not an answer option (choose A, B, C)');
});

test("numbers typed as text or with a decimal comma; out of range is refused, not clamped", () => {
  const survey = ofType("survey_0_4");
  expect(parseAnswerCell(survey.item, survey.groupWeight, "3,60")).toEqual({ ok: true, value: 3.6 });
  expect(parseAnswerCell(survey.item, survey.groupWeight, 4)).toEqual({ ok: true, value: 4 });
  const over = parseAnswerCell(survey.item, survey.groupWeight, 4.5);
  expect(over).toEqual({ ok: false, key: "lke.issue.outOfRange", params: { value: 4.5, min: 0, max: 4 } });
  // The number is formatted in the reader's locale.
  expect(said(over)).toBe("4,5 di luar rentang 0–4");
  expect(said(over, "en")).toBe("4.5 is outside the range 0–4");
  expect(said(parseAnswerCell(survey.item, survey.groupWeight, "tinggi"))).toBe('"tinggi" bukan angka (isi 0–4)');
});

test("ratio counts: whole numbers ≥ 0; blank = not given", () => {
  const pct = ofType("percent");
  const [a] = pct.item.inputs!;
  expect(parseCountCell(a!, "7")).toEqual({ ok: true, value: 7 });
  expect(parseCountCell(a!, 1000)).toEqual({ ok: true, value: 1000 });
  expect(parseCountCell(a!, " ")).toEqual({ ok: true, value: null });
  expect(parseCountCell(a!, 2.5)).toEqual({ ok: false, key: "lke.issue.countNotWhole", params: { value: 2.5, label: a!.label } });
  expect(said(parseCountCell(a!, 2.5))).toBe(`2,5 untuk "${a!.label}" bukan bilangan bulat ≥ 0`);
  expect(said(parseCountCell(a!, -1))).toBe(`-1 untuk "${a!.label}" bukan bilangan bulat ≥ 0`);
  expect(said(parseCountCell(a!, "tujuh"))).toBe(`"tujuh" untuk "${a!.label}" bukan bilangan bulat ≥ 0`);
  expect(said(parseCountCell(a!, "tujuh"), "en")).toBe(`"tujuh" for "${a!.label}" is not a whole number ≥ 0`);
});

test("ratio counts typed as text: thousands grouped with a dot or comma; a decimal is refused as no whole number", () => {
  const pct = ofType("percent");
  const [a] = pct.item.inputs!;
  // An Indonesian writes one thousand "1.000": in a count (a whole number) that is never 1.
  expect(parseCountCell(a!, "1.000")).toEqual({ ok: true, value: 1000 });
  expect(parseCountCell(a!, " 12.500 ")).toEqual({ ok: true, value: 12500 });
  expect(parseCountCell(a!, "1.234.567")).toEqual({ ok: true, value: 1234567 });
  expect(parseCountCell(a!, "1,234,567")).toEqual({ ok: true, value: 1234567 });
  for (const raw of ["3,5", "3.5"]) {
    expect(parseCountCell(a!, raw)).toEqual({ ok: false, key: "lke.issue.countFraction", params: { value: `"${raw}"`, label: a!.label } });
    expect(said(parseCountCell(a!, raw))).toBe(
      `"${raw}" untuk "${a!.label}" harus bilangan bulat (jumlah tanpa desimal; ribuan boleh ditulis 1.000)`,
    );
  }
  expect(said(parseCountCell(a!, "-3"))).toBe(`"-3" untuk "${a!.label}" bukan bilangan bulat ≥ 0`);
});

test("ratio counts: all blank = unanswered, a missing required count is named", () => {
  const pct = ofType("percent");
  const [a, b] = pct.item.inputs!;
  expect(countsAnswer(pct.item, { [a!.name]: null, [b!.name]: null })).toEqual({ ok: true, value: null });
  expect(countsAnswer(pct.item, { [a!.name]: 3, [b!.name]: 2 })).toEqual({ ok: true, value: { [a!.name]: 3, [b!.name]: 2 } });
  const missing = countsAnswer(pct.item, { [a!.name]: 3, [b!.name]: null });
  expect(missing).toEqual({ ok: false, key: "lke.issue.countMissing", params: { label: b!.label } });
  expect(said(missing)).toBe(`jumlah "${b!.label}" belum diisi`);
});

test("notes keep their newlines; links are found in free text; counts compare by name", () => {
  expect(parseNoteCell("  baris satu\r\nbaris dua  ")).toBe("baris satu\nbaris dua");
  expect(parseNoteCell("   ")).toBeNull();
  expect(linksIn("SK tim — https://a.go.id/sk.pdf, notulen (https://a.go.id/n) dan https://a.go.id/sk.pdf")).toEqual([
    "https://a.go.id/sk.pdf",
    "https://a.go.id/n",
  ]);
  expect(sameAnswer({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
  expect(sameAnswer({ a: 1 }, { a: 1, b: 0 })).toBe(false);
  expect(sameAnswer(null, undefined)).toBe(true);
});
