import { allocateStrata, type StratumAllocation } from "./allocation";
import { createRng, hashText } from "./prng";

/*
 * Spot-check sampling (issue #5): an evaluator draws items of one assessment, or of many units of a
 * period, to open their evidence and score them. A sample is a pure function of (frame, strategy,
 * size, seed, params): the frame is sorted by key before any random number is used, so the input
 * order never matters, and the stored seed, params and frame hash reproduce the draw exactly.
 */

/** What the evidence of an item looks like to the sampler. */
export type EvidenceState = "none" | "weak" | "duplicated" | "ok";

/**
 * Why an item might deserve a look (all facts the caller derives from the database):
 * - `jump`: |this period's item value − last period's value| ∈ [0, 1]; 0 when there is no earlier value.
 * - `evidence`: "none" no file, "weak" files but fewer than the item expects (or unreadable types),
 *   "duplicated" the same file (by content hash) also backs other items, "ok" otherwise.
 * - `carriedOver`: the answer was copied from last period and not changed.
 * - `unitBias`: the unit's past mean (self total − evaluator total) as a share of the maximum,
 *   e.g. 0.05 for a unit that ran 5 points of 100 above its evaluators; 0 if unknown or negative.
 */
export interface RiskFactors {
  jump: number;
  evidence: EvidenceState;
  carriedOver: boolean;
  unitBias: number;
}

/** One unit of the sampling frame: an item of an assessment. */
export interface FrameUnit {
  /** `${assessmentId}:${itemId}`: unique within the frame; it fixes the order of the random draws. */
  key: string;
  assessmentId: string;
  itemId: string;
  /** Stratum for `stratified` (normally the area id of the outline). */
  area: string;
  /** The item's share of the instrument total: group weight / items in group / total weight. */
  weight: number;
  risk: RiskFactors;
}

export type SampleStrategy = "simple" | "stratified" | "risk";

/**
 * Parameters of the risk weight (see `riskWeight`). Defaults are judgement calls, documented so the
 * evaluator can see them: missing evidence triples the chance, a full jump triples it, a unit that
 * ran 10 points above its evaluators doubles it, an item twice the mean weight doubles it.
 */
export interface RiskParams {
  /** a in (1 + a·relativeWeight), relativeWeight = weight / mean weight of the frame. */
  weight: number;
  /** b in (1 + b·jump). */
  jump: number;
  /** Factor per evidence state. */
  evidence: Record<EvidenceState, number>;
  /** Factor for a carried-over answer. */
  carriedOver: number;
  /** c in (1 + c·unitBias). */
  unitBias: number;
}

export const DEFAULT_RISK_PARAMS: Readonly<RiskParams> = Object.freeze({
  weight: 0.5,
  jump: 2,
  evidence: Object.freeze({ none: 3, weak: 2, duplicated: 2, ok: 1 }),
  carriedOver: 1.5,
  unitBias: 10,
});

export interface SampleSpec {
  strategy: SampleStrategy;
  /** Requested number of items; capped at the frame size. */
  size: number;
  seed: string | number;
  /** Risk parameters (strategy `risk`); missing fields take DEFAULT_RISK_PARAMS. */
  params?: Partial<Omit<RiskParams, "evidence">> & { evidence?: Partial<Record<EvidenceState, number>> };
}

export interface SampledItem {
  key: string;
  assessmentId: string;
  itemId: string;
  area: string;
  /** Relative selection weight: the risk weight for `risk`, 1 otherwise. */
  drawWeight: number;
  /**
   * π_i, the probability that this item is in a sample drawn with this spec from this frame (the
   * estimators weight by 1/π_i): n/N for simple, n_h/N_h for stratified, Rosén's successive-sampling
   * approximation for risk (see `inclusionProbabilities`).
   */
  inclusionWeight: number;
}

export interface Sample {
  seed: string | number;
  strategy: SampleStrategy;
  /** The resolved risk parameters (stored so a later change of defaults cannot alter a redraw). */
  params: RiskParams;
  requested: number;
  frameSize: number;
  /** Fingerprint of the sorted frame (keys, strata, weights and risk factors): a redraw must match it. */
  frameHash: string;
  /** Mean item weight of the frame, the reference of the relative weight in `riskWeight`. */
  meanWeight: number;
  /** Per-stratum frame and sample sizes (strategy `stratified`). */
  strata?: StratumAllocation[];
  /** The sampled items, ordered by key. */
  items: SampledItem[];
}

export interface RiskFactorShare {
  id: "weight" | "jump" | "evidence" | "carriedOver" | "unitBias";
  /** The input as the UI shows it (relative weight, jump, evidence state, carried flag, bias). */
  input: number | string | boolean;
  factor: number;
}

export interface RiskExplanation {
  /** The product of the factors: the item's relative chance of being drawn. */
  weight: number;
  factors: RiskFactorShare[];
}

/** Merges partial params over the defaults and rejects factors that are not positive and finite. */
export function resolveRiskParams(params: SampleSpec["params"] = {}): RiskParams {
  const out: RiskParams = {
    weight: params.weight ?? DEFAULT_RISK_PARAMS.weight,
    jump: params.jump ?? DEFAULT_RISK_PARAMS.jump,
    evidence: { ...DEFAULT_RISK_PARAMS.evidence, ...params.evidence },
    carriedOver: params.carriedOver ?? DEFAULT_RISK_PARAMS.carriedOver,
    unitBias: params.unitBias ?? DEFAULT_RISK_PARAMS.unitBias,
  };
  const slopes = [out.weight, out.jump, out.unitBias];
  const factors = [out.carriedOver, ...Object.values(out.evidence)];
  if (slopes.some((x) => !Number.isFinite(x) || x < 0) || factors.some((x) => !Number.isFinite(x) || x <= 0)) {
    throw new RangeError("risk parameters must be finite; slopes ≥ 0 and factors > 0");
  }
  return out;
}

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

/**
 * Risk weight of a unit: (1 + a·w/w̄) × (1 + b·jump) × E(evidence) × (carried ? k : 1) × (1 + c·bias),
 * with w̄ the frame's mean item weight. The risk factors are exactly 1 for a clean item and grow
 * with each risk, so the product divided by (1 + a) reads as "how many times as likely as a clean
 * item of average weight" (for a draw of one; larger draws saturate towards certainty).
 */
export function riskWeight(unit: Pick<FrameUnit, "weight" | "risk">, params: RiskParams, meanWeight: number): RiskExplanation {
  const rel = meanWeight > 0 ? Math.max(0, unit.weight) / meanWeight : 0;
  const jump = clamp01(unit.risk.jump);
  const bias = Number.isFinite(unit.risk.unitBias) ? Math.max(0, unit.risk.unitBias) : 0;
  const factors: RiskFactorShare[] = [
    { id: "weight", input: rel, factor: 1 + params.weight * rel },
    { id: "jump", input: jump, factor: 1 + params.jump * jump },
    { id: "evidence", input: unit.risk.evidence, factor: params.evidence[unit.risk.evidence] ?? 1 },
    { id: "carriedOver", input: unit.risk.carriedOver, factor: unit.risk.carriedOver ? params.carriedOver : 1 },
    { id: "unitBias", input: bias, factor: 1 + params.unitBias * bias },
  ];
  return { weight: factors.reduce((p, f) => p * f.factor, 1), factors };
}

/**
 * First-order inclusion probabilities of an Efraimidis–Spirakis draw of n from draw weights w
 * (= successive sampling, or order sampling with exponential keys E_i/w_i). Rosén's approximation
 * (Rosén 1972; Rosén 1997 "Asymptotic theory for order sampling"): π_i ≈ 1 − exp(−w_i·τ) with τ
 * solving Σ π_i = n. Exact for equal weights; tested against simulation for unequal ones.
 */
export function inclusionProbabilities(weights: readonly number[], n: number): number[] {
  const N = weights.length;
  if (n <= 0) return weights.map(() => 0);
  if (n >= N) return weights.map(() => 1);
  const top = Math.max(...weights);
  const w = weights.map((x) => x / top); // scaled: τ stays in a comfortable range
  const expected = (tau: number) => w.reduce((s, x) => s - Math.expm1(-x * tau), 0);
  let hi = 1;
  while (expected(hi) < n) hi *= 2;
  let lo = 0;
  for (let k = 0; k < 200 && hi - lo > 1e-12 * hi; k++) {
    const mid = (lo + hi) / 2;
    if (expected(mid) < n) lo = mid;
    else hi = mid;
  }
  const tau = (lo + hi) / 2;
  return w.map((x) => -Math.expm1(-x * tau));
}

/**
 * w̄ = Σ weight / N over the frame sorted by key: the reference of the relative weight in
 * `riskWeight`. Summed in key order so the review screen gets the very number the draw used.
 */
export function frameMeanWeight(frame: readonly FrameUnit[]): number {
  const units = sortFrame(frame);
  return units.length > 0 ? units.reduce((s, u) => s + u.weight, 0) / units.length : 0;
}

function canonical(u: FrameUnit): string {
  const r = u.risk;
  return [u.key, u.assessmentId, u.itemId, u.area, u.weight, r.jump, r.evidence, r.carriedOver ? 1 : 0, r.unitBias].join("\t");
}

/** Stable fingerprint of a frame, independent of its order (the hash of its units sorted by key). */
export function frameHash(frame: readonly FrameUnit[]): string {
  return hashText(sortFrame(frame).map(canonical).join("\n"));
}

function sortFrame(frame: readonly FrameUnit[]): FrameUnit[] {
  const sorted = [...frame].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.key === sorted[i - 1]!.key) throw new RangeError(`duplicate frame key "${sorted[i]!.key}"`);
  }
  return sorted;
}

/** Indices of the `count` largest scores (ties: the earlier index, i.e. the smaller key, first). */
function topIndices(indices: readonly number[], score: readonly number[], count: number): number[] {
  return [...indices].sort((i, j) => score[j]! - score[i]! || i - j).slice(0, count);
}

/**
 * Draws a spot-check sample (issue #5). After sorting the frame by key, one uniform u_i per unit
 * is taken from the seeded stream; then
 * - simple: the n units with the largest u (uniform without replacement, π = n/N);
 * - stratified: per area the n_h largest, n_h from `allocateStrata` (proportional, ≥ 1 per area
 *   where n allows, largest remainder; π = n_h/N_h);
 * - risk: the n largest Efraimidis–Spirakis keys log(1 − u_i)/r_i, i.e. u^(1/r) with r the
 *   `riskWeight` (weighted sampling without replacement; π from `inclusionProbabilities`).
 * @throws RangeError for a duplicate key, a negative or non-finite weight, a bad size or parameter.
 */
export function drawSample(frame: readonly FrameUnit[], spec: SampleSpec): Sample {
  if (!Number.isInteger(spec.size) || spec.size < 0) throw new RangeError(`sample size must be a non-negative integer, got ${spec.size}`);
  const params = resolveRiskParams(spec.params);
  const units = sortFrame(frame);
  for (const u of units) {
    if (!Number.isFinite(u.weight) || u.weight < 0) throw new RangeError(`weight of "${u.key}" must be finite and ≥ 0`);
  }
  const N = units.length;
  const n = Math.min(spec.size, N);
  const meanWeight = frameMeanWeight(units);
  const rng = createRng(spec.seed);
  // One draw per unit in key order, before anything else: this is what makes the sample order-free.
  const u = units.map(() => rng());
  const all = units.map((_, i) => i);

  let chosen: number[];
  let pi: number[];
  let draw: number[] = units.map(() => 1);
  let strata: StratumAllocation[] | undefined;
  if (spec.strategy === "simple") {
    chosen = topIndices(all, u, n);
    pi = units.map(() => (N > 0 ? n / N : 0));
  } else if (spec.strategy === "stratified") {
    const byArea = new Map<string, number[]>();
    for (const i of all) {
      const area = units[i]!.area;
      const members = byArea.get(area);
      if (members) members.push(i);
      else byArea.set(area, [i]);
    }
    strata = allocateStrata(
      [...byArea].map(([id, members]) => ({ id, size: members.length })),
      n,
      rng,
    );
    chosen = [];
    pi = units.map(() => 0);
    for (const s of strata) {
      const members = byArea.get(s.id) ?? [];
      chosen.push(...topIndices(members, u, s.sample));
      for (const i of members) pi[i] = s.inclusion;
    }
  } else {
    draw = units.map((unit) => riskWeight(unit, params, meanWeight).weight);
    const keys = units.map((_, i) => Math.log(1 - u[i]!) / draw[i]!);
    chosen = topIndices(all, keys, n);
    pi = inclusionProbabilities(draw, n);
  }

  const items = chosen
    .sort((a, b) => a - b)
    .map((i): SampledItem => {
      const unit = units[i]!;
      return {
        key: unit.key,
        assessmentId: unit.assessmentId,
        itemId: unit.itemId,
        area: unit.area,
        drawWeight: draw[i]!,
        inclusionWeight: pi[i]!,
      };
    });
  return {
    seed: spec.seed,
    strategy: spec.strategy,
    params,
    requested: spec.size,
    frameSize: N,
    frameHash: hashText(units.map(canonical).join("\n")),
    meanWeight,
    ...(strata ? { strata } : {}),
    items,
  };
}
