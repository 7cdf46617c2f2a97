import type { Kysely } from "kysely";

// Frozen: never edit after it has shipped; add a new migration instead.
// Sealed submissions (issue #14): one row per seal, never updated. The document is the canonical JSON
// that was hashed; the receipt core is what the installation's Ed25519 key signed. seq counts the
// seals of an assessment (a reopen starts the next one); the chain links each seal to the previous
// seal of its assessment and of its organisation.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("seal")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("assessment_id", "text", (c) => c.notNull().references("assessment.id").onDelete("cascade"))
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisation.id"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("event", "text", (c) => c.notNull())
    .addColumn("document_json", "text", (c) => c.notNull())
    .addColumn("document_hash", "text", (c) => c.notNull())
    .addColumn("receipt_json", "text", (c) => c.notNull())
    .addColumn("seal_hash", "text", (c) => c.notNull().unique())
    .addColumn("prev_assessment_seal", "text")
    .addColumn("prev_organisation_seal", "text")
    .addColumn("key_id", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.references("user.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("seal_assessment_seq_unique", ["assessment_id", "seq"])
    .execute();
  await db.schema.createIndex("seal_organisation_idx").on("seal").columns(["organisation_id", "created_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("seal").execute();
}
