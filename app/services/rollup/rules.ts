import type { MembershipRole } from "#db/schema";
import type { Actor } from "~/auth/permissions";

/** Pure roll-up rules the menu needs too (no database): who may open the roll-up at all. */

/** Roles whose holders see several organisations when their memberships span them. */
export const MULTI_ORG_ROLES: ReadonlySet<MembershipRole> = new Set(["evaluator", "reviewer"]);
/** Organisation-wide roles of a province that cover its regencies. */
export const PROVINCE_ROLES: ReadonlySet<MembershipRole> = new Set(["org_admin", "reviewer", "evaluator"]);

/** Organisations whose own position the viewer may see: organisation-wide memberships, and evaluators/reviewers anywhere. */
export function ownOrganisations(actor: Actor): string[] {
  return [...new Set(actor.memberships.filter((m) => m.unitPath === null || MULTI_ORG_ROLES.has(m.role)).map((m) => m.organisationId))];
}

/** May the viewer open the roll-up at all (the menu entry and the routes' first check)? */
export function mayReadRollup(actor: Actor): boolean {
  return actor.isAdmin || ownOrganisations(actor).length > 0;
}

/** The predicates in the portal's order (spec §5), for the distribution. */
export const PREDICATE_ORDER = ["AA", "A", "A-", "BB", "B", "CC", "C", "D"] as const;
