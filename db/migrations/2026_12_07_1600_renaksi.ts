import type { Kysely } from "kysely";

// Frozen: never edit after it has shipped; add a new migration instead.
// Rencana Aksi RB (issue #29, spec rb-2024 §2–3): one plan per organisation and year, its indicator
// targets, actions and outputs with quarterly targets and realisation, the graded LKE Renaksi, the
// RB Tematik chain and its schedule (windows per feature, optional due dates per quarter).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("renaksi_plan")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisation.id"))
    .addColumn("year", "integer", (c) => c.notNull())
    .addColumn("content_version", "text", (c) => c.notNull())
    .addColumn("mode", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.references("user.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("plan_open", "text")
    .addColumn("plan_close", "text")
    .addColumn("monev_open", "text")
    .addColumn("monev_close", "text")
    .addColumn("grading_close", "text")
    .addColumn("due_tw1", "text")
    .addColumn("due_tw2", "text")
    .addColumn("due_tw3", "text")
    .addColumn("due_tw4", "text")
    .execute();
  await db.schema.createIndex("renaksi_plan_org_year_uq").on("renaksi_plan").columns(["organisation_id", "year"]).unique().execute();

  // One row per adopted indicator of a kegiatan utama (general_perencanaan + its target of the year).
  await db.schema
    .createTable("renaksi_target")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("plan_id", "text", (c) => c.notNull().references("renaksi_plan.id").onDelete("cascade"))
    .addColumn("indicator_code", "text", (c) => c.notNull())
    .addColumn("baseline_year", "integer")
    .addColumn("baseline_value", "real")
    .addColumn("target", "real")
    .addColumn("unit", "text")
    .addColumn("realisasi", "real")
    .addColumn("note", "text")
    .addColumn("evaluator_note", "text")
    .addColumn("position", "integer", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("renaksi_target_uq").on("renaksi_target").columns(["plan_id", "indicator_code"]).unique().execute();

  // Rencana aksi: under a target (RB General) or under a Tematik permasalahan (tematik_node_id).
  await db.schema
    .createTable("renaksi_action")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("plan_id", "text", (c) => c.notNull().references("renaksi_plan.id").onDelete("cascade"))
    .addColumn("target_id", "text", (c) => c.references("renaksi_target.id").onDelete("cascade"))
    .addColumn("tematik_node_id", "text")
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("renaksi_action_plan_idx").on("renaksi_action").columns(["plan_id"]).execute();

  // Output indicators; quarter arrays as JSON text ([tw1, tw2, tw3, tw4], null = not given).
  await db.schema
    .createTable("renaksi_output")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("plan_id", "text", (c) => c.notNull().references("renaksi_plan.id").onDelete("cascade"))
    .addColumn("action_id", "text", (c) => c.notNull().references("renaksi_action.id").onDelete("cascade"))
    .addColumn("indicator", "text", (c) => c.notNull())
    .addColumn("unit", "text", (c) => c.notNull())
    .addColumn("target_tw_json", "text", (c) => c.notNull())
    .addColumn("budget_total", "real")
    .addColumn("budget_tw_json", "text", (c) => c.notNull())
    .addColumn("realisation_tw_json", "text", (c) => c.notNull())
    .addColumn("budget_realisation_tw_json", "text", (c) => c.notNull())
    .addColumn("implementer", "text")
    .addColumn("coordinator", "text")
    .addColumn("focus", "text")
    .addColumn("note", "text")
    .addColumn("evaluator_note", "text")
    .addColumn("position", "integer", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("renaksi_output_plan_idx").on("renaksi_output").columns(["plan_id"]).execute();

  // LKE Renaksi grades (spec §2.4), keyed by the criterion's stable code.
  await db.schema
    .createTable("renaksi_grade")
    .addColumn("plan_id", "text", (c) => c.notNull().references("renaksi_plan.id").onDelete("cascade"))
    .addColumn("criterion", "text", (c) => c.notNull())
    .addColumn("grade", "text")
    .addColumn("note", "text")
    .addColumn("recommendation", "text")
    .addColumn("graded_by", "text", (c) => c.references("user.id"))
    .addColumn("graded_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("renaksi_grade_pk", ["plan_id", "criterion"])
    .execute();

  // RB Tematik chain (spec §3.2): sasaran → indikator road map; permasalahan → indikator permasalahan; actions hang on permasalahan.
  await db.schema
    .createTable("tematik_node")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("plan_id", "text", (c) => c.notNull().references("renaksi_plan.id").onDelete("cascade"))
    .addColumn("theme", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("parent_id", "text")
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("goal", "text")
    .addColumn("target", "real")
    .addColumn("unit", "text")
    .addColumn("realisasi", "real")
    .addColumn("note", "text")
    .addColumn("evaluator_note", "text")
    .addColumn("position", "integer", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("tematik_node_plan_idx").on("tematik_node").columns(["plan_id", "theme"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["tematik_node", "renaksi_grade", "renaksi_output", "renaksi_action", "renaksi_target", "renaksi_plan"]) {
    await db.schema.dropTable(t).execute();
  }
}
