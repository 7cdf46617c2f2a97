import { describe, expect, it } from "vitest";
import { fmt, fmtId } from "~/domain/scoring/format";

describe("trace numbers (fmt)", () => {
  it.each<[number, string]>([
    [0, "0"],
    [1, "1"],
    [100, "100"],
    [2 / 3, "0.6667"],
    [0.67, "0.67"],
    [15.75, "15.75"],
    [0.1 + 0.2, "0.3"],
    [17.5 * 0.8, "14"],
    [0.00004, "0"],
    [0.00005, "0.0001"],
    [0.0502, "0.0502"],
    [-1.25, "-1.25"],
    [1e20, "100000000000000000000"],
  ])("%s → %s", (x, s) => expect(fmt(x)).toBe(s));
});

describe("display numbers (fmtId): 2 decimals, Indonesian comma", () => {
  it.each<[number, string]>([
    [17.5, "17,50"],
    [0, "0,00"],
    [100, "100,00"],
    [2 / 3, "0,67"],
    [1234.5, "1.234,50"],
  ])("%s → %s", (x, s) => expect(fmtId(x)).toBe(s));
});
