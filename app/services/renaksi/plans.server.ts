import type { Db } from "#db/client.server";
import type { Selectable } from "kysely";
import type { Database, RenaksiMode, RenaksiPlan } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { forbidden } from "~/auth/require.server";
import { writeAudit } from "~/services/admin/audit.server";
import { todayWib } from "~/services/workbench/rules";
import { newId } from "~/utils/ids";
import { mayFill, mayGrade, mayRead, RenaksiError, requirePlan, windowOpen, type PlanContext } from "./access.server";
import { renaksiContentFor } from "./content.server";
import { rescorePlan } from "./rescore.server";
import { EMPTY_QUARTERS, quarters, type Quarter4 } from "./quarters";
import { GRADES, YES_NO } from "~/domain/renaksi/schema";
import { renaksiCriteria } from "~/domain/renaksi/grade";

/*
 * Rencana Aksi use cases (issue #29, spec rb-2024 §2–3): create a plan, fill targets, actions and
 * outputs, report the quarters, grade the LKE Renaksi, keep the RB Tematik chain. Every change is
 * audited, bumps the plan's version and re-scores A101/A102 of the organisation's RB assessment of
 * that year (rescore.server.ts).
 */

export type Quarter = Quarter4;

export interface PlanListRow {
  id: string;
  organisationId: string;
  organisationName: string;
  year: number;
  updatedAt: string;
}

/** Plans of every organisation the actor holds a role in (all for a system admin), newest year first. */
export async function listPlans(db: Db, actor: Actor): Promise<PlanListRow[]> {
  let q = db
    .selectFrom("renaksi_plan as p")
    .innerJoin("organisation as o", "o.id", "p.organisation_id")
    .select(["p.id", "p.organisation_id", "o.name", "p.year", "p.updated_at"])
    .orderBy("p.year", "desc")
    .orderBy("o.name");
  if (!actor.isAdmin) {
    const orgs = [...new Set(actor.memberships.map((m) => m.organisationId))];
    if (orgs.length === 0) return [];
    q = q.where("p.organisation_id", "in", orgs);
  }
  const rows = await q.execute();
  return rows.map((r) => ({ id: r.id, organisationId: r.organisation_id, organisationName: r.name, year: r.year, updatedAt: r.updated_at }));
}

/** Organisations the actor may start a plan for. */
export async function plannableOrganisations(db: Db, actor: Actor): Promise<{ id: string; name: string; kind: string }[]> {
  const rows = await db.selectFrom("organisation").select(["id", "name", "kind"]).where("archived_at", "is", null).orderBy("name").execute();
  return rows.filter((o) => mayFill(actor, o.id));
}

export async function planFor(db: Db, organisationId: string, year: number): Promise<RenaksiPlan | undefined> {
  return db.selectFrom("renaksi_plan").selectAll().where("organisation_id", "=", organisationId).where("year", "=", year).executeTakeFirst();
}

export async function createPlan(db: Db, actor: Actor, organisationId: string, year: number, mode: RenaksiMode = "portal"): Promise<string> {
  if (!mayFill(actor, organisationId)) throw forbidden();
  const org = await db.selectFrom("organisation").select(["id", "kind"]).where("id", "=", organisationId).executeTakeFirst();
  if (!org) throw forbidden();
  const content = renaksiContentFor(year);
  if (!content) throw new RenaksiError("renaksi.noContent", { year });
  if (await planFor(db, organisationId, year)) throw new RenaksiError("renaksi.exists", { year });
  const id = newId();
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("renaksi_plan")
      .values({
        id,
        organisation_id: organisationId,
        year,
        content_version: `${content.general.id}@${content.general.version}`,
        mode,
        version: 1,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
        plan_open: null,
        plan_close: null,
        monev_open: null,
        monev_close: null,
        grading_close: null,
        due_tw1: null,
        due_tw2: null,
        due_tw3: null,
        due_tw4: null,
      })
      .execute();
    await writeAudit(trx, { actorUserId: actor.id, organisationId, action: "renaksi.create", entityType: "renaksi_plan", entityId: id, after: { year, mode } });
  });
  return id;
}

type Trx = Db;
type Stage = "plan" | "monev" | "grading";

function assertStage(ctx: PlanContext, stage: Stage): void {
  const p = ctx.plan;
  const today = todayWib();
  const open = stage === "plan" ? windowOpen(p.plan_open, p.plan_close, today) : stage === "monev" ? windowOpen(p.monev_open, p.monev_close, today) : windowOpen(null, p.grading_close, today);
  if (!open) throw new RenaksiError("renaksi.windowClosed");
}

/**
 * One change to a plan (used by every plan write here and in tematik.server.ts): the access and window checks, the write, the audit row, the version bump and
 * the re-score, in one transaction. `need` decides who may; `stage` which window must be open.
 */
export async function change(
  db: Db,
  actor: Actor,
  planId: string,
  need: "fill" | "grade",
  stage: Stage | null,
  audit: { action: string; entityType: string; entityId: string | null; before?: unknown; after?: unknown },
  write: (trx: Trx, ctx: PlanContext) => Promise<void>,
): Promise<void> {
  const ctx = await requirePlan(db, actor, planId, need);
  if (stage) assertStage(ctx, stage);
  await db.transaction().execute(async (trx) => {
    await write(trx, ctx);
    const now = new Date().toISOString();
    await trx.updateTable("renaksi_plan").set({ version: ctx.plan.version + 1, updated_at: now }).where("id", "=", planId).execute();
    await writeAudit(trx, { actorUserId: actor.id, organisationId: ctx.plan.organisation_id, ...audit });
    await rescorePlan(trx, actor, planId);
  });
}

export interface TargetInput {
  indicatorCode: string;
  baselineYear: number | null;
  baselineValue: number | null;
  target: number | null;
  unit: string | null;
  note: string | null;
}

/** Adopts an indicator (or updates its baseline and target). Only indicators of the organisation's kind. */
export async function saveTarget(db: Db, actor: Actor, planId: string, input: TargetInput): Promise<void> {
  const ctx = await requirePlan(db, actor, planId, "fill");
  const content = renaksiContentFor(ctx.plan.year);
  const indicator = content?.general.indicators.find((i) => i.code === input.indicatorCode);
  if (!indicator) throw new RenaksiError("renaksi.unknownIndicator", { code: input.indicatorCode });
  if (!indicator.kinds.includes(ctx.organisation.kind)) throw new RenaksiError("renaksi.indicatorNotForKind", { code: input.indicatorCode });
  const existing = await db.selectFrom("renaksi_target").selectAll().where("plan_id", "=", planId).where("indicator_code", "=", input.indicatorCode).executeTakeFirst();
  const values = {
    baseline_year: input.baselineYear,
    baseline_value: input.baselineValue,
    target: input.target,
    unit: input.unit,
    note: input.note,
  };
  const id = existing?.id ?? newId();
  await change(db, actor, planId, "fill", "plan", { action: "renaksi.target", entityType: "renaksi_target", entityId: id, before: existing ? pick(existing, values) : undefined, after: { indicator: input.indicatorCode, ...values } }, async (trx) => {
    if (existing) await trx.updateTable("renaksi_target").set(values).where("id", "=", id).execute();
    else {
      const pos = await nextPosition(trx, "renaksi_target", planId);
      await trx.insertInto("renaksi_target").values({ id, plan_id: planId, indicator_code: input.indicatorCode, realisasi: null, evaluator_note: null, position: pos, ...values }).execute();
    }
  });
}

export async function removeTarget(db: Db, actor: Actor, planId: string, targetId: string): Promise<void> {
  const row = await ownRow(db, actor, "fill", "renaksi_target", planId, targetId);
  await change(db, actor, planId, "fill", "plan", { action: "renaksi.target.remove", entityType: "renaksi_target", entityId: targetId, before: row }, async (trx) => {
    await trx.deleteFrom("renaksi_output").where("action_id", "in", trx.selectFrom("renaksi_action").select("id").where("target_id", "=", targetId)).execute();
    await trx.deleteFrom("renaksi_action").where("target_id", "=", targetId).execute();
    await trx.deleteFrom("renaksi_target").where("id", "=", targetId).execute();
  });
}

export async function addAction(db: Db, actor: Actor, planId: string, parent: { targetId: string } | { tematikNodeId: string }, text: string): Promise<string> {
  if ("targetId" in parent) await ownRow(db, actor, "fill", "renaksi_target", planId, parent.targetId);
  else await ownRow(db, actor, "fill", "tematik_node", planId, parent.tematikNodeId);
  const id = newId();
  await change(db, actor, planId, "fill", "plan", { action: "renaksi.action", entityType: "renaksi_action", entityId: id, after: { text, ...parent } }, async (trx) => {
    await trx
      .insertInto("renaksi_action")
      .values({
        id,
        plan_id: planId,
        target_id: "targetId" in parent ? parent.targetId : null,
        tematik_node_id: "tematikNodeId" in parent ? parent.tematikNodeId : null,
        text,
        position: await nextPosition(trx, "renaksi_action", planId),
      })
      .execute();
  });
  return id;
}

export async function updateAction(db: Db, actor: Actor, planId: string, actionId: string, text: string): Promise<void> {
  const row = await ownRow(db, actor, "fill", "renaksi_action", planId, actionId);
  await change(db, actor, planId, "fill", "plan", { action: "renaksi.action", entityType: "renaksi_action", entityId: actionId, before: { text: row.text }, after: { text } }, async (trx) => {
    await trx.updateTable("renaksi_action").set({ text }).where("id", "=", actionId).execute();
  });
}

export async function removeAction(db: Db, actor: Actor, planId: string, actionId: string): Promise<void> {
  const row = await ownRow(db, actor, "fill", "renaksi_action", planId, actionId);
  await change(db, actor, planId, "fill", "plan", { action: "renaksi.action.remove", entityType: "renaksi_action", entityId: actionId, before: row }, async (trx) => {
    await trx.deleteFrom("renaksi_output").where("action_id", "=", actionId).execute();
    await trx.deleteFrom("renaksi_action").where("id", "=", actionId).execute();
  });
}

export interface OutputPlanInput {
  indicator: string;
  unit: string;
  targetTw: Quarter;
  budgetTotal: number | null;
  implementer: string | null;
  coordinator: string | null;
  focus: string | null;
}

const outputPlanColumns = (o: OutputPlanInput) => ({
  indicator: o.indicator,
  unit: o.unit,
  target_tw_json: JSON.stringify(o.targetTw),
  budget_total: o.budgetTotal,
  implementer: o.implementer,
  coordinator: o.coordinator,
  focus: o.focus,
});

/** A fokus intervensi only on a Tematik output, and only one of the year's (spec §3.2). */
async function assertFocus(db: Db, planId: string, action: { tematik_node_id: string | null }, focus: string | null): Promise<void> {
  if (focus === null) return;
  const plan = await db.selectFrom("renaksi_plan").select("year").where("id", "=", planId).executeTakeFirstOrThrow();
  const known = renaksiContentFor(plan.year)?.tematik.fokus_intervensi.some((f) => f.code === focus) ?? false;
  if (!action.tematik_node_id || !known) throw new RenaksiError("renaksi.unknownFocus", { code: focus });
}

export async function addOutput(db: Db, actor: Actor, planId: string, actionId: string, input: OutputPlanInput): Promise<string> {
  const action = await ownRow(db, actor, "fill", "renaksi_action", planId, actionId);
  await assertFocus(db, planId, action, input.focus);
  const id = newId();
  await change(db, actor, planId, "fill", "plan", { action: "renaksi.output", entityType: "renaksi_output", entityId: id, after: input }, async (trx) => {
    await trx
      .insertInto("renaksi_output")
      .values({
        id,
        plan_id: planId,
        action_id: actionId,
        ...outputPlanColumns(input),
        budget_tw_json: JSON.stringify(EMPTY_QUARTERS),
        realisation_tw_json: JSON.stringify(EMPTY_QUARTERS),
        budget_realisation_tw_json: JSON.stringify(EMPTY_QUARTERS),
        note: null,
        evaluator_note: null,
        position: await nextPosition(trx, "renaksi_output", planId),
      })
      .execute();
  });
  return id;
}

export async function updateOutput(db: Db, actor: Actor, planId: string, outputId: string, input: OutputPlanInput): Promise<void> {
  const row = await ownRow(db, actor, "fill", "renaksi_output", planId, outputId);
  await assertFocus(db, planId, await ownRow(db, actor, "fill", "renaksi_action", planId, row.action_id), input.focus);
  const cols = outputPlanColumns(input);
  await change(db, actor, planId, "fill", "plan", { action: "renaksi.output", entityType: "renaksi_output", entityId: outputId, before: pick(row, cols), after: cols }, async (trx) => {
    await trx.updateTable("renaksi_output").set(cols).where("id", "=", outputId).execute();
  });
}

export async function removeOutput(db: Db, actor: Actor, planId: string, outputId: string): Promise<void> {
  const row = await ownRow(db, actor, "fill", "renaksi_output", planId, outputId);
  await change(db, actor, planId, "fill", "plan", { action: "renaksi.output.remove", entityType: "renaksi_output", entityId: outputId, before: row }, async (trx) => {
    await trx.deleteFrom("renaksi_output").where("id", "=", outputId).execute();
  });
}

export interface MonevInput {
  quarter: 1 | 2 | 3 | 4;
  realisation: number | null;
  budgetRealisation: number | null;
  note: string | null;
}

/** One quarter's realisation of one output (spec §2.3 "Monitor"), inside the monitoring window. */
export async function saveMonev(db: Db, actor: Actor, planId: string, outputId: string, input: MonevInput): Promise<void> {
  const row = await ownRow(db, actor, "fill", "renaksi_output", planId, outputId);
  const real = quarters(row.realisation_tw_json);
  const budget = quarters(row.budget_realisation_tw_json);
  const before = { quarter: input.quarter, realisation: real[input.quarter - 1], budgetRealisation: budget[input.quarter - 1], note: row.note };
  real[input.quarter - 1] = input.realisation;
  budget[input.quarter - 1] = input.budgetRealisation;
  await change(db, actor, planId, "fill", "monev", { action: "renaksi.monev", entityType: "renaksi_output", entityId: outputId, before, after: input }, async (trx) => {
    await trx
      .updateTable("renaksi_output")
      .set({ realisation_tw_json: JSON.stringify(real), budget_realisation_tw_json: JSON.stringify(budget), note: input.note })
      .where("id", "=", outputId)
      .execute();
  });
}

/** The indicator's realisation of the year (capaian = realisasi / target × 100 is computed, not stored). */
export async function saveTargetRealisation(db: Db, actor: Actor, planId: string, targetId: string, realisasi: number | null, note: string | null): Promise<void> {
  const row = await ownRow(db, actor, "fill", "renaksi_target", planId, targetId);
  await change(
    db,
    actor,
    planId,
    "fill",
    "monev",
    { action: "renaksi.target.realisation", entityType: "renaksi_target", entityId: targetId, before: { realisasi: row.realisasi, note: row.note }, after: { realisasi, note } },
    async (trx) => {
      await trx.updateTable("renaksi_target").set({ realisasi, note }).where("id", "=", targetId).execute();
    },
  );
}

export interface GradeInput {
  criterion: string;
  grade: string | null;
  note: string | null;
  recommendation: string | null;
}

/** The assigned evaluator grades one LKE Renaksi criterion (spec §2.4); A101 is re-scored from the grades. */
export async function saveGrade(db: Db, actor: Actor, planId: string, input: GradeInput): Promise<void> {
  const ctx = await requirePlan(db, actor, planId, "grade");
  const content = renaksiContentFor(ctx.plan.year);
  const criterion = content ? renaksiCriteria(content.lke).find((c) => c.code === input.criterion) : undefined;
  if (!criterion) throw new RenaksiError("renaksi.unknownCriterion", { code: input.criterion });
  const allowed: readonly string[] = criterion.answer === "yes_no" ? YES_NO : GRADES;
  if (input.grade !== null && !allowed.includes(input.grade)) throw new RenaksiError("renaksi.badGrade", { grade: input.grade });
  const existing = await db.selectFrom("renaksi_grade").selectAll().where("plan_id", "=", planId).where("criterion", "=", input.criterion).executeTakeFirst();
  const values = { grade: input.grade, note: input.note, recommendation: input.recommendation };
  await change(
    db,
    actor,
    planId,
    "grade",
    "grading",
    { action: "renaksi.grade", entityType: "renaksi_grade", entityId: `${planId}:${input.criterion}`, before: existing ? pick(existing, values) : undefined, after: values },
    async (trx) => {
      const now = new Date().toISOString();
      if (existing) await trx.updateTable("renaksi_grade").set({ ...values, graded_by: actor.id, graded_at: now }).where("plan_id", "=", planId).where("criterion", "=", input.criterion).execute();
      else await trx.insertInto("renaksi_grade").values({ plan_id: planId, criterion: input.criterion, ...values, graded_by: actor.id, graded_at: now }).execute();
    },
  );
}

/** The evaluator's note on a target, an output or a Tematik indicator (spec §2.3 "Review"). */
export async function saveEvaluatorNote(db: Db, actor: Actor, planId: string, entity: "target" | "output" | "tematik", id: string, note: string | null): Promise<void> {
  const table = entity === "target" ? "renaksi_target" : entity === "output" ? "renaksi_output" : "tematik_node";
  const row = await ownRow(db, actor, "grade", table, planId, id);
  await change(db, actor, planId, "grade", null, { action: "renaksi.evaluatorNote", entityType: table, entityId: id, before: { note: row.evaluator_note }, after: { note } }, async (trx) => {
    await trx.updateTable(table).set({ evaluator_note: note }).where("id", "=", id).execute();
  });
}

export { mayFill, mayGrade, mayRead };

type OwnedTable = "renaksi_target" | "renaksi_action" | "renaksi_output" | "tematik_node";

/** A row of the plan named in the URL; another plan's id is a 404, never a write elsewhere. */
export async function ownRow<T extends OwnedTable>(db: Db, actor: Actor, need: "fill" | "grade", table: T, planId: string, id: string) {
  // Access first: someone outside the plan learns nothing about which rows exist.
  await requirePlan(db, actor, planId, need);
  const row = await db.selectFrom(table as OwnedTable).selectAll().where("id", "=", id).where("plan_id", "=", planId).executeTakeFirst();
  if (!row) throw new RenaksiError("renaksi.notFound");
  return row as unknown as Selectable<Database[T]>;
}

export async function nextPosition(db: Db, table: OwnedTable, planId: string): Promise<number> {
  const r = await db.selectFrom(table as OwnedTable).select((eb) => eb.fn.max("position").as("m")).where("plan_id", "=", planId).executeTakeFirst();
  return Number(r?.m ?? 0) + 1;
}

export function pick(row: object, keys: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(keys)) out[k] = (row as Record<string, unknown>)[k];
  return out;
}
