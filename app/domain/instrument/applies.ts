import type { AppliesTo } from "./schema";

/*
 * Which instrument applies to which organisation and period (content `applies_to`): the roll-out
 * proposes the one that fits, refuses one made for another kind of organisation or a later regime,
 * and labels historical ones. Pure; the kinds are the organisation kinds of the database.
 */

export type Fit = "fits" | "historical" | "wrong_kind" | "too_early";

export function fitOf(applies: AppliesTo | undefined, organisationKind: string, year: number): Fit {
  if (!applies) return "fits";
  if (applies.organisation_kinds && !applies.organisation_kinds.includes(organisationKind)) return "wrong_kind";
  if (applies.from_year !== undefined && year < applies.from_year) return "too_early";
  if (applies.until_year !== undefined && year > applies.until_year) return "historical";
  return "fits";
}

/**
 * The instrument a roll-out for this organisation kind and year should start from: among those that
 * fit, one written for specific organisation kinds (the agency-level trees) before a general one.
 */
export function proposedInstrument<T extends { id: string; appliesTo?: AppliesTo | undefined }>(
  instruments: readonly T[],
  organisationKind: string,
  year: number,
): T | null {
  const fitting = instruments.filter((i) => fitOf(i.appliesTo, organisationKind, year) === "fits");
  return fitting.find((i) => i.appliesTo?.organisation_kinds !== undefined) ?? fitting[0] ?? null;
}
