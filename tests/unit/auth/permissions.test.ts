import { expect, test } from "vitest";
import { can, type Actor, type ActorMembership } from "~/auth/permissions";

const ORG = "org-a";
const m = (role: ActorMembership["role"], unitPath: string | null = null, organisationId = ORG): ActorMembership => ({
  organisationId,
  unitId: unitPath ? unitPath.split("/").filter(Boolean).pop()! : null,
  unitPath,
  role,
});
const actor = (...memberships: ActorMembership[]): Actor => ({ id: "u", isAdmin: false, memberships });
const at = (unitPath: string | null, organisationId = ORG) => ({ type: "scope" as const, scope: { organisationId, unitPath } });

test("the system admin may do everything, including creating organisations", () => {
  const admin: Actor = { id: "a", isAdmin: true, memberships: [] };
  expect(can(admin, "organisation.create", { type: "system" })).toBe(true);
  expect(can(admin, "unit.manage", at("/x/", "any"))).toBe(true);
});

test("nobody else creates organisations", () => {
  expect(can(actor(m("org_admin")), "organisation.create", { type: "system" })).toBe(false);
});

test("a role on a unit covers its subtree and nothing beside or above it", () => {
  const coordinator = actor(m("org_admin", "/e1/"));
  expect(can(coordinator, "unit.manage", at("/e1/"))).toBe(true);
  expect(can(coordinator, "unit.manage", at("/e1/s1/"))).toBe(true);
  expect(can(coordinator, "unit.manage", at("/e2/"))).toBe(false);
  expect(can(coordinator, "unit.manage", at(null))).toBe(false);
  expect(can(coordinator, "period.manage", at(null))).toBe(false);
  expect(can(coordinator, "period.read", at(null))).toBe(true);
});

test("a path prefix must end at a segment boundary", () => {
  const a = actor(m("org_admin", "/e1/"));
  expect(can(a, "unit.manage", at("/e10/"))).toBe(false);
});

test("roles in one organisation give nothing in another", () => {
  const a = actor(m("org_admin"));
  expect(can(a, "unit.read", at(null, "org-b"))).toBe(false);
  expect(can(a, "organisation.read", at(null, "org-b"))).toBe(false);
});

test("read-only roles read but never manage", () => {
  for (const role of ["coordinator", "assessor", "reviewer", "evaluator"] as const) {
    const a = actor(m(role));
    expect(can(a, "unit.read", at("/e1/")), role).toBe(true);
    expect(can(a, "unit.manage", at("/e1/")), role).toBe(false);
    expect(can(a, "user.manage", { type: "user", isAdmin: false, scopes: [{ organisationId: ORG, unitPath: null }] }), role).toBe(false);
  }
  expect(can(actor(m("reviewer")), "audit.read", at(null))).toBe(true);
  expect(can(actor(m("assessor")), "audit.read", at(null))).toBe(false);
});

test("managing a user needs every one of their scopes; reading needs one", () => {
  const a = actor(m("org_admin"));
  const mixed = { type: "user" as const, isAdmin: false, scopes: [{ organisationId: ORG, unitPath: null }, { organisationId: "org-b", unitPath: null }] };
  expect(can(a, "user.read", mixed)).toBe(true);
  expect(can(a, "user.manage", mixed)).toBe(false);
  expect(can(a, "user.manage", { type: "user", isAdmin: true, scopes: [{ organisationId: ORG, unitPath: null }] })).toBe(false);
  expect(can(a, "user.manage", { type: "user", isAdmin: false, scopes: [] })).toBe(false);
});
