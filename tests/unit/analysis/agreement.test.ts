import { expect, test } from "vitest";
import { computeAgreementShare, computeKrippendorffAlphaNominal } from "~/domain/analysis/agreement";
import { computeItemSpread, departsFromMajority, isDisagreement } from "~/domain/analysis/blind-spread";

test("all raters agree on every item: share 1 and alpha 1", () => {
  const units = [["A", "A", "A"], ["B", "B", "B"], ["C", "C", null]];
  expect(computeAgreementShare(units)).toEqual({ pairable: 3, agreed: 3, share: 1 });
  expect(computeKrippendorffAlphaNominal(units).alpha).toBe(1);
});

test("all raters differ: share 0 and the hand-computed alpha −0.5", () => {
  // Two units, two raters, (a,b) and (b,a): o_ab = o_ba = 2, n_a = n_b = 2, n = 4;
  // alpha = 1 − (n − 1)·Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k = 1 − 3·4 / 8 = −0.5.
  const units = [["a", "b"], ["b", "a"]];
  expect(computeAgreementShare(units).share).toBe(0);
  expect(computeKrippendorffAlphaNominal(units).alpha).toBeCloseTo(-0.5, 12);
});

test("Krippendorff (2011) nominal example with missing values: alpha = 0.743", () => {
  // Four observers × twelve units (rows = observers A–D, null = missing), "Computing Krippendorff's alpha-reliability" §C.
  const observers = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
    [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
  ];
  const units = observers[0]!.map((_, u) => observers.map((o) => (o[u] === null ? null : String(o[u]))));
  const result = computeKrippendorffAlphaNominal(units);
  expect(result.values).toBe(40);
  expect(result.alpha!).toBeCloseTo(0.743, 3);
  // Units 1, 3–5, 7, 9, 10, 11 agree among their pairable values; 2, 6 and 8 do not; 12 has one value.
  expect(computeAgreementShare(units)).toEqual({ pairable: 11, agreed: 8, share: 8 / 11 });
});

test("no variation or nothing pairable leaves alpha undefined", () => {
  expect(computeKrippendorffAlphaNominal([["A", "A"]]).alpha).toBeNull();
  expect(computeKrippendorffAlphaNominal([["A", null]]).alpha).toBeNull();
  expect(computeAgreementShare([["A", null]]).share).toBeNull();
});

const abcd = { type: "abcd" as const, options: ["A", "B", "C", "D"].map((code) => ({ code, criterion: code })) };

test("options two steps apart disagree, one step apart do not", () => {
  expect(isDisagreement(abcd, ["A", "B"])).toBe(false);
  expect(isDisagreement(abcd, ["A", "C"])).toBe(true);
  expect(isDisagreement(abcd, ["D", "B", "C"])).toBe(true);
  expect(isDisagreement(abcd, ["A", null])).toBe(false);
});

test("numbers and ratio inputs disagree beyond 10 %", () => {
  const scored = { type: "survey_0_4" as const, scale: { min: 0, max: 4 } };
  expect(isDisagreement(scored, [3, 3.4])).toBe(false);
  expect(isDisagreement(scored, [3, 3.5])).toBe(true);
  const percent = { type: "percent" as const, inputs: [] };
  expect(isDisagreement(percent, [{ done: 95, total: 100 }, { done: 100, total: 100 }])).toBe(false);
  expect(isDisagreement(percent, [{ done: 80, total: 100 }, { done: 100, total: 100 }])).toBe(true);
});

test("spread: min, max, mode of item values and the majority answer", () => {
  const spread = computeItemSpread(abcd, [
    { value: "A", itemValue: 1 },
    { value: "B", itemValue: 0.67 },
    { value: "A", itemValue: 1 },
    { value: null, itemValue: null },
  ]);
  expect(spread).toMatchObject({ answered: 3, min: 0.67, max: 1, mode: 1, majority: ['"A"'], disagreement: false });
  expect(departsFromMajority(spread, "A")).toBe(false);
  expect(departsFromMajority(spread, "B")).toBe(true);
});
