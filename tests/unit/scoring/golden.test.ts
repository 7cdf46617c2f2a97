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
  ["pmprb-2014", "pmprb-2014-max"],
  ["pmprb-2014", "pmprb-2014-mixed"],
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

  it("pmprb-2014-mixed: hand-computed Hasil and predicate", () => {
    const r = scoreAssessment(instrument("pmprb-2014"), fixture("pmprb-2014-mixed"));
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
});
