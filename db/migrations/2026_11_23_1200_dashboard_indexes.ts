import type { Kysely } from "kysely";

// Frozen: never edit after it has shipped; add a new migration instead.
// Indexes behind the dashboards (issue #6): "the latest snapshot of each layer" and the per-period filters.
export async function up(db: Kysely<any>): Promise<void> {
  // NOT EXISTS (a newer snapshot of the same assessment and layer): one index probe per snapshot.
  await db.schema.createIndex("score_snapshot_assessment_layer_idx").on("score_snapshot").columns(["assessment_id", "layer", "created_at"]).execute();
  // Organisation dashboards filter by organisation, instrument and status, then group by period.
  await db.schema.createIndex("assessment_org_instrument_idx").on("assessment").columns(["organisation_id", "instrument_id", "status", "period_id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("assessment_org_instrument_idx").execute();
  await db.schema.dropIndex("score_snapshot_assessment_layer_idx").execute();
}
