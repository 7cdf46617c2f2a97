import type { Kysely } from "kysely";

// Frozen: never edit after it has shipped; add a new migration instead.
// Notifications (issue #14): the in-app inbox, the mail outbox the sender loop drains with retry and
// backoff, each user's mail preference, and the once-per-day guard for scheduled jobs across workers.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("notification")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("assessment_id", "text", (c) => c.references("assessment.id").onDelete("cascade"))
    .addColumn("item_id", "text")
    .addColumn("params_json", "text", (c) => c.notNull())
    .addColumn("link", "text", (c) => c.notNull())
    // One inbox row per event and recipient, even when the event is reported twice (two workers, a retry).
    .addColumn("dedupe_key", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("read_at", "text")
    // Set when the notification went out by mail (instantly or in a digest): a digest never repeats it.
    .addColumn("mailed_at", "text")
    .execute();
  await db.schema.createIndex("notification_user_idx").on("notification").columns(["user_id", "created_at"]).execute();
  await db.schema.createIndex("notification_unread_idx").on("notification").columns(["user_id", "read_at"]).execute();

  await db.schema
    .createTable("mail_outbox")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("notification_id", "text", (c) => c.references("notification.id").onDelete("set null"))
    .addColumn("user_id", "text", (c) => c.references("user.id").onDelete("set null"))
    .addColumn("to_address", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("html", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull())
    .addColumn("next_attempt_at", "text", (c) => c.notNull())
    // A sender owns a row while claimed_until is in the future; claim_token says which sender.
    .addColumn("claimed_until", "text")
    .addColumn("claim_token", "text")
    .addColumn("last_error", "text")
    .addColumn("sent_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("dedupe_key", "text", (c) => c.notNull().unique())
    .execute();
  await db.schema.createIndex("mail_outbox_due_idx").on("mail_outbox").columns(["status", "next_attempt_at"]).execute();

  await db.schema
    .createTable("notification_pref")
    .addColumn("user_id", "text", (c) => c.primaryKey().references("user.id").onDelete("cascade"))
    .addColumn("email_mode", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("job_run")
    .addColumn("job", "text", (c) => c.notNull())
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("started_at", "text", (c) => c.notNull())
    .addColumn("finished_at", "text")
    .addColumn("result_json", "text")
    .addPrimaryKeyConstraint("job_run_pk", ["job", "day"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("job_run").execute();
  await db.schema.dropTable("notification_pref").execute();
  await db.schema.dropTable("mail_outbox").execute();
  await db.schema.dropTable("notification").execute();
}
