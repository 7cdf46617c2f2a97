import type { Kysely } from "kysely";

// Frozen: never edit after it has shipped; add a new migration instead.
// Covering indexes behind the dashboards (issue #6): every dashboard query is answered from these
// without touching table rows. That matters most for score_snapshot, whose rows carry the large
// result/answers JSON: on SQLite, reading a column stored after them walks their overflow pages.
export async function up(db: Kysely<any>): Promise<void> {
  // "The latest snapshot of each assessment and layer" (NOT EXISTS a newer one) and its total.
  await db.schema
    .createIndex("score_snapshot_latest_idx")
    .on("score_snapshot")
    .columns(["assessment_id", "layer", "created_at", "id", "total", "predicate"])
    .execute();
  // Organisation dashboards filter by organisation, instrument and status, then period, and join the unit.
  await db.schema
    .createIndex("assessment_dashboard_idx")
    .on("assessment")
    .columns(["organisation_id", "instrument_id", "status", "period_id", "unit_id", "id"])
    .execute();
  // The nodes of one level of a snapshot (all its areas) are one index range; single nodes one probe.
  await db.schema
    .createIndex("score_snapshot_node_level_idx")
    .on("score_snapshot_node")
    .columns(["snapshot_id", "level", "node_id", "value", "max"])
    .execute();
  // Filling progress: answered and confirmed counts per assessment.
  await db.schema
    .createIndex("answer_progress_idx")
    .on("answer")
    .columns(["assessment_id", "layer", "carried_over", "value_json"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of ["answer_progress_idx", "score_snapshot_node_level_idx", "assessment_dashboard_idx", "score_snapshot_latest_idx"]) {
    await db.schema.dropIndex(name).execute();
  }
}
