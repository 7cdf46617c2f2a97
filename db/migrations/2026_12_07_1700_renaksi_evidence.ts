import type { Kysely } from "kysely";

// Frozen: never edit after it has shipped; add a new migration instead.
// Bukti dukung of a Rencana Aksi target (issue #29, spec rb-2024 §2.2 general_perencanaan_target_dokumen):
// files (bytes in the evidence store, one evidence_blob row per sha256, shared with assessment evidence)
// and http(s) links, each with its title. Removal is soft (removed_at), so the audit trail and the blob
// reference stay; `cermin evidence gc` counts these rows as references too.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("renaksi_evidence")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("plan_id", "text", (c) => c.notNull().references("renaksi_plan.id").onDelete("cascade"))
    .addColumn("target_id", "text", (c) => c.notNull().references("renaksi_target.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("blob_sha256", "text", (c) => c.references("evidence_blob.sha256"))
    .addColumn("url", "text")
    // The title (dokumen); a file's own name, made safe and matching its type, is `filename`.
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("filename", "text")
    .addColumn("mime", "text")
    .addColumn("size", "integer")
    .addColumn("uploaded_by", "text", (c) => c.references("user.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("removed_at", "text")
    .addColumn("removed_by", "text", (c) => c.references("user.id"))
    .execute();
  await db.schema.createIndex("renaksi_evidence_target_idx").on("renaksi_evidence").columns(["plan_id", "target_id"]).execute();
  await db.schema.createIndex("renaksi_evidence_blob_idx").on("renaksi_evidence").column("blob_sha256").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("renaksi_evidence").execute();
}
