import type { Db } from "#db/client.server";
import type { Organisation, OrganisationKind } from "#db/schema";
import { can, type Actor } from "~/auth/permissions";
import { forbidden, notFound, requirePermission } from "~/auth/require.server";
import { newId } from "~/utils/ids";
import { writeAudit } from "./audit.server";

const orgScope = (organisationId: string) => ({ type: "scope" as const, scope: { organisationId, unitPath: null } });

export class OrganisationRuleError extends Error {
  constructor(public readonly key: "orgs.archivedReadOnly" | "orgs.alreadyArchived" | "orgs.notArchived") {
    super(key);
  }
}

/** The one guard for creating things (periods, assessments, units, users, memberships) inside an organisation. */
export async function assertOrganisationActive(db: Db, organisationId: string): Promise<void> {
  const org = await db.selectFrom("organisation").select("archived_at").where("id", "=", organisationId).executeTakeFirst();
  if (!org) throw notFound();
  if (org.archived_at) throw new OrganisationRuleError("orgs.archivedReadOnly");
}

/**
 * Organisations the actor may read: all for the system admin, else those where they hold a role
 * (loadActor already drops memberships of archived organisations). Archived ones only on request,
 * then after the active ones.
 */
export async function listOrganisations(
  db: Db,
  actor: Actor,
  opts: { includeArchived?: boolean } = {},
): Promise<(Organisation & { unitCount: number })[]> {
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
  if (!opts.includeArchived) q = q.where("organisation.archived_at", "is", null);
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, unitCount: Number(r.unitCount) })).sort((a, b) => Number(a.archived_at !== null) - Number(b.archived_at !== null));
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
  const org: Organisation = { id: newId(), name: input.name, kind: input.kind, code: input.code, archived_at: null, created_at: new Date().toISOString(), parent_id: null };
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

/** Counts archived organisations, for the "show archived" toggle (system admins only see them). */
export async function countArchivedOrganisations(db: Db): Promise<number> {
  const row = await db.selectFrom("organisation").select((eb) => eb.fn.countAll<number>().as("n")).where("archived_at", "is not", null).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** People holding any role in the organisation: those who lose access when it is archived. */
export async function countMembers(db: Db, organisationId: string): Promise<number> {
  const row = await db.selectFrom("membership").select((eb) => eb.fn.count<number>("user_id").distinct().as("n")).where("organisation_id", "=", organisationId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** When and why the organisation was archived (from the audit log), or null while it is active. */
export async function archiveInfo(db: Db, org: Organisation): Promise<{ at: string; reason: string | null } | null> {
  if (!org.archived_at) return null;
  const row = await db
    .selectFrom("audit_log")
    .select("reason")
    .where("entity_type", "=", "organisation")
    .where("entity_id", "=", org.id)
    .where("action", "=", "organisation.archive")
    .orderBy("at", "desc")
    .executeTakeFirst();
  return { at: org.archived_at, reason: row?.reason ?? null };
}

/**
 * System admins only. Archiving keeps every row (periods, assessments, evidence, memberships);
 * members simply lose access while it lasts (loadActor ignores their memberships), and nothing new
 * can be created inside it. The reason is mandatory and goes to the audit log.
 */
export async function setOrganisationArchived(db: Db, actor: Actor, id: string, archived: boolean, reason: string): Promise<void> {
  requirePermission(actor, "organisation.archive", { type: "system" });
  const org = await db.selectFrom("organisation").selectAll().where("id", "=", id).executeTakeFirst();
  if (!org) throw notFound();
  if (archived && org.archived_at) throw new OrganisationRuleError("orgs.alreadyArchived");
  if (!archived && !org.archived_at) throw new OrganisationRuleError("orgs.notArchived");
  const archivedAt = archived ? new Date().toISOString() : null;
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("organisation").set({ archived_at: archivedAt }).where("id", "=", id).execute();
    await writeAudit(trx, {
      actorUserId: actor.id,
      organisationId: id,
      action: archived ? "organisation.archive" : "organisation.restore",
      entityType: "organisation",
      entityId: id,
      before: { archived_at: org.archived_at },
      after: { archived_at: archivedAt },
      reason,
    });
  });
}
