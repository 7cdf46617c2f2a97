import { redirect } from "@remix-run/node";
import type { Db } from "#db/client.server";
import type { User } from "#db/schema";
import { getDb } from "~/db.server";
import { can, membershipsOf, type Action, type Actor, type Resource } from "./permissions";
import { getSession } from "./session.server";

export interface AuthUser extends Actor {
  email: string;
  name: string;
  locale: string | null;
  sessionId: string;
}

export async function loadActor(db: Db, user: User): Promise<Actor> {
  const rows = await db
    .selectFrom("membership")
    .leftJoin("unit", "unit.id", "membership.unit_id")
    .innerJoin("organisation", "organisation.id", "membership.organisation_id")
    .select(["membership.organisation_id", "membership.unit_id", "membership.role", "unit.path"])
    .where("membership.user_id", "=", user.id)
    .where("organisation.archived_at", "is", null)
    .execute();
  return actorOf(user, membershipsOf(rows));
}

const actorOf = (user: User, memberships: Actor["memberships"]): Actor => ({ id: user.id, isAdmin: user.is_admin === 1, memberships });

/** The signed-in user or null; never throws. */
export async function getOptionalUser(request: Request, db: Db = getDb()): Promise<AuthUser | null> {
  const found = await getSession(db, request);
  if (!found) return null;
  const { user, memberships, sessionId } = found;
  return { ...actorOf(user, memberships), email: user.email, name: user.name, locale: user.locale, sessionId };
}

/** The signed-in user; otherwise a redirect to the log-in page that returns here afterwards. */
export async function requireUser(request: Request, db: Db = getDb()): Promise<AuthUser> {
  const user = await getOptionalUser(request, db);
  if (user) return user;
  const url = new URL(request.url);
  const back = url.pathname.replace(/\.data$/, "") + url.search;
  throw redirect(`/login?redirectTo=${encodeURIComponent(back)}`);
}

export function forbidden(): Response {
  return new Response("error.forbidden", { status: 403, statusText: "Forbidden" });
}

export function notFound(): Response {
  return new Response("error.notFound", { status: 404, statusText: "Not Found" });
}

/** Throws 403 unless `can` allows it. */
export function requirePermission(user: Actor, action: Action, resource: Resource): void {
  if (!can(user, action, resource)) throw forbidden();
}
