import type { Db } from "#db/client.server";
import type { Period, PeriodStatus } from "#db/schema";
import { requirePermission } from "~/auth/require.server";
import type { Actor } from "~/auth/permissions";
import { notFound } from "~/auth/require.server";
import { newId } from "~/utils/ids";
import { writeAudit } from "./audit.server";
import { assertOrganisationActive } from "./organisations.server";

export interface PeriodInput {
  year: number;
  fillStart: string | null;
  fillEnd: string | null;
  reviewEnd: string | null;
  evaluationEnd: string | null;
}

export class PeriodRuleError extends Error {
  constructor(public readonly key: "periods.duplicateYear" | "periods.windowOrder") {
    super(key);
  }
}

const scopeOf = (organisationId: string) => ({ type: "scope" as const, scope: { organisationId, unitPath: null } });

/** Stage windows must be in order wherever both ends are given. Pure. */
export function windowsInOrder(p: Omit<PeriodInput, "year">): boolean {
  const seq = [p.fillStart, p.fillEnd, p.reviewEnd, p.evaluationEnd].filter((d): d is string => d !== null);
  return seq.every((d, i) => i === 0 || seq[i - 1]! <= d);
}

export async function listPeriods(db: Db, actor: Actor, organisationId: string): Promise<Period[]> {
  requirePermission(actor, "period.read", scopeOf(organisationId));
  return db.selectFrom("period").selectAll().where("organisation_id", "=", organisationId).orderBy("year", "desc").execute();
}

export async function createPeriod(db: Db, actor: Actor, organisationId: string, input: PeriodInput): Promise<Period> {
  requirePermission(actor, "period.manage", scopeOf(organisationId));
  await assertOrganisationActive(db, organisationId);
  if (!windowsInOrder(input)) throw new PeriodRuleError("periods.windowOrder");
  const period: Period = {
    id: newId(),
    organisation_id: organisationId,
    year: input.year,
    name: `Periode ${input.year}`,
    status: "open",
    fill_start: input.fillStart,
    fill_end: input.fillEnd,
    review_end: input.reviewEnd,
    evaluation_end: input.evaluationEnd,
    created_at: new Date().toISOString(),
  };
  await db.transaction().execute(async (trx) => {
    // One period per organisation and year: the unique constraint decides, also between requests at once.
    const inserted = await trx
      .insertInto("period")
      .values(period)
      .onConflict((oc) => oc.columns(["organisation_id", "year"]).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) throw new PeriodRuleError("periods.duplicateYear");
    await writeAudit(trx, { actorUserId: actor.id, organisationId, action: "period.create", entityType: "period", entityId: period.id, after: period });
  });
  return period;
}

async function getPeriodForManage(db: Db, actor: Actor, organisationId: string, id: string): Promise<Period> {
  const period = await db.selectFrom("period").selectAll().where("id", "=", id).where("organisation_id", "=", organisationId).executeTakeFirst();
  if (!period) throw notFound();
  requirePermission(actor, "period.manage", scopeOf(organisationId));
  return period;
}

export async function updatePeriodWindows(db: Db, actor: Actor, organisationId: string, id: string, input: Omit<PeriodInput, "year">): Promise<void> {
  const before = await getPeriodForManage(db, actor, organisationId, id);
  if (!windowsInOrder(input)) throw new PeriodRuleError("periods.windowOrder");
  const set = { fill_start: input.fillStart, fill_end: input.fillEnd, review_end: input.reviewEnd, evaluation_end: input.evaluationEnd };
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("period").set(set).where("id", "=", id).execute();
    await writeAudit(trx, { actorUserId: actor.id, organisationId, action: "period.update", entityType: "period", entityId: id, before, after: { ...before, ...set } });
  });
}

export async function setPeriodStatus(db: Db, actor: Actor, organisationId: string, id: string, status: PeriodStatus): Promise<void> {
  const before = await getPeriodForManage(db, actor, organisationId, id);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("period").set({ status }).where("id", "=", id).execute();
    await writeAudit(trx, { actorUserId: actor.id, organisationId, action: `period.${status === "open" ? "reopen" : "close"}`, entityType: "period", entityId: id, before: { status: before.status }, after: { status } });
  });
}
