import type { Kysely } from "kysely";

// Frozen: never edit after it has shipped; add a new migration instead.
// Assessments, answers (one row per item and score layer), evidence, comments, assignments, snapshots.
export async function up(db: Kysely<any>): Promise<void> {
  // The exact instrument text an assessment was created with, keyed by its sha256: later content edits never change it.
  await db.schema
    .createTable("instrument_version")
    .addColumn("hash", "text", (c) => c.primaryKey())
    .addColumn("instrument_id", "text", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    .addColumn("content", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("assessment")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisation.id"))
    .addColumn("unit_id", "text", (c) => c.notNull().references("unit.id"))
    .addColumn("period_id", "text", (c) => c.notNull().references("period.id"))
    .addColumn("instrument_id", "text", (c) => c.notNull())
    .addColumn("instrument_hash", "text", (c) => c.notNull().references("instrument_version.hash"))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("carried_from_id", "text", (c) => c.references("assessment.id"))
    .addColumn("created_by", "text", (c) => c.references("user.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("submitted_at", "text")
    .addColumn("finalised_at", "text")
    .addColumn("finalised_by", "text")
    .addUniqueConstraint("assessment_unit_period_instrument_uq", ["unit_id", "period_id", "instrument_id"])
    .execute();
  await db.schema.createIndex("assessment_org_period_idx").on("assessment").columns(["organisation_id", "period_id"]).execute();

  await db.schema
    .createTable("answer")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("assessment_id", "text", (c) => c.notNull().references("assessment.id").onDelete("cascade"))
    .addColumn("layer", "text", (c) => c.notNull())
    .addColumn("item_id", "text", (c) => c.notNull())
    .addColumn("value_json", "text")
    .addColumn("note", "text")
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("carried_over", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("review_status", "text", (c) => c.notNull().defaultTo("pending"))
    .addColumn("review_note", "text")
    .addColumn("updated_by", "text")
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("answer_assessment_layer_item_uq", ["assessment_id", "layer", "item_id"])
    .execute();

  await db.schema
    .createTable("evidence_blob")
    .addColumn("sha256", "text", (c) => c.primaryKey())
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("mime", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("evidence")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("assessment_id", "text", (c) => c.notNull().references("assessment.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("blob_sha256", "text", (c) => c.references("evidence_blob.sha256"))
    .addColumn("url", "text")
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("mime", "text")
    .addColumn("size", "integer")
    .addColumn("evidence_date", "text")
    .addColumn("uploaded_by", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("removed_at", "text")
    .addColumn("removed_by", "text")
    .execute();
  await db.schema.createIndex("evidence_assessment_idx").on("evidence").column("assessment_id").execute();

  await db.schema
    .createTable("evidence_item")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("evidence_id", "text", (c) => c.notNull().references("evidence.id").onDelete("cascade"))
    .addColumn("assessment_id", "text", (c) => c.notNull().references("assessment.id").onDelete("cascade"))
    .addColumn("item_id", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by", "text")
    .addColumn("removed_at", "text")
    .execute();
  await db.schema.createIndex("evidence_item_assessment_idx").on("evidence_item").columns(["assessment_id", "item_id"]).execute();

  await db.schema
    .createTable("comment")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("assessment_id", "text", (c) => c.notNull().references("assessment.id").onDelete("cascade"))
    .addColumn("item_id", "text", (c) => c.notNull())
    .addColumn("author_id", "text")
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("comment_assessment_item_idx").on("comment").columns(["assessment_id", "item_id"]).execute();

  await db.schema
    .createTable("assignment")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("assessment_id", "text", (c) => c.notNull().references("assessment.id").onDelete("cascade"))
    .addColumn("node_id", "text", (c) => c.notNull())
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("assignment_uq", ["assessment_id", "node_id", "user_id"])
    .execute();

  await db.schema
    .createTable("score_snapshot")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("assessment_id", "text", (c) => c.notNull().references("assessment.id").onDelete("cascade"))
    .addColumn("layer", "text", (c) => c.notNull())
    .addColumn("instrument_hash", "text", (c) => c.notNull())
    .addColumn("engine_version", "text", (c) => c.notNull())
    .addColumn("total", "double precision", (c) => c.notNull())
    .addColumn("predicate", "text")
    .addColumn("result_json", "text", (c) => c.notNull())
    .addColumn("answers_json", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by", "text")
    .execute();
  await db.schema.createIndex("score_snapshot_assessment_idx").on("score_snapshot").column("assessment_id").execute();

  // One row per node of a snapshot, so dashboards aggregate in SQL instead of parsing JSON.
  await db.schema
    .createTable("score_snapshot_node")
    .addColumn("snapshot_id", "text", (c) => c.notNull().references("score_snapshot.id").onDelete("cascade"))
    .addColumn("node_id", "text", (c) => c.notNull())
    .addColumn("level", "text", (c) => c.notNull())
    .addColumn("value", "double precision", (c) => c.notNull())
    .addColumn("max", "double precision", (c) => c.notNull())
    .addColumn("answered", "integer", (c) => c.notNull())
    .addColumn("items", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("score_snapshot_node_pk", ["snapshot_id", "node_id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["score_snapshot_node", "score_snapshot", "assignment", "comment", "evidence_item", "evidence", "evidence_blob", "answer", "assessment", "instrument_version"]) {
    await db.schema.dropTable(t).execute();
  }
}
