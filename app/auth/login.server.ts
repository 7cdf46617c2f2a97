import type { Db } from "#db/client.server";
import type { User } from "#db/schema";
import { verifyPassword } from "~/auth/password.server";
import { clearFailures, lockedForSeconds, recordFailure, throttleKeys } from "~/auth/throttle.server";
import { writeAudit } from "~/services/admin/audit.server";

export type LoginResult =
  | { ok: true; user: User }
  | { ok: false; reason: "invalid" | "disabled" | "no_password" }
  | { ok: false; reason: "throttled"; seconds: number };

/** Checks the throttle first (a locked account is refused without looking at the password), then the password. */
export async function attemptLogin(db: Db, email: string, password: string, ip: string | null, now = new Date()): Promise<LoginResult> {
  const normalised = email.trim().toLowerCase();
  const keys = throttleKeys(normalised, ip);
  const wait = await lockedForSeconds(db, keys.map((k) => k.key), now);
  if (wait > 0) return { ok: false, reason: "throttled", seconds: wait };

  const user = await db.selectFrom("user").selectAll().where("email", "=", normalised).executeTakeFirst();
  const valid = await verifyPassword(user?.password_hash ?? null, password);
  if (!user || !valid) {
    await recordFailure(db, keys, now);
    if (user) {
      await writeAudit(db, { actorUserId: null, organisationId: null, action: "login.failed", entityType: "user", entityId: user.id, ip }, now);
    }
    if (user && !user.password_hash && !user.disabled_at) return { ok: false, reason: "no_password" };
    return { ok: false, reason: "invalid" };
  }
  if (user.disabled_at) return { ok: false, reason: "disabled" };
  await clearFailures(db, keys[0]!.key);
  await writeAudit(db, { actorUserId: user.id, organisationId: null, action: "login", entityType: "user", entityId: user.id, ip }, now);
  return { ok: true, user };
}
