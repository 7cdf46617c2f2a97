import type { Kysely } from "kysely";

// Frozen: never edit after it has shipped; add a new migration instead.
// Evaluator layers (release state), spot-check samples, findings with follow-up (RATL), prerequisites.
export async function up(db: Kysely<any>): Promise<void> {
  // One row per released evaluator layer; revoking keeps the row (with who/why) for the record.
  await db.schema
    .createTable("layer_release")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("assessment_id", "text", (c) => c.notNull().references("assessment.id").onDelete("cascade"))
    .addColumn("layer", "text", (c) => c.notNull())
    .addColumn("released_at", "text", (c) => c.notNull())
    .addColumn("released_by", "text")
    .addColumn("revoked_at", "text")
    .addColumn("revoked_by", "text")
    .addColumn("revoke_reason", "text")
    .execute();
  await db.schema.createIndex("layer_release_assessment_idx").on("layer_release").columns(["assessment_id", "layer"]).execute();

  await db.schema
    .createTable("sample")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisation.id"))
    .addColumn("period_id", "text", (c) => c.notNull().references("period.id"))
    .addColumn("layer", "text", (c) => c.notNull())
    .addColumn("strategy", "text", (c) => c.notNull())
    .addColumn("seed", "text", (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("params_json", "text", (c) => c.notNull())
    .addColumn("frame_json", "text", (c) => c.notNull())
    .addColumn("frame_hash", "text", (c) => c.notNull())
    .addColumn("created_by", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("sample_item")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("sample_id", "text", (c) => c.notNull().references("sample.id").onDelete("cascade"))
    .addColumn("assessment_id", "text", (c) => c.notNull().references("assessment.id").onDelete("cascade"))
    .addColumn("item_id", "text", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("inclusion_weight", "double precision", (c) => c.notNull())
    .addColumn("decision", "text")
    .addColumn("decided_at", "text")
    .addColumn("decided_by", "text")
    .execute();
  await db.schema.createIndex("sample_item_sample_idx").on("sample_item").column("sample_id").execute();

  await db.schema
    .createTable("finding")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("assessment_id", "text", (c) => c.notNull().references("assessment.id").onDelete("cascade"))
    .addColumn("unit_id", "text", (c) => c.notNull().references("unit.id"))
    .addColumn("item_id", "text", (c) => c.notNull())
    .addColumn("layer", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("recommendation", "text", (c) => c.notNull())
    .addColumn("created_by", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("follow_up_action", "text")
    .addColumn("follow_up_owner", "text")
    .addColumn("follow_up_due", "text")
    .addColumn("follow_up_status", "text", (c) => c.notNull().defaultTo("open"))
    .addColumn("follow_up_updated_at", "text")
    .execute();
  await db.schema.createIndex("finding_unit_item_idx").on("finding").columns(["unit_id", "item_id"]).execute();

  await db.schema
    .createTable("prerequisite")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisation.id"))
    .addColumn("period_id", "text", (c) => c.notNull().references("period.id"))
    .addColumn("bpk_opinion", "text")
    .addColumn("sakip_predicate", "text")
    .addColumn("indeks_rb", "double precision")
    .addColumn("spip_level", "integer")
    .addColumn("recorded_by", "text")
    .addColumn("recorded_at", "text", (c) => c.notNull())
    .addUniqueConstraint("prerequisite_org_period_uq", ["organisation_id", "period_id"])
    .execute();

  // Units that already hold the WBK predicate (needed for the WBBM verdict).
  await db.schema
    .createTable("unit_predicate")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("unit_id", "text", (c) => c.notNull().references("unit.id"))
    .addColumn("predicate", "text", (c) => c.notNull())
    .addColumn("year", "integer", (c) => c.notNull())
    .addColumn("recorded_by", "text")
    .addColumn("recorded_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["unit_predicate", "prerequisite", "finding", "sample_item", "sample", "layer_release"]) {
    await db.schema.dropTable(t).execute();
  }
}
