import { describe, expect, it } from "vitest";
import { scoreAssessment } from "~/domain/scoring/score";
import { indeksRbPredicate, ziVerdicts } from "~/domain/scoring/thresholds";
import type { NodeScore } from "~/domain/scoring/types";
import { fixture, instrument } from "./instruments";
import { ZI_THRESHOLD_CASES } from "./zi-threshold-cases";

const zi = instrument("zi-2021");
const pmprb = instrument("pmprb-2014");
const bands = pmprb.evaluation.predicate_bands;

describe("Indeks RB predicate bands (README §6: lower exclusive, upper inclusive)", () => {
  it.each<[number, string | null]>([
    [100, "AA"],
    [90.0001, "AA"],
    [90, "A"],
    [80.0001, "A"],
    [80, "BB"],
    [70.0001, "BB"],
    [70, "B"],
    [60.0001, "B"],
    [60, "CC"],
    [50.0001, "CC"],
    [50, "C"],
    [30.0001, "C"],
    [30, "D"],
    [0.0001, "D"],
    [0, null],
  ])("%s → %s", (score, code) => {
    expect(indeksRbPredicate(score, bands)?.code ?? null).toBe(code);
  });

  it("treats floating-point noise at a boundary as the boundary (90 + 1e-12 is still A)", () => {
    expect(indeksRbPredicate(90 + 1e-12, bands)?.code).toBe("A");
  });

  it.each([
    ["1.0.1", "pmprb-2014", "pmprb-2014-1.0.1-max"],
    ["1.0.0", "pmprb-2014@1.0.0", "pmprb-2014-max"],
  ] as const)("pmprb-2014 %s all-maximum scores 100 → AA Sangat memuaskan; ZI has no Indeks RB predicate", (_version, id, name) => {
    const r = scoreAssessment(instrument(id), fixture(name));
    expect(r.total).toBe(100);
    expect(r.predicate).toEqual({ code: "AA", label: "Sangat memuaskan", score: 100 });
    expect(scoreAssessment(zi, {}).predicate).toBeNull();
    expect(r.zi).toBeNull();
  });
});

/** The WE1 nodes (everything at maximum) with some values replaced. */
function nodesWith(overrides: Record<string, number>): Record<string, NodeScore> {
  const base = scoreAssessment(zi, fixture("zi-2021-we1-max")).nodes;
  const out: Record<string, NodeScore> = {};
  for (const [id, n] of Object.entries(base)) out[id] = { ...n, value: overrides[id] ?? n.value };
  return out;
}

const { zi_verdicts: rules, zi_area_groups: groups } = zi.evaluation;
const verdict = (overrides: Record<string, number>, scope: "combined" | "per_half" = "combined", context = {}) =>
  ziVerdicts(rules, groups, scope, nodesWith(overrides), context);
const criterion = (v: ReturnType<typeof verdict>, which: "wbk" | "wbbm", id: string) => v[which]?.criteria.find((c) => c.id === id);

describe("WBK / WBBM score thresholds at the exact values (README §7)", () => {
  it.each(ZI_THRESHOLD_CASES)("%s (node %s): WBK ≥ %s, WBBM ≥ %s", (id, node, wbk, wbbm) => {
    const atWbk = verdict({ [node]: wbk });
    expect(criterion(atWbk, "wbk", id)).toMatchObject({ actual: wbk, required: wbk, pass: true, status: "pass" });
    expect(criterion(verdict({ [node]: wbk - 0.001 }), "wbk", id)?.pass).toBe(false);
    expect(criterion(verdict({ [node]: wbbm }), "wbbm", id)).toMatchObject({ required: wbbm, pass: true });
    expect(criterion(verdict({ [node]: wbbm - 0.001 }), "wbbm", id)?.pass).toBe(false);
  });

  it("end to end: IPAK 3.60, capaian C and IPKP 3.20 meet the WBK Hasil criteria exactly", () => {
    const answers = { ...fixture("zi-2021-we1-max"), "B.I.1.a": 3.6, "B.I.2.a": "C", "B.II.1.a": 3.2 };
    const v = scoreAssessment(zi, answers).zi;
    for (const id of ["ipak", "capaian_kinerja", "ipkp", "bersih_akuntabel"]) {
      expect(v?.wbk?.criteria.find((c) => c.id === id)?.pass, id).toBe(true);
    }
    expect(v?.wbk?.pass).toBe(true);
    // WBBM needs IPKP ≥ 15.75 and capaian ≥ 3.75.
    expect(v?.wbbm?.criteria.find((c) => c.id === "ipkp")?.pass).toBe(false);
    expect(v?.wbbm?.pass).toBe(false);
  });

  it("end to end: IPAK 3.59 fails", () => {
    const v = scoreAssessment(zi, { ...fixture("zi-2021-we1-max"), "B.I.1.a": 3.59 }).zi;
    expect(v?.wbk?.criteria.find((c) => c.id === "ipak")?.pass).toBe(false);
    expect(v?.wbk?.pass).toBe(false);
  });
});

describe("per-area minimum in both scopes (zi_area_min_scope)", () => {
  // Manajemen Perubahan: Pemenuhan half full (4 of 4), Reform half at 30 % (1.2 of 4) → combined 65 %.
  const uneven = { "A.I.1": 4, "A.II.1": 1.2 };

  it("combined: the six areas of Lampiran II (8/7/10/10/15/10), both halves together", () => {
    const v = verdict(uneven, "combined");
    const ids = v.wbk?.criteria.filter((c) => c.id.startsWith("area_min.")).map((c) => c.id);
    expect(ids).toEqual(["area_min.1", "area_min.2", "area_min.3", "area_min.4", "area_min.5", "area_min.6"]);
    expect(criterion(v, "wbk", "area_min.1")).toMatchObject({ actual: 65, required: 60, pass: true, unit: "percent" });
    expect(criterion(v, "wbbm", "area_min.1")).toMatchObject({ actual: 65, required: 75, pass: false });
  });

  it("per_half: Pemenuhan and Reform areas separately (12 criteria)", () => {
    const v = verdict(uneven, "per_half");
    expect(v.wbk?.criteria.filter((c) => c.id.startsWith("area_min.")).length).toBe(12);
    expect(criterion(v, "wbk", "area_min.A.I.1")).toMatchObject({ actual: 100, pass: true });
    expect(criterion(v, "wbk", "area_min.A.II.1")).toMatchObject({ actual: 30, pass: false });
    expect(v.wbk?.pass).toBe(false);
  });

  it("exactly 60 % (4.8 of 8) passes WBK, just below fails", () => {
    expect(criterion(verdict({ "A.I.1": 2.4, "A.II.1": 2.4 }), "wbk", "area_min.1")?.pass).toBe(true);
    expect(criterion(verdict({ "A.I.1": 2.4, "A.II.1": 2.399 }), "wbk", "area_min.1")?.pass).toBe(false);
  });

  it("exactly 75 % passes WBBM per half", () => {
    expect(criterion(verdict({ "A.II.3": 3.75 }, "per_half"), "wbbm", "area_min.A.II.3")).toMatchObject({ actual: 75, pass: true });
  });

  it("end to end, the setting switches the scope", () => {
    const answers = {
      ...fixture("zi-2021-we1-max"),
      "A.II.1.i.a": { agen: 1, perubahan: 0 },
      "A.II.1.i.b": { perubahan: 1, terintegrasi: 0 },
      "A.II.1.ii.a": "E",
    };
    const combined = scoreAssessment(zi, answers).zi?.wbk;
    expect(combined?.criteria.find((c) => c.id === "area_min.1")).toMatchObject({ actual: 62.5, pass: true });
    const perHalf = scoreAssessment(zi, answers, { settings: { zi_area_min_scope: "per_half" } }).zi?.wbk;
    expect(perHalf?.criteria.find((c) => c.id === "area_min.A.II.1")).toMatchObject({ actual: 25, pass: false });
    expect(perHalf?.pass).toBe(false);
  });
});

describe("context criteria", () => {
  it("WBBM with every score at maximum is pending until the unit is known to hold WBK", () => {
    const v = verdict({});
    expect(v.wbk?.pass).toBe(true);
    expect(v.wbbm).toMatchObject({ pass: false, scorePass: true, pending: ["holds_wbk"] });
    expect(criterion(v, "wbbm", "holds_wbk")).toMatchObject({ status: "unknown", pass: null });
    expect(verdict({}, "combined", { holds_wbk: true }).wbbm?.pass).toBe(true);
    expect(verdict({}, "combined", { holds_wbk: false }).wbbm).toMatchObject({ pass: false, pending: [] });
  });

  it("Kawasan integration score applies only when given: ≥ 6.5 WBK, ≥ 7.5 WBBM", () => {
    expect(criterion(verdict({}), "wbk", "kawasan")?.status).toBe("not_applicable");
    expect(criterion(verdict({}, "combined", { kawasan_integration_score: 6.5 }), "wbk", "kawasan")?.pass).toBe(true);
    expect(criterion(verdict({}, "combined", { kawasan_integration_score: 6.4 }), "wbk", "kawasan")?.pass).toBe(false);
    const w = verdict({}, "combined", { kawasan_integration_score: 7.4, holds_wbk: true }).wbbm;
    expect(w?.criteria.find((c) => c.id === "kawasan")?.pass).toBe(false);
    expect(w?.pass).toBe(false);
  });
});
