import type { Insertable, Selectable, Updateable } from "kysely";
import type {
  LkeImportTable,
  LkeExportTable,
  InstrumentReleaseTable,
  HistoricalImportTable,
  HistoricalPreviewTable,
} from "./schema-exchange";
import type {
  BlindRoundTable,
  BlindRaterTable,
  IndividualAnswerTable,
  SealTable,
  NotificationTable,
  MailOutboxTable,
  NotificationPrefTable,
  JobRunTable,
} from "./schema-trust";
import type {
  Layer,
  LayerReleaseTable,
  SampleTable,
  SampleItemTable,
  FindingTable,
  PrerequisiteTable,
  UnitPredicateTable,
} from "./schema-evaluation";
import type {
  RenaksiPlanTable,
  RenaksiTargetTable,
  RenaksiActionTable,
  RenaksiOutputTable,
  RenaksiGradeTable,
  RenaksiEvidenceTable,
  TematikNodeTable,
} from "./schema-renaksi";
import type { AppealTable, AppealFileTable, AppealWindowTable, NationalAverageTable } from "./schema-appeal";

/**
 * The database as Kysely sees it. Portable types only: text ids made in the app,
 * ISO-8601 timestamps as text, booleans as 0/1 integers, JSON as text.
 */
export interface Database {
  organisation: OrganisationTable;
  unit: UnitTable;
  user: UserTable;
  membership: MembershipTable;
  session: SessionTable;
  password_token: PasswordTokenTable;
  login_throttle: LoginThrottleTable;
  period: PeriodTable;
  audit_log: AuditLogTable;
  instrument_version: InstrumentVersionTable;
  assessment: AssessmentTable;
  answer: AnswerTable;
  evidence_blob: EvidenceBlobTable;
  evidence: EvidenceTable;
  evidence_item: EvidenceItemTable;
  comment: CommentTable;
  assignment: AssignmentTable;
  score_snapshot: ScoreSnapshotTable;
  score_snapshot_node: ScoreSnapshotNodeTable;
  layer_release: LayerReleaseTable;
  sample: SampleTable;
  sample_item: SampleItemTable;
  finding: FindingTable;
  prerequisite: PrerequisiteTable;
  unit_predicate: UnitPredicateTable;
  lke_import: LkeImportTable;
  lke_export: LkeExportTable;
  notification: NotificationTable;
  mail_outbox: MailOutboxTable;
  notification_pref: NotificationPrefTable;
  job_run: JobRunTable;
  seal: SealTable;
  instrument_release: InstrumentReleaseTable;
  blind_round: BlindRoundTable;
  blind_rater: BlindRaterTable;
  individual_answer: IndividualAnswerTable;
  historical_import: HistoricalImportTable;
  historical_preview: HistoricalPreviewTable;
  renaksi_plan: RenaksiPlanTable;
  renaksi_target: RenaksiTargetTable;
  renaksi_action: RenaksiActionTable;
  renaksi_output: RenaksiOutputTable;
  renaksi_grade: RenaksiGradeTable;
  renaksi_evidence: RenaksiEvidenceTable;
  tematik_node: TematikNodeTable;
  appeal: AppealTable;
  appeal_file: AppealFileTable;
  appeal_window: AppealWindowTable;
  national_average: NationalAverageTable;
}

export const ORGANISATION_KINDS = ["kementerian_lembaga", "pemda_provinsi", "pemda_kabkota"] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export interface OrganisationTable {
  id: string;
  name: string;
  kind: OrganisationKind;
  code: string | null;
  archived_at: string | null;
  created_at: string;
  /** The organisation that covers this one in roll-ups (a province over its regencies; issue #30). */
  parent_id: string | null;
}

export interface UnitTable {
  id: string;
  organisation_id: string;
  parent_id: string | null;
  /** Materialised path of ancestor ids including this one: "/root/child/self/". Subtree = LIKE path || '%'. */
  path: string;
  name: string;
  kind: string;
  code: string | null;
  archived_at: string | null;
  created_at: string;
}

export interface UserTable {
  id: string;
  email: string;
  name: string;
  password_hash: string | null;
  is_admin: number;
  locale: string | null;
  disabled_at: string | null;
  password_changed_at: string | null;
  created_at: string;
}

export const ROLES = ["admin", "org_admin", "coordinator", "assessor", "reviewer", "evaluator"] as const;
export type Role = (typeof ROLES)[number];
/** Roles held through a membership; `admin` is a system flag on the user instead. */
export const MEMBERSHIP_ROLES = ["org_admin", "coordinator", "assessor", "reviewer", "evaluator"] as const;
export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number];

export interface MembershipTable {
  id: string;
  user_id: string;
  organisation_id: string;
  /** Null: the whole organisation. Otherwise the role covers this unit's subtree. */
  unit_id: string | null;
  role: MembershipRole;
  created_at: string;
}

export interface SessionTable {
  /** sha256 of the cookie token: a leaked table does not give usable sessions. */
  id: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface PasswordTokenTable {
  id: string;
  user_id: string;
  purpose: "set_password";
  created_by: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  last_failure_at: string;
  locked_until: string | null;
}

export const PERIOD_STATUSES = ["open", "closed"] as const;
export type PeriodStatus = (typeof PERIOD_STATUSES)[number];

export interface PeriodTable {
  id: string;
  organisation_id: string;
  year: number;
  name: string;
  status: PeriodStatus;
  fill_start: string | null;
  fill_end: string | null;
  review_end: string | null;
  evaluation_end: string | null;
  created_at: string;
}

export interface AuditLogTable {
  id: string;
  at: string;
  actor_user_id: string | null;
  organisation_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before_json: string | null;
  after_json: string | null;
  reason: string | null;
  ip: string | null;
}

export type Organisation = Selectable<OrganisationTable>;
export type NewOrganisation = Insertable<OrganisationTable>;
export type Unit = Selectable<UnitTable>;
export type NewUnit = Insertable<UnitTable>;
export type User = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type UserUpdate = Updateable<UserTable>;
export type Membership = Selectable<MembershipTable>;
export type Session = Selectable<SessionTable>;
export type Period = Selectable<PeriodTable>;
export type AuditLog = Selectable<AuditLogTable>;

export interface InstrumentVersionTable {
  /** sha256 of the content file text. */
  hash: string;
  instrument_id: string;
  version: string;
  content: string;
  created_at: string;
}

export const ASSESSMENT_STATUSES = ["draft", "submitted", "returned", "final"] as const;
export type AssessmentStatus = (typeof ASSESSMENT_STATUSES)[number];

export interface AssessmentTable {
  id: string;
  organisation_id: string;
  unit_id: string;
  period_id: string;
  instrument_id: string;
  instrument_hash: string;
  status: AssessmentStatus;
  carried_from_id: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
  finalised_at: string | null;
  finalised_by: string | null;
}

/** Score layers: the team's own answers, the internal evaluator (TPI) and the external one (TPN). */
export const REVIEW_STATUSES = ["pending", "approved", "returned"] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export interface AnswerTable {
  id: string;
  assessment_id: string;
  layer: Layer;
  item_id: string;
  /** JSON of the answer value (option code, number, or named counts); null = cleared. */
  value_json: string | null;
  note: string | null;
  /** Optimistic concurrency: a save names the version it started from. */
  version: number;
  /** 1 = copied from the previous period and not yet confirmed. */
  carried_over: number;
  review_status: ReviewStatus;
  review_note: string | null;
  updated_by: string | null;
  updated_at: string;
}

export interface EvidenceBlobTable {
  sha256: string;
  size: number;
  mime: string;
  created_at: string;
}

export interface EvidenceTable {
  id: string;
  assessment_id: string;
  kind: "file" | "link";
  blob_sha256: string | null;
  url: string | null;
  name: string;
  mime: string | null;
  size: number | null;
  evidence_date: string | null;
  uploaded_by: string | null;
  created_at: string;
  removed_at: string | null;
  removed_by: string | null;
}

export interface EvidenceItemTable {
  id: string;
  evidence_id: string;
  assessment_id: string;
  item_id: string;
  created_at: string;
  created_by: string | null;
  removed_at: string | null;
}

export interface CommentTable {
  id: string;
  assessment_id: string;
  item_id: string;
  author_id: string | null;
  body: string;
  created_at: string;
}

export interface AssignmentTable {
  id: string;
  assessment_id: string;
  /** An area or sub-area id of the instrument (e.g. "A.I.3" or "A.I.3.ii"). */
  node_id: string;
  user_id: string;
  created_at: string;
}

export interface ScoreSnapshotTable {
  id: string;
  assessment_id: string;
  layer: Layer;
  instrument_hash: string;
  engine_version: string;
  total: number;
  predicate: string | null;
  result_json: string;
  answers_json: string;
  created_at: string;
  created_by: string | null;
}

export interface ScoreSnapshotNodeTable {
  snapshot_id: string;
  node_id: string;
  level: string;
  value: number;
  max: number;
  answered: number;
  items: number;
}

export type Assessment = Selectable<AssessmentTable>;
export type Answer = Selectable<AnswerTable>;
export type Evidence = Selectable<EvidenceTable>;

// Score layers and the evaluators' work (issue #10): releases, samples, findings, prerequisites.
export * from "./schema-evaluation";
// Excel LKE workbooks and uploaded instrument versions (issues #12, #13).
export * from "./schema-exchange";
// Team judgement and trust (issue #14): blind rounds, seals, notifications and jobs.
export * from "./schema-trust";
// Rencana Aksi RB and RB Tematik (issue #29).
export * from "./schema-renaksi";
// Appeals (sanggah) and roll-ups across organisations (issue #30).
export * from "./schema-appeal";
