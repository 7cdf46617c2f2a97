import crypto from "node:crypto";
import { createCookie, redirect, type Cookie } from "@remix-run/node";
import type { Db } from "#db/client.server";
import type { User } from "#db/schema";
import { prepared } from "#db/prepared";
import { membershipsOf, type ActorMembership } from "./permissions";
import { getSessionSecret } from "./secret.server";

export const SESSION_COOKIE = "cermin_session";
const minutes = (name: string, fallback: number) => Number(process.env[name] || fallback) * 60_000;
/** A session ends after this long without a request… */
export const IDLE_MS = minutes("SESSION_IDLE_MINUTES", 120);
/** …and in any case this long after log-in. */
export const ABSOLUTE_MS = minutes("SESSION_MAX_MINUTES", 12 * 60);
const TOUCH_EVERY_MS = 60_000;

let cookie: Cookie | undefined;
function sessionCookie(): Cookie {
  cookie ??= createCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secrets: [getSessionSecret()],
  });
  return cookie;
}

export function isHttps(request: Request): boolean {
  return new URL(request.url).protocol === "https:";
}

export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

export async function createSession(db: Db, userId: string, request: Request, ip: string | null, now = new Date()): Promise<string> {
  const token = crypto.randomBytes(32).toString("base64url");
  await db
    .insertInto("session")
    .values({
      id: hashToken(token),
      user_id: userId,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + ABSOLUTE_MS).toISOString(),
      ip,
      user_agent: request.headers.get("user-agent")?.slice(0, 300) ?? null,
    })
    .execute();
  return sessionCookie().serialize(token, { secure: isHttps(request), maxAge: Math.floor(ABSOLUTE_MS / 1000) });
}

export async function clearSessionCookie(request: Request): Promise<string> {
  return sessionCookie().serialize("", { secure: isHttps(request), maxAge: 0 });
}

async function readToken(request: Request): Promise<string | null> {
  const value: unknown = await sessionCookie().parse(request.headers.get("cookie"));
  return typeof value === "string" && value.length > 0 ? value : null;
}

export interface SessionLookup {
  user: User;
  sessionId: string;
  /** The user's memberships in organisations that are not archived (what `loadActor` reads). */
  memberships: ActorMembership[];
}

// Session, user and memberships in one round trip (a row per membership): this runs on every request.
const sessionWithMemberships = prepared((db: Db, sessionId: string) =>
  db
    .selectFrom("session")
    .innerJoin("user", "user.id", "session.user_id")
    .leftJoin("membership", "membership.user_id", "user.id")
    .leftJoin("organisation", (j) => j.onRef("organisation.id", "=", "membership.organisation_id").on("organisation.archived_at", "is", null))
    .leftJoin("unit", "unit.id", "membership.unit_id")
    .selectAll("user")
    .select([
      "session.expires_at",
      "session.last_seen_at",
      "organisation.id as m_organisation_id",
      "membership.unit_id as m_unit_id",
      "membership.role as m_role",
      "unit.path as m_unit_path",
    ])
    .where("session.id", "=", sessionId),
);

/** The live session of this request, or null. Expired sessions are deleted on sight. */
export async function getSession(db: Db, request: Request, now = new Date()): Promise<SessionLookup | null> {
  const token = await readToken(request);
  if (!token) return null;
  const id = hashToken(token);
  const { rows } = await sessionWithMemberships(db, id);
  const joined = rows[0];
  if (!joined) return null;
  const { expires_at, last_seen_at, m_organisation_id: _o, m_unit_id: _u, m_role: _r, m_unit_path: _p, ...user } = joined;
  const memberships = membershipsOf(
    rows.flatMap((r) =>
      r.m_organisation_id !== null && r.m_role !== null
        ? [{ organisation_id: r.m_organisation_id, unit_id: r.m_unit_id, role: r.m_role, path: r.m_unit_path }]
        : [],
    ),
  );
  const row = { expires_at, last_seen_at };
  const t = now.getTime();
  if (new Date(row.expires_at).getTime() <= t || new Date(row.last_seen_at).getTime() + IDLE_MS <= t) {
    await db.deleteFrom("session").where("id", "=", id).execute();
    return null;
  }
  if (user.disabled_at) return null;
  if (t - new Date(row.last_seen_at).getTime() > TOUCH_EVERY_MS) {
    await db.updateTable("session").set({ last_seen_at: now.toISOString() }).where("id", "=", id).execute();
  }
  return { user, sessionId: id, memberships };
}

export async function destroySession(db: Db, request: Request): Promise<void> {
  const token = await readToken(request);
  if (token) await db.deleteFrom("session").where("id", "=", hashToken(token)).execute();
}

export async function destroyAllSessions(db: Db, userId: string, exceptSessionId?: string): Promise<void> {
  let q = db.deleteFrom("session").where("user_id", "=", userId);
  if (exceptSessionId) q = q.where("id", "!=", exceptSessionId);
  await q.execute();
}

export async function logoutResponse(db: Db, request: Request, to = "/login"): Promise<Response> {
  await destroySession(db, request);
  return redirect(to, { headers: { "Set-Cookie": await clearSessionCookie(request) } });
}

/** Only same-site relative paths: an open redirect after log-in would be a phishing aid. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  return to;
}
