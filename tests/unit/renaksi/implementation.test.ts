/**
 * The implementation score (rb-2024.md §2.6 admin batch): capped at 100 while the per-output values
 * are not, integer rounding half away from zero in portal mode only, null when not computable.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { implementationScore, outputAchievement, roundHalfAwayFromZero, type AchievementMode } from "~/domain/renaksi";
import type { OutputQuarters, Quarterly } from "~/domain/renaksi/types";
import { SEED } from "../scoring/arbitraries";
import { out, q } from "./fixtures";

const value = fc.oneof(fc.constant(null), fc.constant(0), fc.double({ min: 0, max: 500, noNaN: true }));
const quarterly = fc.tuple(value, value, value, value) as fc.Arbitrary<Quarterly>;
const outputArb = fc.record({ targetTw: quarterly, realisasiTw: quarterly }) as fc.Arbitrary<OutputQuarters>;

describe("cap and rounding", () => {
  it("one over-achieving output offsets a missed one; the score is capped at 100, the outputs are not", () => {
    const s = implementationScore([out(q(1, 0, 0, 0), q(5, 0, 0, 0)), out(q(1, 0, 0, 0), q(0, 0, 0, 0))]);
    expect(s.outputs.map((o) => o.total)).toEqual([500, 0]);
    expect(s.trace).toMatchObject({ mean: 250, rounded: 250, capped: true });
    expect(s.score).toBe(100);
    expect(s.outputs[0]!.over300).toBe(true);
  });
  it("portal rounds .5 up (away from zero), strict keeps the decimals", () => {
    const outputs = [out(q(8, 0, 0, 0), q(1, 0, 0, 0)), out(q(8, 0, 0, 0), q(2, 0, 0, 0))]; // 12.5 and 25
    expect(implementationScore(outputs).trace.mean).toBe(18.75);
    expect(implementationScore(outputs).score).toBe(19);
    expect(implementationScore([out(q(8, 0, 0, 0), q(1, 0, 0, 0))]).score).toBe(13); // 12.5 → 13
    expect(implementationScore(outputs, "strict").score).toBe(18.75);
  });
  it("a total that overflows to Infinity (a subnormal target) is capped, not an error", () => {
    const s = implementationScore([out(q(5e-324, 0, 0, 0), q(1, 0, 0, 0))]);
    expect(s.outputs[0]!.total).toBe(Infinity);
    expect(s.score).toBe(100);
  });
  it("outputs without any quarterly target add nothing and stay out of the denominator", () => {
    const s = implementationScore([out(q(1, 1, 0, 0), q(1, 1, 0, 0)), out(q(0, 0, null, 0), q(3, 3, 3, 3))]);
    expect(s.trace).toMatchObject({ numerator: 100, denominator: 1 });
    expect(s.score).toBe(100);
    expect(s.trace.outputs.map((o) => o.inDenominator)).toEqual([true, false]);
  });
});

describe("not computable → null with a reason (the UI shows 'belum dapat dihitung', the row stays unanswered)", () => {
  it("no outputs", () => {
    expect(implementationScore([])).toMatchObject({ score: null, reason: "no_outputs_with_target" });
  });
  it("no output with a target", () => {
    expect(implementationScore([out(q(0, 0, 0, 0), q(1, 1, 1, 1))], "strict")).toMatchObject({
      score: null,
      reason: "no_outputs_with_target",
    });
  });
  it("nothing achieved yet", () => {
    const s = implementationScore([out(q(1, 1, 1, 1), q(null, null, null, null)), out(q(1, 1, 1, 1), q(0, 0, 0, 0))]);
    expect(s).toMatchObject({ score: null, reason: "no_achievement" });
    expect(s.trace).toMatchObject({ numerator: 0, denominator: 2, mean: null });
    expect(s.traceText).toBe("(0 + 0) = 0 → not computed");
  });
});

describe("properties", () => {
  it("score = min(100, round(Σ totals / #with target)) in portal mode, unrounded in strict; always within [0, 100]", () => {
    fc.assert(
      fc.property(fc.array(outputArb, { maxLength: 8 }), fc.constantFrom<AchievementMode>("portal", "strict"), (outputs, mode) => {
        const s = implementationScore(outputs, mode);
        const totals = outputs.map((o) => outputAchievement(o, mode).total ?? 0);
        const numerator = totals.reduce((a, b) => a + b, 0);
        const denominator = outputs.filter((o) => o.targetTw.some((t) => t !== null && t > 0)).length;
        if (numerator === 0 || denominator === 0) {
          expect(s.score).toBeNull();
          return;
        }
        const mean = numerator / denominator;
        expect(s.score).toBe(mode === "portal" ? roundHalfAwayFromZero(Math.min(100, mean)) : Math.min(100, mean));
        expect(s.score!).toBeGreaterThanOrEqual(0);
        expect(s.score!).toBeLessThanOrEqual(100);
        if (mode === "portal") expect(Number.isInteger(s.score)).toBe(true);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("an output with nothing reported lowers the score as much as one reported at 0 (both count in the denominator)", () => {
    fc.assert(
      fc.property(fc.array(outputArb, { minLength: 1, maxLength: 6 }), (outputs) => {
        const target = q(1, 1, 1, 1);
        const a = implementationScore([...outputs, out(target, q(null, null, null, null))]);
        const b = implementationScore([...outputs, out(target, q(0, 0, 0, 0))]);
        expect(a.score).toBe(b.score);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

describe("roundHalfAwayFromZero (PHP round)", () => {
  it("halves away from zero, binary noise does not decide", () => {
    expect(roundHalfAwayFromZero(62.5)).toBe(63);
    expect(roundHalfAwayFromZero(-62.5)).toBe(-63);
    expect(roundHalfAwayFromZero(1.005, 2)).toBe(1.01);
    expect(roundHalfAwayFromZero(0.125, 2)).toBe(0.13);
    expect(roundHalfAwayFromZero(2.75 / 3, 2)).toBe(0.92);
    expect(roundHalfAwayFromZero(0.1 + 0.2, 2)).toBe(0.3);
    expect(() => roundHalfAwayFromZero(Number.NaN)).toThrow(RangeError);
  });
});
