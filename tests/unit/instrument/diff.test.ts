import { describe, expect, test } from "vitest";
import { diffInstruments, diffSize, type InstrumentDiff } from "~/domain/instrument/diff";
import { checkItemMapping, parseItemMapping } from "~/domain/instrument/mapping";
import { englishIssue } from "~/i18n/instrument-issues";
import { parseInstrument } from "~/domain/instrument/parse";
import type { Instrument } from "~/domain/instrument/schema";
import { compareVersions } from "~/domain/instrument/version";
import { contentText, editYaml, locate, pmprbNext, removeItem, type RawDoc } from "../../helpers/instrument-edits";
import { instrument } from "../scoring/instruments";

const base = () => parseInstrument(contentText("pmprb-2014"), "pmprb-2014.yaml");
/** PMPRB 2014 with `edit` applied to its YAML, parsed and validated like an upload. */
const edited = (edit: (doc: RawDoc) => void) => parseInstrument(editYaml(contentText("pmprb-2014"), edit), "edited.yaml");

const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
const emptyExcept = (diff: InstrumentDiff, ...keys: (keyof InstrumentDiff)[]) => {
  for (const key of Object.keys(diff) as (keyof InstrumentDiff)[]) if (!keys.includes(key)) expect(diff[key], key).toEqual([]);
};

describe("diffInstruments", () => {
  test("the same content, or only a new version number, changes nothing", () => {
    expect(diffSize(diffInstruments(base(), base()))).toBe(0);
    expect(
      diffSize(
        diffInstruments(
          base(),
          edited((d) => (d.version = "1.1.0")),
        ),
      ),
    ).toBe(0);
  });

  test("swapped sub-area weights: both nodes and the effective weight of every item in them", () => {
    const next = edited((d) => {
      locate(d, "A.1.i").node.weight = 2;
      locate(d, "A.1.iii").node.weight = 1;
    });
    const diff = diffInstruments(base(), next);
    emptyExcept(diff, "reweighted");
    const nodes = diff.reweighted.filter((r) => r.level !== "item");
    expect(nodes).toEqual([
      expect.objectContaining({ id: "A.1.i", level: "subarea", from: 1, to: 2 }),
      expect.objectContaining({ id: "A.1.iii", level: "subarea", from: 2, to: 1 }),
    ]);
    const items = diff.reweighted.filter((r) => r.level === "item");
    const inI = base().tree[0]!.areas![0]!.subareas![0]!.items.length;
    const inIii = base().tree[0]!.areas![0]!.subareas![2]!.items.length;
    expect(items).toHaveLength(inI + inIii);
    const first = items.find((r) => r.id === "A.1.i.a")!;
    expect(first.from).toBeCloseTo(1 / inI, 12);
    expect(first.to).toBeCloseTo(2 / inI, 12);
  });

  test("a removed item is listed once, and its siblings' effective weight grows", () => {
    const diff = diffInstruments(
      base(),
      edited((d) => removeItem(d, "A.1.ii.e")),
    );
    emptyExcept(diff, "removed", "reweighted");
    expect(diff.removed).toEqual([expect.objectContaining({ id: "A.1.ii.e", level: "item" })]);
    expect(diff.reweighted.map((r) => [r.id, r.from, r.to])).toEqual(["a", "b", "c", "d"].map((x) => [`A.1.ii.${x}`, 1 / 5, 1 / 4]));
  });

  test("added and removed nodes: a new sub-area taking part of another's weight", () => {
    const next = edited((d) => {
      const { node, siblings } = locate(d, "A.1.iii");
      node.weight = 1;
      siblings.push({ id: "A.1.v", label: "Sub-area baru", weight: 1, items: [{ ...locate(d, "A.1.i.a").node, id: "A.1.v.a" }] });
    });
    const diff = diffInstruments(base(), next);
    expect(diff.added.map((a) => [a.id, a.level])).toEqual([
      ["A.1.v", "subarea"],
      ["A.1.v.a", "item"],
    ]);
    expect(diff.removed).toEqual([]);
    expect(ids(diff.reweighted.filter((r) => r.level === "subarea"))).toEqual(["A.1.iii"]);
    // Removing it again is the mirror image.
    const back = diffInstruments(next, base());
    expect(back.removed.map((a) => a.id)).toEqual(["A.1.v", "A.1.v.a"]);
  });

  test("a re-typed item: old and new type, and the option codes that changed with it", () => {
    const next = edited((d) => {
      const item = locate(d, "A.1.i.a").node;
      item.type = "yes_no";
      item.options = [
        { code: "Ya", criterion: "sudah dibentuk" },
        { code: "Tidak", criterion: "belum dibentuk" },
      ];
    });
    const diff = diffInstruments(base(), next);
    emptyExcept(diff, "retyped", "rangeChanged");
    expect(diff.retyped).toEqual([expect.objectContaining({ id: "A.1.i.a", from: "abc", to: "yes_no" })]);
    expect(diff.rangeChanged).toEqual([expect.objectContaining({ id: "A.1.i.a", field: "options", from: "A, B, C", to: "Tidak, Ya" })]);
  });

  test("a changed scale range, and a changed answer-scale table", () => {
    const next = edited((d) => {
      locate(d, "B.1.i.a").node.scale = { min: 0, max: 4 };
      d.answer_scales.abc.B = 0.6;
    });
    const diff = diffInstruments(base(), next);
    emptyExcept(diff, "rangeChanged");
    expect(diff.rangeChanged).toEqual([
      expect.objectContaining({ id: "B.1.i.a", level: "item", field: "scale", from: "0–100", to: "0–4" }),
      expect.objectContaining({
        id: "answer_scales.abc",
        level: "scale",
        field: "answer_scale",
        from: "A=1, B=0.5, C=0",
        to: "A=1, B=0.6, C=0",
      }),
    ]);
  });

  test("reworded questions, node labels and option criteria are relabelled, nothing else", () => {
    const next = edited((d) => {
      locate(d, "A.1.i.a").node.question = "Pertanyaan yang diubah?";
      locate(d, "A.1.i.a").node.options[0].criterion = "kriteria baru";
      locate(d, "A.1").node.label = "Manajemen Perubahan (baru)";
    });
    const diff = diffInstruments(base(), next);
    emptyExcept(diff, "relabelled");
    expect(diff.relabelled.map((r) => [r.id, r.field, r.to])).toEqual([
      ["A.1", "label", "Manajemen Perubahan (baru)"],
      ["A.1.i.a", "question", "Pertanyaan yang diubah?"],
      ["A.1.i.a", "option A", "kriteria baru"],
    ]);
  });

  test("a new item id is removed + added without a mapping, and renamed (then compared) with one", () => {
    const next = edited((d) => {
      const item = locate(d, "A.1.i.b").node;
      item.id = "A.1.i.z";
      item.question = "Apakah Tim RB bekerja sesuai rencana?";
    });
    const plain = diffInstruments(base(), next);
    expect(ids(plain.removed)).toEqual(["A.1.i.b"]);
    expect(ids(plain.added)).toEqual(["A.1.i.z"]);
    expect(plain.renamed).toEqual([]);
    const mapped = diffInstruments(base(), next, { "A.1.i.b": "A.1.i.z" });
    emptyExcept(mapped, "renamed", "relabelled");
    expect(mapped.renamed).toEqual([expect.objectContaining({ id: "A.1.i.z", from: "A.1.i.b", to: "A.1.i.z" })]);
    expect(mapped.relabelled).toEqual([expect.objectContaining({ id: "A.1.i.z", field: "question" })]);
  });

  test("the shared 1.1.0 fixture: every change in its table", () => {
    const next = parseInstrument(pmprbNext(), "pmprb-2014-1.1.0.yaml");
    const diff = diffInstruments(base(), next, { "A.1.i.b": "A.1.i.z", "A.1.ii.e": null });
    expect(ids(diff.removed)).toEqual(["A.1.ii.e"]);
    expect(diff.added).toEqual([]);
    expect(diff.renamed.map((r) => [r.from, r.to])).toEqual([["A.1.i.b", "A.1.i.z"]]);
    expect(ids(diff.relabelled)).toEqual(["A.1.i.a"]);
    expect(ids(diff.reweighted.filter((r) => r.level === "subarea"))).toEqual(["A.1.i", "A.1.iii"]);
  });
});

test("pmprb-2014 1.0.0 (test fixture) → 1.0.1 (content, README §0): only the four Hasil rows of external points are retyped", () => {
  const diff = diffInstruments(instrument("pmprb-2014@1.0.0"), base());
  emptyExcept(diff, "retyped", "rangeChanged", "relabelled");
  expect(diff.retyped.map((r) => [r.id, r.from, r.to])).toEqual([
    ["B.1.ii.a", "external_points", "index_score"],
    ["B.2.i.a", "external_points", "index_score"],
    ["B.2.ii.a", "external_points", "choice"],
    ["B.3.i.a", "external_points", "index_score"],
  ]);
  expect([...new Set([...diff.rangeChanged, ...diff.relabelled].map((r) => r.id))].every((id) => id.startsWith("B."))).toBe(true);
});

describe("item mapping", () => {
  const prev = base();
  const next: Instrument = parseInstrument(pmprbNext(), "next.yaml");

  test("a valid mapping (YAML or JSON) has no issues", () => {
    for (const text of [
      '{"from":"1.0.1","items":{"A.1.i.b":"A.1.i.z","A.1.ii.e":null}}',
      "from: 1.0.1\nitems:\n  A.1.i.b: A.1.i.z\n  A.1.ii.e: ~\n",
    ]) {
      const parsed = parseItemMapping(text);
      expect(parsed.ok, text).toBe(true);
      if (parsed.ok) expect(checkItemMapping(parsed.mapping, prev, next)).toEqual([]);
    }
  });

  test("malformed files are refused with the field named", () => {
    const noItems = parseItemMapping("from: 1.0.1\n");
    expect(noItems.ok).toBe(false);
    if (!noItems.ok) expect(noItems.issues.map((i) => [i.at, i.params.field])).toEqual([["mapping", "items"]]);
    const wrongValue = parseItemMapping("from: 1.0.1\nitems:\n  A.1.i.b: 3\n");
    expect(!wrongValue.ok && wrongValue.issues[0]!.params.field).toBe("items.A.1.i.b");
    const extra = parseItemMapping("from: 1.0.1\nitems: {}\nto: 2\n");
    expect(extra.ok).toBe(false);
    const yaml = parseItemMapping("from: [unclosed");
    expect(!yaml.ok && yaml.issues[0]!.at).toBe("mapping");
  });

  test("unknown old ids, unknown new ids, two items on one id and a claimed existing id are named", () => {
    const check = (items: Record<string, string | null>) => checkItemMapping({ from: "1.0.1", items }, prev, next);
    expect(check({ "A.9.i.a": "A.1.i.z" })).toEqual([
      expect.objectContaining({
        at: "A.9.i.a",
        key: "instrument.mapping.oldUnknown",
        params: { from: "A.9.i.a", instrument: "pmprb-2014", version: "1.0.1" },
      }),
    ]);
    expect(check({ "A.1.i.b": "A.1.i.y" })).toEqual([expect.objectContaining({ at: "A.1.i.y", key: "instrument.mapping.newUnknown" })]);
    const twice = check({ "A.1.i.b": "A.1.i.z", "A.1.ii.e": "A.1.i.z" });
    expect(twice.map((i) => i.at)).toEqual(["A.1.i.z"]);
    expect(englishIssue(twice[0]!)).toMatch(/both map to/);
    const claimed = check({ "A.1.i.b": "A.1.i.a" });
    expect(claimed.map((i) => i.at)).toEqual(["A.1.i.a"]);
    expect(englishIssue(claimed[0]!)).toMatch(/map "A\.1\.i\.a" too/);
  });
});

test("versions compare numerically part by part, pre-releases first", () => {
  expect(compareVersions("2023.1.0", "2023.2.0")).toBeLessThan(0);
  expect(compareVersions("2023.10.0", "2023.9.1")).toBeGreaterThan(0);
  expect(compareVersions("1.0", "1.0.0")).toBe(0);
  expect(compareVersions("1.0.1", "1.0")).toBeGreaterThan(0);
  expect(compareVersions("1.1.0-rc1", "1.1.0")).toBeLessThan(0);
  expect(compareVersions("1.1.0-rc2", "1.1.0-rc1")).toBeGreaterThan(0);
  expect(compareVersions("1.1.0-rc1", "1.0.9")).toBeGreaterThan(0);
  const sorted = ["1.10.0", "1.2.0", "1.1.0", "1.1.0-rc1", "0.9"].sort(compareVersions);
  expect(sorted).toEqual(["0.9", "1.1.0-rc1", "1.1.0", "1.2.0", "1.10.0"]);
});

describe("diff of RB 2023 rules", () => {
  test("names a changed multiplier, a row that may no longer be N/A, a re-ranged row and new predicate bands", async () => {
    const { getInstrument } = await import("~/services/instruments/catalog.server");
    const prev = getInstrument("rb-2023-kl")!.instrument;
    const next = structuredClone(prev);
    const rows = next.tree[0]!.areas!;
    rows[1]!.items![0]!.multiplier = undefined;
    const b = next.tree[1]!.subcomponents![0]!.areas;
    b[1]!.items![0]!.not_applicable = false;
    b[2]!.items![0]!.scale = { min: 0, max: 5 };
    next.evaluation.predicate_bands[0]!.above = 95;
    const d = diffInstruments(prev, next);
    const at = d.rangeChanged.map((c) => `${c.id} ${c.field}: ${c.from} → ${c.to}`);
    expect(at).toContain("A102.a rule: × A101, N/A allowed → N/A allowed");
    expect(at).toContain("B102.a rule: N/A allowed → ");
    expect(at.some((x) => x.startsWith("B103.a scale:"))).toBe(true);
    expect(at.some((x) => x.startsWith("evaluation.predicate_bands evaluation:"))).toBe(true);
    expect(diffInstruments(prev, structuredClone(prev)).rangeChanged).toEqual([]);
  });
});
