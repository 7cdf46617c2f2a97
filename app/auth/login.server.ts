import type { Db } from "#db/client.server";
import type { User } from "#db/schema";
import { verifyPassword } from "~/auth/password.server";
import { throttledCheck, type Sleep } from "~/auth/throttle.server";
import { writeAudit } from "~/services/admin/audit.server";

/**
 * `invalid` covers an unknown email, an account without a password yet (pending its set-password link)
 * and a wrong password alike: the log-in page must not tell which accounts exist or are pending.
 */
export type LoginResult =
  | { ok: true; user: User }
  | { ok: false; reason: "invalid" | "disabled" }
  | { ok: false; reason: "throttled"; seconds: number };

/** Checks the throttle first (a locked client is refused without looking at the password), then the password. */
export async function attemptLogin(
  db: Db,
  email: string,
  password: string,
  ip: string | null,
  now = new Date(),
  opts: { sleep?: Sleep } = {},
): Promise<LoginResult> {
  const normalised = email.trim().toLowerCase();
  const seen: { user?: User } = {};
  const checked = await throttledCheck<User>(
    db,
    normalised,
    ip,
    async () => {
      const row = await db.selectFrom("user").selectAll().where("email", "=", normalised).executeTakeFirst();
      seen.user = row;
      const valid = await verifyPassword(row?.password_hash ?? null, password);
      return row && valid ? { ok: true as const, value: row } : { ok: false as const };
    },
    { now, sleep: opts.sleep },
  );
  if (!checked.ok) {
    if (checked.reason === "throttled") return { ok: false, reason: "throttled", seconds: checked.seconds };
    if (seen.user) {
      await writeAudit(db, { actorUserId: null, organisationId: null, action: "login.failed", entityType: "user", entityId: seen.user.id, ip }, now);
    }
    return { ok: false, reason: "invalid" };
  }
  const user = checked.value;
  if (user.disabled_at) return { ok: false, reason: "disabled" };
  await writeAudit(db, { actorUserId: user.id, organisationId: null, action: "login", entityType: "user", entityId: user.id, ip }, now);
  return { ok: true, user };
}
