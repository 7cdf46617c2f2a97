import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Instrument } from "~/domain/instrument/schema";
import { scoreAssessment } from "~/domain/scoring/score";
import type { ScoreResult } from "~/domain/scoring/types";
import { abcdArb, answersArb, betterAnswer, improvementArb, scopeArb, SEED } from "./arbitraries";
import { instrument } from "./instruments";

/*
 * Properties of the engine over generated answer sets (fast-check, fixed seed so CI is
 * deterministic; a failure prints the shrunk counterexample). README §4: item value v ∈ [0, 1];
 * sub-area = weight × mean(v); above that Σ children; percent = value / max × 100; all unrounded.
 */
const EPS = 1e-9;

function checkInvariants(inst: Instrument, result: ScoreResult): void {
  const nodes = result.nodes;
  for (const node of Object.values(nodes)) {
    const where = node.id;
    expect(node.value, where).toBeGreaterThanOrEqual(0);
    // Fraction weights ("1/3") add up to their parent only within floating-point noise.
    expect(node.value, where).toBeLessThanOrEqual(node.max + EPS);
    expect(Math.abs(node.percent - (node.value / node.max) * 100), where).toBeLessThanOrEqual(EPS);
    expect(node.answered, where).toBeLessThanOrEqual(node.items);
    if (node.level === "item") {
      expect([node.max, node.items, node.children.length], where).toEqual([1, 1, 0]);
      expect(node.answered, where).toBe("answer" in node && node.answer !== null ? 1 : 0);
      continue;
    }
    const kids = node.children.map((id) => nodes[id]);
    expect(kids.every((k) => k !== undefined), where).toBe(true);
    let sum = 0;
    for (const k of kids) sum += k?.value ?? 0;
    if (node.level !== "total" && kids[0]?.level === "item") {
      // Weighted group: weight × mean of the item values.
      expect(Math.abs(node.value - node.max * (sum / kids.length)), where).toBeLessThanOrEqual(EPS);
    } else {
      expect(Math.abs(node.value - sum), where).toBeLessThanOrEqual(EPS);
    }
    expect(node.items, where).toBe(kids.reduce((s, k) => s + (k?.items ?? 0), 0));
    expect(node.answered, where).toBe(kids.reduce((s, k) => s + (k?.answered ?? 0), 0));
  }
  expect(result.total).toBe(nodes.total?.value);
  expect(result.max).toBe(inst.total_weight);
  expect(nodes.total?.max).toBe(inst.total_weight);
}

/** Hundreds of full scorings per property: seconds on a quiet machine, more while CI runs other suites beside it. */
const PROPERTY_TIMEOUT = 60_000;

describe.each(["zi-2021", "pmprb-2014"] as const)("properties of %s", (id) => {
  const inst = instrument(id);
  const answers = answersArb(inst);

  it("0 ≤ value ≤ max; nodes are the sum of their children, groups weight × mean; percent = value/max × 100", () => {
    fc.assert(
      fc.property(answers, abcdArb, scopeArb, (a, abcd, scope) => {
        checkInvariants(inst, scoreAssessment(inst, a, { settings: { abcd_values: abcd, zi_area_min_scope: scope } }));
      }),
      { seed: SEED, numRuns: 150 },
    );
  }, PROPERTY_TIMEOUT);

  it("a better answer never lowers any node (exactly: rounding is monotone)", () => {
    fc.assert(
      fc.property(answers, abcdArb, improvementArb(inst), (a, abcd, m) => {
        const options = { settings: { abcd_values: abcd } };
        const { id: itemId, answer } = betterAnswer(inst, abcd, a, m);
        const before = scoreAssessment(inst, a, options).nodes;
        const after = scoreAssessment(inst, { ...a, [itemId]: answer }, options).nodes;
        for (const [nodeId, node] of Object.entries(after)) {
          expect(node.value, `changed ${itemId}, node ${nodeId}`).toBeGreaterThanOrEqual(before[nodeId]?.value ?? Infinity);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  }, PROPERTY_TIMEOUT);

  it("is deterministic: the same answers give the same result, whenever nodes are read", () => {
    fc.assert(
      fc.property(answers, (a) => {
        const first = scoreAssessment(inst, a);
        const again = scoreAssessment(inst, structuredClone(a));
        expect(JSON.stringify(again)).toBe(JSON.stringify(first));
        expect(again).toEqual(first);
      }),
      { seed: SEED, numRuns: 50 },
    );
  }, PROPERTY_TIMEOUT);
});
