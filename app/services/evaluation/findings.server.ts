import type { Db } from "#db/client.server";
import type { FollowUpStatus, Layer } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { forbidden, notFound } from "~/auth/require.server";
import { canOnUnit, requireAssessment, type AssessmentContext } from "~/services/workbench/assessments.server";
import { writeAudit } from "~/services/admin/audit.server";
import { canWriteLayer, releasedLayers } from "./layer-rows.server";

export interface FindingView {
  id: string;
  assessmentId: string;
  year: number;
  itemId: string;
  layer: Layer;
  kind: "send_back" | "adjusted";
  recommendation: string;
  createdAt: string;
  followUp: { action: string | null; owner: string | null; due: string | null; status: FollowUpStatus; updatedAt: string | null };
}

async function findingRows(db: Db, where: { assessmentId?: string; unitId?: string }) {
  let q = db
    .selectFrom("finding")
    .innerJoin("assessment", "assessment.id", "finding.assessment_id")
    .innerJoin("period", "period.id", "assessment.period_id")
    .selectAll("finding")
    .select("period.year")
    .orderBy("finding.created_at");
  if (where.assessmentId) q = q.where("finding.assessment_id", "=", where.assessmentId);
  if (where.unitId) q = q.where("finding.unit_id", "=", where.unitId);
  return q.execute();
}

function toView(r: Awaited<ReturnType<typeof findingRows>>[number]): FindingView {
  return {
    id: r.id,
    assessmentId: r.assessment_id,
    year: r.year,
    itemId: r.item_id,
    layer: r.layer,
    kind: r.kind,
    recommendation: r.recommendation,
    createdAt: r.created_at,
    followUp: { action: r.follow_up_action, owner: r.follow_up_owner, due: r.follow_up_due, status: r.follow_up_status, updatedAt: r.follow_up_updated_at },
  };
}

/** Findings of an assessment the actor may see: evaluators all of their layer, the unit only released ones. */
export async function listFindings(db: Db, actor: Actor, ctx: AssessmentContext): Promise<FindingView[]> {
  const released = await releasedLayers(db, ctx.assessment.id);
  return (await findingRows(db, { assessmentId: ctx.assessment.id }))
    .filter((r) => released.has(r.layer) || actor.isAdmin || (r.layer !== "self" && canWriteLayer(actor, ctx, r.layer)))
    .map(toView);
}

/** Released findings of earlier periods of this unit still waiting for follow-up, for the next assessment. */
export async function openFollowUps(db: Db, ctx: AssessmentContext): Promise<FindingView[]> {
  const rows = await findingRows(db, { unitId: ctx.unit.id });
  const out: FindingView[] = [];
  const releasedBy = new Map<string, Set<Layer>>();
  for (const r of rows) {
    if (r.assessment_id === ctx.assessment.id || r.year >= ctx.period.year || r.follow_up_status === "done") continue;
    if (!releasedBy.has(r.assessment_id)) releasedBy.set(r.assessment_id, await releasedLayers(db, r.assessment_id));
    if (releasedBy.get(r.assessment_id)!.has(r.layer)) out.push(toView(r));
  }
  return out;
}

export interface FollowUpInput {
  action: string;
  owner: string;
  due: string | null;
  status: FollowUpStatus;
}

/** The unit records its follow-up (RATL) on a released finding: action, owner, due date, status. */
export async function updateFollowUp(db: Db, actor: Actor, findingId: string, input: FollowUpInput): Promise<void> {
  const finding = await db.selectFrom("finding").selectAll().where("id", "=", findingId).executeTakeFirst();
  if (!finding) throw notFound();
  const ctx = await requireAssessment(db, actor, finding.assessment_id);
  if (!canOnUnit(actor, "followup.write", ctx.unit)) throw forbidden();
  if (!(await releasedLayers(db, finding.assessment_id)).has(finding.layer)) throw notFound();
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("finding")
      .set({ follow_up_action: input.action, follow_up_owner: input.owner, follow_up_due: input.due, follow_up_status: input.status, follow_up_updated_at: now })
      .where("id", "=", findingId)
      .execute();
    await writeAudit(trx, {
      actorUserId: actor.id,
      organisationId: ctx.assessment.organisation_id,
      action: "finding.follow_up",
      entityType: "finding",
      entityId: findingId,
      before: { status: finding.follow_up_status, action: finding.follow_up_action },
      after: input,
    });
  });
}
