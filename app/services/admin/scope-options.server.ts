import type { Db } from "#db/client.server";
import { can, type Actor } from "~/auth/permissions";
import { buildTree, flattenTree } from "./units.server";

export interface ScopeOption {
  value: string;
  label: string;
  depth: number;
}

/** Every organisation and unit where the actor may grant roles, as options for one scope <select>. */
export async function listGrantableScopes(db: Db, actor: Actor): Promise<ScopeOption[]> {
  let orgQuery = db.selectFrom("organisation").select(["id", "name"]).where("archived_at", "is", null).orderBy("name");
  if (!actor.isAdmin) {
    const ids = [...new Set(actor.memberships.map((m) => m.organisationId))];
    if (ids.length === 0) return [];
    orgQuery = orgQuery.where("id", "in", ids);
  }
  const orgs = await orgQuery.execute();
  const out: ScopeOption[] = [];
  for (const org of orgs) {
    const units = await db.selectFrom("unit").selectAll().where("organisation_id", "=", org.id).where("archived_at", "is", null).execute();
    if (can(actor, "membership.manage", { type: "scope", scope: { organisationId: org.id, unitPath: null } })) {
      out.push({ value: org.id, label: org.name, depth: 0 });
    }
    for (const u of flattenTree(buildTree(units))) {
      if (!can(actor, "membership.manage", { type: "scope", scope: { organisationId: org.id, unitPath: u.path } })) continue;
      out.push({ value: `${org.id}/${u.id}`, label: `${org.name} › ${u.name}`, depth: u.depth + 1 });
    }
  }
  return out;
}
