import { sql, type Kysely } from "kysely";

// Frozen: never edit after it has shipped; add a new migration instead.
// Filling progress counts the self layer's answered items per open assessment: a partial index of
// exactly those rows (and the one column summed) is a third of answer_progress_idx, whose entries
// carry value_json. PostgreSQL walks it index-only; on SQLite the query names the same literals.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("answer_self_answered_idx")
    .on("answer")
    .columns(["assessment_id", "carried_over"])
    .where(sql.ref("layer"), "=", sql.lit("self"))
    .where(sql.ref("value_json"), "is not", null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("answer_self_answered_idx").execute();
}
