// Test helper: a small valid instrument exercising every structural feature, to mutate in loader tests.
import { stringify } from "yaml";

// Loose on purpose: tests reach into the raw document to break it in specific ways.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RawDoc = any;

export function miniInstrument(): RawDoc {
  return {
    id: "mini",
    version: "0.1.0",
    title: "Instrumen uji",
    regulation: { reference: "Uji" },
    status: "draft",
    total_weight: 10,
    answer_scales: {
      yes_no: { Ya: 1, Tidak: 0 },
      abc: { A: 1, B: 0.5, C: 0 },
      abcd: { two_decimal: { A: 1, B: 0.67, C: 0.33, D: 0 }, exact_thirds: { A: 1, B: "2/3", C: "1/3", D: 0 } },
      abcde: { A: 1, B: 0.75, C: 0.5, D: 0.25, E: 0 },
    },
    tree: [
      {
        id: "A",
        label: "Pengungkit",
        weight: 6,
        subcomponents: [
          {
            id: "A.I",
            label: "Pemenuhan",
            weight: 6,
            areas: [
              {
                id: "A.I.1",
                label: "Area satu",
                weight: 6,
                subareas: [
                  {
                    id: "A.I.1.i",
                    label: "Sub-area i",
                    weight: 2,
                    items: [
                      {
                        id: "A.I.1.i.a",
                        type: "yes_no",
                        question: "Ada tim?",
                        options: [
                          { code: "Ya", criterion: "ada" },
                          { code: "Tidak", criterion: "tidak ada" },
                        ],
                        status: "verified",
                      },
                      {
                        id: "A.I.1.i.b",
                        type: "abc",
                        question: "Prosedur?",
                        options: [
                          { code: "A", criterion: "a" },
                          { code: "B", criterion: "b" },
                          { code: "C", criterion: "c" },
                        ],
                        status: "verified",
                      },
                    ],
                  },
                  {
                    id: "A.I.1.ii",
                    label: "Sub-area ii",
                    weight: 4,
                    items: [
                      {
                        id: "A.I.1.ii.a",
                        type: "percent",
                        question: "Berapa persen?",
                        inputs: [
                          { name: "agen", label: "jumlah agen" },
                          { name: "perubahan", label: "jumlah perubahan" },
                          { name: "catatan", label: "informasi", informational: true },
                        ],
                        formula: {
                          kind: "ratio",
                          numerator: "perubahan",
                          denominator: ["agen"],
                          on_zero_denominator: { default: { value: 0, warn: true } },
                        },
                        status: "inferred",
                      },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
      {
        id: "B",
        label: "Hasil",
        weight: 4,
        subcomponents: [
          {
            id: "B.I",
            label: "Hasil satu",
            weight: 4,
            areas: [
              {
                id: "B.I.1",
                label: "Survei",
                weight: 4,
                items: [{ id: "B.I.1.a", type: "survey_0_4", question: "Skor?", status: "verified" }],
              },
            ],
          },
        ],
      },
    ],
    evaluation: {
      predicate_bands: [{ code: "X", label: "Cukup", above: 0, up_to: 10 }],
    },
  };
}

export const toYaml = (doc: unknown) => stringify(doc);
