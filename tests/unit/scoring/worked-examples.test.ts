import { describe, expect, it } from "vitest";
import { scoreAssessment } from "~/domain/scoring/score";
import { fixture, instrument } from "./instruments";

const zi = instrument("zi-2021");

describe("WE1: all answers at maximum on ZI (domain README §4)", () => {
  const r = scoreAssessment(zi, fixture("zi-2021-we1-max"));

  it("scores Pemenuhan 30, Reform 30, Pengungkit 60, Hasil 40, total 100 exactly", () => {
    expect(r.nodes["A.I"]?.value).toBe(30);
    expect(r.nodes["A.II"]?.value).toBe(30);
    expect(r.nodes.A?.value).toBe(60);
    expect(r.nodes.B?.value).toBe(40);
    expect(r.total).toBe(100);
    expect(r.nodes.total?.percent).toBe(100);
  });

  it("answers every one of the 113 items and raises no warning", () => {
    expect(r.nodes.total?.answered).toBe(113);
    expect(r.nodes.total?.items).toBe(113);
    expect(r.warnings).toEqual([]);
  });

  it("puts every node at its maximum", () => {
    for (const n of Object.values(r.nodes)) expect(n.value, n.id).toBe(n.max);
  });

  it("stays at 100 with exact thirds (A is 1 in both abcd tables)", () => {
    expect(scoreAssessment(zi, fixture("zi-2021-we1-max"), { settings: { abcd_values: "exact_thirds" } }).total).toBe(100);
  });
});

describe("all-minimum ZI answer set", () => {
  it("scores 0 on every node with every item answered", () => {
    const r = scoreAssessment(zi, fixture("zi-2021-min"));
    expect(r.total).toBe(0);
    for (const n of Object.values(r.nodes)) expect(n.value, n.id).toBe(0);
    expect(r.nodes.total?.answered).toBe(113);
  });

  it("scores 0 with no answers, all items reported unanswered", () => {
    const r = scoreAssessment(zi, {});
    expect(r.total).toBe(0);
    expect(r.nodes.total?.answered).toBe(0);
    expect(r.nodes["A.I.1.i.a"]?.trace).toBe("belum dijawab → 0");
  });
});

describe("survey_0_4 (PermenPANRB 90/2021 Lampiran III: score/4 × 17.50)", () => {
  it.each([
    [4, 17.5],
    [3.6, 15.75],
    [3.2, 14],
    [0, 0],
  ])("IPAK %s → %s", (score, expected) => {
    const r = scoreAssessment(zi, { "B.I.1.a": score });
    expect(r.nodes["B.I.1"]?.value).toBeCloseTo(expected, 12);
  });

  it("IPKP 3.20 → 14.00 and 3.60 → 15.75", () => {
    expect(scoreAssessment(zi, { "B.II.1.a": 3.2 }).nodes["B.II.1"]?.value).toBeCloseTo(14, 12);
    expect(scoreAssessment(zi, { "B.II.1.a": 3.6 }).nodes["B.II.1"]?.value).toBeCloseTo(15.75, 12);
  });

  it("IPAK 3.60 plus capaian C gives the WBK identity 15.75 + 2.50 = 18.25", () => {
    const r = scoreAssessment(zi, { "B.I.1.a": 3.6, "B.I.2.a": "C" });
    expect(r.nodes["B.I.2"]?.value).toBe(2.5);
    expect(r.nodes["B.I"]?.value).toBeCloseTo(18.25, 12);
  });

  it("clamps a score above 4 to 4 with a warning", () => {
    const r = scoreAssessment(zi, { "B.I.1.a": 4.2 });
    expect(r.nodes["B.I.1"]?.value).toBe(17.5);
    expect(r.warnings).toEqual([expect.objectContaining({ itemId: "B.I.1.a", code: "score_clamped" })]);
  });
});

describe("abcd values setting (README §3)", () => {
  // A.I.1.iii has three abcd items and weight 1.00.
  const answers = { "A.I.1.iii.a": "B", "A.I.1.iii.b": "C", "A.I.1.iii.c": "B" };

  it("two_decimal (default) uses 0.67 / 0.33", () => {
    const r = scoreAssessment(zi, answers);
    expect(r.settings.abcd_values).toBe("two_decimal");
    expect(r.nodes["A.I.1.iii"]?.value).toBeCloseTo((0.67 + 0.33 + 0.67) / 3, 15);
    expect(r.nodes["A.I.1.iii.a"]?.trace).toBe("B → 0.67");
  });

  it("exact_thirds uses 2/3 / 1/3", () => {
    const r = scoreAssessment(zi, answers, { settings: { abcd_values: "exact_thirds" } });
    expect(r.nodes["A.I.1.iii"]?.value).toBeCloseTo(5 / 9, 15);
    expect(r.nodes["A.I.1.iii.a"]?.trace).toBe("B → 2/3");
  });

  it("the two settings differ by (2/3 − 0.67) per B answer", () => {
    const a = scoreAssessment(zi, { "A.I.1.iii.a": "B" }).total;
    const b = scoreAssessment(zi, { "A.I.1.iii.a": "B" }, { settings: { abcd_values: "exact_thirds" } }).total;
    expect(b - a).toBeCloseTo((2 / 3 - 0.67) / 3, 15);
  });
});

describe("aggregation and traces (README §4)", () => {
  const r = scoreAssessment(zi, fixture("zi-2021-mixed"));

  it("sub-area = weight × mean of item values, unanswered items counting 0", () => {
    expect(r.nodes["A.I.1.i"]?.value).toBe(0.375);
    expect(r.nodes["A.I.1.ii"]?.value).toBeCloseTo(2 / 3, 15);
    expect(r.nodes["A.I.1.ii"]?.trace).toBe("0.6667 = 1.00 × mean(1, 1, 0)");
    expect(r.nodes["A.I.2.i"]?.trace).toBe("0.25 = 1.00 × mean(0, 0, 0.75)");
    expect(r.nodes["A.I.2.i"]?.answered).toBe(2);
    expect(r.nodes["A.I.2.i"]?.items).toBe(3);
  });

  it("counts an explicit null as unanswered", () => {
    expect(r.nodes["A.I.3.i.a"]?.answered).toBe(0);
    expect(r.nodes["A.I.3.i"]?.answered).toBe(0);
  });

  it("area = Σ sub-areas with a trace of the parts", () => {
    const area = r.nodes["A.I.1"];
    expect(area?.value).toBeCloseTo(0.375 + 2 / 3 + (0.67 + 0.33) / 3 + 1.5 * 0.625, 12);
    expect(area?.trace).toBe("2.3125 = 0.375 + 0.6667 + 0.3333 + 0.9375");
    expect(area?.percent).toBeCloseTo(((area?.value ?? 0) / 4) * 100, 12);
  });

  it("lists nodes parents first, in content order, including the printed a, c, b order of A.I.6.v", () => {
    const ids = Object.keys(r.nodes);
    expect(ids.slice(0, 6)).toEqual(["total", "A", "A.I", "A.I.1", "A.I.1.i", "A.I.1.i.a"]);
    expect(r.nodes["A.I.6.v"]?.children).toEqual(["A.I.6.v.a", "A.I.6.v.c", "A.I.6.v.b"]);
    expect(ids.indexOf("B.I.1")).toBeLessThan(ids.indexOf("B.I.1.a"));
  });
});
