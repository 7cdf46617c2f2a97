import { describe, expect, it } from "vitest";
import { allocateStrata } from "~/domain/evaluation/allocation";
import { assessmentFrame, itemWeights } from "~/domain/evaluation/frame";
import { createRng, hashText, seed32 } from "~/domain/evaluation/prng";
import {
  DEFAULT_RISK_PARAMS,
  drawSample,
  frameHash,
  frameMeanWeight,
  inclusionProbabilities,
  riskWeight,
  type FrameUnit,
  type SampleStrategy,
} from "~/domain/evaluation/sampling";
import { getInstrument } from "~/services/instruments/catalog.server";

const zi = getInstrument("zi-2021")!.instrument;
const STRATEGIES: SampleStrategy[] = ["simple", "stratified", "risk"];

/** A ZI frame where every third item has no evidence and a full jump, and every fifth is carried over. */
function riskyFrame(assessmentId = "a1"): FrameUnit[] {
  let k = 0;
  return assessmentFrame(zi, assessmentId, () => {
    k++;
    return k % 3 === 0 ? { evidence: "none", jump: 1 } : k % 5 === 0 ? { carriedOver: true } : {};
  });
}

/** Deterministic shuffle (Fisher–Yates on a seeded stream). */
function shuffled<T>(list: readonly T[], seed: string): T[] {
  const r = createRng(seed);
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("seeded randomness", () => {
  it("is reproducible, uses 53-bit floats in [0, 1) and hashes string seeds", () => {
    const a = createRng("tpi-2026");
    const b = createRng("tpi-2026");
    const xs = Array.from({ length: 10000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 10000 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 1);
    expect(createRng("tpi-2027")()).not.toBe(createRng("tpi-2026")());
    expect(seed32(42)).toBe(42);
    expect(seed32("42")).not.toBe(42);
    expect(seed32(-1)).toBe(seed32("-1"));
    expect(hashText("abc")).toMatch(/^[0-9a-f]{16}$/);
    expect(hashText("abc")).not.toBe(hashText("abd"));
  });
});

describe("drawSample: reproducibility (acceptance 2)", () => {
  const frame = riskyFrame();

  it.each(STRATEGIES)("%s: same seed and frame → same sample, whatever the frame order", (strategy) => {
    const spec = { strategy, size: 20, seed: "2026-TPI-7" };
    const first = drawSample(frame, spec);
    expect(first.items).toHaveLength(20);
    for (const k of [1, 2, 3]) expect(drawSample(shuffled(frame, `shuffle-${k}`), spec)).toEqual(first);
    expect(drawSample([...frame].reverse(), spec)).toEqual(first);
  });

  it.each(STRATEGIES)("%s: a different seed gives a different sample", (strategy) => {
    const keys = (seed: string) => drawSample(frame, { strategy, size: 20, seed }).items.map((i) => i.key);
    expect(keys("seed-a")).not.toEqual(keys("seed-b"));
    expect(new Set(["s1", "s2", "s3", "s4", "s5"].map((s) => keys(s).join()))).toHaveProperty("size", 5);
  });

  it("stores seed, strategy, resolved params, frame size and an order-free frame hash", () => {
    const s = drawSample(frame, { strategy: "risk", size: 10, seed: 7, params: { jump: 4, evidence: { none: 5 } } });
    expect(s).toMatchObject({ seed: 7, strategy: "risk", requested: 10, frameSize: 113, frameHash: frameHash(frame) });
    expect(s.params).toEqual({ ...DEFAULT_RISK_PARAMS, jump: 4, evidence: { ...DEFAULT_RISK_PARAMS.evidence, none: 5 } });
    expect(frameHash(shuffled(frame, "x"))).toBe(s.frameHash);
    expect(frameMeanWeight(shuffled(frame, "y"))).toBe(s.meanWeight);
    expect(s.meanWeight).toBeCloseTo(1 / 113, 15);
    const changed = frame.map((u, i) => (i === 5 ? { ...u, risk: { ...u.risk, jump: 0.5 } } : u));
    expect(frameHash(changed)).not.toBe(s.frameHash);
    // A redraw from the stored spec reproduces the sample exactly.
    expect(drawSample(frame, { strategy: s.strategy, size: s.requested, seed: s.seed, params: s.params })).toEqual(s);
  });

  it("never repeats an item, caps n at the frame size and returns items in key order", () => {
    for (const strategy of STRATEGIES) {
      const s = drawSample(frame, { strategy, size: 60, seed: `dup-${strategy}` });
      expect(new Set(s.items.map((i) => i.key)).size).toBe(60);
      expect(s.items.map((i) => i.key)).toEqual(s.items.map((i) => i.key).sort());
      const all = drawSample(frame, { strategy, size: 500, seed: "all" });
      expect(all.items).toHaveLength(113);
      expect(all.items.every((i) => i.inclusionWeight === 1)).toBe(true);
    }
    expect(drawSample([], { strategy: "risk", size: 5, seed: 1 }).items).toEqual([]);
    expect(drawSample(frame, { strategy: "simple", size: 0, seed: 1 }).items).toEqual([]);
  });

  it("rejects duplicate keys, bad weights, bad sizes and bad parameters", () => {
    expect(() => drawSample([...frame, frame[0]!], { strategy: "simple", size: 3, seed: 1 })).toThrow(/duplicate frame key/);
    expect(() => drawSample([{ ...frame[0]!, weight: -1 }], { strategy: "simple", size: 1, seed: 1 })).toThrow(/weight/);
    expect(() => drawSample(frame, { strategy: "simple", size: 2.5, seed: 1 })).toThrow(/size/);
    expect(() => drawSample(frame, { strategy: "risk", size: 2, seed: 1, params: { carriedOver: 0 } })).toThrow(/risk parameters/);
  });
});

describe("risk-based sampling prefers risky items (acceptance 2)", () => {
  // Every other Pemenuhan item (content order) has no evidence and a full jump; the rest are clean.
  // Alternating within each sub-area gives both groups the same mix of item weights.
  let k = 0;
  const frame = assessmentFrame(zi, "a1", (id) => (id.startsWith("A.I.") && k++ % 2 === 0 ? { evidence: "none", jump: 1 } : {}));
  const risky = frame.filter((u) => u.risk.evidence === "none").map((u) => u.key);
  const clean = frame.filter((u) => u.itemId.startsWith("A.I.") && u.risk.evidence === "ok").map((u) => u.key);
  const DRAWS = 3000;
  const hits = new Map<string, number>();
  for (let d = 0; d < DRAWS; d++) {
    for (const i of drawSample(frame, { strategy: "risk", size: 10, seed: `risk-draw-${d}` }).items)
      hits.set(i.key, (hits.get(i.key) ?? 0) + 1);
  }
  const rate = (keys: string[]) => keys.reduce((s, k) => s + (hits.get(k) ?? 0), 0) / keys.length / DRAWS;

  it("items with no evidence and a full jump are drawn far more often than clean items", () => {
    expect(risky).toHaveLength(44);
    expect(clean).toHaveLength(43);
    // Draw weight ratio is 3 (evidence) × 3 (jump) = 9; inclusion saturates a little below that.
    const ratio = rate(risky) / rate(clean);
    expect(ratio).toBeGreaterThan(6);
    expect(ratio).toBeLessThan(9.5);
  });

  it("observed inclusion rates match Rosén's approximation of π within a few points", () => {
    const sample = drawSample(frame, { strategy: "risk", size: 10, seed: "pi" });
    const meanWeight = sample.meanWeight;
    const pi = inclusionProbabilities(
      frame.map((u) => riskWeight(u, DEFAULT_RISK_PARAMS, meanWeight).weight),
      10,
    );
    expect(pi.reduce((s, p) => s + p, 0)).toBeCloseTo(10, 9);
    let worst = 0;
    frame.forEach((u, i) => {
      worst = Math.max(worst, Math.abs((hits.get(u.key) ?? 0) / DRAWS - pi[i]!));
    });
    // Monte Carlo s.e. ≤ √(0.25/3000) ≈ 0.009 per item; the approximation error is smaller still.
    expect(worst).toBeLessThan(0.03);
  });

  it("explains the weight of an item factor by factor", () => {
    const unit = { weight: 0.02, risk: { jump: 0.5, evidence: "duplicated" as const, carriedOver: true, unitBias: 0.05 } };
    const e = riskWeight(unit, DEFAULT_RISK_PARAMS, 0.01);
    expect(e.factors.map((f) => [f.id, f.input, f.factor])).toEqual([
      ["weight", 2, 2],
      ["jump", 0.5, 2],
      ["evidence", "duplicated", 2],
      ["carriedOver", true, 1.5],
      ["unitBias", 0.05, 1.5],
    ]);
    expect(e.weight).toBeCloseTo(2 * 2 * 2 * 1.5 * 1.5, 12);
    // Out-of-range inputs are clamped: jump to [0, 1], a negative bias to 0.
    const odd = riskWeight(
      { weight: 0.01, risk: { jump: 7, evidence: "ok", carriedOver: false, unitBias: -0.3 } },
      DEFAULT_RISK_PARAMS,
      0.01,
    );
    expect(odd.factors.map((f) => f.factor)).toEqual([1.5, 3, 1, 1, 1]);
  });

  it("units whose past self-scores ran above the evaluator's are sampled more across a period", () => {
    const frame2 = [...assessmentFrame(zi, "biased", () => ({ unitBias: 0.1 })), ...assessmentFrame(zi, "honest", () => ({ unitBias: 0 }))];
    let biased = 0;
    let honest = 0;
    for (let d = 0; d < 300; d++) {
      for (const i of drawSample(frame2, { strategy: "risk", size: 20, seed: d }).items) {
        if (i.assessmentId === "biased") biased++;
        else honest++;
      }
    }
    expect(biased / honest).toBeGreaterThan(1.6); // draw weight ratio 2
  });
});

describe("stratified sampling", () => {
  const frame = riskyFrame();
  const areas = new Set(frame.map((u) => u.area));

  it("gives every area at least one item when n ≥ areas, proportional otherwise", () => {
    expect(areas.size).toBe(15);
    for (const n of [15, 16, 25, 40, 112]) {
      for (const seed of ["a", "b", "c"]) {
        const s = drawSample(frame, { strategy: "stratified", size: n, seed });
        expect(s.items).toHaveLength(n);
        expect(new Set(s.items.map((i) => i.area))).toEqual(areas);
        for (const st of s.strata ?? []) {
          expect(s.items.filter((i) => i.area === st.id)).toHaveLength(st.sample);
          expect(st.sample).toBeLessThanOrEqual(st.size);
          for (const i of s.items.filter((x) => x.area === st.id)) expect(i.inclusionWeight).toBeCloseTo(st.sample / st.size, 12);
        }
      }
    }
  });

  it("allocates by largest remainder with a minimum of one, and shares slots fairly when n < areas", () => {
    const rng = createRng(1);
    const alloc = (n: number) =>
      allocateStrata(
        [
          { id: "big", size: 60 },
          { id: "mid", size: 30 },
          { id: "small", size: 9 },
          { id: "one", size: 1 },
        ],
        n,
        rng,
      );
    // ids sorted: big, mid, one, small; quotas 6, 3, 0.1, 0.9 → minimum 1 for the small ones, the extra slot comes off the largest
    expect(alloc(10).map((a) => a.sample)).toEqual([5, 3, 1, 1]);
    expect(alloc(4).map((a) => a.sample)).toEqual([1, 1, 1, 1]);
    expect(alloc(100).map((a) => a.sample)).toEqual([60, 30, 1, 9]);
    const two = alloc(2);
    expect(two.map((a) => a.sample)).toEqual([1, 1, 0, 0]);
    expect(two.map((a) => a.inclusion)).toEqual([1 / 60, 1 / 30, 0, 0]);
    // Ties at the cut-off share the slots: each of three equal strata has a 2/3 chance.
    const tied = allocateStrata(
      [
        { id: "x", size: 5 },
        { id: "y", size: 5 },
        { id: "z", size: 5 },
      ],
      2,
      createRng(3),
    );
    expect(tied.reduce((s, a) => s + a.sample, 0)).toBe(2);
    for (const a of tied) expect(a.inclusion).toBeCloseTo(2 / 3 / 5, 12);
  });

  it("with fewer items than areas, takes one item from each of the largest areas", () => {
    const s = drawSample(frame, { strategy: "stratified", size: 6, seed: "few" });
    expect(new Set(s.items.map((i) => i.area)).size).toBe(6);
    const sizes = itemWeights(zi);
    expect(sizes.size).toBe(113);
    expect(s.strata!.reduce((sum, st) => sum + st.inclusion * st.size, 0)).toBeCloseTo(6, 12);
  });
});
