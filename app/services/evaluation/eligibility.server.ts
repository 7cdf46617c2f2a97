import type { Db } from "#db/client.server";
import type { OrganisationKind } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { forbidden, notFound } from "~/auth/require.server";
import { can } from "~/auth/permissions";
import { ziEligibility, type Eligibility } from "~/domain/evaluation/eligibility";
import type { BpkOpinion, InstitutionPrerequisites, Predicate } from "~/domain/evaluation/prerequisites";
import { scoreAssessment } from "~/domain/scoring/score";
import { newId } from "~/utils/ids";
import { canOnUnit, listAssessments, requireAssessment } from "~/services/workbench/assessments.server";
import { writeAudit } from "~/services/admin/audit.server";
import { loadLayerRows, mergeLayers, visibleLayers } from "./layer-rows.server";

export interface EligibilityRow {
  assessmentId: string;
  unitId: string;
  unitName: string;
  organisationId: string;
  year: number;
  holdsWbk: boolean;
  total: number;
  verdicts: Eligibility[];
}

export async function getPrerequisites(db: Db, organisationId: string, periodId: string): Promise<InstitutionPrerequisites | null> {
  const row = await db.selectFrom("prerequisite").selectAll().where("organisation_id", "=", organisationId).where("period_id", "=", periodId).executeTakeFirst();
  if (!row) return null;
  return {
    bpkOpinion: row.bpk_opinion as BpkOpinion | null,
    sakipPredicate: row.sakip_predicate as Predicate | null,
    indeksRb: row.indeks_rb,
    spipLevel: row.spip_level,
  };
}

export async function savePrerequisites(db: Db, actor: Actor, organisationId: string, periodId: string, input: InstitutionPrerequisites): Promise<void> {
  if (!can(actor, "prerequisite.manage", { type: "scope", scope: { organisationId, unitPath: null } })) throw forbidden();
  const period = await db.selectFrom("period").select("organisation_id").where("id", "=", periodId).executeTakeFirst();
  if (!period || period.organisation_id !== organisationId) throw notFound();
  const values = { bpk_opinion: input.bpkOpinion, sakip_predicate: input.sakipPredicate, indeks_rb: input.indeksRb, spip_level: input.spipLevel, recorded_by: actor.id, recorded_at: new Date().toISOString() };
  await db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom("prerequisite").select("id").where("organisation_id", "=", organisationId).where("period_id", "=", periodId).executeTakeFirst();
    if (existing) await trx.updateTable("prerequisite").set(values).where("id", "=", existing.id).execute();
    else await trx.insertInto("prerequisite").values({ id: newId(), organisation_id: organisationId, period_id: periodId, ...values }).execute();
    await writeAudit(trx, { actorUserId: actor.id, organisationId, action: "prerequisite.save", entityType: "period", entityId: periodId, after: input });
  });
}

async function holdsWbk(db: Db, unitId: string, year: number): Promise<boolean> {
  const row = await db.selectFrom("unit_predicate").select("id").where("unit_id", "=", unitId).where("predicate", "in", ["WBK", "WBBM"]).where("year", "<", year).executeTakeFirst();
  return !!row;
}

export async function recordWbk(db: Db, actor: Actor, unitId: string, year: number): Promise<void> {
  const unit = await db.selectFrom("unit").selectAll().where("id", "=", unitId).executeTakeFirst();
  if (!unit) throw notFound();
  if (!can(actor, "prerequisite.manage", { type: "scope", scope: { organisationId: unit.organisation_id, unitPath: null } })) throw forbidden();
  await db.insertInto("unit_predicate").values({ id: newId(), unit_id: unitId, predicate: "WBK", year, recorded_by: actor.id, recorded_at: new Date().toISOString() }).execute();
  await writeAudit(db, { actorUserId: actor.id, organisationId: unit.organisation_id, action: "unit.predicate", entityType: "unit", entityId: unitId, after: { predicate: "WBK", year } });
}

/**
 * WBK/WBBM eligibility per unit on the effective scores (evaluator layers prevail where the actor may
 * see them), with the organisation's recorded prerequisites (README §7).
 */
export async function listEligibility(db: Db, actor: Actor, periodId: string): Promise<EligibilityRow[]> {
  const out: EligibilityRow[] = [];
  for (const row of await listAssessments(db, actor, { periodId })) {
    if (row.status !== "submitted" && row.status !== "final") continue;
    const ctx = await requireAssessment(db, actor, row.id);
    if (!canOnUnit(actor, "evaluation.read", ctx.unit)) continue;
    if (ctx.instrument.evaluation.zi_verdicts.length === 0) continue;
    const layers = await visibleLayers(db, actor, ctx);
    const answers = mergeLayers(await loadLayerRows(db, ctx.assessment.id, layers), layers).answers;
    const wbk = await holdsWbk(db, ctx.unit.id, ctx.period.year);
    const result = scoreAssessment(ctx.instrument, answers, { context: { holds_wbk: wbk } });
    const org = await db.selectFrom("organisation").select("kind").where("id", "=", ctx.assessment.organisation_id).executeTakeFirstOrThrow();
    const verdicts = ziEligibility({
      zi: result.zi,
      prerequisites: await getPrerequisites(db, ctx.assessment.organisation_id, ctx.period.id),
      organisationKind: org.kind as OrganisationKind,
      unit: { holdsWbk: wbk },
    });
    out.push({ assessmentId: ctx.assessment.id, unitId: ctx.unit.id, unitName: ctx.unit.name, organisationId: ctx.assessment.organisation_id, year: ctx.period.year, holdsWbk: wbk, total: result.total, verdicts: Object.values(verdicts ?? {}) });
  }
  return out;
}
