import { describe, expect, it } from "vitest";
import { localizeInstrument } from "~/domain/instrument/localize";
import { NOT_APPLICABLE, type Instrument } from "~/domain/instrument/schema";
import { itemsWithGroups, treeNodes } from "~/domain/instrument/tree";
import { validateInstrument } from "~/domain/instrument/validate";
import type { Answers } from "~/domain/scoring/answers";
import { scoreAssessment } from "~/domain/scoring/score";
import { portalPredicate } from "~/domain/scoring/thresholds";
import { englishIssue } from "~/i18n/instrument-issues";
import { instrument } from "../scoring/instruments";

/*
 * The Evaluasi RB 2024 trees (shared/domain/rb-2024.md §1.3) and the portal's 2025 predicate rule (§5).
 */
const kinds = [
  // id, B rows, B weights as in §1.3, tematik, scored rows (RB General + tematik), targets (B + C)
  { id: "rb-2024-kl", group: "kl", bRows: 18, tematik: 10, rows: [28, 5], targets: [18, 7], koef: [-10, 10] },
  { id: "rb-2024-prov", group: "provinsi", bRows: 15, tematik: 20, rows: [25, 10], targets: [15, 6], koef: [-10, 1] },
  { id: "rb-2024-kabkota", group: "kabupaten", bRows: 14, tematik: 20, rows: [24, 10], targets: [14, 6], koef: [-10, 1] },
] as const;

const weightOf = (i: Instrument) => new Map(treeNodes(i).map((n) => [n.id, n]));

describe("rb-2024 trees: the sums of §1.3", () => {
  for (const k of kinds) {
    it(`${k.id}: A 10, B 40 (${k.bRows} rows), C 50 (8 rows), RB General 100, Tematik ${k.tematik}, max ${100 + k.tematik}`, () => {
      const inst = instrument(k.id);
      const roots = weightOf(inst);
      expect(["A", "B", "C", "T", "K"].map((id) => roots.get(id)?.weight)).toEqual([10, 40, 50, k.tematik, 10]);
      expect(roots.get("K")?.adjustment).toBe(true);
      expect(inst.total_weight).toBe(100 + k.tematik);
      // No Hard/Soft level: A, B and C hold their indicator rows directly, each row one group of one item.
      for (const id of ["A", "B", "C", "T"]) {
        expect(roots.get(id)!.children.every((c) => c.level === "area" && c.items?.length === 1)).toBe(true);
      }
      expect(roots.get("A")!.children.map((c) => c.weight)).toEqual([3, 7]);
      expect(roots.get("B")!.children).toHaveLength(k.bRows);
      expect(roots.get("C")!.children).toHaveLength(8);
      const items = itemsWithGroups(inst);
      const under = (root: string) => items.filter((x) => roots.get(root)!.children.some((c) => c.id === x.group.id));
      expect([under("A").length + under("B").length + under("C").length, under("T").length]).toEqual(k.rows);
      // Every row but the koefisien carries its portal id; the koefisien keeps the 2023 range (gap G5).
      expect(items.filter((x) => x.item.portal_id === undefined).map((x) => x.item.id)).toEqual(["KOEF.a"]);
      const koef = items.find((x) => x.item.type === "coefficient")!.item;
      expect([koef.scale?.min, koef.scale?.max]).toEqual(k.koef);
      expect(koef.note).toMatch(/gap \(G5\)/);
      // Targets: every target baik of §1.3, in B and C only.
      const targets = Object.keys(inst.evaluation.portal_2025!.targets);
      expect([targets.filter((t) => t.startsWith("B")).length, targets.filter((t) => t.startsWith("C")).length]).toEqual(k.targets);
      expect(Object.keys(inst.evaluation.portal_2025!.target_notes).sort()).toEqual(["C104.a", "C106.a"]);
      expect(inst.settings.predicate_rule).toBe("portal_2025");
      expect(inst.applies_to).toMatchObject({ from_year: 2024 });
      expect(inst.series).toBe("indeks-rb");
      expect(validateInstrument(inst).map(englishIssue)).toEqual([]);
    });
  }

  it("tematik: K/L 5 × 2 (0–2); Pemda 5 × Strategi Pembangunan 1 (0–1) + 5 × Capaian Dampak 3 (0–3), portal ids in order", () => {
    const tem = (id: (typeof kinds)[number]["id"]) =>
      itemsWithGroups(instrument(id))
        .filter((x) => x.group.id.startsWith("TEM"))
        .map((x) => [x.item.portal_id, x.group.weight, x.item.scale?.max]);
    expect(tem("rb-2024-kl")).toEqual([2159, 2160, 2161, 2162, 2163].map((p) => [p, 2, 2]));
    for (const id of ["rb-2024-prov", "rb-2024-kabkota"] as const) {
      expect(tem(id)).toEqual([...[3155, 3156, 3157, 3158, 3159].map((p) => [p, 1, 1]), ...[3160, 3161, 3162, 3163, 3164].map((p) => [p, 3, 3])]);
    }
  });

  it("A101/A102 are computed from the Rencana Aksi; only A102 has a multiplier (× A101, inferred); IKU and tematik note gap G3", () => {
    for (const k of kinds) {
      const items = itemsWithGroups(instrument(k.id));
      const byId = new Map(items.map((x) => [x.item.id, x.item]));
      expect(byId.get("A101.a")).toMatchObject({ computed_from: "renaksi_strategi", portal_id: 2130, type: "range_scaled" });
      expect(byId.get("A102.a")).toMatchObject({ computed_from: "renaksi_implementasi", portal_id: 2131, multiplier: "A101", status: "inferred" });
      expect(items.filter((x) => x.item.multiplier !== undefined).map((x) => x.item.id)).toEqual(["A102.a"]);
      const iku = items.find((x) => x.item.portal_id === (k.group === "kl" ? 2152 : 3149))!.item;
      expect(iku.note).toMatch(/G3/);
      expect(items.filter((x) => x.group.id.startsWith("TEM")).every((x) => /G3/.test(x.item.note ?? ""))).toBe(true);
      // The two target slips of the export are noted on their rows (⚠ §1.3, G4).
      expect(byId.get("C104.a")!.note).toMatch(/G4/);
      expect(byId.get("C106.a")!.note).toMatch(/G4/);
    }
  });
});

/** Every item at its scale maximum (or the given overrides); koefisien 0. */
function answersAtMax(inst: Instrument, overrides: Answers = {}): Answers {
  const out: Answers = {};
  for (const { item } of itemsWithGroups(inst)) out[item.id] = item.type === "coefficient" ? 0 : (item.scale?.max ?? 0);
  return { ...out, ...overrides };
}
/** The RB General rows at max, tematik at 0, so the index is 100 + koefisien. */
function generalOnly(inst: Instrument, overrides: Answers = {}): Answers {
  const out = answersAtMax(inst);
  for (const id of Object.keys(out)) if (id.startsWith("TEM")) out[id] = 0;
  return { ...out, ...overrides };
}

describe("the A / A- rule (§5) on rb-2024-kl", () => {
  const shipped = instrument("rb-2024-kl");
  // The shipped Opini BPK target (5 on a 0–3 range, gap G4) can never be met; these cases use 3 (WTP) to reach A.
  const kl: Instrument = structuredClone(shipped);
  kl.evaluation.portal_2025!.targets["C104.a"] = 3;
  const score = (answers: Answers, inst = kl) => scoreAssessment(inst, answers);

  it("100 is AA with top_inclusive (≥ 100), A with top_inclusive false (> 100)", () => {
    const r = score(generalOnly(kl));
    expect(r.total).toBeCloseTo(100, 12);
    expect(r.predicate?.code).toBe("AA");
    expect(r.predicate?.targets).toEqual({ checked: 25, met: 25, unmet: [] });
    const exclusive: Instrument = structuredClone(kl);
    exclusive.evaluation.portal_2025!.top_inclusive = false;
    expect(score(generalOnly(exclusive), exclusive).predicate?.code).toBe("A");
    const below = generalOnly(exclusive, { "C108.a": 76 }); // SKM below its target 76.61
    expect(score(below, exclusive).predicate?.code).toBe("A-");
    expect(score(answersAtMax(exclusive), exclusive).predicate?.code).toBe("AA"); // 110 > 100
  });

  it("80 exactly is BB (A needs > 80); just above 80 is A", () => {
    // A101 0 zeroes A102 through its multiplier: RB General 90, koefisien −10 → 80.
    const at80 = score(generalOnly(kl, { "A101.a": 0, "KOEF.a": -10 }));
    expect(at80.total).toBeCloseTo(80, 12);
    expect(at80.predicate?.code).toBe("BB");
    expect(at80.predicate?.targets?.unmet).toEqual([]);
    const above = score(generalOnly(kl, { "A101.a": 0, "KOEF.a": -9.5 }));
    expect(above.total).toBeCloseTo(80.5, 12);
    expect(above.predicate?.code).toBe("A");
  });

  it("90 with every target met is A; one target just below is A- and that row is listed; exactly at the target is met", () => {
    const ninety = score(generalOnly(kl, { "KOEF.a": -10 }));
    expect(ninety.total).toBeCloseTo(90, 12);
    expect(ninety.predicate?.code).toBe("A");
    const justBelow = score(generalOnly(kl, { "KOEF.a": -10, "C108.a": 76.6 }));
    expect(justBelow.total).toBeGreaterThan(80);
    expect(justBelow.predicate?.code).toBe("A-");
    expect(justBelow.predicate?.label).toBe("Memuaskan (belum semua target baik tercapai)");
    expect(justBelow.predicate?.targets).toEqual({
      checked: 25,
      met: 24,
      unmet: [{ itemId: "C108.a", label: "Survei Kepuasan Masyarakat (SKM)", target: 76.61, actual: 76.6 }],
    });
    const atTarget = score(generalOnly(kl, { "KOEF.a": -10, "C108.a": 76.61, "B116.a": 250, "C106.a": 5 }));
    expect(atTarget.predicate?.code).toBe("A");
    expect(atTarget.predicate?.targets?.met).toBe(25);
  });

  it("a target row answered N/A or left unanswered is not met (actual null)", () => {
    const answers = generalOnly(kl, { "B101.a": NOT_APPLICABLE }); // (88 / 98) × 100 ≈ 89.8 with SPI unanswered
    delete answers["C107.a"];
    const r = score(answers);
    expect(r.predicate?.code).toBe("A-");
    expect(r.predicate?.targets?.unmet).toEqual([
      { itemId: "B101.a", label: "Persentase Penyederhanaan Struktur Organisasi", target: 80, actual: null },
      { itemId: "C107.a", label: "Survei Penilaian Integritas (SPI)", target: 77.5, actual: null },
    ]);
  });

  it("the shipped file: Opini BPK's target 5 on 0–3 is never met (G4), so above 80 and below 100 is at most A-", () => {
    const r = score(generalOnly(shipped, { "KOEF.a": -10 }), shipped);
    expect(r.predicate?.code).toBe("A-");
    expect(r.predicate?.targets?.unmet.map((u) => [u.itemId, u.target, u.actual])).toEqual([["C104.a", 5, 3]]);
    expect(shipped.evaluation.portal_2025!.target_notes["C104.a"]).toMatch(/G4/);
    expect(score(answersAtMax(shipped), shipped).predicate?.code).toBe("AA");
  });

  it("bands below A as §5: BB > 70–80, B > 60–70, CC > 50–60, C > 30–50, D ≤ 30 (0 included)", () => {
    const bands = kl.evaluation.predicate_bands;
    const portal = kl.evaluation.portal_2025!;
    const code = (s: number) => portalPredicate(s, bands, portal, {})?.code;
    expect([70.01, 70, 60, 50, 30.01, 30, 0].map(code)).toEqual(["BB", "B", "CC", "C", "C", "D", "D"]);
    expect(portalPredicate(75, bands, portal, {})?.targets?.checked).toBe(25);
  });
});

describe("the index of rb-2024 (§1.2)", () => {
  it("(RB General + koefisien) / applicable × 100 + Tematik, with an N/A row", () => {
    const kl = instrument("rb-2024-kl");
    const answers = answersAtMax(kl, { "B101.a": NOT_APPLICABLE, "KOEF.a": 5, "TEM01.a": 1 });
    const r = scoreAssessment(kl, answers);
    expect(r.index?.general.value).toBeCloseTo(98, 12);
    expect(r.index?.general.applicable).toBeCloseTo(98, 12);
    expect(r.index?.notApplicable).toEqual(["B101"]);
    expect(r.total).toBeCloseTo(((98 + 5) / 98) * 100 + 9, 12);
    const prov = instrument("rb-2024-prov");
    const p = scoreAssessment(prov, answersAtMax(prov, { "B101.a": NOT_APPLICABLE, "KOEF.a": -2 })); // B101 Sistem kerja, 3
    expect(p.total).toBeCloseTo(((97 - 2) / 97) * 100 + 20, 12);
  });

  for (const k of kinds) {
    it(`${k.id}: each N/A-able row's weight leaves the denominator, the koefisien (its range's ends) is added before renormalising`, () => {
      const inst = instrument(k.id);
      const tematikMax = k.tematik;
      for (const { item, group } of itemsWithGroups(inst).filter(({ item }) => item.not_applicable)) {
        for (const koef of k.koef) {
          const r = scoreAssessment(inst, answersAtMax(inst, { [item.id]: NOT_APPLICABLE, "KOEF.a": koef }));
          const w = group.weight;
          expect(r.index?.general.applicable, item.id).toBeCloseTo(100 - w, 12);
          expect(r.total, `${item.id} koef ${koef}`).toBeCloseTo(((100 - w + koef) / (100 - w)) * 100 + tematikMax, 10);
        }
      }
    });
  }

  it("A102 × A101 / 3: the worked example of §2.6 (63 and 2,42 → 3,56; Strategi 5,98)", () => {
    const kl = instrument("rb-2024-kl");
    const r = scoreAssessment(kl, { "A101.a": 2.42, "A102.a": 63 });
    expect(r.nodes["A102"]!.value).toBeCloseTo((63 / 100) * 7 * (2.42 / 3), 12);
    expect(r.nodes["A102"]!.value.toFixed(2)).toBe("3.56");
    expect(r.nodes["A"]!.value.toFixed(2)).toBe("5.98");
  });
});

describe("validation of the new item fields", () => {
  const messages = (i: Instrument) => validateInstrument(i).map(englishIssue).join("\n");

  it("computed_from at most once per value and only on range_scaled items; portal_id unique; a target note needs its target", () => {
    const i: Instrument = structuredClone(instrument("rb-2024-kl"));
    const items = itemsWithGroups(i).map((x) => x.item);
    items.find((x) => x.id === "B101.a")!.computed_from = "renaksi_strategi";
    items.find((x) => x.id === "B102.a")!.portal_id = 2130;
    items.find((x) => x.id === "KOEF.a")!.computed_from = "renaksi_implementasi";
    i.evaluation.portal_2025!.target_notes["A101.a"] = "no target here";
    const text = messages(i);
    expect(text).toMatch(/B101\.a: computed_from "renaksi_strategi" is already set on A101\.a/);
    expect(text).toMatch(/KOEF\.a: computed_from needs a range_scaled item, not coefficient/);
    expect(text).toMatch(/B102\.a: portal_id 2130 is already used by A101\.a/);
    expect(text).toMatch(/target_notes: target for unknown item "A101\.a"/);
  });

  it("the English copy carries portal_id, computed_from, targets, target_notes and top_inclusive", () => {
    const kl = instrument("rb-2024-kl");
    const en = localizeInstrument(kl, "en");
    const a102 = itemsWithGroups(en).find((x) => x.item.id === "A102.a")!.item;
    expect([a102.portal_id, a102.computed_from, a102.question]).toEqual([2131, "renaksi_implementasi", itemsWithGroups(kl)[1]!.item.question_en]);
    const { portal_2025: p } = en.evaluation;
    expect([p?.top_inclusive, p?.targets, p?.target_notes]).toEqual([true, kl.evaluation.portal_2025!.targets, kl.evaluation.portal_2025!.target_notes]);
  });
});

describe("the A / A- rule at and around every target baik of every kind (§5)", () => {
  for (const k of kinds) {
    it(`${k.id}: each target row at its target is met (A), just below it is the one unmet row (A-), just above is met`, () => {
      const inst: Instrument = structuredClone(instrument(k.id));
      const targets = inst.evaluation.portal_2025!.targets;
      // The unreachable Opini target (G4) set to its range's top so that A can be reached at all.
      for (const { item } of itemsWithGroups(inst)) if (targets[item.id] !== undefined && targets[item.id]! > (item.scale?.max ?? Infinity)) targets[item.id] = item.scale!.max;
      const scales = new Map(itemsWithGroups(inst).map(({ item }) => [item.id, item.scale!]));
      // Koefisien −10: index 90, inside the A band, for every case below (a row's drop is at most a few points).
      const base = generalOnly(inst, { "KOEF.a": -10 });
      expect(Object.keys(targets)).toHaveLength(k.targets[0] + k.targets[1]);
      for (const [id, target] of Object.entries(targets)) {
        const eps = (scales.get(id)!.max - scales.get(id)!.min) / 1000;
        const at = scoreAssessment(inst, { ...base, [id]: target });
        expect(at.total, id).toBeGreaterThan(80);
        expect(at.predicate?.code, `${id} at ${target}`).toBe("A");
        const below = scoreAssessment(inst, { ...base, [id]: target - eps });
        expect(below.predicate?.code, `${id} below ${target}`).toBe("A-");
        expect(below.predicate?.targets?.unmet.map((u) => u.itemId)).toEqual([id]);
        if (target + eps <= scales.get(id)!.max) expect(scoreAssessment(inst, { ...base, [id]: target + eps }).predicate?.code, `${id} above`).toBe("A");
      }
    });
  }
});
