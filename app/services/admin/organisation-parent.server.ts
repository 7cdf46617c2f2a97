import type { Db } from "#db/client.server";
import type { OrganisationKind } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { notFound, requirePermission } from "~/auth/require.server";
import { writeAudit } from "./audit.server";

/*
 * The parent link between organisations (issue #30, spec rb-2024 §6): a regency (pemda_kabkota) under its
 * province (pemda_provinsi), so that the province's organisation-wide officials see their regencies in the
 * roll-ups. Set by a system admin only; audited.
 */

/** Which kind may be the parent of which: only a province over a regency. */
export const PARENT_KIND: Partial<Record<OrganisationKind, OrganisationKind>> = { pemda_kabkota: "pemda_provinsi" };

export class ParentRuleError extends Error {
  constructor(
    public readonly key:
      | "orgParent.noParentKind"
      | "orgParent.wrongKind"
      | "orgParent.self"
      | "orgParent.cycle"
      | "orgParent.archived"
      | "orgParent.unchanged",
  ) {
    super(key);
  }
}

/** The organisations that may become `orgId`'s parent (active, of the right kind), by name. */
export async function parentOptions(db: Db, orgId: string, kind: OrganisationKind): Promise<{ id: string; name: string }[]> {
  const parentKind = PARENT_KIND[kind];
  if (!parentKind) return [];
  return db
    .selectFrom("organisation")
    .select(["id", "name"])
    .where("kind", "=", parentKind)
    .where("archived_at", "is", null)
    .where("id", "!=", orgId)
    .orderBy("name")
    .execute();
}

/**
 * Sets (or clears, `parentId` null) the organisation's parent. Refused: a kind that has no parent kind, a
 * parent of the wrong kind, itself, a cycle (the parent, or one of its ancestors, is the organisation), an
 * archived organisation or parent, and no change.
 */
export async function setOrganisationParent(db: Db, actor: Actor, orgId: string, parentId: string | null): Promise<void> {
  requirePermission(actor, "organisation.archive", { type: "system" });
  await db.transaction().execute(async (trx) => {
    const org = await trx
      .selectFrom("organisation")
      .select(["id", "kind", "parent_id", "archived_at"])
      .where("id", "=", orgId)
      .executeTakeFirst();
    if (!org) throw notFound();
    if (org.archived_at) throw new ParentRuleError("orgParent.archived");
    if ((org.parent_id ?? null) === parentId) throw new ParentRuleError("orgParent.unchanged");
    if (parentId !== null) {
      if (parentId === orgId) throw new ParentRuleError("orgParent.self");
      const expected = PARENT_KIND[org.kind];
      if (!expected) throw new ParentRuleError("orgParent.noParentKind");
      const parent = await trx
        .selectFrom("organisation")
        .select(["id", "kind", "archived_at"])
        .where("id", "=", parentId)
        .executeTakeFirst();
      if (!parent) throw notFound();
      if (parent.archived_at) throw new ParentRuleError("orgParent.archived");
      if (parent.kind !== expected) throw new ParentRuleError("orgParent.wrongKind");
      // A cycle cannot arise between a province and a regency, but the walk keeps it impossible whatever kinds allow later.
      const seen = new Set<string>([orgId]);
      let up: string | null = parentId;
      while (up !== null) {
        if (seen.has(up)) throw new ParentRuleError("orgParent.cycle");
        seen.add(up);
        const row: { parent_id: string | null } | undefined = await trx
          .selectFrom("organisation")
          .select("parent_id")
          .where("id", "=", up)
          .executeTakeFirst();
        up = row?.parent_id ?? null;
      }
    }
    await trx.updateTable("organisation").set({ parent_id: parentId }).where("id", "=", orgId).execute();
    await writeAudit(trx, {
      actorUserId: actor.id,
      organisationId: orgId,
      action: "organisation.parent",
      entityType: "organisation",
      entityId: orgId,
      before: { parent_id: org.parent_id },
      after: { parent_id: parentId },
    });
  });
}
