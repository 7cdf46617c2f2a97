import type { Selectable } from "kysely";

/*
 * Tables of team judgement and trust (issue #14): blind rounds and individual answers, sealed
 * submissions, the inbox, the mail outbox, notification preferences and once-a-day jobs. Part of
 * the Database interface in schema.ts, which re-exports everything here.
 */

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
  event: "submit" | "finalise" | "appeal";
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
