/**
 * Issue #13: the waterfall and the planner on the Evaluasi RB 2023 instruments, whose total is an
 * index (multipliers, renormalisation, koefisien) and not a sum of item shares.
 */
import { describe, expect, it } from "vitest";
import { improvementsOf } from "~/domain/analysis/best-answer";
import { explainChange, WATERFALL_TOLERANCE } from "~/domain/analysis/waterfall";
import { NOT_APPLICABLE } from "~/domain/instrument/schema";
import type { Answers } from "~/domain/scoring/answers";
import { scoreAssessment } from "~/domain/scoring/score";
import { demoAnswers } from "#db/seed/demo-assessments.server";
import { instrument } from "../scoring/instruments";

const kab = instrument("rb-2023-kabkota");
const kl = instrument("rb-2023-kl");

describe("waterfall on an index instrument", () => {
  const before: Answers = { ...demoAnswers(kab, 0.4, 11), "KOEF.a": -1 };
  const after: Answers = { ...demoAnswers(kab, 0.7, 12), "B102.a": NOT_APPLICABLE };

  it("splits the movement by row so that rows, groups and areas add up to the engine's difference", () => {
    const e = explainChange({ instrument: kab, answers: before }, { instrument: kab, answers: after });
    const engine = scoreAssessment(kab, after).total - scoreAssessment(kab, before).total;
    expect(e.ruleChange).toBeNull();
    expect(Math.abs(e.delta - engine)).toBeLessThanOrEqual(WATERFALL_TOLERANCE);
    for (const a of e.realChange.areas) {
      expect(a.delta).toBe(a.subareas.reduce((s, g) => s + g.delta, 0));
      for (const g of a.subareas) expect(g.delta).toBe(g.items.reduce((s, i) => s + i.delta, 0));
    }
    // The koefisien moving from −1 to unanswered (0) raises the index by 1 over the applicable weight.
    const koef = e.realChange.areas.find((a) => a.id === "KOEF")!;
    expect(koef.delta).toBeGreaterThan(0);
  });

  it("reports PMPRB 2014 → Evaluasi RB 2023 as a rule change, not a change in performance", () => {
    const old = instrument("pmprb-2014");
    const oldAnswers = demoAnswers(old, 0.6, 5);
    const newAnswers = demoAnswers(kl, 0.6, 6);
    const e = explainChange({ instrument: old, answers: oldAnswers }, { instrument: kl, answers: newAnswers });
    const oldTotal = scoreAssessment(old, oldAnswers).total;
    const newTotal = scoreAssessment(kl, newAnswers).total;
    expect(e.ruleChange).not.toBeNull();
    // No item id carries over, so the rule change takes the old total away and the new score is the real part.
    expect(e.ruleChange!.delta).toBeCloseTo(-oldTotal, 9);
    expect(e.realChange.delta).toBeCloseTo(newTotal, 9);
    expect(e.ruleChange!.areas).toHaveLength(1);
    expect(e.ruleChange!.areas[0]!.label).toBe("pmprb-2014 1.0.1 → rb-2023-kl 2023.1.0");
  });
});

describe("planner on an index instrument", () => {
  it("counts a multiplier source's effect on the rows it multiplies, and renormalisation", () => {
    const answers: Answers = { "A101.a": 1, "A102.a": 90, "B102.a": NOT_APPLICABLE };
    const now = scoreAssessment(kl, answers);
    const rows = improvementsOf(kl, answers, {}, now);
    const a101 = rows.find((r) => r.id === "A101.a")!;
    expect(a101.best).toBe(3);
    const lifted = scoreAssessment(kl, { ...answers, "A101.a": 3 }).total;
    // A101's own 2 points plus A102 going from 6.3 × 1/3 to 6.3, all over the applicable 98.
    expect(a101.gain).toBeCloseTo(lifted - now.total, 12);
    expect(a101.gain).toBeCloseTo(((2 + 6.3 * (2 / 3)) / 98) * 100, 9);
    // The N/A row is not proposed.
    expect(rows.find((r) => r.id === "B102.a")!.gain).toBe(0);
  });
});

describe("plan to a target Indeks RB", () => {
  it("reaches the target on re-scoring and does not claim minimality", async () => {
    const { planToTarget } = await import("~/domain/analysis/planner");
    const answers = demoAnswers(kab, 0.3, 21);
    const now = scoreAssessment(kab, answers).total;
    const plan = planToTarget(kab, answers, { kind: "total", value: now + 10 });
    expect(plan.reachable).toBe(true);
    expect(plan.after.reached).toBe(true);
    expect(plan.after.total).toBeGreaterThanOrEqual(now + 10 - 1e-9);
    expect(plan.minimal).toBe(false);
  });
});

describe("waterfall with an item-id mapping", () => {
  it("re-scores renamed items under the new version, so the rule change is what the rename costs", async () => {
    const { parseInstrument } = await import("~/domain/instrument/parse");
    const { stringify, parse } = await import("yaml");
    const { readFileSync } = await import("node:fs");
    const { CONTENT_DIR } = await import("../scoring/instruments");
    const path = await import("node:path");
    const raw = parse(readFileSync(path.join(CONTENT_DIR, "pmprb-2014.yaml"), "utf8"));
    raw.version = "1.1.0";
    raw.tree[0].areas[0].subareas[0].items[1].id = "A.1.i.z";
    const next = parseInstrument(stringify(raw), "next.yaml");
    const old = instrument("pmprb-2014");
    const answers = { "A.1.i.a": "A", "A.1.i.b": "A" };
    const without = explainChange({ instrument: old, answers }, { instrument: next, answers: { "A.1.i.a": "A", "A.1.i.z": "A" } });
    const withMap = explainChange(
      { instrument: old, answers },
      { instrument: next, answers: { "A.1.i.a": "A", "A.1.i.z": "A" } },
      new Map([["A.1.i.b", "A.1.i.z"]]),
    );
    // Without the mapping the renamed answer looks lost (rule change < 0) and found again (real change > 0).
    expect(without.ruleChange!.delta).toBeLessThan(0);
    expect(without.realChange.delta).toBeGreaterThan(0);
    // With it, nothing changed: same answers, same weights.
    expect(withMap.ruleChange!.delta).toBeCloseTo(0, 12);
    expect(withMap.realChange.delta).toBeCloseTo(0, 12);
  });
});
