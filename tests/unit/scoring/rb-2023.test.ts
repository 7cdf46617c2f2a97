/**
 * Issue #13, acceptance 2: the Evaluasi RB 2023 rules (shared/domain/rb-2023.md) through the one
 * engine — every worked check of spec §2.5 to 2 decimals, multipliers, not-applicable rows with the
 * renormalised RB General, the koefisien, all-max answers, the predicate bands and the optional
 * portal 2025 rule. Item ids are the instruments' own codes (tests may name them; app code may not).
 */
import { describe, expect, it } from "vitest";
import { NOT_APPLICABLE, type Instrument } from "~/domain/instrument/schema";
import { itemsWithGroups } from "~/domain/instrument/tree";
import { validateInstrument } from "~/domain/instrument/validate";
import { AnswerError, type Answers } from "~/domain/scoring/answers";
import { scoreAssessment, validateAnswer } from "~/domain/scoring/score";
import { indeksRbPredicate } from "~/domain/scoring/thresholds";
import { englishIssue } from "~/i18n/instrument-issues";
import { getInstrument } from "~/services/instruments/catalog.server";

const load = (id: string): Instrument => getInstrument(id)!.instrument;
const kl = load("rb-2023-kl");
const prov = load("rb-2023-prov");
const kabkota = load("rb-2023-kabkota");

/** The row score (group value) of one answered row, as the portal shows it: 2 decimals. */
function rowScore(instrument: Instrument, answers: Answers, row: string): string {
  return scoreAssessment(instrument, answers).nodes[row]!.value.toFixed(2);
}

/** Every row at the top of its range (points: the weight; koefisien 0). */
function allMax(instrument: Instrument): Answers {
  const out: Answers = {};
  for (const { item, group } of itemsWithGroups(instrument)) {
    if (item.type === "coefficient") out[item.id] = 0;
    else if (item.type === "external_points") out[item.id] = group.weight;
    else out[item.id] = item.scale!.max;
  }
  return out;
}

const blockSum = (instrument: Instrument, id: string) => scoreAssessment(instrument, allMax(instrument)).nodes[id]!.value;

describe("spec §2.5: formula checks on real 2023 rows", () => {
  it("Kab. Gunungkidul", () => {
    expect(rowScore(kabkota, { "B107.a": 86.59 }, "B107")).toBe("2.16"); // Digitalisasi arsip 86,59/100 × 2,5
    expect(rowScore(kabkota, { "B111.a": 1.13 }, "B111")).toBe("0.56"); // Statistik sektoral 1,13/5 × 2,5
    expect(rowScore(kabkota, { "B201.a": 265 }, "B201")).toBe("2.59"); // Merit 265/410 × 4
    expect(rowScore(kabkota, { "B202.a": 4.34 }, "B202")).toBe("1.30"); // IPP 4,34/5 × 1,5
    expect(rowScore(kabkota, { "C101.a": 2.84 }, "C101")).toBe("5.11"); // Indeks SPBE 2,84/5 × 9
    expect(rowScore(kabkota, { "C202.a": 78.13 }, "C202")).toBe("7.81"); // SPI 78,13/100 × 10
  });

  it("Prov. Banten, including both multipliers", () => {
    expect(rowScore(prov, { "B104.a": 0.5 }, "B104")).toBe("0.43"); // ZI 0,5/3,5 × 3
    expect(rowScore(prov, { "B103.a": 3.06 }, "B103")).toBe("2.45"); // SPIP 3,06/5 × 4
    // Implementasi RA 83,87/100 × 7 × (RA 2,08 / 3)
    expect(rowScore(prov, { "A101.a": 2.08, "A102.a": 83.87 }, "A102")).toBe("4.07");
    // Tematik output 79,46/100 × 0,6 × (its RA 0,38 / 0,4)
    expect(rowScore(prov, { "2A1101.a": 0.38, "2A1201.a": 79.46 }, "2A1201")).toBe("0.45");
  });

  it("K/L", () => {
    expect(rowScore(kl, { "B201.a": 372 }, "B201")).toBe("3.63"); // Merit 372/410 × 4
    expect(rowScore(kl, { "B112.a": 25.79 }, "B112")).toBe("0.39"); // Kualitas kebijakan 25,79/100 × 1,5
  });
});

describe("multipliers", () => {
  it("scale the row by the source row's score over its weight, unrounded, and say so in the trace", () => {
    const r = scoreAssessment(kl, { "A101.a": 1.5, "A102.a": 80, "B105.a": 75, "C10202.a": 90 });
    expect(r.nodes.A102!.value).toBeCloseTo(0.8 * 7 * (1.5 / 3), 12);
    expect(r.nodes["A102.a"]!.trace).toBe("80 / 100 = 0.8 × A101 (1.5 / 3) = 0.4");
    // IKU K/L × SAKIP/4: 90/100 × 8 × (3 / 4)
    expect(r.nodes.C10202!.value).toBeCloseTo(0.9 * 8 * 0.75, 12);
  });

  it("give 0 when the source row is unanswered, and the full row when the source is at its maximum", () => {
    expect(scoreAssessment(kl, { "A102.a": 100 }).nodes.A102!.value).toBe(0);
    expect(scoreAssessment(kl, { "A101.a": 3, "A102.a": 100 }).nodes.A102!.value).toBe(7);
  });
});

describe("all-max answers", () => {
  it.each([
    [kl, 10],
    [prov, 20],
    [kabkota, 20],
  ])("%# give RB General 100 plus the full tematik", (instrument, tematik) => {
    const r = scoreAssessment(instrument, allMax(instrument));
    expect(r.index!.general.value).toBeCloseTo(100, 10);
    expect(r.index!.general.adjusted).toBeCloseTo(100, 10);
    expect(r.index!.added[0]!.value).toBeCloseTo(tematik, 10);
    expect(r.total).toBeCloseTo(100 + tematik, 10);
    expect(r.predicate?.code).toBe("AA");
    expect(r.max).toBe(100 + tematik);
  });

  it("block sums are the spec's: A 10, B 40, C 50", () => {
    for (const instrument of [kl, prov, kabkota]) {
      expect(blockSum(instrument, "A")).toBeCloseTo(10, 10);
      expect(blockSum(instrument, "B")).toBeCloseTo(40, 10);
      expect(blockSum(instrument, "B1")).toBeCloseTo(33, 10);
      expect(blockSum(instrument, "C")).toBeCloseTo(50, 10);
      expect(blockSum(instrument, "C2")).toBeCloseTo(22, 10);
    }
  });
});

describe("not applicable rows and the renormalised RB General", () => {
  it("take the row's weight out of the denominator (penyesuaian bobot)", () => {
    const answers = { ...allMax(kabkota), "B102.a": NOT_APPLICABLE, "B101.a": 50 };
    const r = scoreAssessment(kabkota, answers);
    // RB General raw = 100 − 2 (sistem kerja N/A) − 1 (half of penyederhanaan) = 97, applicable 98.
    expect(r.index!.general.value).toBeCloseTo(97, 10);
    expect(r.index!.general.applicable).toBe(98);
    expect(r.index!.general.adjusted).toBeCloseTo((97 / 98) * 100, 10);
    expect(r.total).toBeCloseTo((97 / 98) * 100 + 20, 10);
    expect(r.index!.notApplicable).toEqual(["B102"]);
    expect(r.nodes["B102.a"]!.trace).toMatch(/tidak berlaku/);
    expect(r.nodes["B102.a"]!.answered).toBe(1);
  });

  it("reproduce the portal's adjusted weights, e.g. 98.5 when one 1.5 row does not apply", () => {
    const r = scoreAssessment(kl, { ...allMax(kl), "B202.a": NOT_APPLICABLE });
    expect(r.index!.general.applicable).toBe(98.5);
    expect(r.index!.general.adjusted).toBeCloseTo(100, 10);
  });

  it("are refused where the instrument does not allow them (a multiplier source, tematik)", () => {
    expect(() => scoreAssessment(kl, { "A101.a": NOT_APPLICABLE })).toThrow(AnswerError);
    expect(() => scoreAssessment(prov, { "2B01.a": NOT_APPLICABLE })).toThrow(AnswerError);
    expect(validateAnswer(kl, "B102.a", NOT_APPLICABLE)).toEqual([]);
    expect(validateAnswer(kl, "B105.a", NOT_APPLICABLE)).toHaveLength(1);
  });
});

describe("the koefisien", () => {
  it("is added to RB General before renormalising", () => {
    const answers = { ...allMax(prov), "B102.a": NOT_APPLICABLE, "B101.a": 50, "KOEF.a": -2.5 };
    const r = scoreAssessment(prov, answers);
    expect(r.index!.adjustment).toEqual({ id: "K", label: "Koefisien", value: -2.5 });
    expect(r.index!.general.adjusted).toBeCloseTo(((97 - 2.5) / 98) * 100, 10);
    expect(r.total).toBeCloseTo(((97 - 2.5) / 98) * 100 + 20, 10);
    expect(r.nodes.total!.trace).toBe(`${r.total.toFixed(4).replace(/0+$/, "")} = (97 + -2.5) / 98 × 100 + 20`);
  });

  it("stays within its range: K/L −10…+10, Pemda −10…+1", () => {
    expect(validateAnswer(kl, "KOEF.a", 10)).toEqual([]);
    expect(validateAnswer(kl, "KOEF.a", -10)).toEqual([]);
    expect(validateAnswer(prov, "KOEF.a", 1)).toEqual([]);
    expect(validateAnswer(prov, "KOEF.a", 2)).toHaveLength(1);
    expect(validateAnswer(kabkota, "KOEF.a", -10.5)).toHaveLength(1);
    const r = scoreAssessment(kl, { ...allMax(kl), "KOEF.a": 10 });
    expect(r.total).toBeCloseTo(120, 10); // the index can exceed 100
    expect(r.predicate?.code).toBe("AA");
  });
});

describe("range-scaled rows", () => {
  it("refuse a value outside the row's range instead of clamping it", () => {
    expect(validateAnswer(kl, "B103.a", 5.5)).toHaveLength(1);
    expect(validateAnswer(kl, "B103.a", 0.5)).toHaveLength(1); // SPIP is 1–5
    expect(validateAnswer(kl, "B103.a", 1)).toEqual([]);
    // Still value / max, not (value − min) / (max − min): SPIP 1 → 1/5 × 4.
    expect(scoreAssessment(kl, { "B103.a": 1 }).nodes.B103!.value).toBeCloseTo(0.8, 12);
  });
});

describe("predicates", () => {
  it("use the published bands as data (R5, R6)", () => {
    const bands = kl.evaluation.predicate_bands;
    expect(indeksRbPredicate(73.51, bands)?.code).toBe("BB"); // KPU 2024
    expect(indeksRbPredicate(69.76, bands)?.code).toBe("B"); // KPU 2023
    expect(indeksRbPredicate(90, bands)?.code).toBe("A");
    expect(indeksRbPredicate(90.01, bands)?.code).toBe("AA");
    expect(indeksRbPredicate(30, bands)?.code).toBe("D");
    expect(indeksRbPredicate(115, bands)?.code).toBe("AA");
  });

  it("follow the portal's 2025 logic only when the setting is switched on", () => {
    const answers = { ...allMax(kl), "C202.a": 0, "B201.a": 0 }; // 100 − 10 − 4 + tematik 10 = 96
    expect(scoreAssessment(kl, answers).total).toBeCloseTo(96, 10);
    expect(scoreAssessment(kl, answers).predicate?.code).toBe("AA");
    const portal = { settings: { predicate_rule: "portal_2025" as const } };
    expect(scoreAssessment(kl, answers, portal).predicate?.code).toBe("A");
    expect(scoreAssessment(kl, allMax(kl), portal).predicate?.code).toBe("AA"); // 110 ≥ 100
    // With a target not met, A becomes A-.
    const withTarget: Instrument = {
      ...kl,
      evaluation: { ...kl.evaluation, portal_2025: { ...kl.evaluation.portal_2025!, targets: { "C202.a": 80 } } },
    };
    expect(scoreAssessment(withTarget, answers, portal).predicate?.code).toBe("A-");
    const met = { ...allMax(kl), "C202.a": 80, "B201.a": 0, "B203.a": 0, "C203.a": 0 }; // 100 − 2 − 4 − 1.5 − 8 + 10 = 94.5
    expect(scoreAssessment(withTarget, met, portal).total).toBeCloseTo(94.5, 10);
    expect(scoreAssessment(withTarget, met, portal).predicate?.code).toBe("A");
  });
});

describe("validation of the new rules", () => {
  const clone = (): Instrument => structuredClone(kl);
  const messages = (i: Instrument) => validateInstrument(i).map(englishIssue);

  it("accepts the shipped instruments", () => {
    for (const i of [kl, prov, kabkota]) expect(messages(i)).toEqual([]);
  });

  it("names a multiplier that points forward or at a multiplied row", () => {
    const i = clone();
    const a101 = i.tree[0]!.areas![0]!.items![0]!;
    a101.multiplier = "A102";
    expect(messages(i).join("\n")).toMatch(/A101\.a: multiplier "A102" must name a weighted group that comes before/);
  });

  it("names a coefficient outside an adjustment component and an index that misses a component", () => {
    const i = clone();
    i.tree[0]!.areas![0]!.items![0]!.type = "coefficient";
    expect(messages(i).join("\n")).toMatch(/A101\.a: coefficient items belong in an adjustment component/);
    const j = clone();
    j.evaluation.index!.general.nodes = ["A", "B"];
    expect(messages(j).join("\n")).toMatch(/component "C" is neither in general.nodes nor in added/);
  });

  it("names weights that do not add up to the spec's blocks", () => {
    const i = clone();
    i.tree[1]!.subcomponents![0]!.areas[0]!.weight = 2.5;
    expect(messages(i).join("\n")).toMatch(/B1: children weights of B1 sum to 33.5/);
  });
});

describe("cermin score on an Evaluasi RB answers file", () => {
  it("prints the index breakdown and puts it into --json", async () => {
    const { scoreTable, scoreJson } = await import("~/cli/score");
    const answers = { "A101.a": 2.08, "A102.a": 83.87, "B102.a": NOT_APPLICABLE, "B103.a": 3.06, "KOEF.a": -1 };
    const r = scoreAssessment(prov, answers);
    const text = scoreTable(prov, r);
    expect(text).toContain("RB General disesuaikan: (8,60 + koefisien -1,00) / 98,00 × 100,00 = 7,75");
    expect(text).toContain("tidak berlaku: B102");
    expect(text).toContain("Indeks RB = 7,75 + RB Tematik 0,00 = 7,75");
    expect(text).toContain("Predikat Indeks RB: D");
    expect((scoreJson(r) as { index?: { value: number } }).index?.value).toBeCloseTo(r.total, 12);
  });
});
