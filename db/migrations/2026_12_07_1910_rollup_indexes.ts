import type { Kysely } from "kysely";

// Frozen: never edit after it has shipped; add a new migration instead.
// Roll-ups across organisations (issue #30): the per-indicator aggregate reads (value, max, answered) of
// every row of each peer organisation's result snapshot. score_snapshot_node_level_idx lacks `answered`,
// so every row would cost a table probe; this index carries it. (The older index stays: the dashboards'
// migration and its test manage it, and it is the narrower one for the level sums.) Assessments of one
// instrument and period across all organisations get their own index (the dashboards' starts with the
// organisation), and periods one by year.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("score_snapshot_node_rollup_idx")
    .on("score_snapshot_node")
    .columns(["snapshot_id", "level", "node_id", "value", "max", "answered"])
    .execute();
  await db.schema
    .createIndex("assessment_rollup_idx")
    .on("assessment")
    .columns(["instrument_id", "period_id", "status", "organisation_id", "id"])
    .execute();
  await db.schema.createIndex("period_year_idx").on("period").columns(["year", "id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("period_year_idx").execute();
  await db.schema.dropIndex("assessment_rollup_idx").execute();
  await db.schema.dropIndex("score_snapshot_node_rollup_idx").execute();
}
