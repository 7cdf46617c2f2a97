import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scoreJson } from "~/cli/score";
import { scoreAssessment } from "~/domain/scoring/score";
import { FIXTURE_DIR, fixture, instrument } from "./instruments";

/*
 * Golden files: the full JSON result (as `cermin score --json` prints it) for fixed answer sets.
 * A change in any number, trace or verdict shows up as a diff to review. After an intended change
 * (and an ENGINE_VERSION bump), regenerate with UPDATE_GOLDEN=1 npx vitest run --project unit golden,
 * then npx prettier --write tests/fixtures/answers.
 */
const cases = [
  ["zi-2021", "zi-2021-we1-max"],
  ["zi-2021", "zi-2021-min"],
  ["zi-2021", "zi-2021-mixed"],
  // pmprb-2014 1.0.0 (Hasil as external points), kept as a fixture: these golden files are unchanged
  // since 1.0.0 shipped, which proves that assessments frozen on 1.0.0 score exactly as before.
  ["pmprb-2014@1.0.0", "pmprb-2014-max"],
  ["pmprb-2014@1.0.0", "pmprb-2014-mixed"],
  // pmprb-2014 1.0.1 (README §0: raw Hasil values, Opini BPK as a choice).
  ["pmprb-2014", "pmprb-2014-1.0.1-max"],
  ["pmprb-2014", "pmprb-2014-bps-2015"],
] as const;

describe("golden results", () => {
  it.each(cases)("%s with %s matches its golden file", (id, name) => {
    const actual = scoreJson(scoreAssessment(instrument(id), fixture(name)));
    const file = path.join(FIXTURE_DIR, `${name}.expected.json`);
    if (process.env.UPDATE_GOLDEN === "1") writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
    expect(actual).toEqual(JSON.parse(readFileSync(file, "utf8")));
  });

  // Hand-checked figures of the mixed sets, so the golden files are not merely self-consistent.
  it("zi-2021-mixed: hand-computed figures", () => {
    const r = scoreAssessment(instrument("zi-2021"), fixture("zi-2021-mixed"));
    expect(r.nodes["A.I.1"]?.value).toBeCloseTo(0.375 + 2 / 3 + 1 / 3 + 0.9375, 12);
    // A.II.1.i = 2 × mean(0.75, 0 [zero denominator]) = 0.75
    expect(r.nodes["A.II.1.i"]?.value).toBe(0.75);
    // A.II.3.iii: no violations either year → 1 → 2.00; A.II.4.i capped → 2.00; A.II.5.ii no complaints → 3.00
    expect(r.nodes["A.II.3.iii"]?.value).toBe(2);
    expect(r.nodes["A.II.4.i"]?.value).toBe(2);
    expect(r.nodes["A.II.5.ii"]?.value).toBe(3);
    // A.II.5.iii = 2 × mean(4/6, 0) = 2/3
    expect(r.nodes["A.II.5.iii"]?.value).toBeCloseTo(2 / 3, 12);
    expect(r.nodes.B?.value).toBeCloseTo(15.75 + 2.5 + 14, 12);
    expect(r.warnings.map((w) => w.itemId)).toEqual(["A.II.1.i.b", "A.II.5.iii.b", "A.II.6.i.b"]);
  });

  it("pmprb-2014-mixed (1.0.0): hand-computed Hasil and predicate", () => {
    const r = scoreAssessment(instrument("pmprb-2014@1.0.0"), fixture("pmprb-2014-mixed"));
    // 14 × 0.725 + 4.5 + 5.25 + 3 + 7.25
    expect(r.nodes.B?.value).toBeCloseTo(10.15 + 4.5 + 5.25 + 3 + 7.25, 12);
    // A.5.iv (6.00) = 6 × mean(1, 1, 1, 0, 1) = 4.8
    expect(r.nodes["A.5.iv"]?.value).toBeCloseTo(4.8, 12);
    // Pengungkit: A.1.i 2/3 + A.1.ii 0.7 + A.2.i 2.5 + A.2.ii 2.5 × 0.585 + A.3.ii 3 + A.5.iv 4.8 + A.5.v 2 × 0.75/7
    const pengungkit = 2 / 3 + 0.7 + 2.5 + 2.5 * 0.585 + 3 + 4.8 + (2 * 0.75) / 7;
    expect(r.nodes.A?.value).toBeCloseTo(pengungkit, 12);
    expect(r.total).toBeCloseTo(pengungkit + 30.15, 12);
    // 43.49 lies in (30, 50] → C Kurang
    expect(r.predicate).toMatchObject({ code: "C", label: "Kurang" });
  });

  it("pmprb-2014 1.0.1, every answer at maximum (SAKIP 100, surveys 5 / 4 / 4, WTP): 100 → AA", () => {
    const r = scoreAssessment(instrument("pmprb-2014"), fixture("pmprb-2014-1.0.1-max"));
    expect(r.version).toBe("1.0.1");
    expect(r.nodes.A?.value).toBeCloseTo(60, 12);
    expect(r.nodes.B?.value).toBeCloseTo(40, 12);
    expect(r.total).toBeCloseTo(100, 12);
    expect(r.predicate).toMatchObject({ code: "AA" });
  });

  it("pmprb-2014-bps-2015 (1.0.1): the Hasil of the official BPS 2015 workbook, evaluated by KemenPANRB (K200…K210)", () => {
    const r = scoreAssessment(instrument("pmprb-2014"), fixture("pmprb-2014-bps-2015"));
    // SAKIP 70.05 / 100 × 14; survei internal 3.8 / 5 × 6; persepsi korupsi 3.31 / 4 × 7; WTP 3 of 3; pelayanan 3.117 / 4 × 10
    expect(r.nodes["B.1.i"]?.value).toBeCloseTo(9.807, 9);
    expect(r.nodes["B.1.ii"]?.value).toBeCloseTo(4.56, 9);
    expect(r.nodes["B.2.i"]?.value).toBeCloseTo(5.7925, 9);
    expect(r.nodes["B.2.ii"]?.value).toBeCloseTo(3, 9);
    expect(r.nodes["B.3.i"]?.value).toBeCloseTo(7.7925, 9);
    expect(r.nodes.B?.value).toBeCloseTo(30.952, 9);
    // Only the Hasil rows are answered: the total is the Hasil.
    expect(r.total).toBeCloseTo(30.952, 9);
  });

  it("pmprb-2014 1.0.1: each Opini BPK category scores its points of the weight 3", () => {
    const points = { WTP: 3, "WTP-DPP": 2.5, WDP: 2, TMP: 1.5, TW: 1, TML: 0 };
    for (const [code, expected] of Object.entries(points)) {
      expect(scoreAssessment(instrument("pmprb-2014"), { "B.2.ii.a": code }).nodes["B.2.ii"]?.value, code).toBeCloseTo(expected, 12);
    }
  });

  it("the 1.0.0 answer sets are not answers of 1.0.1, and the 1.0.1 ones not of 1.0.0: each assessment scores with its own version", () => {
    expect(() => scoreAssessment(instrument("pmprb-2014"), fixture("pmprb-2014-mixed"))).toThrow(
      /B\.2\.ii\.a: choice needs an option code, got 3/,
    );
    expect(() => scoreAssessment(instrument("pmprb-2014@1.0.0"), fixture("pmprb-2014-bps-2015"))).toThrow(
      /B\.2\.ii\.a: external_points needs a number/,
    );
  });
});
