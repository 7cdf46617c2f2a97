import type { Selectable } from "kysely";

/*
 * Rencana Aksi RB (issue #29, spec rb-2024 §2–3): plans, targets, actions, outputs, LKE Renaksi grades,
 * and the RB Tematik chain. Part of the Database interface in schema.ts.
 */

export const RENAKSI_MODES = ["portal", "strict"] as const;
export type RenaksiMode = (typeof RENAKSI_MODES)[number];

export interface RenaksiPlanTable {
  id: string;
  organisation_id: string;
  year: number;
  /** The master data the plan follows: "<content id>@<version>". */
  content_version: string;
  /** How output achievement is computed (spec §2.6): portal-compatible (default) or strict. */
  mode: RenaksiMode;
  /** Bumped on every change: the re-score and optimistic checks read it. */
  version: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  /** Windows (YYYY-MM-DD, WIB, inclusive); null = not restricted. */
  plan_open: string | null;
  plan_close: string | null;
  monev_open: string | null;
  monev_close: string | null;
  grading_close: string | null;
  /** Optional due dates of the quarterly reports (reminders through notifications). */
  due_tw1: string | null;
  due_tw2: string | null;
  due_tw3: string | null;
  due_tw4: string | null;
}
export type RenaksiPlan = Selectable<RenaksiPlanTable>;

export interface RenaksiTargetTable {
  id: string;
  plan_id: string;
  indicator_code: string;
  baseline_year: number | null;
  baseline_value: number | null;
  target: number | null;
  unit: string | null;
  realisasi: number | null;
  note: string | null;
  evaluator_note: string | null;
  position: number;
}
export type RenaksiTarget = Selectable<RenaksiTargetTable>;

export interface RenaksiActionTable {
  id: string;
  plan_id: string;
  target_id: string | null;
  tematik_node_id: string | null;
  text: string;
  position: number;
}
export type RenaksiAction = Selectable<RenaksiActionTable>;

export interface RenaksiOutputTable {
  id: string;
  plan_id: string;
  action_id: string;
  indicator: string;
  unit: string;
  target_tw_json: string;
  budget_total: number | null;
  budget_tw_json: string;
  realisation_tw_json: string;
  budget_realisation_tw_json: string;
  implementer: string | null;
  coordinator: string | null;
  /** RB Tematik outputs: the fokus intervensi code. */
  focus: string | null;
  note: string | null;
  evaluator_note: string | null;
  position: number;
}
export type RenaksiOutput = Selectable<RenaksiOutputTable>;

export interface RenaksiGradeTable {
  plan_id: string;
  criterion: string;
  grade: string | null;
  note: string | null;
  recommendation: string | null;
  graded_by: string | null;
  graded_at: string;
}
export type RenaksiGrade = Selectable<RenaksiGradeTable>;

export const TEMATIK_NODE_KINDS = ["sasaran", "indikator_roadmap", "permasalahan", "indikator_permasalahan"] as const;
export type TematikNodeKind = (typeof TEMATIK_NODE_KINDS)[number];

export interface TematikNodeTable {
  id: string;
  plan_id: string;
  theme: string;
  kind: TematikNodeKind;
  parent_id: string | null;
  name: string;
  /** Permasalahan: its sasaran (sasaran_permasalahan). */
  goal: string | null;
  target: number | null;
  unit: string | null;
  realisasi: number | null;
  note: string | null;
  evaluator_note: string | null;
  position: number;
}
export type TematikNode = Selectable<TematikNodeTable>;

/**
 * Bukti dukung of a target (spec §2.2 general_perencanaan_target_dokumen): a file (bytes in the
 * evidence store under blob_sha256, also an evidence_blob row) or an http(s) link, with its title.
 */
export interface RenaksiEvidenceTable {
  id: string;
  plan_id: string;
  target_id: string;
  kind: "file" | "link";
  blob_sha256: string | null;
  url: string | null;
  /** The title (dokumen). */
  name: string;
  /** A file's name as stored and downloaded (made safe, its extension matching its type); null for a link. */
  filename: string | null;
  mime: string | null;
  size: number | null;
  uploaded_by: string | null;
  created_at: string;
  removed_at: string | null;
  removed_by: string | null;
}
export type RenaksiEvidence = Selectable<RenaksiEvidenceTable>;
