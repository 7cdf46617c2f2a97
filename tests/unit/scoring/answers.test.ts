import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { itemsWithGroups } from "~/domain/instrument/tree";
import { AnswerError, AnswersSchema, type Answers, type AnswerValue } from "~/domain/scoring/answers";
import { scoreAssessment, validateAnswer, validateAnswers } from "~/domain/scoring/score";
import { answerArb, SEED } from "./arbitraries";
import { instrument } from "./instruments";

const zi = instrument("zi-2021");
const pmprb = instrument("pmprb-2014");
/** pmprb-2014 1.0.0: the Hasil rows as external_points (still a type; assessments frozen on 1.0.0 keep it). */
const pmprb100 = instrument("pmprb-2014@1.0.0");

function issuesOf(answers: Answers, inst = zi) {
  try {
    scoreAssessment(inst, answers);
  } catch (e) {
    if (e instanceof AnswerError) return e.issues;
    throw e;
  }
  throw new Error("expected an AnswerError");
}

describe("invalid answers are errors naming the item, never 0", () => {
  it.each<[string, Answers, string, RegExp]>([
    ["a letter outside abc", { "A.I.1.i.b": "D" }, "A.I.1.i.b", /one of "A", "B", "C"/],
    ["a letter on a yes/no item", { "A.I.1.i.a": "A" }, "A.I.1.i.a", /"Ya", "Tidak"/],
    ["E on an abcd item", { "A.I.1.iii.a": "E" }, "A.I.1.iii.a", /"A", "B", "C", "D"/],
    ["lower-case ya", { "A.I.1.i.a": "ya" }, "A.I.1.i.a", /"Ya", "Tidak"/],
    ["a number on a letter item", { "A.I.1.i.b": 1 }, "A.I.1.i.b", /one of/],
    ["a negative count", { "A.II.1.i.a": { agen: -1, perubahan: 2 } }, "A.II.1.i.a", /counts/],
    ["a fractional count", { "A.II.1.i.a": { agen: 1.5, perubahan: 2 } }, "A.II.1.i.a", /counts/],
    ["a missing input", { "A.II.1.i.a": { agen: 2 } }, "A.II.1.i.a", /counts \{agen, perubahan\}/],
    ["an unknown input", { "A.II.1.i.a": { agen: 2, perubahan: 1, lain: 1 } }, "A.II.1.i.a", /counts/],
    ["a letter on a percent item", { "A.II.1.i.a": "A" }, "A.II.1.i.a", /counts/],
    ["a string score", { "B.I.1.a": "3.6" }, "B.I.1.a", /number from 0 to 4/],
    ["NaN score", { "B.I.1.a": Number.NaN }, "B.I.1.a", /number from 0 to 4/],
    ["an unknown item id", { "A.I.9.i.a": "Ya" }, "A.I.9.i.a", /item id/],
  ])("%s", (_name, answers, itemId, expected) => {
    const issues = issuesOf(answers);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.itemId).toBe(itemId);
    expect(issues[0]?.expected).toMatch(expected);
  });

  it("collects every invalid item at once", () => {
    const issues = issuesOf({ "A.I.1.i.a": "X", "A.I.1.i.b": "Z", "A.I.1.ii.a": "Ya" });
    expect(issues.map((i) => i.itemId)).toEqual(["A.I.1.i.a", "A.I.1.i.b"]);
  });

  it("external_points outside 0 … weight is an error (pmprb-2014 1.0.0 B.2.ii.a weight 3)", () => {
    expect(issuesOf({ "B.2.ii.a": 3.5 }, pmprb100)[0]).toMatchObject({ itemId: "B.2.ii.a", expected: "points from 0 to 3" });
    expect(issuesOf({ "B.2.ii.a": -1 }, pmprb100)[0]?.itemId).toBe("B.2.ii.a");
  });

  it("pmprb-2014 1.0.1 B.2.ii.a (Opini BPK) takes an opinion code, not points", () => {
    expect(validateAnswers(pmprb, { "B.2.ii.a": "WTP" })).toEqual([]);
    expect(issuesOf({ "B.2.ii.a": 3 }, pmprb)[0]).toMatchObject({
      itemId: "B.2.ii.a",
      expected: 'one of "WTP", "WTP-DPP", "WDP", "TMP", "TW", "TML"',
    });
    expect(issuesOf({ "B.2.ii.a": "wtp" }, pmprb)[0]?.itemId).toBe("B.2.ii.a");
  });

  it("the error message lists item and expectation", () => {
    expect(() => scoreAssessment(zi, { "A.I.1.i.b": "D" })).toThrow(
      /A\.I\.1\.i\.b: "D" is not an option of this abc item \(expected one of "A", "B", "C"\)/,
    );
  });

  it("validateAnswers returns the same issues without throwing", () => {
    expect(validateAnswers(zi, { "A.I.1.i.b": "D" })).toEqual(issuesOf({ "A.I.1.i.b": "D" }));
    expect(validateAnswers(zi, { "A.I.1.i.b": "A" })).toEqual([]);
  });
});

describe("pmprb-2014 Hasil (README §0)", () => {
  it("index_score B.1.i.a: SAKIP 0–100, value = score/100 × 14", () => {
    expect(scoreAssessment(pmprb, { "B.1.i.a": 72.5 }).nodes["B.1.i"]?.value).toBeCloseTo(14 * 0.725, 12);
  });
  it("1.0.0 external_points: value = points / weight, so the group scores the points", () => {
    const r = scoreAssessment(pmprb100, { "B.1.ii.a": 4.5, "B.2.ii.a": 3 });
    expect(r.nodes["B.1.ii.a"]?.value).toBe(0.75);
    expect(r.nodes["B.1.ii"]?.value).toBe(4.5);
    expect(r.nodes["B.2.ii"]?.value).toBe(3);
  });
  it("1.0.1 index_score B.1.ii.a: survei internal 0–5, value = score/5 × 6; Opini BPK WTP → 3", () => {
    const r = scoreAssessment(pmprb, { "B.1.ii.a": 3.8, "B.2.ii.a": "WTP" });
    expect(r.nodes["B.1.ii.a"]?.value).toBeCloseTo(0.76, 12);
    expect(r.nodes["B.1.ii"]?.value).toBeCloseTo(4.56, 12);
    expect(r.nodes["B.2.ii"]?.value).toBe(3);
  });
  it("1.0.1 B.1.ii.a does not take 5.5 at face value: it is outside 0–5 and scores 5, never more than the weight 6", () => {
    // index_score is clamped with a warning (README §3: "score/range_max, clamped"), as survey_0_4 is.
    const r = scoreAssessment(pmprb, { "B.1.ii.a": 5.5 });
    expect(r.nodes["B.1.ii.a"]?.value).toBe(1);
    expect(r.nodes["B.1.ii"]?.value).toBe(6);
    expect(r.warnings).toEqual([expect.objectContaining({ itemId: "B.1.ii.a", code: "score_clamped" })]);
    expect(issuesOf({ "B.1.ii.a": "5.5" }, pmprb)[0]).toMatchObject({ itemId: "B.1.ii.a", expected: "a number from 0 to 5" });
  });
});

describe("AnswersSchema", () => {
  it("accepts the CLI answers format", () => {
    const ok = AnswersSchema.safeParse({ "A.I.1.i.a": "Ya", "B.I.1.a": 3.6, "A.II.1.i.a": { agen: 2, perubahan: 2 }, "A.I.1.i.b": null });
    expect(ok.success).toBe(true);
  });
  it.each([[[]], [{ "A.I.1.i.a": true }], [{ "A.II.1.i.a": { agen: "2" } }], [{ "A.I.1.i.a": "" }], ["Ya"]])("rejects %j", (value) => {
    expect(AnswersSchema.safeParse(value).success).toBe(false);
  });
});

describe("validateAnswer (one answer, the autosave path) reports what validateAnswers reports", () => {
  const junk: AnswerValue[] = [
    null,
    "A",
    "Ya",
    "ya",
    "E",
    "",
    0,
    1,
    -1,
    2.5,
    101,
    { a: 1 },
    { agen: 2, perubahan: 1 },
    [] as unknown as AnswerValue,
    true as unknown as AnswerValue,
  ];
  for (const inst of [zi, pmprb, pmprb100]) {
    it(`${inst.id} ${inst.version}: every item × valid and invalid values, and an unknown id`, () => {
      fc.assert(
        fc.property(
          fc
            .constantFrom(...itemsWithGroups(inst))
            .chain(({ item, group }) => fc.tuple(fc.constant(item.id), fc.oneof(answerArb(item, group.weight), fc.constantFrom(...junk)))),
          ([itemId, value]) => {
            expect(validateAnswer(inst, itemId, value)).toEqual(validateAnswers(inst, { [itemId]: value }));
          },
        ),
        { seed: SEED, numRuns: 2000 },
      );
      expect(validateAnswer(inst, "NO.SUCH.ITEM", "A")).toEqual(validateAnswers(inst, { "NO.SUCH.ITEM": "A" }));
    });
  }
});
