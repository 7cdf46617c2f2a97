/**
 * Output and indicator achievement (rb-2024.md §2.2, §2.6): the two modes, empty quarters, the
 * ≥ 300 % flag, the quarter filter, and monotonicity in the realisation (fast-check, fixed seed).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { asOfQuarter, indicatorAchievement, outputAchievement, type AchievementMode } from "~/domain/renaksi";
import type { OutputQuarters, Quarterly } from "~/domain/renaksi/types";
import { SEED } from "../scoring/arbitraries";
import { WORKED, out, q } from "./fixtures";

const value = fc.oneof(fc.constant(null), fc.constant(0), fc.double({ min: 0, max: 1000, noNaN: true }));
const quarterly = fc.tuple(value, value, value, value) as fc.Arbitrary<Quarterly>;
const outputArb = fc.record({ targetTw: quarterly, realisasiTw: quarterly }) as fc.Arbitrary<OutputQuarters>;
const MODES: AchievementMode[] = ["portal", "strict"];

/** The output with quarter i's realisation raised by `by` (an empty quarter becomes `by`). */
function raise(o: OutputQuarters, i: number, by: number): OutputQuarters {
  const r = [...o.realisasiTw] as [number | null, number | null, number | null, number | null];
  r[i] = (r[i] ?? 0) + by;
  return { ...o, realisasiTw: r };
}

describe("empty and zero quarters", () => {
  it("nothing reported: portal null (empty), strict 0 against the target, null without target", () => {
    const o = out(q(1, 1, 1, 1), q(null, null, null, null));
    expect(outputAchievement(o).total).toBeNull();
    expect(outputAchievement(o, "strict").total).toBe(0);
    expect(outputAchievement(out(q(null, 0, null, 0), q(null, null, null, null)), "strict").total).toBeNull();
  });
  it("reported but every quarter 0: portal 0 (the portal's 0/0 treated as 0)", () => {
    const a = outputAchievement(out(q(1, 1, 1, 1), q(0, 0, 0, 0)));
    expect(a.total).toBe(0);
    expect(a.trace).toBe("no quarter above 0 → 0");
    expect(a.reported).toBe(true);
  });
  it("a quarter without target shows 0 even when realised (as the portal does) and is not averaged", () => {
    const a = outputAchievement(out(q(0, 2, null, 2), q(5, 1, 7, 2)));
    expect(a.perQuarter).toEqual([0, 50, 0, 100]);
    expect(a.total).toBe(75);
    expect(outputAchievement(out(q(0, 2, null, 2), q(5, 1, 7, 2)), "strict").total).toBe(375);
  });
  it("unreported quarters are null per quarter and not counted in portal mode", () => {
    const a = outputAchievement(out(q(1, 1, 1, 1), q(1, 2, null, null)));
    expect(a.perQuarter).toEqual([100, 200, null, null]);
    expect(a.total).toBe(150);
    expect(outputAchievement(out(q(1, 1, 1, 1), q(1, 2, null, null)), "strict").total).toBe(75);
  });
  it("per-output values are never capped; ≥ 300 % is flagged", () => {
    expect(outputAchievement(out(q(1, 0, 0, 0), q(2.99, 0, 0, 0))).over300).toBe(false);
    const a = outputAchievement(out(q(1, 0, 0, 0), q(3, 0, 0, 0)));
    expect([a.total, a.over300]).toEqual([300, true]);
    // A quarter far above its target flags the output even when the strict total stays low.
    expect(outputAchievement(out(q(1, 10, 0, 0), q(4, 0, 0, 0)), "strict")).toMatchObject({ total: 36.36363636363637, over300: true });
  });
  it("rejects negative or non-finite values and a wrong number of quarters", () => {
    expect(() => outputAchievement(out(q(1, 1, 1, 1), q(-1, 0, 0, 0)))).toThrow(RangeError);
    expect(() => outputAchievement(out(q(Number.NaN, 1, 1, 1), q(0, 0, 0, 0)))).toThrow(RangeError);
    expect(() => outputAchievement({ targetTw: [1, 1, 1] as unknown as Quarterly, realisasiTw: q(0, 0, 0, 0) })).toThrow(RangeError);
  });
});

describe("monotone in the realisation", () => {
  it("each quarter's capaian never falls when its realisation rises (both modes)", () => {
    fc.assert(
      fc.property(outputArb, fc.integer({ min: 0, max: 3 }), fc.double({ min: 0, max: 100, noNaN: true }), (o, i, by) => {
        for (const mode of MODES) {
          const before = outputAchievement(o, mode).perQuarter[i] ?? 0;
          const after = outputAchievement(raise(o, i, by), mode).perQuarter[i] ?? 0;
          expect(after).toBeGreaterThanOrEqual(before);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("strict total never falls when a realisation rises", () => {
    fc.assert(
      fc.property(outputArb, fc.integer({ min: 0, max: 3 }), fc.double({ min: 0, max: 100, noNaN: true }), (o, i, by) => {
        const before = outputAchievement(o, "strict").total;
        const after = outputAchievement(raise(o, i, by), "strict").total;
        if (before === null) expect(after).toBeNull();
        else expect(after!).toBeGreaterThanOrEqual(before - 1e-9);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("portal total never falls when an already counted quarter (capaian > 0) rises", () => {
    fc.assert(
      fc.property(outputArb, fc.integer({ min: 0, max: 3 }), fc.double({ min: 0, max: 100, noNaN: true }), (o, i, by) => {
        const a = outputAchievement(o);
        fc.pre((a.perQuarter[i] ?? 0) > 0);
        expect(outputAchievement(raise(o, i, by)).total!).toBeGreaterThanOrEqual(a.total! - 1e-9);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("portal total is NOT monotone when a missed quarter starts to count (documented portal behaviour, §2.6)", () => {
    // O1 of the worked example: TW3 missed → 100; delivering a tenth of TW3 lowers the mean to 77.5.
    expect(outputAchievement(WORKED.O1).total).toBe(100);
    expect(outputAchievement(raise(WORKED.O1, 2, 0.1)).total).toBeCloseTo(77.5, 12);
    // Strict rises as expected: 75 → 77.5.
    expect(outputAchievement(WORKED.O1, "strict").total).toBe(75);
    expect(outputAchievement(raise(WORKED.O1, 2, 0.1), "strict").total).toBeCloseTo(77.5, 12);
  });
});

describe("asOfQuarter: monitoring part-way through the year", () => {
  const o = { ...out(q(1, 1, 1, 1), q(1, 0.5, 1, 1)), indikator: "x" };
  it("cuts realisations and targets after the quarter and keeps the other fields", () => {
    const h = asOfQuarter(o, 2);
    expect(h).toEqual({ targetTw: [1, 1, null, null], realisasiTw: [1, 0.5, null, null], indikator: "x" });
    expect(outputAchievement(h).total).toBe(75);
    expect(outputAchievement(h, "strict").total).toBe(75); // 1.5 of the 2 due so far, not of 4
    expect(asOfQuarter(o, 4)).toEqual(o);
  });
  it("an output due only later has no target yet", () => {
    expect(outputAchievement(asOfQuarter(WORKED.O4, 2)).hasTarget).toBe(false);
  });
  it("portal mode: later quarters that are simply unreported give the same total as the cut", () => {
    fc.assert(
      fc.property(outputArb, fc.constantFrom(1, 2, 3, 4) as fc.Arbitrary<1 | 2 | 3 | 4>, (x, k) => {
        const unreported = { ...x, realisasiTw: x.realisasiTw.map((v, i) => (i < k ? v : null)) as unknown as Quarterly };
        const cut = asOfQuarter(x, k);
        expect(outputAchievement(cut).total).toEqual(outputAchievement(unreported).total);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
  it("rejects a quarter outside 1..4", () => {
    expect(() => asOfQuarter(o, 5 as 4)).toThrow(RangeError);
  });
});

describe("indicatorAchievement (§2.2)", () => {
  it("realisasi / target × 100, unrounded and uncapped", () => {
    expect(indicatorAchievement(80, 60)).toBe(75);
    expect(indicatorAchievement(3, 4)).toBeCloseTo(133.333333, 5);
  });
  it("null on a 0 or empty target or an empty realisation", () => {
    expect(indicatorAchievement(0, 5)).toBeNull();
    expect(indicatorAchievement(null, 5)).toBeNull();
    expect(indicatorAchievement(5, null)).toBeNull();
  });
});
