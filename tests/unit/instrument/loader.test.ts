import { describe, expect, it } from "vitest";
import { InstrumentError, parseInstrument } from "~/domain/instrument/parse";
import { englishIssue } from "~/i18n/instrument-issues";
import { miniInstrument, toYaml, type RawDoc as Doc } from "./mini";

function issues(mutate: (d: Doc) => void): string[] {
  const doc = miniInstrument();
  mutate(doc);
  try {
    parseInstrument(toYaml(doc), "mini.yaml");
  } catch (e) {
    if (e instanceof InstrumentError) return e.issues.map(englishIssue);
    throw e;
  }
  throw new Error("expected the instrument to be rejected");
}

// Paths into the mini instrument.
const area = (d: Doc) => d.tree[0].subcomponents[0].areas[0];
const sub = (d: Doc, i: number) => area(d).subareas[i];
const itemAt = (d: Doc, s: number, i: number) => sub(d, s).items[i];

describe("parseInstrument accepts a valid instrument", () => {
  it("parses the mini instrument with defaults", () => {
    const inst = parseInstrument(toYaml(miniInstrument()), "mini.yaml");
    expect(inst.settings).toEqual({ abcd_values: "two_decimal", zi_area_min_scope: "combined", id_scheme: "lke", predicate_rule: "bands" });
    expect(inst.tree[1]?.subcomponents?.[0]?.areas[0]?.items?.[0]?.id).toBe("B.I.1.a");
  });

  it("accepts exact fractions that sum exactly (1/3 + 1/3 + 1/3 = 1)", () => {
    const inst = parseInstrument(
      toYaml(
        (() => {
          const d = miniInstrument();
          sub(d, 0).weight = "4/3";
          sub(d, 1).weight = "14/3";
          return d;
        })(),
      ),
      "mini.yaml",
    );
    expect(inst.tree[0]?.subcomponents?.[0]?.areas[0]?.subareas?.[0]?.weight).toBe("4/3");
  });
});

describe("parseInstrument rejects, naming the row", () => {
  it("sub-area weights that do not add up to the area weight", () => {
    expect(issues((d) => (sub(d, 1).weight = 3.5))).toEqual([
      "A.I.1: children weights of A.I.1 sum to 5.5 (A.I.1.i 2 + A.I.1.ii 3.5), expected 6",
    ]);
  });

  it("a weight off by more than 1e-9, but not one within it", () => {
    expect(issues((d) => (sub(d, 1).weight = 4.000001)).join("\n")).toMatch(/^A\.I\.1: children weights of A\.I\.1 sum to/m);
    expect(() => {
      const d = miniInstrument();
      sub(d, 1).weight = 4 + 1e-12;
      parseInstrument(toYaml(d), "mini.yaml");
    }).not.toThrow();
  });

  it("component weights that do not reach total_weight", () => {
    expect(issues((d) => (d.total_weight = 12))).toEqual(["tree: component weights sum to 10, expected total_weight 12"]);
  });

  it("a duplicate id", () => {
    expect(issues((d) => (itemAt(d, 0, 1).id = "A.I.1.i.a"))).toContain('A.I.1.i.a: duplicate id "A.I.1.i.a"');
  });

  it.each([
    ["an item segment that is not a letter", "A.I.1.i.1", /the item segment "1" must be one lowercase letter/],
    ["an item outside its group", "A.I.1.ii.c", /must start with its parent id "A\.I\.1\.i\."/],
    ["an upper-case item letter", "A.I.1.i.B", /must be one lowercase letter/],
  ])("an id breaking the scheme: %s", (_name, id, message) => {
    expect(issues((d) => (itemAt(d, 0, 1).id = id)).join("\n")).toMatch(message);
  });

  it("a sub-area segment that is not lowercase roman", () => {
    expect(issues((d) => (sub(d, 1).id = "A.I.1.2")).join("\n")).toMatch(/A\.I\.1\.2: .*lowercase roman/);
  });

  it("an option value outside [0, 1] in an answer scale", () => {
    expect(issues((d) => (d.answer_scales.abc.B = 1.5))).toEqual(['answer_scales.abc: value of "B" is 1.5, outside [0, 1]']);
  });

  it("a choice option value outside [0, 1], naming the item", () => {
    const withValue = (v: number) =>
      issues((d) => {
        itemAt(d, 0, 1).type = "choice";
        itemAt(d, 0, 1).options = [
          { code: "WTP", criterion: "wajar", value: 1 },
          { code: "TW", criterion: "tidak wajar", value: v },
        ];
      });
    expect(withValue(1.5)).toEqual(["A.I.1.i.b: option TW: value 1.5 is outside [0, 1]"]);
    expect(withValue(-0.5)).toEqual(['A.I.1.i.b: "options.1.value" must be at least 0']);
  });

  it("a formula naming an unknown input", () => {
    expect(issues((d) => (itemAt(d, 1, 0).formula.numerator = "perubahn"))).toEqual([
      'A.I.1.ii.a: formula names unknown input "perubahn" (declared: agen, perubahan, catatan)',
    ]);
  });

  it("a formula using an informational input", () => {
    expect(issues((d) => (itemAt(d, 1, 0).formula.denominator = ["agen", "catatan"]))).toEqual([
      'A.I.1.ii.a: formula uses informational input "catatan"',
    ]);
  });

  it("options that do not match the answer type's scale", () => {
    expect(issues((d) => itemAt(d, 0, 1).options.pop())).toEqual(["A.I.1.i.b: abc needs exactly the options A, B, C; found A, B"]);
  });

  it("an unknown answer type, naming the item", () => {
    expect(issues((d) => (itemAt(d, 0, 0).type = "likert")).join("\n")).toMatch(
      /^A\.I\.1\.i\.a: "type": "likert" is not one of yes_no, abc, /,
    );
  });

  it("an external_points item that shares its group", () => {
    expect(
      issues((d) => {
        itemAt(d, 0, 0).type = "external_points";
        delete itemAt(d, 0, 0).options;
      }),
    ).toEqual(["A.I.1.i.a: external_points must be the only item of its group A.I.1.i"]);
  });

  it("an area with both sub-areas and items", () => {
    expect(issues((d) => (area(d).items = [{ id: "A.I.1.a", type: "survey_0_4", question: "x", status: "verified" }])).join("\n")).toMatch(
      /A\.I\.1: an area needs either subareas or items/,
    );
  });

  it("a verdict criterion naming an unknown node", () => {
    expect(
      issues((d) => {
        d.evaluation.zi_verdicts = [
          { id: "wbk", label: "WBK", criteria: [{ id: "ipak", kind: "node_min", label: "IPAK", node: "B.I.9", min: 1 }] },
        ];
      }),
    ).toEqual(['zi_verdicts wbk.ipak: unknown node "B.I.9"']);
  });

  it("invalid YAML, naming the line and column", () => {
    expect(() => parseInstrument("id: mini\ntree: [\n  - a", "bad.yaml")).toThrow(InstrumentError);
    const doc = structuredClone(miniInstrument());
    const text = toYaml(doc).replace("total_weight: 10", "total_weight: 10\ntotal_weight: 11");
    let thrown: unknown;
    try {
      parseInstrument(text, "dup.yaml");
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(InstrumentError);
    const [problem] = (thrown as InstrumentError).issues;
    expect(problem).toEqual({ at: "dup.yaml", key: "instrument.yaml.duplicateKey", params: { line: expect.any(Number), column: 1 } });
    expect(englishIssue(problem!)).toMatch(/^dup\.yaml: line \d+, column 1: this key appears twice in the same mapping$/);
  });
});
