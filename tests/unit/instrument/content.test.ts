import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { itemsWithGroups, treeNodes } from "~/domain/instrument/tree";
import { weightValue } from "~/domain/instrument/weights";
import { CONTENT_DIR, instrument } from "../scoring/instruments";

const weights = (id: "zi-2021" | "pmprb-2014") => {
  const out: Record<string, number> = {};
  const visit = (n: ReturnType<typeof treeNodes>[number]) => {
    out[n.id] = n.weight;
    n.children.forEach(visit);
  };
  treeNodes(instrument(id)).forEach(visit);
  return out;
};

describe("shipped instruments", () => {
  it("are exactly zi-2021, pmprb-2014 and the three Evaluasi RB 2023 and 2024 trees", () => {
    expect(readdirSync(CONTENT_DIR).sort()).toEqual([
      "pmprb-2014.yaml",
      "rb-2023-kabkota.yaml",
      "rb-2023-kl.yaml",
      "rb-2023-prov.yaml",
      "rb-2024-kabkota.yaml",
      "rb-2024-kl.yaml",
      "rb-2024-prov.yaml",
      "zi-2021.yaml",
    ]);
  });

  it("zi-2021: 113 items (87 Pemenuhan, 23 Reform, 3 Hasil), published, default settings", () => {
    const zi = instrument("zi-2021");
    const items = itemsWithGroups(zi);
    expect(items).toHaveLength(113);
    expect(items.filter((e) => e.item.id.startsWith("A.I.")).length).toBe(87);
    expect(items.filter((e) => e.item.id.startsWith("A.II.")).length).toBe(23);
    expect(items.filter((e) => e.item.id.startsWith("B.")).length).toBe(3);
    expect(zi.status).toBe("published");
    expect(zi.settings).toEqual({ abcd_values: "two_decimal", zi_area_min_scope: "combined", id_scheme: "lke", predicate_rule: "bands" });
  });

  it("zi-2021 weights: Pemenuhan 30 and Reform 30 (4/3.5/5/5/7.5/5 each), Hasil 40 (17.5 + 5 + 17.5)", () => {
    const w = weights("zi-2021");
    expect([w.A, w["A.I"], w["A.II"], w.B]).toEqual([60, 30, 30, 40]);
    for (const half of ["A.I", "A.II"]) {
      expect([1, 2, 3, 4, 5, 6].map((n) => w[`${half}.${n}`])).toEqual([4, 3.5, 5, 5, 7.5, 5]);
    }
    expect([w["B.I.1"], w["B.I.2"], w["B.II.1"]]).toEqual([17.5, 5, 17.5]);
  });

  it("zi-2021 combined areas are 8/7/10/10/15/10", () => {
    const zi = instrument("zi-2021");
    const w = weights("zi-2021");
    expect(zi.evaluation.zi_area_groups.map((g) => g.nodes.reduce((s, n) => s + (w[n] ?? 0), 0))).toEqual([8, 7, 10, 10, 15, 10]);
  });

  it("pmprb-2014: 151 items, Pengungkit 60 = 5/5/6/5/15/6/12/6, Hasil 40 = 20/10/10, no subcomponent level", () => {
    const pm = instrument("pmprb-2014");
    const w = weights("pmprb-2014");
    expect(itemsWithGroups(pm)).toHaveLength(151);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => w[`A.${n}`])).toEqual([5, 5, 6, 5, 15, 6, 12, 6]);
    expect([w.A, w.B, w["B.1"], w["B.2"], w["B.3"]]).toEqual([60, 40, 20, 10, 10]);
    expect(pm.tree.every((c) => c.subcomponents === undefined)).toBe(true);
  });

  it("pmprb-2014 1.0.1 Hasil follows README §0: raw values (SAKIP 0–100, surveys 0–5 / 0–4 / 0–4), Opini BPK as a choice", () => {
    const pm = instrument("pmprb-2014");
    expect(pm.version).toBe("1.0.1");
    const hasil = itemsWithGroups(pm).filter((e) => e.item.id.startsWith("B."));
    expect(hasil.map((e) => [e.item.id, e.item.type, e.item.scale ?? null, e.group.weight])).toEqual([
      ["B.1.i.a", "index_score", { min: 0, max: 100 }, 14],
      ["B.1.ii.a", "index_score", { min: 0, max: 5 }, 6],
      ["B.2.i.a", "index_score", { min: 0, max: 4 }, 7],
      ["B.2.ii.a", "choice", null, 3],
      ["B.3.i.a", "index_score", { min: 0, max: 4 }, 10],
    ]);
    // Opini BPK, points of the row's weight 3: WTP 3, WTP-DPP 2.5, WDP 2, TMP 1.5, TW 1, no report 0.
    const opini = hasil.find((e) => e.item.id === "B.2.ii.a")?.item.options ?? [];
    expect(opini.map((o) => o.code)).toEqual(["WTP", "WTP-DPP", "WDP", "TMP", "TW", "TML"]);
    const points = [3, 2.5, 2, 1.5, 1, 0];
    opini.forEach((o, i) => expect(weightValue(o.value ?? Number.NaN) * 3, o.code).toBeCloseTo(points[i] ?? Number.NaN, 12));
    expect(pm.evaluation.predicate_bands.map((b) => b.code)).toEqual(["AA", "A", "BB", "B", "CC", "C", "D"]);
  });

  it("pmprb-2014 1.0.0 (kept as a test fixture for assessments frozen on it): SAKIP index 0–100, four rows as external points", () => {
    const pm = instrument("pmprb-2014@1.0.0");
    const hasil = itemsWithGroups(pm).filter((e) => e.item.id.startsWith("B."));
    expect(hasil.map((e) => [e.item.id, e.item.type])).toEqual([
      ["B.1.i.a", "index_score"],
      ["B.1.ii.a", "external_points"],
      ["B.2.i.a", "external_points"],
      ["B.2.ii.a", "external_points"],
      ["B.3.i.a", "external_points"],
    ]);
    expect(hasil[0]?.item.scale).toEqual({ min: 0, max: 100 });
  });

  it("every item has a question, evidence hints and a source status", () => {
    for (const id of ["zi-2021", "pmprb-2014"] as const) {
      for (const { item } of itemsWithGroups(instrument(id))) {
        expect(item.question.length, item.id).toBeGreaterThan(5);
        expect(item.evidence.length, item.id).toBeGreaterThan(0);
        expect(["verified", "app-only", "inferred", "unverified"]).toContain(item.status);
      }
    }
  });
});
