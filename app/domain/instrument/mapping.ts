import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { Instrument } from "./schema";
import { itemsWithGroups } from "./tree";
import type { InstrumentIssue } from "./validate";

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

/** Parses a mapping file (YAML or JSON: YAML reads both). Pure: the caller reads the file. */
export function parseItemMapping(text: string): MappingParse {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    return { ok: false, issues: [{ at: "mapping", message: e instanceof Error ? e.message : String(e) }] };
  }
  const parsed = ItemMappingSchema.safeParse(raw);
  if (parsed.success) return { ok: true, mapping: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((i) => ({ at: ["mapping", ...i.path].join("."), message: i.message })),
  };
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
    if (!prevIds.has(from))
      issues.push({ at: from, message: `mapping: old item id "${from}" is not an item of ${prev.id} ${prev.version}` });
    if (to === null) continue;
    if (!nextIds.has(to)) {
      issues.push({ at: to, message: `mapping: new item id "${to}" (for "${from}") is not an item of ${next.id} ${next.version}` });
      continue;
    }
    const other = claimed.get(to);
    if (other !== undefined) issues.push({ at: to, message: `mapping: "${other}" and "${from}" both map to "${to}"` });
    claimed.set(to, from);
    if (to !== from && prevIds.has(to) && !(to in mapping.items)) {
      issues.push({
        at: to,
        message: `mapping: "${from}" maps to "${to}", which is also an item of ${prev.version}: map "${to}" too (to its new id, or null)`,
      });
    }
  }
  return issues;
}
