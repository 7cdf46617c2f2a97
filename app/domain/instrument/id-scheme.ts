/*
 * LKE id scheme (domain README §2): <component>.<subcomponent>.<area>.<sub-area>.<question>
 * component A/B (uppercase letter), subcomponent uppercase roman, area arabic, sub-area lowercase
 * roman, question lowercase letter. Levels may be absent (PMPRB 2014 has no subcomponent, the ZI
 * Hasil indicators have no sub-area), but each present level keeps its own notation.
 */

export type NodeLevel = "component" | "subcomponent" | "area" | "subarea" | "item";

const ROMAN = /^(?:X{0,3})(?:IX|IV|V?I{0,3})$/;

const SEGMENT_RULES: Record<NodeLevel, { test: (s: string) => boolean; describe: string }> = {
  component: { test: (s) => /^[A-Z]$/.test(s), describe: "one uppercase letter (A, B)" },
  subcomponent: { test: (s) => s !== "" && ROMAN.test(s), describe: "an uppercase roman numeral (I, II, …)" },
  area: { test: (s) => /^[1-9][0-9]*$/.test(s), describe: "an arabic number (1, 2, …)" },
  subarea: {
    test: (s) => s !== "" && s === s.toLowerCase() && ROMAN.test(s.toUpperCase()),
    describe: "a lowercase roman numeral (i, ii, …)",
  },
  item: { test: (s) => /^[a-z]$/.test(s), describe: "one lowercase letter (a, b, …)" },
};

/**
 * Checks that `id` is `parentId` plus one segment of the notation of `level`.
 * Returns a message describing the violation, or null when the id is well formed.
 */
export function checkChildId(id: string, parentId: string | null, level: NodeLevel): string | null {
  const prefix = parentId === null ? "" : `${parentId}.`;
  if (!id.startsWith(prefix)) return `id "${id}" must start with its parent id "${parentId}."`;
  const segment = id.slice(prefix.length);
  const rule = SEGMENT_RULES[level];
  if (!rule.test(segment)) return `id "${id}": the ${level} segment "${segment}" must be ${rule.describe}`;
  return null;
}

/** A worksheet code (settings.id_scheme "codes"): letters and digits, starting with either (X101, X1, 9X11). */
const CODE = /^[A-Z0-9][A-Za-z0-9]*$/;

/**
 * Checks an id under the "codes" scheme: nodes carry their worksheet code, items are their
 * group's code plus one lowercase letter ("X101.a").
 */
export function checkCodeId(id: string, parentId: string | null, level: NodeLevel): string | null {
  if (level !== "item") return CODE.test(id) ? null : `id "${id}" must be a worksheet code (letters and digits, e.g. X101)`;
  const prefix = `${parentId}.`;
  if (!id.startsWith(prefix)) return `id "${id}" must start with its group id "${parentId}."`;
  const segment = id.slice(prefix.length);
  return SEGMENT_RULES.item.test(segment) ? null : `id "${id}": the item segment "${segment}" must be ${SEGMENT_RULES.item.describe}`;
}
