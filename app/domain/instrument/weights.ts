import type { Weight } from "./schema";

/** Tolerance for weight sums (issue #3: subtree sums equal the parent weight to 1e-9). */
export const WEIGHT_TOLERANCE = 1e-9;

/** Numeric value of a weight: a decimal as is, an exact fraction "a/b" as a / b. */
export function weightValue(weight: Weight): number {
  if (typeof weight === "number") return weight;
  const [a, b] = weight.split("/").map(Number);
  // The schema regex guarantees two numeric parts; a zero denominator is caught by the validator.
  return (a ?? NaN) / (b ?? NaN);
}

/** Display form of a weight: fractions as written, decimals with two places (as printed in the LKE). */
export function weightText(weight: Weight): string {
  return typeof weight === "number" ? weight.toFixed(2) : weight;
}

export function sameWeight(a: number, b: number): boolean {
  return Math.abs(a - b) <= WEIGHT_TOLERANCE;
}
