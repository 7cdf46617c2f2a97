import type { Selectable } from "kysely";

/*
 * After the results (issue #30, spec rb-2024 §4 and §6): appeals (sanggah) against single rows of a
 * released evaluator layer, their files and dated windows; and the roll-ups' imported national
 * averages. The organisation's parent link (province → regencies) is a column of `organisation`.
 * Part of the Database interface in schema.ts.
 */

export const APPEAL_STATUSES = ["diajukan", "diterima", "ditolak"] as const;
export type AppealStatus = (typeof APPEAL_STATUSES)[number];

/** One appeal of one row (item) of one released evaluator layer; never overwritten (a new appeal is a new row). */
export interface AppealTable {
  id: string;
  assessment_id: string;
  organisation_id: string;
  item_id: string;
  layer: "internal" | "external";
  status: AppealStatus;
  reason: string;
  filed_by: string | null;
  filed_at: string;
  /** The evaluator's value (JSON) when the appeal was filed: what was appealed. */
  value_before_json: string | null;
  /** The evaluator's written response (required to decide). */
  response: string | null;
  decided_by: string | null;
  decided_at: string | null;
  /** Accepted: the new evaluator value (JSON) and the seal written with it. */
  value_after_json: string | null;
  seal_id: string | null;
}
export type Appeal = Selectable<AppealTable>;

/** A file attached to an appeal: bytes in the evidence store (one evidence_blob row per sha256). */
export interface AppealFileTable {
  id: string;
  appeal_id: string;
  blob_sha256: string;
  filename: string;
  mime: string;
  size: number;
  uploaded_by: string | null;
  created_at: string;
}
export type AppealFile = Selectable<AppealFileTable>;

/**
 * A dated appeal window (YYYY-MM-DD, WIB, inclusive) for one year and instrument; organisation_id null =
 * the whole installation, otherwise that organisation only (it wins). Without a row the window is the
 * default: N working days from the layer's release (holidays as data).
 */
export interface AppealWindowTable {
  id: string;
  year: number;
  instrument_id: string;
  organisation_id: string | null;
  opens_on: string;
  closes_on: string;
  set_by: string | null;
  set_at: string;
}
export type AppealWindow = Selectable<AppealWindowTable>;

/** Published national averages (spec §6: a reference line beside the installation's own average). */
export interface NationalAverageTable {
  id: string;
  year: number;
  /** An OrganisationKind (schema.ts; spelled out here so the two files do not import each other). */
  kind: "kementerian_lembaga" | "pemda_provinsi" | "pemda_kabkota";
  instrument_id: string;
  /** A node of the instrument (sub-component, component) or "total". */
  node_id: string;
  /** Percent of the node's maximum (0–100), or the index itself for "total". */
  value: number;
  source: string;
  imported_by: string | null;
  imported_at: string;
}
export type NationalAverage = Selectable<NationalAverageTable>;
