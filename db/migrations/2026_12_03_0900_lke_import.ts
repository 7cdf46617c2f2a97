import type { Kysely } from "kysely";

// Frozen: never edit after it has shipped; add a new migration instead.
// Excel LKE. An uploaded workbook between preview and apply: the parsed changes, kept server-side so the
// apply step needs no second upload and works on any app server; applied_at marks it used.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("lke_import")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("assessment_id", "text", (c) => c.notNull().references("assessment.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id"))
    .addColumn("file_name", "text", (c) => c.notNull())
    .addColumn("file_sha256", "text", (c) => c.notNull())
    .addColumn("preview_json", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("applied_at", "text")
    .execute();
  await db.schema.createIndex("lke_import_assessment_idx").on("lke_import").columns(["assessment_id", "created_at"]).execute();

  // A bulk export of a roll-out (one workbook per unit in a zip), written in the background; the page polls its progress.
  await db.schema
    .createTable("lke_export")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id"))
    .addColumn("period_id", "text", (c) => c.notNull().references("period.id"))
    .addColumn("instrument_id", "text", (c) => c.notNull())
    .addColumn("total", "integer", (c) => c.notNull())
    .addColumn("done", "integer", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("error", "text")
    .addColumn("bytes", "integer")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("finished_at", "text")
    .execute();
  await db.schema.createIndex("lke_export_user_idx").on("lke_export").columns(["user_id", "created_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("lke_export").execute();
  await db.schema.dropTable("lke_import").execute();
}
