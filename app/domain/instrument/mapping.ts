import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { issue, type InstrumentIssue } from "./issues";
import { schemaIssue, yamlIssue } from "./parse";
import type { Instrument } from "./schema";
import { itemsWithGroups } from "./tree";

/**
 * How the items of a previous version continue in a new one: `{ from, items: { old id: new id | null } }`.
 * `from` names the previous version (its version string or content hash); null marks an item that is
 * dropped on purpose. Unlisted items keep their id.
 */
export const ItemMappingSchema = z
  .object({
    from: z
      .union([z.string(), z.number()])
      .transform((v) => String(v).trim())
      .pipe(z.string().min(1)),
    items: z.record(z.string().min(1), z.string().min(1).nullable()),
  })
  .strict();
export type ItemMapping = z.infer<typeof ItemMappingSchema>;

export type MappingParse = { ok: true; mapping: ItemMapping } | { ok: false; issues: InstrumentIssue[] };

/**
 * Parses a mapping file (YAML or JSON: YAML reads both). Pure: the caller reads the file. Problems are
 * located at `sourceName` (the file name), the field below it in the params.
 */
export function parseItemMapping(text: string, sourceName = "mapping"): MappingParse {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    return { ok: false, issues: [yamlIssue(e, sourceName)] };
  }
  const parsed = ItemMappingSchema.safeParse(raw);
  if (parsed.success) return { ok: true, mapping: parsed.data };
  // Item ids are keys here, not `id` fields: every problem is the file's, its path in `field`.
  return { ok: false, issues: parsed.error.issues.map((i) => schemaIssue(null, i, sourceName)) };
}

/**
 * Checks a mapping against the two versions it connects, naming each offending id: every old id must
 * be an item of `prev`, every new id an item of `next`, no two old items may land on the same new id,
 * and a new id that already exists in `prev` must itself be mapped (else two old items would claim it).
 */
export function checkItemMapping(mapping: ItemMapping, prev: Instrument, next: Instrument): InstrumentIssue[] {
  const prevIds = new Set(itemsWithGroups(prev).map(({ item }) => item.id));
  const nextIds = new Set(itemsWithGroups(next).map(({ item }) => item.id));
  const issues: InstrumentIssue[] = [];
  const claimed = new Map<string, string>();
  for (const [from, to] of Object.entries(mapping.items)) {
    if (!prevIds.has(from)) issues.push(issue(from, "instrument.mapping.oldUnknown", { from, instrument: prev.id, version: prev.version }));
    if (to === null) continue;
    if (!nextIds.has(to)) {
      issues.push(issue(to, "instrument.mapping.newUnknown", { to, from, instrument: next.id, version: next.version }));
      continue;
    }
    const other = claimed.get(to);
    if (other !== undefined) issues.push(issue(to, "instrument.mapping.bothMap", { a: other, b: from, to }));
    claimed.set(to, from);
    if (to !== from && prevIds.has(to) && !(to in mapping.items)) {
      issues.push(issue(to, "instrument.mapping.claimed", { from, to, version: prev.version }));
    }
  }
  return issues;
}
