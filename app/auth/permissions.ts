import type { MembershipRole } from "#db/schema";

/** The signed-in user as permission checks see it. Pure data: no db, runs anywhere. */
export interface Actor {
  id: string;
  isAdmin: boolean;
  memberships: ActorMembership[];
}

export interface ActorMembership {
  organisationId: string;
  /** Null: the whole organisation. */
  unitId: string | null;
  /** Materialised path of the unit ("/a/b/"), null for the whole organisation. */
  unitPath: string | null;
  role: MembershipRole;
}

/** Membership rows as the database returns them → the actor's memberships (one rule for every reader). */
export function membershipsOf(
  rows: readonly { organisation_id: string; unit_id: string | null; role: MembershipRole; path: string | null }[],
): ActorMembership[] {
  return rows.map((r) => ({ organisationId: r.organisation_id, unitId: r.unit_id, unitPath: r.unit_id ? r.path : null, role: r.role }));
}

/** Where a thing lives: an organisation, optionally a unit subtree position. */
export interface Scope {
  organisationId: string;
  /** Path of the unit the thing belongs to; null = organisation-level thing. */
  unitPath: string | null;
}

export type Action =
  | "system.manage"
  | "organisation.create"
  | "organisation.read"
  | "organisation.update"
  /** System admins only: no role grants it. */
  | "organisation.archive"
  | "unit.read"
  | "unit.manage"
  | "user.read"
  | "user.manage"
  | "membership.manage"
  | "period.read"
  | "period.manage"
  | "audit.read"
  | "assessment.read"
  | "assessment.create"
  | "assessment.fill"
  | "assessment.review"
  | "assessment.assign"
  | "assessment.comment"
  | "assessment.reopen"
  | "window.override"
  | "evaluation.read"
  | "evaluation.internal"
  | "evaluation.external"
  | "evaluation.unrelease"
  | "prerequisite.manage"
  | "followup.write";

export type Resource =
  | { type: "system" }
  | { type: "scope"; scope: Scope }
  /** A user is in scope when every one of their memberships is (read: when any is). */
  | { type: "user"; isAdmin: boolean; scopes: Scope[] };

const ROLE_ACTIONS: Record<MembershipRole, ReadonlySet<Action>> = {
  org_admin: new Set<Action>([
    "organisation.read",
    "organisation.update",
    "unit.read",
    "unit.manage",
    "user.read",
    "user.manage",
    "membership.manage",
    "period.read",
    "period.manage",
    "audit.read",
    "assessment.read",
    "assessment.create",
    "assessment.review",
    "assessment.assign",
    "assessment.comment",
    "assessment.reopen",
    "window.override",
    "evaluation.read",
    "evaluation.unrelease",
    "prerequisite.manage",
    "followup.write",
  ]),
  coordinator: new Set<Action>([
    "organisation.read",
    "unit.read",
    "period.read",
    "assessment.read",
    "assessment.create",
    "assessment.fill",
    "assessment.review",
    "assessment.assign",
    "assessment.comment",
    "evaluation.internal",
    "followup.write",
  ]),
  assessor: new Set<Action>(["organisation.read", "unit.read", "period.read", "assessment.read", "assessment.fill", "assessment.comment", "followup.write"]),
  reviewer: new Set<Action>(["organisation.read", "unit.read", "period.read", "audit.read", "user.read", "assessment.read", "evaluation.read"]),
  evaluator: new Set<Action>([
    "organisation.read",
    "unit.read",
    "period.read",
    "assessment.read",
    "assessment.comment",
    "evaluation.read",
    "evaluation.internal",
    "evaluation.external",
    "prerequisite.manage",
  ]),
};

/** Actions on organisation-level things that need an organisation-wide membership. */
const ORG_WIDE_ACTIONS: ReadonlySet<Action> = new Set<Action>(["organisation.update", "period.manage"]);

/** Reading an organisation-level thing (name, periods) is allowed to anyone with a role inside it. */
function covers(m: ActorMembership, scope: Scope, action: Action): boolean {
  if (m.organisationId !== scope.organisationId) return false;
  if (m.unitPath === null) return true;
  if (scope.unitPath === null) return !ORG_WIDE_ACTIONS.has(action) && !action.endsWith(".manage");
  return scope.unitPath.startsWith(m.unitPath);
}

function allowedIn(actor: Actor, action: Action, scope: Scope): boolean {
  return actor.memberships.some((m) => ROLE_ACTIONS[m.role].has(action) && covers(m, scope, action));
}

/** The one permission rule: may `actor` do `action` on `resource`? Every loader and action asks it. */
export function can(actor: Actor, action: Action, resource: Resource): boolean {
  if (actor.isAdmin) return true;
  switch (resource.type) {
    case "system":
      return false;
    case "scope":
      return allowedIn(actor, action, resource.scope);
    case "user":
      if (resource.isAdmin) return false;
      if (resource.scopes.length === 0) return false;
      return action === "user.read"
        ? resource.scopes.some((s) => allowedIn(actor, action, s))
        : resource.scopes.every((s) => allowedIn(actor, action, s));
  }
}

/** Organisations where the actor holds any role. */
export function organisationIdsOf(actor: Actor): string[] {
  return [...new Set(actor.memberships.map((m) => m.organisationId))];
}

/** Roles the actor holds (admin included), for menus and labels. */
export function rolesOf(actor: Actor): string[] {
  const roles = new Set<string>(actor.memberships.map((m) => m.role));
  if (actor.isAdmin) roles.add("admin");
  return [...roles];
}

/** Memberships that grant `action`, so list queries can filter to exactly that scope. */
export function scopesFor(actor: Actor, action: Action): ActorMembership[] {
  return actor.memberships.filter((m) => ROLE_ACTIONS[m.role].has(action));
}
