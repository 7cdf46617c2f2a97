import type { Db } from "#db/client.server";
import type { Organisation, RenaksiPlan } from "#db/schema";
import { can, type Actor } from "~/auth/permissions";
import { forbidden, notFound } from "~/auth/require.server";

/*
 * Who may do what with a Rencana Aksi (spec rb-2024 §2.3). The plan is an organisation-level thing:
 * reading it needs any role in the organisation; filling it (plan, monitoring, Tematik, Excel) the RB
 * team: a coordinator of the organisation (the plan gathers actions of every unit, so a coordinator of
 * any of its units, e.g. the Sekretariat that houses the Biro/Bagian Organisasi) or an organisation-wide
 * assessor, not an assessor scoped to one unit; grading the
 * LKE Renaksi and writing evaluator notes an evaluator of the organisation (the assigned TPN).
 * System admins may do all of it. Every loader and action calls requirePlan itself.
 */

export type PlanNeed = "read" | "fill" | "grade";

export class RenaksiError extends Error {
  constructor(
    public readonly key:
      | "renaksi.windowClosed"
      | "renaksi.exists"
      | "renaksi.unknownIndicator"
      | "renaksi.indicatorNotForKind"
      | "renaksi.unknownCriterion"
      | "renaksi.badGrade"
      | "renaksi.unknownTheme"
      | "renaksi.unknownFocus"
      | "renaksi.notFound"
      | "renaksi.noContent"
      | "renaksi.stale",
    public readonly params?: Record<string, string | number>,
  ) {
    super(key);
  }
  get problem() {
    return this.params ? { params: this.params } : undefined;
  }
}

const orgScope = (organisationId: string) => ({ type: "scope" as const, scope: { organisationId, unitPath: null } });

export function mayFill(actor: Actor, organisationId: string): boolean {
  return (
    actor.isAdmin ||
    actor.memberships.some((m) => m.organisationId === organisationId && (m.role === "coordinator" || (m.role === "assessor" && m.unitPath === null)))
  );
}

export function mayGrade(actor: Actor, organisationId: string): boolean {
  return actor.isAdmin || actor.memberships.some((m) => m.organisationId === organisationId && m.role === "evaluator");
}

export function mayRead(actor: Actor, organisationId: string): boolean {
  return can(actor, "organisation.read", orgScope(organisationId));
}

export interface PlanContext {
  plan: RenaksiPlan;
  organisation: Pick<Organisation, "id" | "name" | "kind">;
  canFill: boolean;
  canGrade: boolean;
}

/** The plan and its organisation: 404 when missing or unreadable, 403 when `need` is not allowed. */
export async function requirePlan(db: Db, actor: Actor, planId: string, need: PlanNeed = "read"): Promise<PlanContext> {
  const row = await db
    .selectFrom("renaksi_plan as p")
    .innerJoin("organisation as o", "o.id", "p.organisation_id")
    .selectAll("p")
    .select(["o.name as o_name", "o.kind as o_kind"])
    .where("p.id", "=", planId)
    .executeTakeFirst();
  if (!row || !mayRead(actor, row.organisation_id)) throw notFound();
  const { o_name, o_kind, ...plan } = row;
  const ctx: PlanContext = {
    plan,
    organisation: { id: plan.organisation_id, name: o_name, kind: o_kind },
    canFill: mayFill(actor, plan.organisation_id),
    canGrade: mayGrade(actor, plan.organisation_id),
  };
  if (need === "fill" && !ctx.canFill) throw forbidden();
  if (need === "grade" && !ctx.canGrade) throw forbidden();
  return ctx;
}

/** Whether today (YYYY-MM-DD, WIB) lies inside an inclusive window; a missing bound does not restrict. */
export function windowOpen(open: string | null, close: string | null, today: string): boolean {
  return (!open || today >= open) && (!close || today <= close);
}
