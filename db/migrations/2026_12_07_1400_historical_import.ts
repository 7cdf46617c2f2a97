import type { Kysely } from "kysely";

// Frozen: never edit after it has shipped; add a new migration instead.
// Historical import (issue #26): a past workbook brought into a past period as a final assessment.
// historical_import marks such an assessment with the workbook it came from (name, SHA-256, which
// answer column group was the unit's and which the external evaluator's); historical_preview keeps a
// read workbook's answer groups between the page's preview and its confirmation, so confirming needs
// no second upload and works on any app server (as lke_import does for an LKE import).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("historical_import")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("assessment_id", "text", (c) => c.notNull().references("assessment.id").onDelete("cascade"))
    .addColumn("file_name", "text", (c) => c.notNull())
    .addColumn("file_sha256", "text", (c) => c.notNull())
    .addColumn("group_header", "text", (c) => c.notNull())
    .addColumn("external_group_header", "text")
    .addColumn("imported_by", "text", (c) => c.notNull().references("user.id"))
    .addColumn("imported_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("historical_import_assessment_uq").on("historical_import").columns(["assessment_id"]).unique().execute();

  await db.schema
    .createTable("historical_preview")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id"))
    .addColumn("unit_id", "text", (c) => c.notNull().references("unit.id"))
    .addColumn("period_id", "text", (c) => c.notNull().references("period.id"))
    .addColumn("instrument_id", "text", (c) => c.notNull())
    .addColumn("file_name", "text", (c) => c.notNull())
    .addColumn("file_sha256", "text", (c) => c.notNull())
    .addColumn("groups_json", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("used_at", "text")
    .execute();
  await db.schema.createIndex("historical_preview_user_idx").on("historical_preview").columns(["user_id", "created_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("historical_preview").execute();
  await db.schema.dropTable("historical_import").execute();
}
