import { describe, expect, it } from "vitest";
import type { Answers } from "~/domain/scoring/answers";
import { scoreAssessment } from "~/domain/scoring/score";
import { fixture, instrument } from "./instruments";

/*
 * `nodes` is built on first access (most callers read only totals and verdicts). To every caller
 * the result must still look like the plain object it used to be.
 */
const zi = instrument("zi-2021");
const KEYS = ["engineVersion", "instrument", "version", "settings", "total", "max", "nodes", "warnings", "predicate", "zi"];

describe("the result with lazily built nodes", () => {
  it("has the keys, in the order, of the plain result object", () => {
    const r = scoreAssessment(zi, fixture("zi-2021-mixed"));
    expect(Object.keys(r)).toEqual(KEYS);
    expect(Object.keys(JSON.parse(JSON.stringify(r)) as object)).toEqual(KEYS);
    expect(Object.getOwnPropertyDescriptor(r, "nodes")?.enumerable).toBe(true);
  });

  it("is deep-equal to a plain copy, and spreading or cloning carries the nodes", () => {
    const r = scoreAssessment(zi, fixture("zi-2021-mixed"));
    const plain = JSON.parse(JSON.stringify(r)) as typeof r;
    expect(r).toEqual(plain);
    expect({ ...r }).toEqual(plain);
    expect(structuredClone(r)).toEqual(plain);
    expect(Object.keys({ ...r }.nodes)).toHaveLength(177);
  });

  it("builds nodes once and keeps them", () => {
    const r = scoreAssessment(zi, fixture("zi-2021-mixed"));
    expect(r.nodes).toBe(r.nodes);
  });

  it("stays assignable like a plain property", () => {
    const r = scoreAssessment(zi, fixture("zi-2021-mixed"));
    r.nodes = {};
    expect(r.nodes).toEqual({});
  });

  it("describes the answers as scored, even if the caller changes them before reading nodes", () => {
    const answers: Answers = { "A.I.1.i.a": "Ya", "A.II.1.i.a": { agen: 4, perubahan: 3 } };
    const r = scoreAssessment(zi, answers);
    answers["A.I.1.i.a"] = "Tidak";
    answers["A.I.1.i.b"] = "A";
    expect(r.nodes["A.I.1.i.a"]).toMatchObject({ value: 1, answer: "Ya", trace: "Ya → 1" });
    expect(r.nodes["A.I.1.i.b"]).toMatchObject({ value: 0, answered: 0, trace: "belum dijawab → 0" });
    (answers["A.II.1.i.a"] as Record<string, number>).perubahan = 0;
    expect(r.nodes["A.II.1.i.a"]?.trace).toBe("min(1, max(0, perubahan 3 / agen 4)) = 0.75");
  });

  it("gives results that do not share node objects", () => {
    const a = scoreAssessment(zi, fixture("zi-2021-mixed"));
    const b = scoreAssessment(zi, fixture("zi-2021-mixed"));
    expect(a.nodes).toEqual(b.nodes);
    expect(a.nodes["A.I"]).not.toBe(b.nodes["A.I"]);
  });
});
