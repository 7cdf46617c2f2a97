/**
 * Acceptance 1 of issue #12, as a property over random answer sets of every shipped instrument and
 * every answer type it uses: export → read gives back exactly the answers and notes (newlines and
 * non-Latin text included), and scoring the read workbook (`cermin lke score`) equals the engine's
 * score of the same answers.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { NOT_APPLICABLE, type Instrument } from "~/domain/instrument/schema";
import { lkeRows, numberRange } from "~/domain/lke/layout";
import type { Answers, AnswerValue } from "~/domain/scoring/answers";
import { scoreAssessment } from "~/domain/scoring/score";
import type { LkeAnswer } from "~/services/excel/export-data";
import { buildLkeWorkbook } from "~/services/excel/workbook.server";
import { openWorkbook, parseWorkbook } from "~/services/excel/read.server";
import { answersOfLayer, readWorkbookAnswers } from "~/services/excel/score-workbook.server";
import { loadInstruments } from "~/services/instruments/catalog.server";

const instruments = loadInstruments().map((l) => l.instrument);

const CHARS = ["a", "Z", "0", " ", "\n", "\t", ",", ";", "'", '"', "&", "<", ">", "é", "ñ", "ꦗ", "ꦮ", "日", "本", "ع", "ب", "✓", "😀", "—"];
const noteArb = fc
  .array(fc.constantFrom(...CHARS), { maxLength: 40 })
  .map((cs) => cs.join("").trim())
  .map((s) => (s === "" ? null : s));

function answerArb(instrument: Instrument): fc.Arbitrary<Record<string, LkeAnswer>> {
  const entries = lkeRows(instrument).flatMap((row) => {
    if (row.kind !== "item") return [];
    const item = row.item;
    let value: fc.Arbitrary<AnswerValue>;
    const range = numberRange(item, row.groupWeight);
    if (range) {
      value = fc.double({ min: range.min, max: range.max, noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n));
      if (item.not_applicable) value = fc.oneof(value, fc.constant(NOT_APPLICABLE));
    }
    else if (item.type === "percent") {
      const inputs = item.inputs ?? [];
      value = fc.tuple(...inputs.map((i) => (i.informational ? fc.option(fc.nat(5000), { nil: undefined }) : fc.nat(5000)))).map((ns) => {
        const out: Record<string, number> = {};
        ns.forEach((n, k) => {
          if (n !== undefined) out[inputs[k]!.name] = n;
        });
        return out;
      });
    } else value = fc.constantFrom(...(item.options ?? []).map((o) => o.code));
    const answer = fc.record({ value, note: noteArb, version: fc.integer({ min: 1, max: 9 }) });
    return [[item.id, fc.option(answer, { nil: undefined, freq: 3 })] as const];
  });
  return fc.tuple(...entries.map(([, a]) => a)).map((vals) => {
    const out: Record<string, LkeAnswer> = {};
    vals.forEach((v, k) => {
      if (v !== undefined) out[entries[k]![0]] = v;
    });
    return out;
  });
}

async function roundTrip(instrument: Instrument, answers: Record<string, LkeAnswer>) {
  const wb = buildLkeWorkbook({
    instrument,
    instrumentHash: null,
    assessment: null,
    exportedAt: "2026-12-03T00:00:00.000Z",
    exportedBy: null,
    layers: [{ layer: "self", answers }],
    evidence: {},
  });
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

describe.each(instruments.map((i) => [i.id, i] as const))("%s", (_id, instrument) => {
  test("every answer type it uses is exercised", () => {
    const types = new Set(lkeRows(instrument).flatMap((r) => (r.kind === "item" ? [r.item.type] : [])));
    // The Evaluasi RB worksheets are all published numbers: range-scaled values and the koefisien (2023 also
    // one row of points; 2024 none).
    expect(types.size).toBeGreaterThanOrEqual(instrument.evaluation.index ? 2 : 5);
    if (instrument.evaluation.index) expect([...types]).toEqual(expect.arrayContaining(["range_scaled", "coefficient"]));
  });

  test("export → import gives back identical answers and notes; lke score equals the engine", async () => {
    await fc.assert(
      fc.asyncProperty(answerArb(instrument), async (stored) => {
        const bytes = await roundTrip(instrument, stored);
        const opened = await openWorkbook(bytes);
        const parsed = parseWorkbook(opened, instrument);
        const expected: Answers = {};
        for (const [id, a] of Object.entries(stored)) expected[id] = a.value;
        expect(answersOfLayer(parsed)).toEqual(expected);
        const notes = Object.fromEntries(parsed.cells.filter((c) => c.note !== null).map((c) => [c.itemId, c.note]));
        expect(notes).toEqual(
          Object.fromEntries(
            Object.entries(stored)
              .filter(([, a]) => a.note !== null)
              .map(([id, a]) => [id, a.note]),
          ),
        );
        for (const [id, a] of Object.entries(stored)) expect(opened.versions.get(`self:${id}`)).toBe(a.version);
        const offline = await readWorkbookAnswers(bytes, "x.xlsx", instruments);
        expect(offline.instrument.id).toBe(instrument.id);
        expect(scoreAssessment(offline.instrument, offline.answers)).toEqual(scoreAssessment(instrument, expected));
      }),
      { numRuns: 30, seed: 20261203 },
    );
  }, 120_000);
});
