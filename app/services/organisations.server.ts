import type { Db } from "#db/client.server";
import type { Organisation, OrganisationKind } from "#db/schema";
import { can, type Actor } from "~/auth/permissions";
import { forbidden, notFound, requirePermission } from "~/auth/require.server";
import { newId } from "~/utils/ids";
import { writeAudit } from "./audit.server";

const orgScope = (organisationId: string) => ({ type: "scope" as const, scope: { organisationId, unitPath: null } });

/** Organisations the actor may read: all for the system admin, else those where they hold a role. */
export async function listOrganisations(db: Db, actor: Actor): Promise<(Organisation & { unitCount: number })[]> {
  let q = db
    .selectFrom("organisation")
    .leftJoin("unit", (j) => j.onRef("unit.organisation_id", "=", "organisation.id").on("unit.archived_at", "is", null))
    .selectAll("organisation")
    .select((eb) => eb.fn.count<number>("unit.id").as("unitCount"))
    .groupBy(["organisation.id", "organisation.name", "organisation.kind", "organisation.code", "organisation.archived_at", "organisation.created_at"])
    .orderBy("organisation.name");
  if (!actor.isAdmin) {
    const ids = [...new Set(actor.memberships.map((m) => m.organisationId))];
    if (ids.length === 0) return [];
    q = q.where("organisation.id", "in", ids);
  }
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, unitCount: Number(r.unitCount) }));
}

/** One organisation, 404 when missing and 403 when out of scope. */
export async function getOrganisation(db: Db, actor: Actor, id: string): Promise<Organisation> {
  const org = await db.selectFrom("organisation").selectAll().where("id", "=", id).executeTakeFirst();
  if (!org) throw notFound();
  if (!can(actor, "organisation.read", orgScope(id))) throw forbidden();
  return org;
}

export async function createOrganisation(
  db: Db,
  actor: Actor,
  input: { name: string; kind: OrganisationKind; code: string | null },
): Promise<Organisation> {
  requirePermission(actor, "organisation.create", { type: "system" });
  const org: Organisation = { id: newId(), name: input.name, kind: input.kind, code: input.code, archived_at: null, created_at: new Date().toISOString() };
  await db.transaction().execute(async (trx) => {
    await trx.insertInto("organisation").values(org).execute();
    await writeAudit(trx, { actorUserId: actor.id, organisationId: org.id, action: "organisation.create", entityType: "organisation", entityId: org.id, after: org });
  });
  return org;
}

export async function updateOrganisation(
  db: Db,
  actor: Actor,
  id: string,
  input: { name: string; kind: OrganisationKind; code: string | null },
): Promise<void> {
  const before = await getOrganisation(db, actor, id);
  requirePermission(actor, "organisation.update", orgScope(id));
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("organisation").set(input).where("id", "=", id).execute();
    await writeAudit(trx, { actorUserId: actor.id, organisationId: id, action: "organisation.update", entityType: "organisation", entityId: id, before, after: { ...before, ...input } });
  });
}
