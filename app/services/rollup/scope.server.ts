import type { Db } from "#db/client.server";
import type { OrganisationKind } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { MULTI_ORG_ROLES, ownOrganisations, PROVINCE_ROLES } from "./rules";

export { mayReadRollup } from "./rules";

/**
 * Who sees which organisations in the roll-ups (issue #30, spec rb-2024 §6):
 * - a system admin: every organisation (`all`);
 * - an evaluator or reviewer whose memberships span several organisations: those organisations;
 * - an organisation-wide org_admin, reviewer or evaluator of a province: the province and its regencies
 *   (organisation.parent_id);
 * - anyone else with an organisation-wide membership, or an evaluator or reviewer of one organisation:
 *   only their own organisation's position against the peer group's average (`own`), never another
 *   organisation's name or id;
 * - everybody else: nothing (`none`).
 * Scopes add up: a province's evaluator who also evaluates a ministry sees the province, its regencies and
 * the ministry. Archived organisations are never in scope.
 */
export interface RollupScope {
  mode: "all" | "orgs" | "own" | "none";
  /** Organisations whose names and results the viewer may read; null = every organisation (admin). */
  organisationIds: string[] | null;
  /** The viewer's own organisations (for `own`: the only ones they may open). */
  ownIds: string[];
}

/** The pure part of the rule, given the kinds of the viewer's organisations and the regencies under their provinces. */
export function decideRollupScope(
  actor: Actor,
  kindOf: ReadonlyMap<string, OrganisationKind>,
  regenciesOf: ReadonlyMap<string, readonly string[]>,
): RollupScope {
  if (actor.isAdmin) return { mode: "all", organisationIds: null, ownIds: [] };
  const active = actor.memberships.filter((m) => kindOf.has(m.organisationId));
  const own = ownOrganisations({ ...actor, memberships: active });
  const wide = new Set<string>();
  const multi = [...new Set(active.filter((m) => MULTI_ORG_ROLES.has(m.role)).map((m) => m.organisationId))];
  if (multi.length > 1) for (const id of multi) wide.add(id);
  for (const m of active) {
    if (m.unitPath !== null || !PROVINCE_ROLES.has(m.role) || kindOf.get(m.organisationId) !== "pemda_provinsi") continue;
    wide.add(m.organisationId);
    for (const r of regenciesOf.get(m.organisationId) ?? []) wide.add(r);
  }
  if (wide.size > 0) return { mode: "orgs", organisationIds: [...new Set([...wide, ...own])].sort(), ownIds: own };
  if (own.length > 0) return { mode: "own", organisationIds: own, ownIds: own };
  return { mode: "none", organisationIds: [], ownIds: [] };
}

/** The viewer's roll-up scope: two small reads (the kinds of their organisations, the regencies of their provinces). */
export async function rollupScope(db: Db, actor: Actor): Promise<RollupScope> {
  if (actor.isAdmin) return decideRollupScope(actor, new Map(), new Map());
  const ids = [...new Set(actor.memberships.map((m) => m.organisationId))];
  if (ids.length === 0) return { mode: "none", organisationIds: [], ownIds: [] };
  const orgs = await db.selectFrom("organisation").select(["id", "kind"]).where("id", "in", ids).where("archived_at", "is", null).execute();
  const kindOf = new Map(orgs.map((o) => [o.id, o.kind]));
  const provinces = orgs.filter((o) => o.kind === "pemda_provinsi").map((o) => o.id);
  const regenciesOf = new Map<string, string[]>();
  if (provinces.length > 0) {
    const rows = await db
      .selectFrom("organisation")
      .select(["id", "parent_id"])
      .where("parent_id", "in", provinces)
      .where("archived_at", "is", null)
      .execute();
    for (const r of rows) regenciesOf.set(r.parent_id!, [...(regenciesOf.get(r.parent_id!) ?? []), r.id]);
  }
  return decideRollupScope(actor, kindOf, regenciesOf);
}

/** May the viewer read this organisation's roll-up page, and how: with names of others (`full`) or only its own position (`own`)? */
export function accessTo(scope: RollupScope, organisationId: string): "full" | "own" | null {
  if (scope.mode === "all") return "full";
  if (scope.mode === "orgs" && scope.organisationIds!.includes(organisationId)) return "full";
  if (scope.ownIds.includes(organisationId)) return "own";
  return null;
}
