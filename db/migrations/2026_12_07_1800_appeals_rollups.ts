import { sql, type Kysely } from "kysely";

// Frozen: never edit after it has shipped; add a new migration instead.
// Issue #30 (spec rb-2024 §4, §6): appeals (sanggah) as their own records with files and dated windows;
// at most one open appeal per row of a layer (a partial unique index); the organisation's parent link
// (a province covers its regencies); imported national averages per year, kind and node.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("appeal")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("assessment_id", "text", (c) => c.notNull().references("assessment.id").onDelete("cascade"))
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisation.id"))
    .addColumn("item_id", "text", (c) => c.notNull())
    .addColumn("layer", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("filed_by", "text", (c) => c.references("user.id"))
    .addColumn("filed_at", "text", (c) => c.notNull())
    .addColumn("value_before_json", "text")
    .addColumn("response", "text")
    .addColumn("decided_by", "text", (c) => c.references("user.id"))
    .addColumn("decided_at", "text")
    .addColumn("value_after_json", "text")
    .addColumn("seal_id", "text", (c) => c.references("seal.id"))
    .execute();
  await db.schema.createIndex("appeal_assessment_idx").on("appeal").columns(["assessment_id", "item_id"]).execute();
  await db.schema.createIndex("appeal_org_status_idx").on("appeal").columns(["organisation_id", "status"]).execute();
  await db.schema
    .createIndex("appeal_one_open_idx")
    .on("appeal")
    .columns(["assessment_id", "layer", "item_id"])
    .unique()
    .where(sql.ref("status"), "=", sql.lit("diajukan"))
    .execute();
  await db.schema
    .createTable("appeal_file")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("appeal_id", "text", (c) => c.notNull().references("appeal.id").onDelete("cascade"))
    .addColumn("blob_sha256", "text", (c) => c.notNull().references("evidence_blob.sha256"))
    .addColumn("filename", "text", (c) => c.notNull())
    .addColumn("mime", "text", (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("uploaded_by", "text", (c) => c.references("user.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("appeal_file_appeal_idx").on("appeal_file").column("appeal_id").execute();
  await db.schema.createIndex("appeal_file_blob_idx").on("appeal_file").column("blob_sha256").execute();
  await db.schema
    .createTable("appeal_window")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("year", "integer", (c) => c.notNull())
    .addColumn("instrument_id", "text", (c) => c.notNull())
    .addColumn("organisation_id", "text", (c) => c.references("organisation.id"))
    .addColumn("opens_on", "text", (c) => c.notNull())
    .addColumn("closes_on", "text", (c) => c.notNull())
    .addColumn("set_by", "text", (c) => c.references("user.id"))
    .addColumn("set_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("appeal_window_key_idx").on("appeal_window").columns(["year", "instrument_id", "organisation_id"]).execute();

  await db.schema.alterTable("organisation").addColumn("parent_id", "text", (c) => c.references("organisation.id")).execute();
  await db.schema.createIndex("organisation_parent_idx").on("organisation").column("parent_id").execute();
  await db.schema
    .createTable("national_average")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("year", "integer", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("instrument_id", "text", (c) => c.notNull())
    .addColumn("node_id", "text", (c) => c.notNull())
    .addColumn("value", "double precision", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("imported_by", "text", (c) => c.references("user.id"))
    .addColumn("imported_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("national_average_key_idx")
    .on("national_average")
    .columns(["year", "kind", "instrument_id", "node_id"])
    .unique()
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("national_average").execute();
  await db.schema.dropIndex("organisation_parent_idx").execute();
  await db.schema.alterTable("organisation").dropColumn("parent_id").execute();
  await db.schema.dropTable("appeal_window").execute();
  await db.schema.dropTable("appeal_file").execute();
  await db.schema.dropTable("appeal").execute();
}
