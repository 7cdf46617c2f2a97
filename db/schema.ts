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
