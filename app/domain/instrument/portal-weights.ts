import { issue, type InstrumentIssue } from "./issues";
import type { Area, Component, Instrument, Item, SubArea } from "./schema";
import { weightValue } from "./weights";

/*
 * A weight table of the national Portal RB (`lke_bobot`, rb-2024 spec §1.3–§1.4) applied to an
 * instrument whose rows carry `portal_id` (the portal's lke_parameter_id): the way a 2025 table is
 * brought in without hard-coding 2025. Pure: a new instrument object and the problems found; the
 * caller writes and validates the YAML (cermin instruments import-weights).
 */

/** The portal's organisation kinds (`lke_bobot.group`). */
export const PORTAL_GROUPS = ["kl", "provinsi", "kabupaten"] as const;
export type PortalGroup = (typeof PORTAL_GROUPS)[number];

/** The columns of a portal weight table; `indikator_pengali_id` may be absent (exports before 12 Nov 2024). */
export const PORTAL_COLUMNS = ["lke_parameter_id", "group", "min_value", "max_value", "bobot", "target_baik", "indikator_pengali_id"] as const;
const REQUIRED_COLUMNS = PORTAL_COLUMNS.filter((c) => c !== "indikator_pengali_id");

type Cell = string | number | null | undefined;
/** One row as read (strings from a CSV, numbers from JSON; decimal comma accepted); `line` for messages. */
export type PortalWeightRow = { [K in (typeof PORTAL_COLUMNS)[number]]?: Cell } & { line?: number };

export interface ApplyOptions {
  version: string;
  /** The evaluation year the table is for: applies_to.from_year (until_year is dropped). */
  year: number;
  /** The new instrument id; default the source id with its year replaced ("rb-2024-kl" → "rb-2025-kl"). */
  id?: string;
  /** The portal group to read; default from applies_to.organisation_kinds. */
  group?: PortalGroup;
}

export interface ApplyResult {
  instrument: Instrument;
  issues: InstrumentIssue[];
}

/** The portal group of an organisation kind of the database. */
const GROUP_OF_KIND: Record<string, PortalGroup> = {
  kementerian_lembaga: "kl",
  pemda_provinsi: "provinsi",
  pemda_kabkota: "kabupaten",
};

export function portalGroupOf(instrument: Instrument): PortalGroup | null {
  const kinds = instrument.applies_to?.organisation_kinds ?? [];
  const groups = new Set(kinds.map((k) => GROUP_OF_KIND[k]).filter((g): g is PortalGroup => g !== undefined));
  return groups.size === 1 ? [...groups][0]! : null;
}

const isEmpty = (c: Cell) => c === undefined || c === null || (typeof c === "string" && c.trim() === "");

/** A number cell: "4,01" and "4.01" alike; empty → null; anything else → NaN. */
function numberOf(c: Cell): number | null {
  if (isEmpty(c)) return null;
  if (typeof c === "number") return c;
  const t = String(c).trim().replace(/\s/g, "");
  // "1.234,5" (thousands dot, decimal comma) and "4,01"; a lone dot stays the decimal point.
  const normal = t.includes(",") ? t.replace(/\./g, "").replace(",", ".") : t;
  return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(normal) ? Number(normal) : Number.NaN;
}

/**
 * Reads a portal weight table as CSV: a header row naming the columns (any order, extra columns
 * ignored), `,` or `;` as separator (`;` when the header has one), double quotes around cells that hold
 * the separator (e.g. "4,01"). Missing required columns are an issue.
 */
export function parsePortalWeightCsv(text: string): { rows: PortalWeightRow[]; issues: InstrumentIssue[] } {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const header = lines[0] ?? "";
  const sep = header.includes(";") ? ";" : ",";
  const split = (line: string): string[] => {
    const cells: string[] = [];
    let cur = "";
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (ch === '"') quoted = false;
        else cur += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === sep) {
        cells.push(cur);
        cur = "";
      } else cur += ch;
    }
    cells.push(cur);
    return cells.map((c) => c.trim());
  };
  const names = split(header).map((h) => h.toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0) return { rows: [], issues: [issue("csv", "instrument.portal.header", { expected: [...REQUIRED_COLUMNS], missing })] };
  const rows: PortalWeightRow[] = [];
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === "") return;
    const cells = split(line);
    const row: PortalWeightRow = { line: i + 2 };
    names.forEach((n, k) => {
      if ((PORTAL_COLUMNS as readonly string[]).includes(n)) row[n as (typeof PORTAL_COLUMNS)[number]] = cells[k] ?? "";
    });
    rows.push(row);
  });
  return { rows, issues: [] };
}

/** An item with its group (the weighted node holding it). */
interface Placed {
  item: Item;
  group: Area | SubArea;
}

function placedItems(instrument: Instrument): Placed[] {
  const out: Placed[] = [];
  const area = (a: Area) => {
    for (const item of a.items ?? []) out.push({ item, group: a });
    for (const s of a.subareas ?? []) for (const item of s.items) out.push({ item, group: s });
  };
  for (const c of instrument.tree) {
    for (const a of c.areas ?? []) area(a);
    for (const s of c.subcomponents ?? []) s.areas.forEach(area);
  }
  return out;
}

/** Sums weights bottom-up: every node above the weighted groups takes the sum of its children. */
function recomputeWeights(tree: Component[]): number {
  const areaWeight = (a: Area): number => {
    if (a.subareas) a.weight = a.subareas.reduce((s, x) => s + weightValue(x.weight), 0);
    return weightValue(a.weight);
  };
  let total = 0;
  for (const c of tree) {
    if (c.adjustment) continue; // the koefisien is signed points, outside the weights
    const areas = (c.areas ?? []).reduce((s, a) => s + areaWeight(a), 0);
    const subs = (c.subcomponents ?? []).reduce((s, sc) => {
      sc.weight = sc.areas.reduce((t, a) => t + areaWeight(a), 0);
      return s + sc.weight;
    }, 0);
    c.weight = areas + subs;
    total += c.weight;
  }
  return total;
}

/**
 * Applies a portal weight table to an instrument by `portal_id`, for one portal group: per row the
 * group weight (bobot), the scale (min_value–max_value; both empty: a pre-weighted row, 0–bobot), the
 * target baik (evaluation.portal_2025.targets; a changed target drops its target_note) and, when the
 * table has the column, the multiplier (indikator_pengali_id → the group of that row; empty → none).
 * Weights above the rows are recomputed as sums, and total_weight with them. Returns a new instrument
 * (version, id, applies_to.from_year = year) and the problems: unreadable cells, a row of the
 * instrument the table lacks (kept as it was), a table row of the group no item carries (rows without
 * a range are the portal's Komponen / Sub Komponen totals and are skipped).
 */
export function applyPortalWeights(source: Instrument, rows: readonly PortalWeightRow[], options: ApplyOptions): ApplyResult {
  const issues: InstrumentIssue[] = [];
  const next = structuredClone(source);
  const group = options.group ?? portalGroupOf(source) ?? "kl";
  const placed = placedItems(next);
  const byPortal = new Map(placed.filter((p) => p.item.portal_id !== undefined).map((p) => [p.item.portal_id!, p]));
  const portal = next.evaluation.portal_2025;
  const seen = new Set<number>();

  rows.forEach((row, i) => {
    const line = row.line ?? i + 2;
    const at = "csv";
    const g = String(row.group ?? "").trim().toLowerCase();
    if (!(PORTAL_GROUPS as readonly string[]).includes(g)) {
      issues.push(issue(at, "instrument.portal.group", { line, group: g }));
      return;
    }
    if (g !== group) return;
    const fields = ["lke_parameter_id", "min_value", "max_value", "bobot", "target_baik", "indikator_pengali_id"] as const;
    const numbers = Object.fromEntries(fields.map((f) => [f, numberOf(row[f])])) as Record<(typeof fields)[number], number | null>;
    const bad = fields.filter((f) => Number.isNaN(numbers[f]));
    for (const field of bad) issues.push(issue(at, "instrument.portal.number", { line, field, value: String(row[field]) }));
    if (bad.length > 0) return;
    const id = numbers.lke_parameter_id;
    if (id === null) {
      issues.push(issue(at, "instrument.portal.number", { line, field: "lke_parameter_id", value: "" }));
      return;
    }
    const target = byPortal.get(id);
    const { min_value: min, max_value: max, bobot } = numbers;
    if (!target) {
      // The portal's Komponen / Sub Komponen rows carry only a bobot: their sums are recomputed here.
      if (min === null && max === null) return;
      issues.push(issue(at, "instrument.portal.unknownId", { line, id: String(id) }));
      return;
    }
    if (seen.has(id)) {
      issues.push(issue(at, "instrument.portal.duplicate", { line, id: String(id), group }));
      return;
    }
    seen.add(id);
    if (bobot === null || !(bobot > 0)) {
      issues.push(issue(at, "instrument.portal.number", { line, field: "bobot", value: String(row.bobot ?? "") }));
      return;
    }
    // §1.2: an empty max_value means the row is stored already weighted (score_index = score).
    const scale = min === null && max === null ? { min: 0, max: bobot } : { min: min ?? 0, max: max ?? bobot };
    if (!(scale.max > scale.min) || (target.item.type === "range_scaled" && scale.min < 0)) {
      issues.push(issue(at, "instrument.portal.range", { line, min: scale.min, max: scale.max }));
      return;
    }
    target.group.weight = bobot;
    if (target.item.scale) target.item.scale = scale;
    if (portal) {
      const itemId = target.item.id;
      const before = portal.targets[itemId];
      const after = numbers.target_baik;
      if (after === null) delete portal.targets[itemId];
      else portal.targets[itemId] = after;
      if (before !== after) delete portal.target_notes[itemId];
    }
    if (row.indikator_pengali_id !== undefined) {
      const m = numbers.indikator_pengali_id;
      if (m === null) delete target.item.multiplier;
      else {
        const source = byPortal.get(m);
        if (!source || source === target) issues.push(issue(at, "instrument.portal.multiplier", { line, multiplier: String(m) }));
        else target.item.multiplier = source.group.id;
      }
    }
  });

  for (const [id, p] of byPortal) {
    if (!seen.has(id)) issues.push(issue(p.item.id, "instrument.portal.missingRow", { id: String(id), item: p.item.id, group }));
  }

  next.total_weight = recomputeWeights(next.tree);
  const fromYear = source.applies_to?.from_year;
  const swapYear = (s: string) => (fromYear === undefined ? s : s.split(String(fromYear)).join(String(options.year)));
  next.id = options.id ?? swapYear(source.id);
  next.version = options.version;
  next.title = swapYear(source.title);
  if (source.title_en !== undefined) next.title_en = swapYear(source.title_en);
  next.status = "draft";
  next.regulation = {
    reference: source.regulation.reference,
    note: `Bobot, rentang, target baik dan pengali diimpor dari tabel bobot Portal RB (lke_bobot, group ${group}) untuk evaluasi ${options.year}, di atas ${source.id} ${source.version}; catatan per baris masih menjelaskan ${source.id}.`,
  };
  const { until_year: _until, ...applies } = next.applies_to ?? {};
  void _until;
  next.applies_to = { ...applies, from_year: options.year };
  return { instrument: next, issues };
}
