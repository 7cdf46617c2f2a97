/**
 * LKE Renaksi grading (rb-2024.md §2.4): conversion, rounding to 2 decimals, missing answers, answer
 * validation, and the A–E bands on the share of satisfied items.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  GRADES,
  RENAKSI_BANDS_2024,
  RenaksiAnswerError,
  gradeFromShare,
  gradeRenaksi,
  renaksiCriteria,
  roundHalfAwayFromZero,
  type RenaksiAnswer,
} from "~/domain/renaksi";
import { SEED } from "../scoring/arbitraries";
import { content2024 } from "./fixtures";

const lke = content2024().lke;
const criteria = renaksiCriteria(lke);
const answerArb = (kind: "grade" | "yes_no"): fc.Arbitrary<RenaksiAnswer | null> =>
  fc.constantFrom<RenaksiAnswer | null>(...(kind === "grade" ? GRADES : (["YA", "TIDAK"] as const)), null);
const answersArb = fc
  .tuple(...criteria.map((c) => answerArb(c.answer)))
  .map((vs) => Object.fromEntries(criteria.map((c, i) => [c.code, vs[i]])));

describe("gradeRenaksi", () => {
  it("best answers: PenilaianKU 1, PenetapanRA 2, Strategi 3", () => {
    const best = Object.fromEntries(criteria.map((c): [string, RenaksiAnswer] => [c.code, c.answer === "grade" ? "A" : "YA"]));
    expect(gradeRenaksi(best, lke)).toMatchObject({ penilaianKU: 1, penetapanRA: 2, strategi: 3 });
  });
  it("no answers: everything 0, every criterion listed as unanswered", () => {
    const g = gradeRenaksi({}, lke);
    expect([g.penilaianKU, g.penetapanRA, g.strategi]).toEqual([0, 0, 0]);
    expect(g.unanswered).toEqual(["PKU1", "PKU2", "PKU3", "PRA1", "PRA2", "PRA3", "PRA4"]);
  });
  it("a missing answer counts 0 (here TIDAK-equivalent)", () => {
    expect(gradeRenaksi({ PKU1: "A", PKU2: "A" }, lke).penilaianKU).toBe(0.67); // round(2/3, 2)
    expect(gradeRenaksi({ PKU1: "A", PKU2: "A", PKU3: "TIDAK" }, lke).penilaianKU).toBe(0.67);
    expect(gradeRenaksi({ PRA1: "D" }, lke).penetapanRA).toBe(0.13); // round(2 × 0.25 / 4, 2) = round(0.125) = 0.13
  });
  it("reports every criterion's converted value", () => {
    const g = gradeRenaksi({ PKU1: "C", PKU3: "YA", PRA4: "E" }, lke);
    expect(g.criteria.map((c) => [c.code, c.answer, c.value])).toEqual([
      ["PKU1", "C", 0.5],
      ["PKU2", null, 0],
      ["PKU3", "YA", 1],
      ["PRA1", null, 0],
      ["PRA2", null, 0],
      ["PRA3", null, 0],
      ["PRA4", "E", 0],
    ]);
  });
  it("rejects unknown codes, answers to computed nodes and the wrong answer kind", () => {
    const bad = { PKU1: "YA", PKU3: "B", PKU: "A", NOPE: "A" } as unknown as Record<string, RenaksiAnswer>;
    try {
      gradeRenaksi(bad, lke);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RenaksiAnswerError);
      expect((e as RenaksiAnswerError).issues).toEqual([
        { code: "PKU1", problem: "wrong_answer_kind" },
        { code: "PKU3", problem: "wrong_answer_kind" },
        { code: "PKU", problem: "not_a_criterion" },
        { code: "NOPE", problem: "unknown_code" },
      ]);
    }
  });
  it("properties: the portal formulas, ranges, Strategi = PenilaianKU + PenetapanRA", () => {
    const { grade, yes_no } = lke.conversion;
    const v = (a: RenaksiAnswer | null | undefined): number => (a == null ? 0 : a === "YA" || a === "TIDAK" ? yes_no[a] : grade[a]);
    fc.assert(
      fc.property(answersArb, (answers) => {
        const g = gradeRenaksi(answers, lke);
        expect(g.penilaianKU).toBe(roundHalfAwayFromZero((v(answers.PKU1) + v(answers.PKU2) + v(answers.PKU3)) / 3, 2));
        expect(g.penetapanRA).toBe(
          roundHalfAwayFromZero((2 * (v(answers.PRA1) + v(answers.PRA2) + v(answers.PRA3) + v(answers.PRA4))) / 4, 2),
        );
        expect(g.strategi).toBe(g.penilaianKU + g.penetapanRA);
        expect(g.penilaianKU).toBeGreaterThanOrEqual(0);
        expect(g.penilaianKU).toBeLessThanOrEqual(1);
        expect(g.penetapanRA).toBeLessThanOrEqual(2);
        expect(g.strategi).toBeLessThanOrEqual(3);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
  it("a better grade on one criterion never lowers Strategi", () => {
    const order: Record<RenaksiAnswer, number> = { A: 4, B: 3, C: 2, D: 1, E: 0, YA: 1, TIDAK: 0 };
    fc.assert(
      fc.property(answersArb, answersArb, fc.integer({ min: 0, max: criteria.length - 1 }), (a, b, k) => {
        const code = criteria[k]!.code;
        const [x, y] = [a[code] ?? null, b[code] ?? null];
        const rank = (z: RenaksiAnswer | null) => (z === null ? -1 : order[z]);
        const better = rank(x) >= rank(y) ? x : y;
        const worse = better === x ? y : x;
        expect(gradeRenaksi({ ...a, [code]: better }, lke).strategi).toBeGreaterThanOrEqual(
          gradeRenaksi({ ...a, [code]: worse }, lke).strategi,
        );
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

describe("gradeFromShare (A 100 %, B ≥ 75 %, C ≥ 50 %, D ≥ 10 %, E below)", () => {
  it("band edges", () => {
    const cases: Array<[number, string]> = [
      [1, "A"],
      [0.9999, "B"],
      [0.75, "B"],
      [0.7499, "C"],
      [15 / 21, "C"],
      [0.5, "C"],
      [0.4999, "D"],
      [0.1, "D"],
      [0.0999, "E"],
      [0, "E"],
    ];
    for (const [share, grade] of cases) expect(gradeFromShare(share), String(share)).toBe(grade);
  });
  it("the content's bands are the same", () => {
    expect(lke.bands).toEqual(RENAKSI_BANDS_2024);
    expect(gradeFromShare(0.8, lke.bands)).toBe("B");
  });
  it("a larger share never gets a worse grade", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(GRADES.indexOf(gradeFromShare(hi))).toBeLessThanOrEqual(GRADES.indexOf(gradeFromShare(lo)));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
  it("rejects shares outside [0, 1]", () => {
    expect(() => gradeFromShare(1.01)).toThrow(RangeError);
    expect(() => gradeFromShare(-0.1)).toThrow(RangeError);
    expect(() => gradeFromShare(Number.NaN)).toThrow(RangeError);
  });
});
