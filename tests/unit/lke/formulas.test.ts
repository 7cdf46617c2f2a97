import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { isScaled, NOT_APPLICABLE, type Instrument, type Item } from "~/domain/instrument/schema";
import { scaleFor } from "~/domain/instrument/validate";
import { weightValue } from "~/domain/instrument/weights";
import { parseAnswerCell, parseCountCell } from "~/domain/lke/cells";
import { HEADERS, INPUT_SEPARATOR, lkeRows, numberRange, TOTAL_CODE, type LkeRow } from "~/domain/lke/layout";
import type { Answers, AnswerValue } from "~/domain/scoring/answers";
import { scoreAssessment } from "~/domain/scoring/score";
import type { ScoreResult } from "~/domain/scoring/types";
import { readWorkbookAnswers } from "~/services/excel/score-workbook.server";
import { buildLkeWorkbook } from "~/services/excel/workbook.server";
import { getInstrument } from "~/services/instruments/catalog.server";
import { ExcelError, FormulaEvaluator, numberValue, type Scalar } from "../../helpers/formula-eval";
import { rng } from "../scoring/random-answers";

/*
 * Acceptance "the formulas recompute": the live formulas of an exported LKE, recomputed from the answer
 * cells alone, give the engine's values, so a workbook edited offline scores as Cermin does.
 */

const TOLERANCE = 1e-9;
type ItemRow = Extract<LkeRow, { kind: "item" }>;

function itemRows(instrument: Instrument): ItemRow[] {
  return lkeRows(instrument).filter((r): r is ItemRow => r.kind === "item");
}

/** The item's option codes, lowest value first, with values from the instrument's scales (or the options, for `choice`). */
function optionsByValue(instrument: Instrument, item: Item): string[] {
  const scale = isScaled(item.type) ? scaleFor(instrument, item.type) : null;
  return (item.options ?? [])
    .map((o) => ({ code: o.code, value: weightValue((scale ? scale[o.code] : o.value)!) }))
    .sort((a, b) => a.value - b.value)
    .map((o) => o.code);
}

type Target = "max" | "min";

/** Counts of a ratio item giving value 1 (max) or 0 (min) through the ratio itself, not the zero-denominator rule. */
function extremeCounts(item: Item, target: Target): Record<string, number> {
  const f = item.formula!;
  const out: Record<string, number> = {};
  // Informational inputs sit in the sheet next to the others but must not move the value.
  for (const input of item.inputs ?? []) out[input.name] = input.informational ? 3 : 0;
  if (f.kind === "ratio") {
    out[f.numerator] = target === "max" ? 5 : 0;
    const other = f.denominator.find((d) => d !== f.numerator) ?? f.denominator[0]!;
    if (target === "min" || !f.denominator.includes(f.numerator)) out[other] = 5;
  } else {
    out[f.before] = 5;
    // An increase is clamped to 0 by max(0, …): exercised by the min set.
    out[f.after] = target === "max" ? 0 : 7;
  }
  return out;
}

function extremeAnswers(instrument: Instrument, target: Target): Answers {
  const answers: Answers = {};
  for (const { item, groupWeight } of itemRows(instrument)) {
    if (item.type === "percent") answers[item.id] = extremeCounts(item, target);
    else if (item.options) {
      const codes = optionsByValue(instrument, item);
      answers[item.id] = (target === "max" ? codes[codes.length - 1] : codes[0])!;
    } else {
      const range = numberRange(item, groupWeight)!;
      answers[item.id] = target === "max" ? range.max : range.min;
    }
  }
  return answers;
}

/** Valid answers with unanswered items (missing and null), clamped scores and many zero denominators. */
function randomAnswers(instrument: Instrument, seed: number): Answers {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const answers: Answers = {};
  for (const { item, groupWeight } of itemRows(instrument)) {
    const x = r();
    if (x < 0.12) continue;
    let value: AnswerValue;
    if (x < 0.16) value = null;
    else if (item.type === "percent") {
      const allZero = r() < 0.15;
      const counts: Record<string, number> = {};
      for (const input of item.inputs ?? []) {
        if (input.informational && r() < 0.5) continue;
        counts[input.name] = allZero || r() < 0.35 ? 0 : Math.floor(r() * 6);
      }
      value = counts;
    } else if (item.options) value = pick(item.options).code;
    else {
      const { min, max } = numberRange(item, groupWeight)!;
      const span = max - min;
      const y = r();
      if (item.type === "external_points") value = y < 0.15 ? max : y < 0.25 ? 0 : Math.round(r() * max * 1000) / 1000;
      else value = y < 0.1 ? max + span * 0.1 : y < 0.2 ? min - span * 0.1 : min + Math.round(r() * span * 1000) / 1000;
    }
    answers[item.id] = value;
  }
  return answers;
}

async function exportAndReload(instrument: Instrument, answers: Answers): Promise<ExcelJS.Workbook> {
  const wb = buildLkeWorkbook({
    instrument,
    instrumentHash: null,
    assessment: null,
    exportedAt: new Date().toISOString(),
    exportedBy: null,
    layers: [
      { layer: "self", answers: Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, { value: v, note: null, version: 1 }])) },
    ],
    evidence: {},
  });
  const buf = await wb.xlsx.writeBuffer();
  const loaded = new ExcelJS.Workbook();
  await loaded.xlsx.load(buf as ArrayBuffer);
  return loaded;
}

function column(ws: ExcelJS.Worksheet, header: string): number {
  let found = 0;
  ws.getRow(1).eachCell((cell, col) => {
    if (cell.value === header) found = col;
  });
  if (!found) throw new Error(`no column "${header}" in ${ws.name}`);
  return found;
}

const close = (a: unknown, b: number) => typeof a === "number" && Math.abs(a - b) <= TOLERANCE;
const show = (v: unknown) => (v instanceof ExcelError ? v.code : JSON.stringify(v));

interface Mismatch {
  cell: string;
  code?: string;
  formula: string;
  evaluated: string;
  cached: string;
  engine?: string;
}

/**
 * Every `Nilai` formula of `Jawaban`: recomputed value, cached result and engine value agree (the
 * cached results only when `cached`: a workbook edited after the export keeps the export's).
 */
function checkJawaban(
  wb: ExcelJS.Workbook,
  ev: FormulaEvaluator,
  score: ScoreResult,
  cached = true,
): { checked: number; mismatches: Mismatch[] } {
  const ws = wb.getWorksheet("Jawaban")!;
  const codeCol = column(ws, HEADERS.code);
  const nilaiCol = column(ws, HEADERS.nilai);
  const mismatches: Mismatch[] = [];
  let checked = 0;
  for (let r = 2; r <= ws.rowCount; r++) {
    const code = String(ws.getCell(r, codeCol).value);
    const cell = ws.getCell(r, nilaiCol);
    if (!cell.formula) continue;
    checked++;
    const evaluated = ev.cell(ws.name, cell.address);
    const result: unknown = cell.result;
    const engine = score.nodes[code === TOTAL_CODE ? "total" : code]?.value;
    if (engine === undefined || !close(evaluated, engine) || (cached && !close(result, engine))) {
      mismatches.push({
        cell: cell.address,
        code,
        formula: cell.formula,
        evaluated: show(evaluated),
        cached: show(result),
        engine: show(engine),
      });
    }
  }
  return { checked, mismatches };
}

/** Every formula of `Utama`: recomputed from `Jawaban` it shows what the export cached. */
function checkUtama(wb: ExcelJS.Workbook, ev: FormulaEvaluator): { checked: number; mismatches: Mismatch[] } {
  const ws = wb.getWorksheet("Utama")!;
  const mismatches: Mismatch[] = [];
  let checked = 0;
  ws.eachRow((row) =>
    row.eachCell((cell) => {
      if (!cell.formula) return;
      checked++;
      const evaluated: Scalar = ev.cell(ws.name, cell.address);
      const cached: unknown = cell.result;
      const same = typeof cached === "number" ? close(evaluated, cached) : typeof cached === "string" && evaluated === cached;
      if (!same) mismatches.push({ cell: cell.address, formula: cell.formula, evaluated: show(evaluated), cached: show(cached) });
    }),
  );
  return { checked, mismatches };
}

const INSTRUMENTS = ["zi-2021", "pmprb-2014"] as const;
const SEEDS = [11, 23, 37, 41, 59];

/**
 * Exports `answers`, recomputes the workbook's formulas and expects every non-input row of `Jawaban`
 * and every recap cell of `Utama` to equal the engine's value; returns the engine's score and how many
 * recap cells were checked.
 */
async function expectFormulasMatch(instrument: Instrument, answers: Answers): Promise<{ score: ScoreResult; utamaChecked: number }> {
  const score = scoreAssessment(instrument, answers);
  const wb = await exportAndReload(instrument, answers);
  const ev = new FormulaEvaluator(wb);
  const jawaban = checkJawaban(wb, ev, score);
  expect(jawaban.mismatches).toEqual([]);
  expect(jawaban.checked).toBe(lkeRows(instrument).filter((r) => r.kind !== "input").length);
  const utama = checkUtama(wb, ev);
  expect(utama.mismatches).toEqual([]);
  return { score, utamaChecked: utama.checked };
}

describe.each(INSTRUMENTS)("%s: the exported formulas recompute to the engine's values", (id) => {
  const instrument = getInstrument(id)!.instrument;

  async function check(answers: Answers): Promise<ScoreResult> {
    const { score, utamaChecked } = await expectFormulasMatch(instrument, answers);
    expect(utamaChecked).toBeGreaterThan(0);
    return score;
  }

  it("all answers at their best: the total is the instrument's total weight", async () => {
    const score = await check(extremeAnswers(instrument, "max"));
    expect(score.total).toBeCloseTo(instrument.total_weight, 9);
    expect(instrument.total_weight).toBe(100);
  });

  it("all answers at their worst: the total is 0", async () => {
    const score = await check(extremeAnswers(instrument, "min"));
    expect(score.total).toBe(0);
  });

  it("no answers at all", async () => {
    const score = await check({});
    expect(score.total).toBe(0);
  });

  it.each(SEEDS)("random answers, seed %i", async (seed) => {
    await check(randomAnswers(instrument, seed));
  });

  // The sets must reach the rules they are meant to test, else a passing run proves less than it claims.
  it("the random sets between them hit unanswered items and zero denominators", () => {
    const ratioItems = itemRows(instrument).filter((r) => r.item.type === "percent");
    const sets = SEEDS.map((s) => randomAnswers(instrument, s));
    expect(sets.every((a) => Object.keys(a).length < itemRows(instrument).length)).toBe(true);
    if (ratioItems.length === 0) return;
    const zeroDenominator = sets.some((a) =>
      ratioItems.some(({ item }) => {
        const counts = a[item.id];
        if (!counts || typeof counts !== "object") return false;
        const f = item.formula!;
        const den = f.kind === "ratio" ? f.denominator.reduce((s, d) => s + (counts[d] ?? 0), 0) : (counts[f.before] ?? 0);
        return den === 0;
      }),
    );
    expect(zeroDenominator).toBe(true);
  });
});

/** RB 2023 answers: values inside each row's range (the engine refuses others), some rows N/A, a koefisien. */
function rbAnswers(instrument: Instrument, seed: number): Answers {
  const r = rng(seed);
  const answers: Answers = {};
  for (const { item, groupWeight } of itemRows(instrument)) {
    const y = r();
    if (y < 0.1) continue;
    if (item.not_applicable && y < 0.2) {
      answers[item.id] = NOT_APPLICABLE;
      continue;
    }
    const { min, max } = numberRange(item, groupWeight)!;
    answers[item.id] = y < 0.3 ? max : Math.round((min + r() * (max - min)) * 1000) / 1000;
  }
  return answers;
}

describe.each(["rb-2023-kl", "rb-2023-prov", "rb-2023-kabkota"] as const)(
  "%s: the index formulas recompute to the engine's values",
  (id) => {
    const instrument = getInstrument(id)!.instrument;

    it.each([...SEEDS, 0])("random answers with N/A rows, multipliers and the koefisien, seed %i", async (seed) => {
      await expectFormulasMatch(instrument, seed === 0 ? {} : rbAnswers(instrument, seed));
    });

    it("the random sets reach N/A rows and a koefisien", () => {
      const sets = SEEDS.map((s) => rbAnswers(instrument, s));
      expect(sets.some((a) => Object.values(a).includes(NOT_APPLICABLE))).toBe(true);
      expect(sets.some((a) => typeof a["KOEF.a"] === "number" && a["KOEF.a"] !== 0)).toBe(true);
    });
  },
);

/** Counts typed as text, thousands grouped the Indonesian (or English) way, and what Cermin reads. */
const COUNT_TEXTS: Array<[string, number]> = [
  ["1.000", 1000],
  ["2.500", 2500],
  ["12.500", 12500],
  ["1,234,567", 1234567],
  [" 7 ", 7],
  ["1.234.567", 1234567],
  ["0", 0],
];

/**
 * Every number answer typed as text (decimal comma, or point with spaces around) and every count of
 * a ratio item as text with thousands grouped, with the answers Cermin must read from them.
 */
function typedAsText(instrument: Instrument): { typed: Record<string, string>; expected: Answers } {
  const typed: Record<string, string> = {};
  const expected: Answers = {};
  let k = 0;
  for (const { code, item, groupWeight } of itemRows(instrument)) {
    const range = numberRange(item, groupWeight);
    if (range) {
      const n = Math.round((range.min + ((range.max - range.min) * ((k % 7) + 1)) / 8) * 1000) / 1000;
      typed[code] = k % 2 === 0 ? String(n).replace(".", ",") : ` ${n} `;
      expected[code] = n;
      k++;
    } else if (item.type === "percent") {
      const counts: Record<string, number> = {};
      for (const input of item.inputs ?? []) {
        const [t, n] = COUNT_TEXTS[k++ % COUNT_TEXTS.length]!;
        typed[`${code}#${input.name}`] = t;
        counts[input.name] = n;
      }
      expected[code] = counts;
    }
  }
  return { typed, expected };
}

/** Types `typed` (by Kode) into the unit's `Jawaban` column as text cells; the file's bytes. */
async function typeInto(wb: ExcelJS.Workbook, typed: Record<string, string>): Promise<Uint8Array> {
  const ws = wb.getWorksheet("Jawaban")!;
  const codeCol = column(ws, HEADERS.code);
  const answerCol = column(ws, HEADERS.answer);
  const rowOf = new Map<string, number>();
  ws.eachRow((row, n) => rowOf.set(String(row.getCell(codeCol).value), n));
  for (const [code, text] of Object.entries(typed)) {
    const n = rowOf.get(code);
    if (!n) throw new Error(`no row ${code}`);
    ws.getCell(n, answerCol).value = text;
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/**
 * The exported workbook with `typed` typed in: what `lke score` reads from it, and every `Nilai`
 * formula recomputed equals the engine's value of those answers.
 */
async function expectTextNumbersAgree(instrument: Instrument, answers: Answers, typed: Record<string, string>): Promise<Answers> {
  const bytes = await typeInto(await exportAndReload(instrument, answers), typed);
  const { answers: read } = await readWorkbookAnswers(bytes, "lke-teks.xlsx", [instrument]);
  const score = scoreAssessment(instrument, read);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  const jawaban = checkJawaban(wb, new FormulaEvaluator(wb), score, false);
  expect(jawaban.mismatches).toEqual([]);
  expect(jawaban.checked).toBe(lkeRows(instrument).filter((r) => r.kind !== "input").length);
  return read;
}

describe("numbers and counts typed as text: the workbook's formulas read them as `lke score` does", () => {
  it("zi-2021: a decimal comma, a point with spaces, counts with thousands grouped", async () => {
    const instrument = getInstrument("zi-2021")!.instrument;
    const rows = itemRows(instrument);
    const [s1, s2] = rows.filter((r) => r.item.type === "survey_0_4");
    const [r1, r2] = rows.filter((r) => r.item.type === "percent");
    const counts = (r: ItemRow, texts: string[]) =>
      Object.fromEntries((r.item.inputs ?? []).map((i, k) => [`${r.code}#${i.name}`, texts[k] ?? "3"]));
    const read = await expectTextNumbersAgree(instrument, randomAnswers(instrument, 11), {
      [s1!.code]: "3,60",
      [s2!.code]: " 3.6 ",
      ...counts(r1!, ["1.000", "400"]),
      ...counts(r2!, ["12.500", "1.234.567", "7"]),
    });
    expect([read[s1!.code], read[s2!.code]]).toEqual([3.6, 3.6]);
    // "1.000" in a count is one thousand: a count is a whole number, so the dot groups thousands.
    expect(Object.values(read[r1!.code] as Record<string, number>)).toEqual([1000, 400]);
    expect(Object.values(read[r2!.code] as Record<string, number>).slice(0, 2)).toEqual([12500, 1234567]);
  });

  it.each([...INSTRUMENTS, "rb-2023-kl"] as const)("%s: every number and count of the workbook typed as text", async (id) => {
    const instrument = getInstrument(id)!.instrument;
    const { typed, expected } = typedAsText(instrument);
    expect(Object.keys(typed).length).toBeGreaterThan(0);
    const read = await expectTextNumbersAgree(instrument, {}, typed);
    expect(read).toEqual(expected);
  });
});

describe("the answer cells' validation accepts a typed value exactly when Cermin reads it", () => {
  const NUMBERS: ExcelJS.CellValue[] = [2, 0, "3,60", " 3.6 ", "3,865", "-2,5", "4,5", "11", "1.234,5", "tinggi", "N/A", " n/a ", true];
  const COUNTS: ExcelJS.CellValue[] = [7, 0, 1000, "7", " 12 ", "1.000", "12.500", "1,234,567", 2.5, -1, "-1", "tujuh"];
  // Known differences, all one way: texts NUMBERVALUE reads (a percent sign, an exponent, a plus sign) and,
  // in a count, separators that group no thousands (dropped by the formula) pass the validation, while
  // Cermin refuses them with a message naming the cell, so no such value is ever imported as the workbook shows it.
  const NUMBERS_CERMIN_REFUSES: ExcelJS.CellValue[] = ["3,6%", "1e0", "+3"];
  const COUNTS_CERMIN_REFUSES: ExcelJS.CellValue[] = ["3,5", "1.5.0"];

  /** Each candidate typed into the cell: what its validation formula says, and whether Cermin's reader takes it. */
  function verdicts(wb: ExcelJS.Workbook, address: string, candidates: ExcelJS.CellValue[], reads: (v: ExcelJS.CellValue) => boolean) {
    const ws = wb.getWorksheet("Jawaban")!;
    const cell = ws.getCell(address);
    const formula = cell.dataValidation?.formulae?.[0];
    expect(cell.dataValidation?.type).toBe("custom");
    expect(typeof formula).toBe("string");
    return candidates.map((v) => {
      cell.value = v;
      return { value: v, validation: new FormulaEvaluator(wb).evaluate(String(formula), ws.name) === true, cermin: reads(v) };
    });
  }

  it.each(["zi-2021", "pmprb-2014", "rb-2023-kl"] as const)("%s: number answers (N/A rows too) and counts", async (id) => {
    const instrument = getInstrument(id)!.instrument;
    const wb = await exportAndReload(instrument, {});
    const ws = wb.getWorksheet("Jawaban")!;
    const answerCol = column(ws, HEADERS.answer);
    const rowOf = new Map<string, number>();
    ws.eachRow((row, n) => rowOf.set(String(row.getCell(column(ws, HEADERS.code)).value), n));
    const at = (code: string) => ws.getCell(rowOf.get(code)!, answerCol).address;
    const rows = itemRows(instrument);
    const numbers = [rows.find((r) => numberRange(r.item, r.groupWeight)), rows.find((r) => r.item.not_applicable)].filter(
      (r) => r !== undefined,
    );
    const ratio = rows.find((r) => r.item.type === "percent");
    expect(numbers.length + (ratio ? 1 : 0)).toBeGreaterThan(0);
    const readsNumber = (r: ItemRow) => (v: ExcelJS.CellValue) => {
      const p = parseAnswerCell(r.item, r.groupWeight, v as string | number | boolean);
      return p.ok && p.value !== null;
    };
    const countAt = ratio && at(`${ratio.code}${INPUT_SEPARATOR}${ratio.item.inputs![0]!.name}`);
    const readsCount = (v: ExcelJS.CellValue) => {
      const p = parseCountCell(ratio!.item.inputs![0]!, v as string | number);
      return p.ok && p.value !== null;
    };
    const results = [
      ...numbers.flatMap((r) => verdicts(wb, at(r.code), NUMBERS, readsNumber(r))),
      ...(countAt ? verdicts(wb, countAt, COUNTS, readsCount) : []),
    ];
    expect(results.filter((r) => r.validation !== r.cermin)).toEqual([]);
    expect(results.some((r) => r.validation)).toBe(true);
    expect(results.some((r) => !r.validation)).toBe(true);
    const known = [
      ...numbers.flatMap((r) => verdicts(wb, at(r.code), NUMBERS_CERMIN_REFUSES, readsNumber(r))),
      ...(countAt ? verdicts(wb, countAt, COUNTS_CERMIN_REFUSES, readsCount) : []),
    ];
    expect(known.filter((r) => !r.validation || r.cermin)).toEqual([]);
  });
});

describe("formula evaluator", () => {
  function book(cells: Record<string, ExcelJS.CellValue>, other: Record<string, ExcelJS.CellValue> = {}): FormulaEvaluator {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("S");
    for (const [a, v] of Object.entries(cells)) ws.getCell(a).value = v;
    const ws2 = wb.addWorksheet("Other sheet");
    for (const [a, v] of Object.entries(other)) ws2.getCell(a).value = v;
    return new FormulaEvaluator(wb);
  }
  const ev = book(
    { A1: 2, A2: "Ya", A3: null, A4: 3, B1: { formula: "A1*10", result: 999 }, B2: { formula: "B1+1", result: 0 } },
    { A1: 7 },
  );
  const f = (formula: string) => ev.evaluate(formula, "S");

  it("recomputes referenced formulas instead of reading their cached results", () => {
    expect(ev.cell("S", "B2")).toBe(21);
  });
  it("follows Excel precedence, unary minus included", () => {
    expect(f("-2*3+4")).toBe(-2);
    expect(f("1+2*3=7")).toBe(true);
    expect(f("(2/3)*((1+2)/3)")).toBeCloseTo(2 / 3, 15);
  });
  it("treats blanks as 0 in arithmetic and as empty text in text comparisons", () => {
    expect(f("A3+1")).toBe(1);
    expect(f('A3=""')).toBe(true);
    expect(f("A3=0")).toBe(true);
    expect(f('TRIM(A3)="Ya"')).toBe(false);
  });
  it("compares text without case and never equal to a number", () => {
    expect(f('TRIM(A2)="ya"')).toBe(true);
    expect(f('TRIM("  Ya  ")="YA"')).toBe(true);
    expect(f('"1"=1')).toBe(false);
    expect(f('"say ""hi"""="SAY ""HI"""')).toBe(true);
  });
  it("counts only numeric cells and skips text in referenced aggregates", () => {
    expect(f("COUNT(A1:A4)")).toBe(2);
    expect(f("COUNT(A3)")).toBe(0);
    expect(f("SUM(A1:A4)")).toBe(5);
    expect(f("MAX(A1:A4)")).toBe(3);
    expect(f("MIN(1,MAX(0,A3))")).toBe(0);
    expect(f("AVERAGE(A1:A4)")).toBe(2.5);
    expect(f("ISNUMBER(A3)")).toBe(false);
    expect(f("ISNUMBER($A$1)")).toBe(true);
  });
  it("COUNTIF matches exactly, without case", () => {
    expect(f('COUNTIF(A1:A4,"YA")')).toBe(1);
    expect(f('COUNTIF(A1:A4,"Y")')).toBe(0);
    expect(() => f('COUNTIF(A1:A4,"Y*")')).toThrow(/subset/);
  });
  it("reads other sheets, quoted or not", () => {
    expect(f("'Other sheet'!A1+S!A1")).toBe(9);
  });
  it("evaluates only the branch IF takes; a division by zero elsewhere is #DIV/0!", () => {
    expect(f("IF(A3=0,1,1/A3)")).toBe(1);
    expect(f("1/A3")).toEqual(new ExcelError("#DIV/0!"));
    expect(f('IF(AND(A1>1,A1<=2),"B",IF(OR(A1>2),"A","-"))')).toBe("B");
  });
  it("NUMBERVALUE with explicit separators, SUBSTITUTE and IFERROR as Excel and LibreOffice compute them", () => {
    expect(f('_xlfn.NUMBERVALUE("3.6",".",",")')).toBe(3.6);
    expect(f('_xlfn.NUMBERVALUE(" 1 234,5 ",",",".")')).toBe(1234.5);
    expect(f('_xlfn.NUMBERVALUE("1.234,5",",",".")')).toBe(1234.5);
    expect(f('_xlfn.NUMBERVALUE("3.60",",",".")')).toBe(360);
    expect(f('_xlfn.NUMBERVALUE("1,5.2",".",",")')).toBe(15.2);
    expect(f('_xlfn.NUMBERVALUE("1.5,2",".",",")')).toEqual(new ExcelError("#VALUE!"));
    expect(f('_xlfn.NUMBERVALUE("1.2.3",".",",")')).toEqual(new ExcelError("#VALUE!"));
    expect(f('_xlfn.NUMBERVALUE("50%",".",",")')).toBe(0.5);
    expect(f('_xlfn.NUMBERVALUE("x",".",",")')).toEqual(new ExcelError("#VALUE!"));
    expect(f('_xlfn.NUMBERVALUE(A1,".",",")')).toBe(2);
    expect(numberValue("-2.5e1")).toBe(-25);
    expect(() => f('_xlfn.NUMBERVALUE("",".",",")')).toThrow(/Excel \(0\) and LibreOffice/);
    expect(() => f('_xlfn.NUMBERVALUE("3.6")')).toThrow(/locale/);
    expect(() => f('NUMBERVALUE("3.6",".",",")')).toThrow(/_xlfn/);
    expect(() => f('_xlfn.TRIM("a")')).toThrow(/_xlfn/);
    expect(f('SUBSTITUTE("1.234.567",".","")')).toBe("1234567");
    expect(f('SUBSTITUTE(" 3,60 ",",",".")')).toBe(" 3.60 ");
    expect(f('SUBSTITUTE("Ya","y","t")')).toBe("Ya");
    expect(f("IFERROR(1/A3,7)")).toBe(7);
    expect(f("IFERROR(A1,7)")).toBe(2);
  });
  it("reads TRUE and FALSE literals; INT rounds down; UPPER", () => {
    expect(f("IFERROR(1/A3,FALSE)")).toBe(false);
    expect(f("OR(FALSE,true)")).toBe(true);
    expect(f("INT(-2.5)")).toBe(-3);
    expect(f("INT(A1)=A1")).toBe(true);
    expect(f('UPPER(" n/a ")')).toBe(" N/A ");
  });
  it("refuses what it does not know", () => {
    expect(() => f("ROUND(A1,2)")).toThrow(/unsupported function ROUND/);
    expect(() => f("A1&A2")).toThrow();
    expect(() => f("A1^2")).toThrow();
    expect(() => f("SomeName+1")).toThrow();
    expect(() => f("A1:A4")).toThrow(/range/);
  });
});
