import type { Db } from "#db/client.server";
import type { Appeal, MembershipRole } from "#db/schema";
import type { EvaluatorLayer } from "~/services/evaluation/layer-rows.server";
import { deliver, membersCovering, usersByIds, type Recipient } from "~/services/notifications/notify.server";
import type { AssessmentContext } from "~/services/workbench/assessments.server";

/*
 * Who hears of an appeal (issue #30), through the notifications' one delivery path (inbox rows, instant
 * mail for those who want it): a filed appeal goes to those who may write that evaluator layer on the
 * unit (the internal layer: coordinators and evaluators; the external layer: evaluators; when the
 * organisation has none, the system administrators, who may write every layer), a decision to
 * the filer and the unit's coordinators. Never to the actor. Called inside the change's transaction.
 */

const WRITERS: Record<EvaluatorLayer, MembershipRole[]> = { internal: ["coordinator", "evaluator"], external: ["evaluator"] };

const without = (list: Recipient[], actorId: string) => {
  const byId = new Map<string, Recipient>();
  for (const r of list) if (r.id !== actorId) byId.set(r.id, r);
  return [...byId.values()];
};

async function systemAdminIds(db: Db): Promise<string[]> {
  const rows = await db.selectFrom("user").select("id").where("is_admin", "=", 1).where("disabled_at", "is", null).execute();
  return rows.map((r) => r.id);
}

async function nameOf(db: Db, id: string | null): Promise<string> {
  if (!id) return "–";
  return (await db.selectFrom("user").select("name").where("id", "=", id).executeTakeFirst())?.name ?? "–";
}

export async function notifyAppealFiled(
  db: Db,
  ctx: AssessmentContext,
  appeal: Pick<Appeal, "id" | "item_id" | "layer" | "reason">,
  actorId: string,
) {
  let recipients = without(await membersCovering(db, ctx.unit, WRITERS[appeal.layer]), actorId);
  // An appeal nobody is told of waits unseen: without a member who may decide, the administrators hear of it.
  if (recipients.length === 0) recipients = without(await usersByIds(db, await systemAdminIds(db)), actorId);
  return deliver(db, recipients, {
    kind: "appeal_filed",
    assessmentId: ctx.assessment.id,
    itemId: appeal.item_id,
    params: {
      unit: ctx.unit.name,
      period: ctx.period.name,
      item: appeal.item_id,
      layer: appeal.layer,
      by: await nameOf(db, actorId),
      note: appeal.reason,
    },
    link: `/evaluations/appeals/${appeal.id}`,
    dedupeKey: `appeal_filed:${appeal.id}`,
  });
}

export async function notifyAppealDecided(
  db: Db,
  ctx: AssessmentContext,
  appeal: Pick<Appeal, "id" | "item_id" | "layer" | "filed_by">,
  decision: "diterima" | "ditolak",
  response: string,
  actorId: string,
) {
  const filer = appeal.filed_by ? await usersByIds(db, [appeal.filed_by]) : [];
  const recipients = without([...filer, ...(await membersCovering(db, ctx.unit, ["coordinator"]))], actorId);
  return deliver(db, recipients, {
    kind: "appeal_decided",
    assessmentId: ctx.assessment.id,
    itemId: appeal.item_id,
    params: {
      unit: ctx.unit.name,
      period: ctx.period.name,
      item: appeal.item_id,
      layer: appeal.layer,
      by: await nameOf(db, actorId),
      note: response,
      status: decision,
    },
    link: `/assessments/${ctx.assessment.id}/appeals#appeal-${appeal.id}`,
    dedupeKey: `appeal_decided:${appeal.id}`,
  });
}
