import type { Selectable } from "kysely";

/*
 * Tables of what is exchanged with the outside: Excel LKE workbooks being imported or bulk-exported
 * (issue #12) and instrument versions uploaded by an administrator (issue #13). Part of the Database
 * interface in schema.ts, which re-exports everything here.
 */

/** An uploaded LKE workbook between preview and apply (the parsed changes as JSON). */
export interface LkeImportTable {
  id: string;
  assessment_id: string;
  user_id: string;
  file_name: string;
  file_sha256: string;
  preview_json: string;
  created_at: string;
  applied_at: string | null;
}
export type LkeImport = Selectable<LkeImportTable>;

/** A bulk LKE export of a roll-out, written in the background (status running → done | failed). */
export interface LkeExportTable {
  id: string;
  user_id: string;
  period_id: string;
  instrument_id: string;
  total: number;
  done: number;
  status: "running" | "done" | "failed";
  error: string | null;
  bytes: number | null;
  created_at: string;
  finished_at: string | null;
}
export type LkeExport = Selectable<LkeExportTable>;

export const RELEASE_STATUSES = ["draft", "published"] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

/**
 * An instrument version uploaded in the app (issue #13): the YAML text as uploaded, a draft until a
 * system administrator publishes it. instrument_id is the family (the content's `id`).
 */
export interface InstrumentReleaseTable {
  id: string;
  instrument_id: string;
  version: string;
  status: ReleaseStatus;
  title: string;
  file_name: string;
  content: string;
  /** sha256 (hex) of content: the key it is frozen under in instrument_version. */
  content_hash: string;
  /** Item-id mapping to the previous version, `{ from, items: { old: new | null } }`, or null. */
  mapping_json: string | null;
  /** Hash of the published version the release was compared with on upload; null for a new family. */
  previous_hash: string | null;
  uploaded_by: string;
  uploaded_at: string;
  published_by: string | null;
  published_at: string | null;
}
export type InstrumentRelease = Selectable<InstrumentReleaseTable>;

/**
 * A final assessment imported from a past workbook (issue #26): the file it came from and which
 * answer column group was read as the unit's own (self) layer and, optionally, as the external layer.
 */
export interface HistoricalImportTable {
  id: string;
  assessment_id: string;
  file_name: string;
  /** sha256 (hex) of the workbook's bytes. */
  file_sha256: string;
  /** Header of the answer column group read as the self layer, e.g. "PENILAIAN TAHUN 2015". */
  group_header: string;
  /** Header of the group read as the released external evaluator layer; null when none was imported. */
  external_group_header: string | null;
  imported_by: string;
  imported_at: string;
}
export type HistoricalImport = Selectable<HistoricalImportTable>;

/** A workbook read for a historical import, between the page's preview and its confirmation (used_at marks it used). */
export interface HistoricalPreviewTable {
  id: string;
  user_id: string;
  unit_id: string;
  period_id: string;
  instrument_id: string;
  file_name: string;
  file_sha256: string;
  /** The answer groups read: `[{ header, answers, notes }]`. */
  groups_json: string;
  created_at: string;
  used_at: string | null;
}
export type HistoricalPreview = Selectable<HistoricalPreviewTable>;
