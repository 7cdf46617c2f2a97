import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { Db } from "#db/client.server";
import { ORGANISATION_KINDS, type OrganisationKind } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { requirePermission } from "~/auth/require.server";
import { writeAudit } from "~/services/admin/audit.server";
import { newId } from "~/utils/ids";

/*
 * Published national averages (spec rb-2024 §6): a reference line beside the installation's own average,
 * labelled "rata-rata nasional (sumber …)". Shipped as content (content/national-averages/*.yaml: the 2023
 * totals) and imported by a system admin (CLI `cermin rollup import-national FILE` or /rollup/national) into
 * table national_average; an imported row replaces the content row of the same year, kind, instrument and node.
 *
 * File shapes: YAML `{ source?: text, averages: [{ year, kind, instrument, node, value, source? }] }`, or CSV
 * with the header `year,kind,instrument,node,value,source` (`;` also accepted; a decimal comma is read as a point).
 */
export const DEFAULT_NATIONAL_DIR = "content/national-averages";

const RowSchema = z
  .object({
    year: z.coerce.number().int().min(2000).max(2100),
    kind: z.enum(ORGANISATION_KINDS),
    instrument: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9.-]{0,80}$/),
    node: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9._-]{1,40}$/),
    value: z.coerce.number().min(0).max(200),
    source: z.string().trim().min(3).max(300).optional(),
  })
  .strict();
const FileSchema = z
  .object({ source: z.string().trim().min(3).max(300).optional(), averages: z.array(z.unknown()).min(1).max(5000) })
  .strict();

export interface NationalRow {
  year: number;
  kind: OrganisationKind;
  instrument: string;
  node: string;
  value: number;
  source: string;
}

export class NationalFileError extends Error {
  constructor(
    public readonly key: "rollup.national.badFile" | "rollup.national.badRow" | "rollup.national.noSource",
    public readonly problem: { params: Record<string, string | number> } = { params: {} },
  ) {
    super(`${key} ${JSON.stringify(problem.params)}`);
  }
}

function splitCsvLine(line: string, sep: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

function rowsOfCsv(text: string): unknown[] {
  const lines = text
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "");
  const sep = (lines[0] ?? "").includes(";") ? ";" : ",";
  const header = splitCsvLine(lines[0] ?? "", sep).map((h) => h.toLowerCase());
  if (!["year", "kind", "instrument", "node", "value"].every((h) => header.includes(h)))
    throw new NationalFileError("rollup.national.badFile");
  return lines.slice(1).map((line) => {
    const cells = splitCsvLine(line, sep);
    const row: Record<string, string> = {};
    header.forEach((h, i) => {
      if (cells[i] !== undefined && cells[i] !== "") row[h] = h === "value" ? cells[i]!.replace(",", ".") : cells[i]!;
    });
    return row;
  });
}

/** Parses and validates a file of national averages (YAML or CSV by its name or its first line); every row needs a source. */
export function parseNationalFile(text: string, name = ""): NationalRow[] {
  const csv = /\.csv$/i.test(name) || /^\uFEFF?\s*"?year"?\s*[,;]/i.test(text);
  let defaultSource: string | undefined;
  let raw: unknown[];
  if (csv) raw = rowsOfCsv(text);
  else {
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch {
      throw new NationalFileError("rollup.national.badFile");
    }
    const file = FileSchema.safeParse(doc);
    if (!file.success) throw new NationalFileError("rollup.national.badFile");
    defaultSource = file.data.source;
    raw = file.data.averages;
  }
  if (raw.length === 0) throw new NationalFileError("rollup.national.badFile");
  return raw.map((r, i) => {
    const parsed = RowSchema.safeParse(r);
    if (!parsed.success) throw new NationalFileError("rollup.national.badRow", { params: { row: i + 1 } });
    const source = parsed.data.source ?? defaultSource;
    if (!source) throw new NationalFileError("rollup.national.noSource", { params: { row: i + 1 } });
    return { ...parsed.data, source };
  });
}

let contentCache: { dir: string; rows: NationalRow[] } | null = null;

/** The national averages shipped as content, read once per process (a missing folder: none). */
export function contentNationalRows(dir: string = DEFAULT_NATIONAL_DIR): NationalRow[] {
  const root = path.resolve(process.env.CERMIN_ROOT ?? process.cwd(), dir);
  if (contentCache?.dir === root) return contentCache.rows;
  let names: string[] = [];
  try {
    names = readdirSync(root).filter((f) => /\.(ya?ml|csv)$/.test(f));
  } catch {
    names = [];
  }
  const rows = names.sort().flatMap((f) => parseNationalFile(readFileSync(path.join(root, f), "utf8"), f));
  contentCache = { dir: root, rows };
  return rows;
}

/** System admins only: stores the rows (replacing those of the same year, kind, instrument and node), audited as one import. */
export async function importNationalAverages(
  db: Db,
  actor: Actor,
  rows: readonly NationalRow[],
  now = new Date().toISOString(),
): Promise<number> {
  requirePermission(actor, "system.manage", { type: "system" });
  await db.transaction().execute(async (trx) => {
    for (const r of rows) {
      await trx
        .deleteFrom("national_average")
        .where("year", "=", r.year)
        .where("kind", "=", r.kind)
        .where("instrument_id", "=", r.instrument)
        .where("node_id", "=", r.node)
        .execute();
      await trx
        .insertInto("national_average")
        .values({
          id: newId(),
          year: r.year,
          kind: r.kind,
          instrument_id: r.instrument,
          node_id: r.node,
          value: r.value,
          source: r.source,
          imported_by: actor.id,
          imported_at: now,
        })
        .execute();
    }
    await writeAudit(trx, {
      actorUserId: actor.id,
      organisationId: null,
      action: "rollup.national_import",
      entityType: "national_average",
      entityId: null,
      after: { rows: rows.length, years: [...new Set(rows.map((r) => r.year))].sort() },
    });
  });
  return rows.length;
}

export interface NationalValue {
  value: number;
  source: string;
}

/** The national averages of one peer group by node id ("total", a component, …): imported rows over content rows. */
export async function nationalAverages(
  db: Db,
  year: number,
  kind: OrganisationKind,
  instrumentId: string,
): Promise<Record<string, NationalValue>> {
  const out: Record<string, NationalValue> = {};
  for (const r of contentNationalRows()) {
    if (r.year === year && r.kind === kind && r.instrument === instrumentId) out[r.node] = { value: r.value, source: r.source };
  }
  const rows = await db
    .selectFrom("national_average")
    .select(["node_id", "value", "source"])
    .where("year", "=", year)
    .where("kind", "=", kind)
    .where("instrument_id", "=", instrumentId)
    .execute();
  for (const r of rows) out[r.node_id] = { value: Number(r.value), source: r.source };
  return out;
}

/** Every imported row, newest year first, for the admin page. */
export function listImportedNationalAverages(db: Db) {
  return db
    .selectFrom("national_average")
    .select(["year", "kind", "instrument_id", "node_id", "value", "source", "imported_at"])
    .orderBy("year", "desc")
    .orderBy("kind")
    .orderBy("instrument_id")
    .orderBy("node_id")
    .limit(500)
    .execute();
}
