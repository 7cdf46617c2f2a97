/**
 * The worked example of rb-2024.md §2.6 end to end: outputs → implementation score (portal 63, strict
 * 56,25), LKE Renaksi grades → PenilaianKU 0,92, PenetapanRA 1,50, Strategi 2,42, and both through the
 * scoring engine on the RB instrument (action-plan row 0–3; implementation row 0–100 with the action
 * plan as multiplier): 2,42 and 3,56 (capaian 50,82 %), Strategi block 5,98 of 10.
 */
import { describe, expect, it } from "vitest";
import { gradeRenaksi, implementationScore, outputAchievement } from "~/domain/renaksi";
import { scoreAssessment } from "~/domain/scoring/score";
import { instrument } from "../scoring/instruments";
import { WORKED, WORKED_OUTPUTS, content2024 } from "./fixtures";

const lke = content2024().lke;
/** KU A, target KU B, keabsahan YA; kelogisan B, relevansi C, ketepatan B, anggaran A. */
const WORKED_GRADES = { PKU1: "A", PKU2: "B", PKU3: "YA", PRA1: "B", PRA2: "C", PRA3: "B", PRA4: "A" } as const;

describe("§2.6 per output (portal mode)", () => {
  it("O1: the missed TW3 is not counted → 100", () => {
    const a = outputAchievement(WORKED.O1);
    expect(a.perQuarter).toEqual([100, 100, 0, 100]);
    expect(a.total).toBe(100);
    expect(a.countedQuarters).toBe(3);
    expect(a.trace).toBe("(100 + 100 + 100) / 3 = 100");
    expect([a.realisasiTotal, a.targetTotal]).toEqual([3, 4]);
  });
  it("O2 100, O3 50, O4 empty", () => {
    expect(outputAchievement(WORKED.O2).perQuarter).toEqual([0, 0, 0, 100]);
    expect(outputAchievement(WORKED.O2).total).toBe(100);
    expect(outputAchievement(WORKED.O3).perQuarter).toEqual([0, 50, 0, 50]);
    expect(outputAchievement(WORKED.O3).total).toBe(50);
    const o4 = outputAchievement(WORKED.O4);
    expect(o4.perQuarter).toEqual([null, null, null, null]);
    expect(o4.total).toBeNull();
    expect(o4.reported).toBe(false);
    expect(o4.hasTarget).toBe(true);
  });
});

describe("§2.6 implementation score", () => {
  it("portal: round((100 + 100 + 50) / 4) = round(62.5) = 63, O4 still in the denominator", () => {
    const s = implementationScore(WORKED_OUTPUTS);
    expect(s.score).toBe(63);
    expect(s.trace).toMatchObject({ numerator: 250, denominator: 4, mean: 62.5, rounded: 63, capped: false });
    expect(s.traceText).toBe("(100 + 100 + 50 + 0) / 4 = 62.5 → round 63 → min(100, 63) = 63");
  });
  it("strict: per output 75, 100, 50, 0 → 56.25, not rounded", () => {
    const s = implementationScore(WORKED_OUTPUTS, "strict");
    expect(s.outputs.map((o) => o.total)).toEqual([75, 100, 50, 0]);
    expect(s.score).toBe(56.25);
    expect(s.traceText).toBe("(75 + 100 + 50 + 0) / 4 = 56.25 → min(100, 56.25) = 56.25");
  });
});

describe("§2.6 LKE Renaksi grades", () => {
  it("PenilaianKU round(2.75 / 3, 2) = 0.92, PenetapanRA round(2 × 3 / 4, 2) = 1.50, Strategi 2.42", () => {
    const g = gradeRenaksi(WORKED_GRADES, lke);
    expect(g.penilaianKU).toBe(0.92);
    expect(g.penetapanRA).toBe(1.5);
    expect(g.strategi).toBeCloseTo(2.42, 12);
    expect(g.strategi.toFixed(2)).toBe("2.42");
    expect(g.unanswered).toEqual([]);
    expect(g.trace).toEqual([
      "PKU = round((1 + 0.75 + 1) / 3, 2) = 0.92",
      "PRA = round(2 × (0.75 + 0.5 + 0.75 + 1) / 4, 2) = 1.5",
      "STRATEGI = (0.92 + 1.5) = 2.42",
    ]);
  });
});

describe("§2.6 through the scoring engine (rb-2023-kl: the same rows and multiplier as 2024)", () => {
  const kl = instrument("rb-2023-kl");
  const strategi = gradeRenaksi(WORKED_GRADES, lke).strategi;
  const score = implementationScore(WORKED_OUTPUTS).score!;
  const r = scoreAssessment(kl, { "A101.a": strategi, "A102.a": score });

  it("action-plan row 2.42 of 3", () => {
    expect(r.nodes.A101!.value.toFixed(2)).toBe("2.42");
  });
  it("implementation row 63 / 100 × 7 × 2.42 / 3 = 3.56 (capaian 50.82 %)", () => {
    expect(r.nodes.A102!.value).toBeCloseTo((63 / 100) * 7 * (2.42 / 3), 12);
    expect(r.nodes.A102!.value.toFixed(2)).toBe("3.56");
    expect(r.nodes.A102!.percent.toFixed(2)).toBe("50.82");
  });
  it("Strategi block 2.42 + 3.56 = 5.98 of 10", () => {
    expect(r.nodes.A!.value.toFixed(2)).toBe("5.98");
    expect(r.nodes.A!.max).toBe(10);
  });
  it("the strict score enters the engine unrounded", () => {
    const strict = implementationScore(WORKED_OUTPUTS, "strict").score!;
    const s = scoreAssessment(kl, { "A101.a": strategi, "A102.a": strict });
    expect(s.nodes.A102!.value).toBeCloseTo((56.25 / 100) * 7 * (2.42 / 3), 12);
  });
});
