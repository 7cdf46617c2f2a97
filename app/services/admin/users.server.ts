import crypto from "node:crypto";
import type { Db } from "#db/client.server";
import type { MembershipRole, User } from "#db/schema";
import { hashPassword, verifyPassword } from "~/auth/password.server";
import { can, type Actor, type Resource, type Scope } from "~/auth/permissions";
import { forbidden, notFound } from "~/auth/require.server";
import { destroyAllSessions, hashToken } from "~/auth/session.server";
import { newId } from "~/utils/ids";
import { writeAudit } from "./audit.server";
import { assertOrganisationActive } from "./organisations.server";

import { PASSWORD_LINK_HOURS } from "~/utils/constants";
export { PASSWORD_LINK_HOURS };

export class UserRuleError extends Error {
  constructor(
    public readonly key:
      | "users.emailTaken"
      | "users.membershipExists"
      | "users.membershipOutOfScope"
      | "users.cannotDisableSelf"
      | "users.lastMembership"
      | "account.wrongPassword",
  ) {
    super(key);
  }
}

export interface MembershipView {
  id: string;
  organisationId: string;
  organisationName: string;
  unitId: string | null;
  unitName: string | null;
  unitPath: string | null;
  role: MembershipRole;
}

export interface UserView {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  disabled: boolean;
  hasPassword: boolean;
  createdAt: string;
  memberships: MembershipView[];
}

type MembershipRow = MembershipView & { userId: string };

async function membershipsOf(db: Db, userIds: string[]): Promise<MembershipRow[]> {
  if (userIds.length === 0) return [];
  const rows = await db
    .selectFrom("membership")
    .innerJoin("organisation", "organisation.id", "membership.organisation_id")
    .leftJoin("unit", "unit.id", "membership.unit_id")
    .select([
      "membership.id",
      "membership.user_id",
      "membership.organisation_id",
      "organisation.name as organisation_name",
      "membership.unit_id",
      "unit.name as unit_name",
      "unit.path as unit_path",
      "membership.role",
    ])
    .where("membership.user_id", "in", userIds)
    .orderBy("organisation.name")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    organisationId: r.organisation_id,
    organisationName: r.organisation_name,
    unitId: r.unit_id,
    unitName: r.unit_name,
    unitPath: r.unit_id ? r.unit_path : null,
    role: r.role,
  }));
}

/** The signed-in user's own memberships (the home page), by organisation name. */
export async function ownMemberships(db: Db, actor: Actor): Promise<MembershipView[]> {
  return (await membershipsOf(db, [actor.id])).map(({ userId: _userId, ...m }) => m);
}

function toView(u: User, rows: MembershipRow[]): UserView {
  const memberships = rows.map(({ userId: _userId, ...m }) => m);
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    isAdmin: u.is_admin === 1,
    disabled: u.disabled_at !== null,
    hasPassword: u.password_hash !== null,
    createdAt: u.created_at,
    memberships,
  };
}

export function userResource(view: Pick<UserView, "isAdmin" | "memberships">): Resource {
  return {
    type: "user",
    isAdmin: view.isAdmin,
    scopes: view.memberships.map((m): Scope => ({ organisationId: m.organisationId, unitPath: m.unitPath })),
  };
}

/** Users the actor may read, with their memberships. */
export async function listUsers(db: Db, actor: Actor): Promise<UserView[]> {
  let q = db.selectFrom("user").selectAll().orderBy("name");
  if (!actor.isAdmin) {
    const orgIds = [...new Set(actor.memberships.map((m) => m.organisationId))];
    if (orgIds.length === 0) return [];
    q = q.where("id", "in", db.selectFrom("membership").select("user_id").where("organisation_id", "in", orgIds));
  }
  const users = await q.execute();
  const memberships = await membershipsOf(db, users.map((u) => u.id));
  return users
    .map((u) => toView(u, memberships.filter((m) => m.userId === u.id)))
    .filter((v) => can(actor, "user.read", userResource(v)));
}

export async function getUserView(db: Db, actor: Actor, id: string): Promise<UserView> {
  const user = await db.selectFrom("user").selectAll().where("id", "=", id).executeTakeFirst();
  if (!user) throw notFound();
  const view = toView(user, await membershipsOf(db, [id]));
  if (!can(actor, "user.read", userResource(view)) && actor.id !== id) throw forbidden();
  return view;
}

async function scopeOfTarget(db: Db, organisationId: string, unitId: string | null): Promise<Scope> {
  const org = await db.selectFrom("organisation").select("id").where("id", "=", organisationId).executeTakeFirst();
  if (!org) throw notFound();
  if (!unitId) return { organisationId, unitPath: null };
  const unit = await db.selectFrom("unit").select(["path", "organisation_id"]).where("id", "=", unitId).executeTakeFirst();
  if (!unit || unit.organisation_id !== organisationId) throw notFound();
  return { organisationId, unitPath: unit.path };
}

async function newPasswordToken(db: Db, userId: string, createdBy: string | null, now = new Date()): Promise<string> {
  const token = crypto.randomBytes(32).toString("base64url");
  await db.updateTable("password_token").set({ used_at: now.toISOString() }).where("user_id", "=", userId).where("used_at", "is", null).execute();
  await db
    .insertInto("password_token")
    .values({
      id: hashToken(token),
      user_id: userId,
      purpose: "set_password",
      created_by: createdBy,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + PASSWORD_LINK_HOURS * 3600_000).toISOString(),
      used_at: null,
    })
    .execute();
  return token;
}

export interface CreateUserInput {
  email: string;
  name: string;
  organisationId: string;
  unitId: string | null;
  role: MembershipRole;
}

/** Creates a user without a password, their first membership and a one-time set-password token. */
export async function createUser(db: Db, actor: Actor, input: CreateUserInput): Promise<{ user: User; token: string }> {
  const scope = await scopeOfTarget(db, input.organisationId, input.unitId);
  if (!can(actor, "membership.manage", { type: "scope", scope })) throw new UserRuleError("users.membershipOutOfScope");
  await assertOrganisationActive(db, input.organisationId);
  const email = input.email.trim().toLowerCase();
  const taken = await db.selectFrom("user").select("id").where("email", "=", email).executeTakeFirst();
  if (taken) throw new UserRuleError("users.emailTaken");
  const now = new Date().toISOString();
  const user: User = {
    id: newId(),
    email,
    name: input.name,
    password_hash: null,
    is_admin: 0,
    locale: null,
    disabled_at: null,
    password_changed_at: null,
    created_at: now,
  };
  const token = await db.transaction().execute(async (trx) => {
    await trx.insertInto("user").values(user).execute();
    await trx
      .insertInto("membership")
      .values({ id: newId(), user_id: user.id, organisation_id: input.organisationId, unit_id: input.unitId, role: input.role, created_at: now })
      .execute();
    await writeAudit(trx, {
      actorUserId: actor.id,
      organisationId: input.organisationId,
      action: "user.create",
      entityType: "user",
      entityId: user.id,
      after: { email, name: input.name, role: input.role, unitId: input.unitId },
    });
    return newPasswordToken(trx, user.id, actor.id);
  });
  return { user, token };
}

async function requireManage(db: Db, actor: Actor, userId: string): Promise<UserView> {
  const view = await getUserView(db, actor, userId);
  if (!can(actor, "user.manage", userResource(view))) throw forbidden();
  return view;
}

export async function createPasswordLink(db: Db, actor: Actor, userId: string): Promise<string> {
  const view = await requireManage(db, actor, userId);
  return db.transaction().execute(async (trx) => {
    await writeAudit(trx, { actorUserId: actor.id, organisationId: view.memberships[0]?.organisationId ?? null, action: "user.password_link", entityType: "user", entityId: userId });
    return newPasswordToken(trx, userId, actor.id);
  });
}

export async function updateUserName(db: Db, actor: Actor, userId: string, name: string): Promise<void> {
  const view = await requireManage(db, actor, userId);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("user").set({ name }).where("id", "=", userId).execute();
    await writeAudit(trx, { actorUserId: actor.id, organisationId: view.memberships[0]?.organisationId ?? null, action: "user.update", entityType: "user", entityId: userId, before: { name: view.name }, after: { name } });
  });
}

export async function setUserDisabled(db: Db, actor: Actor, userId: string, disabled: boolean): Promise<void> {
  if (userId === actor.id) throw new UserRuleError("users.cannotDisableSelf");
  const view = await requireManage(db, actor, userId);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("user").set({ disabled_at: disabled ? new Date().toISOString() : null }).where("id", "=", userId).execute();
    if (disabled) await destroyAllSessions(trx, userId);
    await writeAudit(trx, { actorUserId: actor.id, organisationId: view.memberships[0]?.organisationId ?? null, action: disabled ? "user.disable" : "user.enable", entityType: "user", entityId: userId });
  });
}

export async function addMembership(
  db: Db,
  actor: Actor,
  userId: string,
  input: { organisationId: string; unitId: string | null; role: MembershipRole },
): Promise<void> {
  await getUserView(db, actor, userId);
  const scope = await scopeOfTarget(db, input.organisationId, input.unitId);
  if (!can(actor, "membership.manage", { type: "scope", scope })) throw new UserRuleError("users.membershipOutOfScope");
  await assertOrganisationActive(db, input.organisationId);
  let dup = db
    .selectFrom("membership")
    .select("id")
    .where("user_id", "=", userId)
    .where("organisation_id", "=", input.organisationId)
    .where("role", "=", input.role);
  dup = input.unitId ? dup.where("unit_id", "=", input.unitId) : dup.where("unit_id", "is", null);
  if (await dup.executeTakeFirst()) throw new UserRuleError("users.membershipExists");
  await db.transaction().execute(async (trx) => {
    const id = newId();
    await trx.insertInto("membership").values({ id, user_id: userId, organisation_id: input.organisationId, unit_id: input.unitId, role: input.role, created_at: new Date().toISOString() }).execute();
    await writeAudit(trx, { actorUserId: actor.id, organisationId: input.organisationId, action: "membership.add", entityType: "membership", entityId: id, after: { userId, ...input } });
  });
}

export async function removeMembership(db: Db, actor: Actor, userId: string, membershipId: string): Promise<void> {
  const view = await getUserView(db, actor, userId);
  const m = view.memberships.find((x) => x.id === membershipId);
  if (!m) throw notFound();
  if (!can(actor, "membership.manage", { type: "scope", scope: { organisationId: m.organisationId, unitPath: m.unitPath } })) throw forbidden();
  if (view.memberships.length === 1 && !view.isAdmin) throw new UserRuleError("users.lastMembership");
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("membership").where("id", "=", membershipId).execute();
    await writeAudit(trx, { actorUserId: actor.id, organisationId: m.organisationId, action: "membership.remove", entityType: "membership", entityId: membershipId, before: { userId, role: m.role, unitId: m.unitId } });
  });
}

/** The user behind a live set-password token, or null when unknown, used or expired. */
export async function getPasswordTokenUser(db: Db, token: string, now = new Date()): Promise<User | null> {
  const row = await db.selectFrom("password_token").selectAll().where("id", "=", hashToken(token)).executeTakeFirst();
  if (!row || row.used_at || new Date(row.expires_at).getTime() <= now.getTime()) return null;
  const user = await db.selectFrom("user").selectAll().where("id", "=", row.user_id).executeTakeFirst();
  return user && !user.disabled_at ? user : null;
}

export async function setPasswordWithToken(db: Db, token: string, password: string, now = new Date()): Promise<User | null> {
  const user = await getPasswordTokenUser(db, token, now);
  if (!user) return null;
  const hash = await hashPassword(password);
  // The link is consumed by a conditional update: of two requests using it at once exactly one wins.
  const won = await db.transaction().execute(async (trx) => {
    const used = await trx
      .updateTable("password_token")
      .set({ used_at: now.toISOString() })
      .where("id", "=", hashToken(token))
      .where("used_at", "is", null)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) return false;
    await trx.updateTable("user").set({ password_hash: hash, password_changed_at: now.toISOString() }).where("id", "=", user.id).execute();
    await destroyAllSessions(trx, user.id);
    await writeAudit(trx, { actorUserId: user.id, organisationId: null, action: "user.password_set", entityType: "user", entityId: user.id }, now);
    return true;
  });
  return won ? user : null;
}

/** Changes one's own password after checking the current one; other sessions end, this one stays. */
export async function changeOwnPassword(db: Db, userId: string, sessionId: string, current: string, next: string): Promise<void> {
  const user = await db.selectFrom("user").selectAll().where("id", "=", userId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(user.password_hash, current))) throw new UserRuleError("account.wrongPassword");
  const hash = await hashPassword(next);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("user").set({ password_hash: hash, password_changed_at: new Date().toISOString() }).where("id", "=", userId).execute();
    await destroyAllSessions(trx, userId, sessionId);
    await writeAudit(trx, { actorUserId: userId, organisationId: null, action: "user.password_change", entityType: "user", entityId: userId });
  });
}

export async function countSessions(db: Db, userId: string): Promise<number> {
  const row = await db.selectFrom("session").select((eb) => eb.fn.countAll<number>().as("n")).where("user_id", "=", userId).executeTakeFirst();
  return Number(row?.n ?? 0);
}
