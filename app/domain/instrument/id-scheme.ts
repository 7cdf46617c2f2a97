import type { InstrumentIssueKey, IssueParams } from "./issues";

/*
 * LKE id scheme (domain README §2): <component>.<subcomponent>.<area>.<sub-area>.<question>
 * component A/B (uppercase letter), subcomponent uppercase roman, area arabic, sub-area lowercase
 * roman, question lowercase letter. Levels may be absent (PMPRB 2014 has no subcomponent, the ZI
 * Hasil indicators have no sub-area), but each present level keeps its own notation.
 */

export type NodeLevel = "component" | "subcomponent" | "area" | "subarea" | "item";

const ROMAN = /^(?:X{0,3})(?:IX|IV|V?I{0,3})$/;

const SEGMENT_RULES: Record<NodeLevel, (s: string) => boolean> = {
  component: (s) => /^[A-Z]$/.test(s),
  subcomponent: (s) => s !== "" && ROMAN.test(s),
  area: (s) => /^[1-9][0-9]*$/.test(s),
  subarea: (s) => s !== "" && s === s.toLowerCase() && ROMAN.test(s.toUpperCase()),
  item: (s) => /^[a-z]$/.test(s),
};

/** An id that breaks the scheme: the message key (its text says what the segment must be) and its parameters. */
export interface IdProblem {
  key: InstrumentIssueKey;
  params: IssueParams;
}

/**
 * Checks that `id` is `parentId` plus one segment of the notation of `level`.
 * Returns the violation, or null when the id is well formed.
 */
export function checkChildId(id: string, parentId: string | null, level: NodeLevel): IdProblem | null {
  const prefix = parentId === null ? "" : `${parentId}.`;
  if (!id.startsWith(prefix)) return { key: "instrument.id.parentPrefix", params: { id, parent: `${parentId}.` } };
  const segment = id.slice(prefix.length);
  if (!SEGMENT_RULES[level](segment)) return { key: `instrument.id.segment.${level}`, params: { id, segment } };
  return null;
}

/** A worksheet code (settings.id_scheme "codes"): letters and digits, starting with either (X101, X1, 9X11). */
const CODE = /^[A-Z0-9][A-Za-z0-9]*$/;

/**
 * Checks an id under the "codes" scheme: nodes carry their worksheet code, items are their
 * group's code plus one lowercase letter ("X101.a").
 */
export function checkCodeId(id: string, parentId: string | null, level: NodeLevel): IdProblem | null {
  if (level !== "item") return CODE.test(id) ? null : { key: "instrument.id.code", params: { id } };
  const prefix = `${parentId}.`;
  if (!id.startsWith(prefix)) return { key: "instrument.id.groupPrefix", params: { id, group: prefix } };
  const segment = id.slice(prefix.length);
  return SEGMENT_RULES.item(segment) ? null : { key: "instrument.id.segment.item", params: { id, segment } };
}
