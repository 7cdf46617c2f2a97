import { describe, expect, it } from "vitest";
import { ziEligibility, type EligibilityInput, type UnitFacts } from "~/domain/evaluation/eligibility";
import { INDEKS_RB_BANDS, indeksRbBand, type InstitutionPrerequisites, type OrganisationKind } from "~/domain/evaluation/prerequisites";
import { scoreAssessment, ziVerdicts } from "~/domain/scoring";
import type { NodeScore, ScoreContext } from "~/domain/scoring/types";
import { getInstrument } from "~/services/instruments/catalog.server";
import { fixture } from "../scoring/instruments";
import { ZI_THRESHOLD_CASES } from "../scoring/zi-threshold-cases";

/*
 * Acceptance 4: eligibility verdicts at the thresholds (75.00, 40.00, per-area 60 %/75 %,
 * 18.25/19.50, 14.00/15.75 and the other score criteria) on both sides, plus every institution
 * prerequisite on both sides for both kinds of organisation. Score cases use the engine's own
 * verdict function on WE1 node values (all maxima) with one node moved to the threshold.
 */
const zi = getInstrument("zi-2021")!.instrument;
const pmprb = getInstrument("pmprb-2014")!.instrument;
const we1 = fixture("zi-2021-we1-max");
const base = scoreAssessment(zi, we1).nodes;
const { zi_verdicts: rules, zi_area_groups: groups } = zi.evaluation;

/** Engine verdicts for WE1 with some node values replaced. */
function verdicts(overrides: Record<string, number> = {}, context: ScoreContext = {}, scope: "combined" | "per_half" = "combined") {
  const nodes: Record<string, NodeScore> = {};
  for (const [id, n] of Object.entries(base)) nodes[id] = { ...n, value: overrides[id] ?? n.value };
  return ziVerdicts(rules, groups, scope, nodes, context);
}

const GOOD: InstitutionPrerequisites = { bpkOpinion: "WTP", sakipPredicate: "A", indeksRb: 85, spipLevel: 3 };
const HOLDS: UnitFacts = { holdsWbk: true };

function eligibility(partial: Partial<EligibilityInput> & { overrides?: Record<string, number> }) {
  const { overrides, ...rest } = partial;
  const result = ziEligibility({
    zi: verdicts(overrides),
    prerequisites: GOOD,
    organisationKind: "kementerian_lembaga",
    unit: HOLDS,
    ...rest,
  });
  if (!result) throw new Error("no ZI verdicts");
  return result;
}
const find = (r: ReturnType<typeof eligibility>, which: "wbk" | "wbbm", id: string) => r[which].criteria.find((c) => c.id === id);

describe("score thresholds on both sides (acceptance 4)", () => {
  it("WE1 with every prerequisite met is eligible for WBK and WBBM", () => {
    const r = eligibility({});
    expect(r.wbk.eligible).toBe(true);
    expect(r.wbbm.eligible).toBe(true);
    expect(r.wbk.labelEn).toMatch(/WBK/);
    expect(r.wbbm.criteria.filter((c) => c.source === "institution").map((c) => c.id)).toEqual([
      "bpk_opinion",
      "sakip",
      "indeks_rb",
      "spip",
    ]);
  });

  it.each(ZI_THRESHOLD_CASES)("%s (node %s): WBK ≥ %s, WBBM ≥ %s — exactly on passes, 0.01 below fails", (id, node, wbk, wbbm) => {
    const onWbk = eligibility({ overrides: { [node]: wbk } });
    expect(find(onWbk, "wbk", id)).toMatchObject({ actual: wbk, required: wbk, pass: true, status: "pass", missing: null });
    expect(onWbk.wbk.eligible).toBe(true);
    const belowWbk = eligibility({ overrides: { [node]: wbk - 0.01 } });
    expect(find(belowWbk, "wbk", id)).toMatchObject({
      pass: false,
      status: "fail",
      missing: "kurang 0,01 poin",
      missingEn: "short by 0.01 points",
    });
    expect(belowWbk.wbk.eligible).toBe(false);

    const onWbbm = eligibility({ overrides: { [node]: wbbm } });
    expect(find(onWbbm, "wbbm", id)).toMatchObject({ required: wbbm, pass: true });
    expect(onWbbm.wbbm.eligible).toBe(true);
    const belowWbbm = eligibility({ overrides: { [node]: wbbm - 0.01 } });
    expect(find(belowWbbm, "wbbm", id)?.pass).toBe(false);
    expect(belowWbbm.wbbm.eligible).toBe(false);
  });

  it("74.99 reads 'kurang 0,01 poin'; a hair below (74.9999) still reads 0,01, never 0,00", () => {
    expect(find(eligibility({ overrides: { total: 74.9999 } }), "wbk", "total")?.missing).toBe("kurang 0,01 poin");
    expect(find(eligibility({ overrides: { total: 73.75 } }), "wbk", "total")?.missing).toBe("kurang 1,25 poin");
    expect(find(eligibility({ overrides: { total: 75 + 1e-12 } }), "wbk", "total")?.pass).toBe(true);
  });

  it("per-area minimum: exactly 60 % / 75 % of the combined area passes, just below fails", () => {
    // Manajemen Perubahan, 8 points: 60 % = 4.8, 75 % = 6.
    const at60 = eligibility({ overrides: { "A.I.1": 2.4, "A.II.1": 2.4 } });
    expect(find(at60, "wbk", "area_min.1")).toMatchObject({ actual: 60, required: 60, pass: true, unit: "percent" });
    expect(find(at60, "wbbm", "area_min.1")).toMatchObject({ pass: false, missing: "kurang 15,00 poin persentase" });
    const below60 = eligibility({ overrides: { "A.I.1": 2.4, "A.II.1": 2.3992 } });
    expect(find(below60, "wbk", "area_min.1")).toMatchObject({
      pass: false,
      missing: "kurang 0,01 poin persentase",
      missingEn: "short by 0.01 percentage points",
    });
    expect(below60.wbk.eligible).toBe(false);
    const at75 = eligibility({ overrides: { "A.I.1": 3, "A.II.1": 3 } });
    expect(find(at75, "wbbm", "area_min.1")).toMatchObject({ actual: 75, pass: true });
    expect(at75.wbbm.eligible).toBe(true);
    expect(find(eligibility({ overrides: { "A.I.1": 3, "A.II.1": 2.9992 } }), "wbbm", "area_min.1")?.pass).toBe(false);
    expect(find(at75, "wbk", "area_min.1")?.labelEn).toBe("Every enabler area (% of its weight): Manajemen Perubahan");
  });

  it("per_half scope passes the engine's twelve area criteria through", () => {
    const r = ziEligibility({
      zi: verdicts({ "A.II.3": 3.75 }, {}, "per_half"),
      prerequisites: GOOD,
      organisationKind: "pemda_kabkota",
      unit: HOLDS,
    })!;
    expect(r.wbbm.criteria.filter((c) => c.id.startsWith("area_min.")).length).toBe(12);
    expect(find(r, "wbbm", "area_min.A.II.3")).toMatchObject({ actual: 75, pass: true });
  });

  it("end to end from answers: IPAK 3.60 + capaian C = 18.25 and IPKP 3.20 = 14.00 exactly meet WBK", () => {
    const answers = { ...we1, "B.I.1.a": 3.6, "B.I.2.a": "C", "B.II.1.a": 3.2 };
    const on = ziEligibility({
      zi: scoreAssessment(zi, answers).zi,
      prerequisites: GOOD,
      organisationKind: "kementerian_lembaga",
      unit: HOLDS,
    })!;
    expect(find(on, "wbk", "bersih_akuntabel")).toMatchObject({ actual: 18.25, pass: true });
    expect(find(on, "wbk", "ipkp")).toMatchObject({ actual: 14, pass: true });
    expect(on.wbk.eligible).toBe(true);
    expect(on.wbbm.eligible).toBe(false);
    const below = ziEligibility({
      zi: scoreAssessment(zi, { ...answers, "B.I.1.a": 3.59 }).zi,
      prerequisites: GOOD,
      organisationKind: "kementerian_lembaga",
      unit: HOLDS,
    })!;
    expect(find(below, "wbk", "ipak")).toMatchObject({ pass: false, missing: "kurang 0,05 poin" }); // 17.5 × 3.59/4 = 15.70625: short by 0.04375, shown rounded up
    expect(find(below, "wbk", "bersih_akuntabel")?.pass).toBe(false);
    expect(below.wbk.eligible).toBe(false);
  });

  it("Kawasan applies only when its score is given; WBBM needs the unit to hold WBK", () => {
    const r = eligibility({});
    expect(find(r, "wbk", "kawasan")).toMatchObject({ status: "not_applicable", pass: null, missing: null });
    const k = ziEligibility({
      zi: verdicts({}, { kawasan_integration_score: 6.49 }),
      prerequisites: GOOD,
      organisationKind: "kementerian_lembaga",
      unit: HOLDS,
    })!;
    expect(find(k, "wbk", "kawasan")).toMatchObject({ pass: false, missing: "kurang 0,01 poin" });
    expect(k.wbk.eligible).toBe(false);

    expect(find(eligibility({ unit: { holdsWbk: false } }), "wbbm", "holds_wbk")).toMatchObject({
      source: "unit",
      pass: false,
      missing: "unit belum meraih WBK",
    });
    const unknown = eligibility({ unit: { holdsWbk: null } });
    expect(find(unknown, "wbbm", "holds_wbk")).toMatchObject({ pass: null, status: "missing", missing: "data belum dicatat" });
    expect(unknown.wbbm.eligible).toBe(false);
    expect(unknown.wbk.eligible).toBe(true);
    // The unit's recorded predicate decides even if the engine was told otherwise.
    const overridden = ziEligibility({
      zi: verdicts({}, { holds_wbk: false }),
      prerequisites: GOOD,
      organisationKind: "kementerian_lembaga",
      unit: HOLDS,
    })!;
    expect(overridden.wbbm.eligible).toBe(true);
  });
});

describe("institution prerequisites on both sides, per organisation kind (README §7)", () => {
  const KINDS: OrganisationKind[] = ["kementerian_lembaga", "pemda_provinsi", "pemda_kabkota"];
  const run = (kind: OrganisationKind, p: Partial<InstitutionPrerequisites>) =>
    eligibility({ organisationKind: kind, prerequisites: { ...GOOD, ...p } });

  it.each(KINDS)("%s: BPK WTP passes, WDP/TW/TMP fail", (kind) => {
    expect(run(kind, { bpkOpinion: "WTP" }).wbk.eligible).toBe(true);
    for (const o of ["WDP", "TW", "TMP"] as const) {
      const r = run(kind, { bpkOpinion: o });
      expect(find(r, "wbk", "bpk_opinion")).toMatchObject({
        actual: o,
        required: "WTP",
        pass: false,
        missing: `opini ${o}; dibutuhkan WTP`,
      });
      expect(r.wbk.eligible).toBe(false);
      expect(r.wbbm.eligible).toBe(false);
    }
  });

  it.each(KINDS)("%s: SAKIP ≥ B for WBK, ≥ BB for WBBM", (kind) => {
    expect(run(kind, { sakipPredicate: "B" }).wbk.eligible).toBe(true);
    expect(find(run(kind, { sakipPredicate: "CC" }), "wbk", "sakip")).toMatchObject({
      pass: false,
      missing: "predikat CC; dibutuhkan minimal B",
    });
    expect(run(kind, { sakipPredicate: "BB" }).wbbm.eligible).toBe(true);
    const b = run(kind, { sakipPredicate: "B" });
    expect(find(b, "wbbm", "sakip")).toMatchObject({ pass: false, required: "BB" });
    expect(b.wbbm.eligible).toBe(false);
  });

  it.each<[OrganisationKind, number, number]>([
    ["kementerian_lembaga", 60, 70],
    ["pemda_provinsi", 50, 60],
    ["pemda_kabkota", 50, 60],
  ])("%s: Indeks RB must exceed %s (WBK) and %s (WBBM); the bound itself fails (lower bound exclusive)", (kind, wbk, wbbm) => {
    const above = run(kind, { indeksRb: wbk + 0.01 });
    expect(find(above, "wbk", "indeks_rb")?.pass).toBe(true);
    expect(above.wbk.eligible).toBe(true);
    const at = run(kind, { indeksRb: wbk });
    expect(find(at, "wbk", "indeks_rb")).toMatchObject({ actual: wbk, pass: false });
    expect(find(at, "wbk", "indeks_rb")?.missing).toMatch(new RegExp(`harus di atas ${wbk},00`));
    expect(at.wbk.eligible).toBe(false);
    expect(find(run(kind, { indeksRb: wbbm + 0.01 }), "wbbm", "indeks_rb")?.pass).toBe(true);
    expect(find(run(kind, { indeksRb: wbbm }), "wbbm", "indeks_rb")?.pass).toBe(false);
    expect(run(kind, { indeksRb: wbbm }).wbbm.eligible).toBe(false);
  });

  it("Indeks RB labels name the band required for the kind; the 2023+ index above 100 counts as AA", () => {
    expect(find(run("kementerian_lembaga", {}), "wbk", "indeks_rb")).toMatchObject({
      required: "B",
      label: "Indeks RB instansi (K/L ≥ B)",
    });
    expect(find(run("pemda_kabkota", {}), "wbbm", "indeks_rb")).toMatchObject({ required: "B", label: "Indeks RB instansi (Pemda ≥ B)" });
    expect(find(run("pemda_provinsi", {}), "wbk", "indeks_rb")?.required).toBe("CC");
    expect(find(run("kementerian_lembaga", { indeksRb: 112 }), "wbbm", "indeks_rb")?.pass).toBe(true);
    expect(indeksRbBand(112)).toBe("AA");
    expect(indeksRbBand(60)).toBe("CC");
    expect(indeksRbBand(60.0001)).toBe("B");
    expect(indeksRbBand(0)).toBeNull();
    expect(find(run("kementerian_lembaga", { indeksRb: 55.5 }), "wbk", "indeks_rb")?.missing).toBe(
      "nilai 55,50 (CC); harus di atas 60,00 (predikat B)",
    );
  });

  it.each(KINDS)("%s: SPIP level 3 passes, level 2 fails (WBK and WBBM)", (kind) => {
    expect(run(kind, { spipLevel: 3 }).wbbm.eligible).toBe(true);
    const r = run(kind, { spipLevel: 2 });
    expect(find(r, "wbk", "spip")).toMatchObject({ pass: false, missing: "level 2; dibutuhkan minimal level 3" });
    expect(r.wbk.eligible).toBe(false);
    expect(r.wbbm.eligible).toBe(false);
  });

  it("missing institution data: pass null, 'data belum dicatat', not eligible", () => {
    for (const key of ["bpkOpinion", "sakipPredicate", "indeksRb", "spipLevel"] as const) {
      const r = run("pemda_provinsi", { [key]: null });
      const c = r.wbk.criteria.find((x) => x.source === "institution" && x.pass === null);
      expect(c).toMatchObject({ status: "missing", missing: "data belum dicatat", missingEn: "not recorded yet", actual: null });
      expect(r.wbk.eligible).toBe(false);
      expect(r.wbbm.eligible).toBe(false);
    }
    const none = eligibility({ prerequisites: null });
    expect(none.wbk.criteria.filter((c) => c.status === "missing").map((c) => c.id)).toEqual(["bpk_opinion", "sakip", "indeks_rb", "spip"]);
    expect(none.wbk.eligible).toBe(false);
  });

  it("the Indeks RB bands are those of the pmprb-2014 content (README §6)", () => {
    expect(INDEKS_RB_BANDS.map((b) => [b.code, b.above, b.upTo])).toEqual(
      pmprb.evaluation.predicate_bands.map((b) => [b.code, b.above, b.up_to]),
    );
  });
});

describe("unit-level prerequisites", () => {
  it("untracked facts are listed as unchecked and do not block", () => {
    const r = eligibility({});
    expect(r.wbk.unchecked.map((u) => u.id)).toEqual(["follow_up", "lhkpn", "lhkasn", "zi_years", "unit_sakip", "no_kkn_case"]);
    expect(r.wbk.eligible).toBe(true);
  });

  it("tracked facts are decided on both sides; null is missing", () => {
    const facts: UnitFacts = {
      holdsWbk: true,
      followUpCompliance: 1,
      lhkpnCompliance: 1,
      lhkasnCompliance: 1,
      ziYears: { wbk: 1, wbbm: 1 },
      unitSakip: "BB",
      kknCase: false,
    };
    const ok = eligibility({ unit: facts });
    expect(ok.wbk.unchecked).toEqual([]);
    expect(ok.wbk.eligible).toBe(true);
    expect(ok.wbbm.eligible).toBe(true);
    expect(find(eligibility({ unit: { ...facts, followUpCompliance: 0.99 } }), "wbk", "follow_up")).toMatchObject({
      pass: false,
      missing: "99,0 %; dibutuhkan 100,0 %",
    });
    expect(find(eligibility({ unit: { ...facts, lhkpnCompliance: 0.999 } }), "wbk", "lhkpn")?.pass).toBe(false);
    expect(find(eligibility({ unit: { ...facts, lhkasnCompliance: null } }), "wbk", "lhkasn")).toMatchObject({
      pass: null,
      missing: "data belum dicatat",
    });
    const young = eligibility({ unit: { ...facts, ziYears: { wbk: 2, wbbm: 0.5 } } });
    expect(find(young, "wbk", "zi_years")?.pass).toBe(true);
    expect(find(young, "wbbm", "zi_years")).toMatchObject({ pass: false, label: "Lama pembangunan ZI menuju WBBM" });
    const b = eligibility({ unit: { ...facts, unitSakip: "B" } });
    expect(b.wbk.eligible).toBe(true);
    expect(find(b, "wbbm", "unit_sakip")?.pass).toBe(false);
    const kkn = eligibility({ unit: { ...facts, kknCase: true } });
    expect(find(kkn, "wbk", "no_kkn_case")).toMatchObject({ actual: false, pass: false, missing: "ada kasus KKN: pengusulan terhenti" });
    expect(kkn.wbk.eligible).toBe(false);
  });

  it("an instrument without ZI verdicts has no eligibility", () => {
    expect(
      ziEligibility({ zi: scoreAssessment(pmprb, {}).zi, prerequisites: GOOD, organisationKind: "kementerian_lembaga", unit: HOLDS }),
    ).toBeNull();
  });
});
