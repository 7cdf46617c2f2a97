import type { Db } from "#db/client.server";
import type { RenaksiMode } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { forbidden } from "~/auth/require.server";
import { writeAudit } from "~/services/admin/audit.server";
import { requirePlan } from "./access.server";
import { pick } from "./plans.server";
import { rescorePlan } from "./rescore.server";

/* A plan's schedule and computation mode (issue #29, spec rb-2024 §2.3, §2.6): set by the organisation's admin. */

export interface ScheduleInput {
  mode: RenaksiMode;
  planOpen: string | null;
  planClose: string | null;
  monevOpen: string | null;
  monevClose: string | null;
  gradingClose: string | null;
  dueTw: [string | null, string | null, string | null, string | null];
}

/** Windows and due dates (spec §2.3 "Windows"; per-quarter due dates are Cermin's addition, G9): the organisation admin or a system admin. */
export async function saveSchedule(db: Db, actor: Actor, planId: string, input: ScheduleInput): Promise<void> {
  const ctx = await requirePlan(db, actor, planId, "read");
  const isOrgAdmin = actor.isAdmin || actor.memberships.some((m) => m.organisationId === ctx.plan.organisation_id && m.unitPath === null && m.role === "org_admin");
  if (!isOrgAdmin) throw forbidden();
  const cols = {
    mode: input.mode,
    plan_open: input.planOpen,
    plan_close: input.planClose,
    monev_open: input.monevOpen,
    monev_close: input.monevClose,
    grading_close: input.gradingClose,
    due_tw1: input.dueTw[0],
    due_tw2: input.dueTw[1],
    due_tw3: input.dueTw[2],
    due_tw4: input.dueTw[3],
  };
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("renaksi_plan").set({ ...cols, version: ctx.plan.version + 1, updated_at: new Date().toISOString() }).where("id", "=", planId).execute();
    await writeAudit(trx, { actorUserId: actor.id, organisationId: ctx.plan.organisation_id, action: "renaksi.schedule", entityType: "renaksi_plan", entityId: planId, before: pick(ctx.plan, cols), after: cols });
    // The mode changes A102: re-score.
    await rescorePlan(trx, actor, planId);
  });
}

export const mayAdminister = (actor: Actor, organisationId: string) =>
  actor.isAdmin || actor.memberships.some((m) => m.organisationId === organisationId && m.unitPath === null && m.role === "org_admin");
