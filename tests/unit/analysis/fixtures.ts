// Test helper: small instruments with ZI-style verdict rules, and in-memory versions of zi-2021.
import { stringify } from "yaml";
import { parseInstrument } from "~/domain/instrument/parse";
import type { Instrument } from "~/domain/instrument/schema";
import type { Answers, AnswerValue } from "~/domain/scoring/answers";
import { getInstrument } from "~/services/instruments/catalog.server";

/** Fixed seed: CI runs the same cases every time; a failure prints its counterexample. */
export const SEED = 20260601;

// Loose on purpose: tests build and mutate raw documents.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = any;

export function zi2021(): Instrument {
  const loaded = getInstrument("zi-2021");
  if (!loaded) throw new Error("zi-2021 missing from content/instruments");
  return loaded.instrument;
}

export function pmprb2014(): Instrument {
  const loaded = getInstrument("pmprb-2014");
  if (!loaded) throw new Error("pmprb-2014 missing from content/instruments");
  return loaded.instrument;
}

const SCALES = {
  yes_no: { Ya: 1, Tidak: 0 },
  abc: { A: 1, B: 0.5, C: 0 },
  abcd: { two_decimal: { A: 1, B: 0.67, C: 0.33, D: 0 }, exact_thirds: { A: 1, B: "2/3", C: "1/3", D: 0 } },
  abcde: { A: 1, B: 0.75, C: 0.5, D: 0.25, E: 0 },
};

const letters = (codes: string[]) => codes.map((code) => ({ code, criterion: `kriteria ${code}` }));
const yesNo = (id: string) => ({ id, type: "yes_no", question: `${id}?`, options: letters(["Ya", "Tidak"]), status: "verified" });
const lettered = (id: string, type: "abc" | "abcd" | "abcde") => {
  const codes = { abc: ["A", "B", "C"], abcd: ["A", "B", "C", "D"], abcde: ["A", "B", "C", "D", "E"] }[type];
  return { id, type, question: `${id}?`, options: letters(codes), status: "verified" };
};
const survey = (id: string) => ({ id, type: "survey_0_4", question: `${id}?`, status: "verified" });
const ratio = (id: string) => ({
  id,
  type: "percent",
  question: `${id}?`,
  inputs: [
    { name: "agen", label: "agen" },
    { name: "perubahan", label: "perubahan" },
  ],
  formula: { kind: "ratio", numerator: "perubahan", denominator: ["agen"], on_zero_denominator: { default: { value: 0, warn: true } } },
  status: "inferred",
});
const decrease = (id: string) => ({
  id,
  type: "percent",
  question: `${id}?`,
  inputs: [
    { name: "lalu", label: "lalu" },
    { name: "kini", label: "kini" },
  ],
  formula: {
    kind: "decrease_ratio",
    before: "lalu",
    after: "kini",
    on_zero_denominator: { when_numerator_zero: { value: 1 }, default: { value: 0, warn: true } },
  },
  status: "inferred",
});

/** Thresholds of the mini verdict rule (points, percent for the areas). */
export interface MiniRule {
  total: number;
  pengungkit: number;
  areaPercent: number;
  bersih: number;
  ipak: number;
  capaian: number;
  ipkp: number;
  /** Adds a minimum on Pemenuhan (A.I), which crosses the combined areas: a non-laminar rule. */
  pemenuhan?: number;
}

/**
 * A ZI-shaped instrument of 11 items (total 20): Pengungkit 12 = Pemenuhan 6 + Reform 6, two
 * combined areas (A.I.1 + A.II.1, A.I.2 + A.II.2), Hasil 8 = IPAK 4 + capaian 1 + IPKP 3, with
 * every answer type the planner handles (options, ratio, decrease ratio, survey scores).
 */
export function miniZi(rule: MiniRule): Instrument {
  // Parsing (YAML + schema + validation) costs tens of ms: parse each shape once, then set the thresholds on a copy.
  const key = rule.pemenuhan === undefined ? "laminar" : "crossing";
  let parsed = miniCache.get(key);
  if (!parsed) miniCache.set(key, (parsed = parseMini({ ...rule, pemenuhan: rule.pemenuhan === undefined ? undefined : 0 })));
  const copy = structuredClone(parsed);
  const mins: Record<string, number | undefined> = {
    total: rule.total,
    pengungkit: rule.pengungkit,
    pemenuhan: rule.pemenuhan,
    bersih: rule.bersih,
    ipak: rule.ipak,
    capaian: rule.capaian,
    ipkp: rule.ipkp,
  };
  for (const c of copy.evaluation.zi_verdicts[0]?.criteria ?? []) {
    if (c.kind === "node_min") c.min = mins[c.id] ?? c.min;
    if (c.kind === "area_percent_min") c.min_percent = rule.areaPercent;
  }
  return copy;
}

const miniCache = new Map<string, Instrument>();

function parseMini(rule: MiniRule): Instrument {
  const criteria = (r: MiniRule) => [
    { id: "holds_wbk", kind: "context_flag", label: "WBK", context: "holds_wbk", when_missing: "unknown" },
    { id: "total", kind: "node_min", label: "Total", node: "total", min: r.total },
    { id: "pengungkit", kind: "node_min", label: "Pengungkit", node: "A", min: r.pengungkit },
    ...(r.pemenuhan === undefined ? [] : [{ id: "pemenuhan", kind: "node_min", label: "Pemenuhan", node: "A.I", min: r.pemenuhan }]),
    { id: "area_min", kind: "area_percent_min", label: "Area", min_percent: r.areaPercent },
    { id: "bersih", kind: "node_min", label: "Bersih", node: "B.I", min: r.bersih },
    { id: "ipak", kind: "node_min", label: "IPAK", node: "B.I.1", min: r.ipak },
    { id: "capaian", kind: "node_min", label: "Capaian", node: "B.I.2", min: r.capaian },
    { id: "ipkp", kind: "node_min", label: "IPKP", node: "B.II.1", min: r.ipkp },
    { id: "kawasan", kind: "context_min", label: "Kawasan", context: "kawasan", min: 7, when_missing: "not_applicable" },
  ];
  const area = (id: string, subs: Array<[string, number, object[]]>) => ({
    id,
    label: `Area ${id}`,
    weight: subs.reduce((s, [, w]) => s + w, 0),
    subareas: subs.map(([sid, weight, items]) => ({ id: sid, label: `Sub ${sid}`, weight, items })),
  });
  const doc: Raw = {
    id: "mini-zi",
    version: "1.0.0",
    title: "Mini ZI",
    regulation: { reference: "Uji" },
    status: "draft",
    total_weight: 20,
    answer_scales: SCALES,
    tree: [
      {
        id: "A",
        label: "Pengungkit",
        weight: 12,
        subcomponents: [
          {
            id: "A.I",
            label: "Pemenuhan",
            weight: 6,
            areas: [
              area("A.I.1", [
                ["A.I.1.i", 1.5, [yesNo("A.I.1.i.a"), lettered("A.I.1.i.b", "abc")]],
                ["A.I.1.ii", 1.5, [lettered("A.I.1.ii.a", "abcd")]],
              ]),
              area("A.I.2", [["A.I.2.i", 3, [lettered("A.I.2.i.a", "abcde"), ratio("A.I.2.i.b")]]]),
            ],
          },
          {
            id: "A.II",
            label: "Reform",
            weight: 6,
            areas: [
              area("A.II.1", [["A.II.1.i", 3, [decrease("A.II.1.i.a"), yesNo("A.II.1.i.b")]]]),
              area("A.II.2", [["A.II.2.i", 3, [lettered("A.II.2.i.a", "abcd")]]]),
            ],
          },
        ],
      },
      {
        id: "B",
        label: "Hasil",
        weight: 8,
        subcomponents: [
          {
            id: "B.I",
            label: "Bersih",
            weight: 5,
            areas: [
              { id: "B.I.1", label: "IPAK", weight: 4, items: [survey("B.I.1.a")] },
              { id: "B.I.2", label: "Capaian", weight: 1, items: [lettered("B.I.2.a", "abcde")] },
            ],
          },
          { id: "B.II", label: "Prima", weight: 3, areas: [{ id: "B.II.1", label: "IPKP", weight: 3, items: [survey("B.II.1.a")] }] },
        ],
      },
    ],
    evaluation: {
      zi_area_groups: [
        { id: "1", label: "Satu", nodes: ["A.I.1", "A.II.1"] },
        { id: "2", label: "Dua", nodes: ["A.I.2", "A.II.2"] },
      ],
      zi_verdicts: [{ id: "wbk", label: "WBK", criteria: criteria(rule) }],
    },
  };
  return parseInstrument(stringify(doc), "mini-zi.yaml");
}

/**
 * The best answer of each mini-zi item, written out by hand (every item can reach v = 1):
 * independent of the planner's own choice, so the brute force does not trust what it checks.
 */
export function handBest(id: string, current: AnswerValue | undefined): AnswerValue {
  const counts = typeof current === "object" && current !== null ? current : {};
  if (id === "A.I.2.i.b") {
    const agen = Math.max(1, counts.agen ?? 0);
    return { agen, perubahan: agen };
  }
  if (id === "A.II.1.i.a") return { lalu: counts.lalu ?? 0, kini: 0 };
  if (id === "A.I.1.i.a" || id === "A.II.1.i.b") return "Ya";
  if (id === "B.I.1.a" || id === "B.II.1.a") return 4;
  return "A";
}

/**
 * zi-2021 "version 2", as a later edition of a regulation might change it: sub-area weights
 * re-split within A.I.1, a sub-area removed (A.I.3.vi, its weight moved to A.I.3.v), an item
 * removed (A.I.1.ii.c) and one added (A.I.2.iii.c), an abcd item turned abc (A.I.1.iii.a: answers
 * "D" no longer fit), and abcd values as exact thirds.
 */
export function ziVersion2(): Instrument {
  const raw: Raw = structuredClone(zi2021());
  raw.version = "2.0.0";
  raw.settings.abcd_values = "exact_thirds";
  const pemenuhan = raw.tree[0].subcomponents[0];
  const area = (id: string) => pemenuhan.areas.find((a: Raw) => a.id === id);
  const sub = (areaId: string, id: string) => area(areaId).subareas.find((s: Raw) => s.id === id);
  sub("A.I.1", "A.I.1.i").weight = 1;
  sub("A.I.1", "A.I.1.iv").weight = 1;
  const ii = sub("A.I.1", "A.I.1.ii");
  ii.items = ii.items.filter((i: Raw) => i.id !== "A.I.1.ii.c");
  const iii = sub("A.I.1", "A.I.1.iii");
  const first = iii.items[0];
  first.type = "abc";
  first.options = first.options.slice(0, 3);
  const a3 = area("A.I.3");
  a3.subareas = a3.subareas.filter((s: Raw) => s.id !== "A.I.3.vi");
  sub("A.I.3", "A.I.3.v").weight = 1;
  sub("A.I.2", "A.I.2.iii").items.push({ ...yesNo("A.I.2.iii.c"), question: "Pertanyaan baru versi 2?" });
  return parseInstrument(stringify(raw), "zi-2021-v2.yaml");
}

/** zi-2021 with only one setting changed (abcd values as exact thirds). */
export function ziExactThirds(): Instrument {
  const raw: Raw = structuredClone(zi2021());
  raw.settings.abcd_values = "exact_thirds";
  return parseInstrument(stringify(raw), "zi-2021-thirds.yaml");
}

/** The same content parsed again: another object, the same rules. */
export function ziReparsed(): Instrument {
  return parseInstrument(stringify(zi2021()), "zi-2021-copy.yaml");
}

/** Answers restricted to the item ids an instrument has (what a re-scoring under it may read). */
export function restrictTo(ids: ReadonlySet<string> | ReadonlyMap<string, unknown>, answers: Answers): Answers {
  return Object.fromEntries(Object.entries(answers).filter(([id]) => ids.has(id)));
}
