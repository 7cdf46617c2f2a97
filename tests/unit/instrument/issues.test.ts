/**
 * Instrument problems are data (issue #27): a place, a message key and its parameters, translated by
 * the reader's dictionary. The domain names no language; YAML and schema errors read as sentences
 * naming the line or the field, never as a parser's or Zod's own English.
 */
import { describe, expect, it } from "vitest";
import { INSTRUMENT_ISSUE_KEYS, type InstrumentIssue } from "~/domain/instrument/issues";
import { parseItemMapping } from "~/domain/instrument/mapping";
import { InstrumentError, parseInstrument } from "~/domain/instrument/parse";
import { en } from "~/i18n/en";
import { id } from "~/i18n/id";
import { issueLine, issueMessage } from "~/i18n/instrument-issues";
import { miniInstrument, toYaml, type RawDoc } from "./mini";

function problems(text: string, name = "mini.yaml"): InstrumentIssue[] {
  try {
    parseInstrument(text, name);
  } catch (e) {
    if (e instanceof InstrumentError) return e.issues;
    throw e;
  }
  throw new Error("expected the instrument to be rejected");
}

const broken = (mutate: (d: RawDoc) => void) => {
  const d = miniInstrument();
  mutate(d);
  return problems(toYaml(d));
};

describe("validation problems are keys with parameters", () => {
  it("a weight sum names the node, the sum, the parts and the expected weight; each language formats the numbers", () => {
    const [p] = broken((d) => (d.tree[0].subcomponents[0].areas[0].subareas[1].weight = 3.5));
    expect(p).toEqual({
      at: "A.I.1",
      key: "instrument.weightSum",
      params: {
        node: "A.I.1",
        sum: 5.5,
        parts: [
          { id: "A.I.1.i", weight: 2 },
          { id: "A.I.1.ii", weight: 3.5 },
        ],
        expected: 6,
      },
    });
    expect(issueMessage(p!, "id")).toBe("jumlah bobot di bawah A.I.1 adalah 5,5 (A.I.1.i 2 + A.I.1.ii 3,5), seharusnya 6");
    expect(issueMessage(p!, "en")).toBe("children weights of A.I.1 sum to 5.5 (A.I.1.i 2 + A.I.1.ii 3.5), expected 6");
  });

  it("a sum off by a millionth does not read as the expected weight", () => {
    const [p] = broken((d) => (d.tree[0].subcomponents[0].areas[0].subareas[1].weight = 4.000001));
    expect(issueMessage(p!, "id")).toContain("adalah 6,000001 (");
  });

  it("a fraction weight stays as written", () => {
    const [p] = broken((d) => (d.tree[0].subcomponents[0].areas[0].subareas[1].weight = "7/3"));
    expect(p!.params.parts).toEqual([
      { id: "A.I.1.i", weight: 2 },
      { id: "A.I.1.ii", weight: "7/3" },
    ]);
    expect(issueMessage(p!, "id")).toMatch(/\(A\.I\.1\.i 2 \+ A\.I\.1\.ii 7\/3\), seharusnya 6$/);
  });

  it("an unknown answer type is a schema problem naming the row and the field, with the allowed values", () => {
    const [p] = broken((d) => (d.tree[0].subcomponents[0].areas[0].subareas[0].items[0].type = "likert"));
    expect(p).toMatchObject({ at: "A.I.1.i.a", key: "instrument.schema.enum", params: { field: "type", value: "likert" } });
    expect(issueLine(p!, "id")).toMatch(/^A\.I\.1\.i\.a: “type”: “likert” bukan salah satu dari yes_no, abc, abcd, /);
    expect(issueLine(p!, "id")).not.toMatch(/Invalid|Expected|received/);
  });

  it("a missing field, an unknown key and a wrong type read as sentences in Indonesian", () => {
    const lines = broken((d) => {
      delete d.tree[0].subcomponents[0].areas[0].subareas[0].items[0].question;
      d.tree[0].subcomponents[0].areas[0].subareas[0].items[1].bobot = 2;
      d.total_weight = "sepuluh";
    }).map((p) => issueLine(p, "id"));
    expect(lines).toEqual(
      expect.arrayContaining([
        "A.I.1.i.a: “question” wajib diisi",
        "A.I.1.i.b: kunci yang tidak dikenal di “A.I.1.i.b”: bobot",
        "mini.yaml: “total_weight” harus berupa angka",
      ]),
    );
  });

  it("a custom schema rule is its own key (a weight that is neither a number nor a fraction)", () => {
    const [p] = broken((d) => (d.tree[0].weight = "enam"));
    expect(p).toMatchObject({ at: "A", key: "instrument.schema.weightFormat", params: { field: "weight" } });
    expect(issueMessage(p!, "en")).toBe('"weight" must be a number or an exact fraction like "1/3"');
  });

  it("YAML that does not parse names the file, the line and the column", () => {
    const [p] = problems("id: mini\ntree: [\n  - a", "rusak.yaml");
    expect(p).toEqual({ at: "rusak.yaml", key: "instrument.yaml.structure", params: { line: 3, column: 3 } });
    expect(issueLine(p!, "id")).toBe(
      "rusak.yaml: baris 3, kolom 3: YAML tidak dapat dibaca — isi yang tidak terduga; periksa indentasi, titik dua, dan kurung",
    );
    expect(issueLine(p!, "en")).toMatch(/^rusak\.yaml: line 3, column 3: the YAML cannot be read/);
  });

  it("the domain's own exception message is language-free", () => {
    let message = "";
    try {
      parseInstrument("id: mini\ntree: [\n  - a", "rusak.yaml");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe('rusak.yaml: invalid instrument\n  - rusak.yaml: instrument.yaml.structure {"line":3,"column":3}');
  });

  it("a mapping file's problems are located at its name", () => {
    const bad = parseItemMapping("from: 1.0.1\n", "pemetaan.json");
    expect(!bad.ok && bad.issues).toEqual([{ at: "pemetaan.json", key: "instrument.schema.required", params: { field: "items" } }]);
    const yaml = parseItemMapping("from: [unclosed", "pemetaan.json");
    expect(!yaml.ok && issueLine(yaml.issues[0]!, "id")).toMatch(/^pemetaan\.json: baris 1, kolom \d+: YAML tidak dapat dibaca/);
  });
});

describe("the dictionaries", () => {
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  const keys = Object.keys(id).filter((k) => k.startsWith("instrument.")) as (keyof typeof id)[];

  it("hold every key the domain uses", () => {
    for (const key of INSTRUMENT_ISSUE_KEYS) expect(keys).toContain(key);
  });

  it("name the same parameters in Indonesian and English, and differ in wording", () => {
    for (const key of keys) {
      expect(placeholders(en[key]), key).toEqual(placeholders(id[key]));
      expect(en[key], key).not.toBe(id[key]);
    }
  });
});
