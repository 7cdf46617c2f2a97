import { describe, expect, it } from "vitest";
import { estimateIndex, quantile, ratioEstimate, zeroEventUpperBound, type ReviewedItem } from "~/domain/evaluation/estimate";
import { itemWeights } from "~/domain/evaluation/frame";
import { drawSample } from "~/domain/evaluation/sampling";
import { assessmentFrame } from "~/domain/evaluation/frame";
import { scoreAssessment } from "~/domain/scoring";
import { getInstrument } from "~/services/instruments/catalog.server";
import { reviewedItems, syntheticReview } from "./synthetic";

const zi = getInstrument("zi-2021")!.instrument;
const weights = itemWeights(zi);

const item = (itemId: string, weight: number, self: number, evaluator: number, pi = 0.25, stratum?: string): ReviewedItem => ({
  itemId,
  weight,
  self,
  evaluator,
  inclusionProbability: pi,
  ...(stratum ? { stratum } : {}),
});

describe("item weights", () => {
  it("w_i = group weight / items in group; the self total is Σ w_i·v_i exactly (README §4)", () => {
    expect(weights.get("A.I.1.i.a")).toMatchObject({ area: "A.I.1", group: "A.I.1.i", points: 0.25, share: 0.0025 });
    expect(weights.get("B.I.1.a")).toMatchObject({ area: "B.I.1", points: 17.5 });
    expect([...weights.values()].reduce((s, w) => s + w.share, 0)).toBeCloseTo(1, 12);
    const { self } = syntheticReview(zi, "weights");
    const r = scoreAssessment(zi, self);
    const linear = [...weights.values()].reduce((s, w) => s + w.points * r.nodes[w.itemId]!.value, 0);
    expect(linear).toBeCloseTo(r.total, 10);
  });
});

describe("ratio estimator", () => {
  it("T̂ = T_s · Σw·v_e / Σw·v_s for equal π", () => {
    const units = [
      { w: 1, x: 1, y: 0.5, pi: 0.5, stratum: "" },
      { w: 2, x: 2, y: 2, pi: 0.5, stratum: "" },
      { w: 1, x: 0.5, y: 0, pi: 0.5, stratum: "" },
    ];
    expect(ratioEstimate(units, 80, 6)).toEqual({ value: (80 * 2.5) / 3.5, estimator: "ratio" });
  });

  it("counts items taken with certainty exactly and scales only the rest", () => {
    const units = [
      { w: 17.5, x: 17.5, y: 14, pi: 1, stratum: "B" },
      { w: 1, x: 1, y: 0.5, pi: 0.1, stratum: "A" },
      { w: 1, x: 1, y: 1, pi: 0.1, stratum: "A" },
    ];
    // 14 + (80 − 17.5) × 1.5/2
    expect(ratioEstimate(units, 80, 20).value).toBeCloseTo(14 + 62.5 * 0.75, 12);
  });

  it("falls back to the difference estimator when every sampled self value is 0", () => {
    const units = [
      { w: 1, x: 0, y: 0.5, pi: 0.2, stratum: "" },
      { w: 1, x: 0, y: 0, pi: 0.2, stratum: "" },
    ];
    // T_s + N · mean(d) = 40 + 10 × 0.25
    expect(ratioEstimate(units, 40, 10)).toEqual({ value: 42.5, estimator: "difference" });
  });

  it("weights unequal-probability items by 1/π (Hájek)", () => {
    const units = [
      { w: 1, x: 1, y: 0, pi: 0.8, stratum: "" }, // a risky item, likely drawn: counts for less
      { w: 1, x: 1, y: 1, pi: 0.2, stratum: "" },
    ];
    expect(ratioEstimate(units, 50, 4).value).toBeCloseTo((50 * 5) / (1.25 + 5), 12);
  });
});

describe("estimateIndex", () => {
  const sample = [
    item("a", 1, 1, 0.5),
    item("b", 1, 1, 1),
    item("c", 0.5, 1, 0.5),
    item("d", 2, 0.5, 0.5),
    item("e", 1, 0.75, 0.25),
    item("f", 1, 1, 1),
    item("g", 0.5, 0.67, 0.67),
    item("h", 1, 1, 0.5),
  ];
  const input = { selfTotal: 85, max: 100, populationSize: 32, design: "simple" as const, items: sample, seed: "est-1" };

  it("returns a point inside a reproducible interval, with the method in both languages", () => {
    const e = estimateIndex(input);
    expect(e).toEqual(estimateIndex(input));
    expect(e.point).toBeCloseTo(
      ratioEstimate(
        sample.map((s) => ({ w: s.weight, x: s.weight * s.self, y: s.weight * s.evaluator, pi: 0.25, stratum: "" })),
        85,
        32,
      ).value,
      12,
    );
    expect(e.lower).toBeLessThan(e.point);
    expect(e.upper).toBeGreaterThan(e.point);
    expect(e.upper).toBeLessThanOrEqual(85 + 1e-9); // no item was raised
    expect(e).toMatchObject({ level: 0.9, n: 8, adjusted: 4, estimator: "ratio", interval: "bootstrap", resamples: 2000, selfTotal: 85 });
    expect(e.method).toMatch(
      /Estimasi rasio.*8 butir dari sampel acak sederhana.*4 butir diubah.*Interval 90 %: bootstrap persentil Rao–Wu \(2\.000/,
    );
    expect(e.methodEn).toMatch(
      /Ratio estimate.*8 items of a simple random sample.*changed 4.*90 % interval: Rao–Wu percentile bootstrap \(2000/,
    );
    expect(e.method).toMatch(/simulasi/);
    expect(estimateIndex({ ...input, seed: "est-2" }).lower).not.toBe(e.lower);
    const wide = estimateIndex({ ...input, level: 0.99 });
    expect(wide.lower).toBeLessThanOrEqual(e.lower);
    expect(wide.upper).toBeGreaterThanOrEqual(e.upper);
  });

  it("a census (every item, π = 1) gives the exact evaluator total with no interval width", () => {
    const all = sample.map((s) => ({ ...s, inclusionProbability: 1 }));
    const selfTotal = all.reduce((s, i) => s + i.weight * i.self, 0);
    const exact = all.reduce((s, i) => s + i.weight * i.evaluator, 0);
    const e = estimateIndex({ ...input, items: all, selfTotal, populationSize: all.length });
    expect(e.point).toBeCloseTo(exact, 12);
    expect(e.lower).toBeCloseTo(exact, 12);
    expect(e.upper).toBeCloseTo(exact, 12);
    expect(e.interval).toBe("census");
    expect(e.method).toMatch(/bukan estimasi/);
  });

  it("a single item not taken with certainty cannot show variability: the rest of the scale stays open", () => {
    const e = estimateIndex({ ...input, items: [item("hasil", 17.5, 1, 0.9, 1), item("a", 1, 1, 0.5)] });
    expect(e.interval).toBe("too_few");
    expect(e.lower).toBeCloseTo(17.5 * 0.9, 12);
    expect(e.upper).toBeCloseTo(17.5 * 0.9 + 82.5, 12);
    expect(e.methodEn).toMatch(/Too few sampled items/);
  });

  it("no changed item: point = self score, interval from the Clopper–Pearson bound, and the page says so", () => {
    const agreed = sample.map((s) => ({ ...s, evaluator: s.self }));
    const e = estimateIndex({ ...input, items: agreed });
    const pu = zeroEventUpperBound(8, 0.05);
    expect(pu).toBeCloseTo(1 - 0.05 ** (1 / 8), 12);
    expect(e.point).toBe(85);
    expect(e.interval).toBe("zero_change");
    expect(e.lower).toBeCloseTo(85 * (1 - pu), 12);
    expect(e.upper).toBeCloseTo(85 + pu * 15, 12);
    expect(e.method).toMatch(/Clopper–Pearson.*31,2 %/);
    expect(e.methodEn).toMatch(/Clopper–Pearson.*31\.2 %/);
  });

  it("an empty sample says nothing: the self score with the whole scale as interval", () => {
    const e = estimateIndex({ ...input, items: [] });
    expect(e).toMatchObject({ point: 85, lower: 0, upper: 100, n: 0, interval: "too_few" });
  });

  it("clamps to [0, max] and rejects bad input", () => {
    const up = estimateIndex({ ...input, selfTotal: 99, items: [item("a", 1, 0.2, 1), item("b", 1, 0.5, 1)] });
    expect(up.point).toBe(100);
    expect(up.upper).toBe(100);
    expect(() => estimateIndex({ ...input, level: 1 })).toThrow(/level/);
    expect(() => estimateIndex({ ...input, resamples: 0 })).toThrow(/resamples/);
    expect(() => estimateIndex({ ...input, items: [item("a", 1, 1, 1, 0)] })).toThrow(/inclusion probability/);
  });

  it("type-7 quantiles", () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0)).toBe(1);
    expect(quantile([1, 2, 3, 4], 1)).toBe(4);
    expect(quantile([10], 0.05)).toBe(10);
  });

  it("works end to end from a drawn sample and the engine's item values", () => {
    const { self, evaluator } = syntheticReview(zi, "e2e");
    const S = scoreAssessment(zi, self);
    const E = scoreAssessment(zi, evaluator);
    const s = drawSample(assessmentFrame(zi, "x"), { strategy: "stratified", size: 25, seed: "e2e" });
    const items = reviewedItems(s, weights, S, E);
    const e = estimateIndex({ selfTotal: S.total, max: 100, populationSize: 113, design: "stratified", items, seed: "e2e" });
    expect(e.n).toBe(25);
    expect(e.lower).toBeLessThanOrEqual(e.point);
    expect(e.point).toBeLessThanOrEqual(e.upper);
    expect(e.method).toMatch(/berstrata per area/);
  });
});
