import type { Kysely } from "kysely";

// Frozen: never edit after it has shipped; add a new migration instead.
// Blind individual scoring (issue #14): a round per assessment area, its named raters, and each rater's
// answers. Individual answers live in their own table, not as a layer of `answer`, so that no existing
// query on `answer` (area page, overview, reports, CSV, LKE export, snapshots) can ever read them.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("blind_round")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("assessment_id", "text", (c) => c.notNull().references("assessment.id").onDelete("cascade"))
    .addColumn("area_id", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull().references("user.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("revealed_by", "text", (c) => c.references("user.id"))
    .addColumn("revealed_at", "text")
    .addColumn("reveal_reason", "text")
    .execute();
  await db.schema.createIndex("blind_round_area_uq").on("blind_round").columns(["assessment_id", "area_id"]).unique().execute();

  await db.schema
    .createTable("blind_rater")
    .addColumn("round_id", "text", (c) => c.notNull().references("blind_round.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id"))
    .addColumn("finished_at", "text")
    .addPrimaryKeyConstraint("blind_rater_pk", ["round_id", "user_id"])
    .execute();

  await db.schema
    .createTable("individual_answer")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("assessment_id", "text", (c) => c.notNull().references("assessment.id").onDelete("cascade"))
    .addColumn("round_id", "text", (c) => c.notNull().references("blind_round.id").onDelete("cascade"))
    .addColumn("item_id", "text", (c) => c.notNull())
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id"))
    .addColumn("value_json", "text")
    .addColumn("note", "text")
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("individual_answer_uq").on("individual_answer").columns(["assessment_id", "item_id", "user_id"]).unique().execute();
  await db.schema.createIndex("individual_answer_round_idx").on("individual_answer").columns(["round_id", "user_id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("individual_answer").execute();
  await db.schema.dropTable("blind_rater").execute();
  await db.schema.dropTable("blind_round").execute();
}
