import type { Insertable, Selectable, Updateable } from "kysely";

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
export const LAYERS = ["self", "internal", "external"] as const;
export type Layer = (typeof LAYERS)[number];
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

export const BLIND_ROUND_STATUSES = ["open", "revealed"] as const;
export type BlindRoundStatus = (typeof BLIND_ROUND_STATUSES)[number];

/** Penilaian bersama (issue #14): one blind round per assessment area; revealed once, never reopened. */
export interface BlindRoundTable {
  id: string;
  assessment_id: string;
  area_id: string;
  status: BlindRoundStatus;
  created_by: string;
  created_at: string;
  revealed_by: string | null;
  revealed_at: string | null;
  /** Set when the coordinator revealed before every rater had finished. */
  reveal_reason: string | null;
}
export type BlindRound = Selectable<BlindRoundTable>;

export interface BlindRaterTable {
  round_id: string;
  user_id: string;
  finished_at: string | null;
}
export type BlindRater = Selectable<BlindRaterTable>;

/** One rater's own answer in a blind round: never read by any query on `answer`. */
export interface IndividualAnswerTable {
  id: string;
  assessment_id: string;
  round_id: string;
  item_id: string;
  user_id: string;
  value_json: string | null;
  note: string | null;
  version: number;
  updated_at: string;
}
export type IndividualAnswer = Selectable<IndividualAnswerTable>;

/** A sealed submission (issue #14): written once, never updated (see migration 2026_12_03_1400_seal). */
export interface SealTable {
  id: string;
  assessment_id: string;
  organisation_id: string;
  seq: number;
  event: "submit" | "finalise";
  document_json: string;
  document_hash: string;
  receipt_json: string;
  seal_hash: string;
  prev_assessment_seal: string | null;
  prev_organisation_seal: string | null;
  key_id: string;
  created_by: string | null;
  created_at: string;
}
export type Seal = Selectable<SealTable>;

/** One entry of a user's in-app inbox (issue #14); params_json fills the kind's message in the reader's language. */
export interface NotificationTable {
  id: string;
  user_id: string;
  kind: string;
  assessment_id: string | null;
  item_id: string | null;
  params_json: string;
  /** Path inside the app to what the notification is about, e.g. `/assessments/<id>/areas/<area>#item-<item>`. */
  link: string;
  dedupe_key: string;
  created_at: string;
  read_at: string | null;
  mailed_at: string | null;
}
export type Notification = Selectable<NotificationTable>;

export const MAIL_STATUSES = ["pending", "sent", "failed"] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

/** A mail waiting for, or done with, the SMTP sender loop; rows are never deleted. */
export interface MailOutboxTable {
  id: string;
  notification_id: string | null;
  user_id: string | null;
  to_address: string;
  subject: string;
  text: string;
  html: string | null;
  status: MailStatus;
  attempts: number;
  next_attempt_at: string;
  claimed_until: string | null;
  claim_token: string | null;
  last_error: string | null;
  sent_at: string | null;
  created_at: string;
  dedupe_key: string;
}
export type MailOutbox = Selectable<MailOutboxTable>;

export const EMAIL_MODES = ["instant", "digest", "off"] as const;
export type EmailMode = (typeof EMAIL_MODES)[number];

export interface NotificationPrefTable {
  user_id: string;
  email_mode: EmailMode;
  updated_at: string;
}

/** A scheduled job's run for one day (WIB): the row inserted first decides which worker runs it. */
export interface JobRunTable {
  job: string;
  day: string;
  started_at: string;
  finished_at: string | null;
  result_json: string | null;
}
