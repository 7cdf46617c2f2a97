import type { Kysely } from "kysely";

// Frozen: never edit after it has shipped; add a new migration instead.
// An item's history (the area page, the evaluator's sample view, the timeline) reads the audit rows
// of given entity ids, newest first. Without this index every such read scanned the whole audit log,
// which grows by one row per autosave (issue #15: a national installation holds millions).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("audit_entity_at_idx").on("audit_log").columns(["entity_id", "at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("audit_entity_at_idx").execute();
}
