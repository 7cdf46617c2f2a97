/*
 * The shape of the Rencana Aksi workbook (issue #29, spec rb-2024 §2.2 "Excel template for actions"
 * and §3.2 "Excel import"): the two sheets, their columns in order, and the pure cell rules shared by
 * the export and the import (app/services/renaksi/excel.server.ts).
 *
 * Layout: row 1 holds the column keys exactly as the portal names them (the import checks them, in
 * order); row 2 holds human labels in Indonesian (the import skips row 2 when its first cell is that
 * label, so a sheet without the label row is read too); data from row 3. One row per output.
 *
 *   "Rencana Aksi" (RB General): kode_indikator, indikator (Cermin's, before the portal's columns, so a
 *   row maps back to the plan's target), then the portal's template columns, then the monitoring columns.
 *   "RB Tematik": exactly the portal's 35 import columns.
 *
 * Derived columns (indikator, target_total, capaian…, realisasi_total) are written for the reader and
 * never read back. A hidden sheet "Cermin" names the plan; a workbook of another plan is refused.
 */

export const GENERAL_SHEET = "Rencana Aksi";
export const TEMATIK_SHEET = "RB Tematik";
export const META_SHEET = "Cermin";
export const RENAKSI_WORKBOOK_FORMAT = "cermin-renaksi/1";
/** First data row (row 1: keys, row 2: labels). */
export const FIRST_DATA_ROW = 3;
/** Largest workbook accepted (the production server takes bodies up to 1 MiB on this route). */
export const MAX_PLAN_WORKBOOK_BYTES = 512 * 1024;
/** Data rows read per sheet at most. */
export const MAX_PLAN_ROWS = 5000;

/** text: free text (max length); number: ≥ 0; derived: written, never read. */
export type ColumnKind = "text" | "number" | "derived";
export interface Column {
  key: string;
  kind: ColumnKind;
  label: string;
  max?: number;
}

const T = (key: string, label: string, max: number): Column => ({ key, kind: "text", label, max });
const N = (key: string, label: string): Column => ({ key, kind: "number", label });
const D = (key: string, label: string): Column => ({ key, kind: "derived", label });
const tw = (prefix: string, label: string, kind: "number" | "derived" = "number"): Column[] =>
  [1, 2, 3, 4].map((q) => ({ key: `${prefix}_tw${q}`, kind, label: `${label} TW${q}` }));

export const GENERAL_COLUMNS: Column[] = [
  T("kode_indikator", "Kode indikator", 16),
  D("indikator", "Indikator kegiatan utama"),
  T("rencana_aksi", "Rencana aksi", 2000),
  T("satuan_output", "Satuan output", 100),
  T("indikator_output", "Indikator output", 1000),
  ...tw("target", "Target"),
  D("target_total", "Target total"),
  N("anggaran_total", "Anggaran total (Rp)"),
  T("pelaksana", "Pelaksana (unit kerja)", 300),
  T("koordinator", "Koordinator", 300),
  ...tw("realisasi", "Realisasi"),
  ...tw("realisasi_anggaran", "Realisasi anggaran"),
  T("catatan", "Catatan monitoring", 4000),
];

export const TEMATIK_COLUMNS: Column[] = [
  T("tema", "Tema", 300),
  T("sasaran", "Sasaran road map", 1000),
  T("indikator_roadmap", "Indikator road map", 1000),
  N("target", "Target indikator road map"),
  T("satuan_target", "Satuan target", 100),
  N("realisasi", "Realisasi indikator road map"),
  D("capaian", "Capaian (%)"),
  T("catatan", "Catatan", 4000),
  T("permasalahan", "Permasalahan", 1000),
  T("sasaran_permasalahan", "Sasaran permasalahan", 1000),
  T("indikator_permasalahan", "Indikator permasalahan", 1000),
  N("target_indikator_permasalahan", "Target indikator permasalahan"),
  T("satuan_target_indikator_permasalahan", "Satuan target indikator permasalahan", 100),
  N("realisasi_indikator_permasalahan", "Realisasi indikator permasalahan"),
  D("capaian_indikator_permasalahan", "Capaian indikator permasalahan (%)"),
  T("catatan_indikator_permasalahan", "Catatan indikator permasalahan", 4000),
  T("rencana_aksi", "Rencana aksi", 2000),
  T("indikator_output", "Indikator output", 1000),
  T("satuan_output", "Satuan output", 100),
  ...tw("target", "Target"),
  D("target_total", "Target total"),
  N("anggaran", "Anggaran (Rp)"),
  T("fokus_intervensi", "Fokus intervensi", 300),
  T("koordinator", "Koordinator", 300),
  T("pelaksana", "Pelaksana (unit kerja)", 300),
  ...tw("realisasi", "Realisasi"),
  D("realisasi_total", "Realisasi total"),
  N("realisasi_anggaran", "Realisasi anggaran (Rp)"),
  T("catatan_monev", "Catatan monitoring", 4000),
];

/** "A", "B", …, "AI" for a 1-based column number. */
export function colLetter(n: number): string {
  let s = "";
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/** 1-based column number of a key in a sheet's columns. */
export function colOf(columns: Column[], key: string): number {
  const i = columns.findIndex((c) => c.key === key);
  if (i < 0) throw new Error(`no column ${key}`);
  return i + 1;
}

export const cellRef = (columns: Column[], key: string, row: number) => `${colLetter(colOf(columns, key))}${row}`;

/** Sum of the given quarters, null when none is given (target_total, realisasi_total). */
export function sumOrNull(values: readonly (number | null)[]): number | null {
  const given = values.filter((v): v is number => v !== null);
  return given.length === 0 ? null : given.reduce((a, b) => a + b, 0);
}

/** Two stored numbers are the same value (floating noise from Excel aside). */
export function sameNumber(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

export type CellRaw = string | number | boolean | null;

/** A number cell: a number, or text written with a decimal comma or dot ("12,5"); blank = null. */
export function parseNumberCell(raw: CellRaw): { ok: true; value: number | null } | { ok: false; why: "notANumber" | "negative" } {
  if (raw === null) return { ok: true, value: null };
  let n: number;
  if (typeof raw === "number") n = raw;
  else if (typeof raw === "boolean") return { ok: false, why: "notANumber" };
  else {
    const t = raw.trim().replace(/\s/g, "");
    if (t === "") return { ok: true, value: null };
    if (!/^-?\d+([.,]\d+)?$/.test(t)) return { ok: false, why: "notANumber" };
    n = Number(t.replace(",", "."));
  }
  if (!Number.isFinite(n)) return { ok: false, why: "notANumber" };
  if (n < 0) return { ok: false, why: "negative" };
  return { ok: true, value: n };
}

/** A text cell, trimmed; blank = null. */
export function parseTextCell(raw: CellRaw): string | null {
  if (raw === null) return null;
  const t = String(raw).trim();
  return t === "" ? null : t;
}
