/*
 * Score layers and the evaluators' tables: which layers are released, spot-check samples and their
 * items, findings with the unit's follow-up, the organisation's prerequisites and unit predicates.
 * Part of the Database interface in schema.ts, which re-exports everything here.
 */

/** The team's own answers and the two evaluator layers (TPI internal, TPN external). */
export const LAYERS = ["self", "internal", "external"] as const;
export type Layer = (typeof LAYERS)[number];

export interface LayerReleaseTable {
  id: string;
  assessment_id: string;
  layer: Layer;
  released_at: string;
  released_by: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
  revoke_reason: string | null;
}

export const SAMPLE_STRATEGIES = ["simple", "stratified", "risk"] as const;
export type SampleStrategy = (typeof SAMPLE_STRATEGIES)[number];

export interface SampleTable {
  id: string;
  organisation_id: string;
  period_id: string;
  layer: Layer;
  strategy: SampleStrategy;
  seed: string;
  size: number;
  params_json: string;
  frame_json: string;
  frame_hash: string;
  created_by: string | null;
  created_at: string;
}

export const SAMPLE_DECISIONS = ["agree", "adjust", "send_back"] as const;
export type SampleDecision = (typeof SAMPLE_DECISIONS)[number];

export interface SampleItemTable {
  id: string;
  sample_id: string;
  assessment_id: string;
  item_id: string;
  position: number;
  inclusion_weight: number;
  decision: SampleDecision | null;
  decided_at: string | null;
  decided_by: string | null;
}

export const FOLLOW_UP_STATUSES = ["open", "in_progress", "done"] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

export interface FindingTable {
  id: string;
  assessment_id: string;
  unit_id: string;
  item_id: string;
  layer: Layer;
  kind: "send_back" | "adjusted";
  recommendation: string;
  created_by: string | null;
  created_at: string;
  follow_up_action: string | null;
  follow_up_owner: string | null;
  follow_up_due: string | null;
  follow_up_status: FollowUpStatus;
  follow_up_updated_at: string | null;
}

export interface PrerequisiteTable {
  id: string;
  organisation_id: string;
  period_id: string;
  bpk_opinion: string | null;
  sakip_predicate: string | null;
  indeks_rb: number | null;
  spip_level: number | null;
  recorded_by: string | null;
  recorded_at: string;
}

export interface UnitPredicateTable {
  id: string;
  unit_id: string;
  predicate: "WBK" | "WBBM";
  year: number;
  recorded_by: string | null;
  recorded_at: string;
}
