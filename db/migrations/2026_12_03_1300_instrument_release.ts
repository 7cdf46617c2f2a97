import type { Kysely } from "kysely";

// Frozen: never edit after it has shipped; add a new migration instead.
// Instrument versions uploaded by a system administrator (issue #13): the exact YAML text, a draft until
// published. A published release competes with the content file of the same family (instrument id) for
// "current version"; what an assessment freezes still goes into instrument_version by hash.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("instrument_release")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("instrument_id", "text", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("file_name", "text", (c) => c.notNull())
    .addColumn("content", "text", (c) => c.notNull())
    .addColumn("content_hash", "text", (c) => c.notNull())
    .addColumn("mapping_json", "text")
    .addColumn("previous_hash", "text")
    .addColumn("uploaded_by", "text", (c) => c.notNull().references("user.id"))
    .addColumn("uploaded_at", "text", (c) => c.notNull())
    .addColumn("published_by", "text", (c) => c.references("user.id"))
    .addColumn("published_at", "text")
    .addUniqueConstraint("instrument_release_family_version_uq", ["instrument_id", "version"])
    .execute();
  await db.schema.createIndex("instrument_release_status_idx").on("instrument_release").columns(["status", "instrument_id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("instrument_release").execute();
}
