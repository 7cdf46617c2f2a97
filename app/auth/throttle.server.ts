import { sql } from "kysely";
import type { Db } from "#db/client.server";

/** After this many consecutive failures an account is locked, doubling each further failure. */
export const ACCOUNT_FREE_FAILURES = 5;
/** An office shares one IP behind NAT, so the per-IP budget is larger. */
export const IP_FREE_FAILURES = 20;
const BASE_LOCK_MS = 30_000;
const MAX_LOCK_MS = 60 * 60_000;

export function lockDurationMs(failures: number, freeFailures: number): number {
  if (failures < freeFailures) return 0;
  return Math.min(MAX_LOCK_MS, BASE_LOCK_MS * 2 ** (failures - freeFailures));
}

export function throttleKeys(email: string, ip: string | null): { key: string; free: number }[] {
  const keys = [{ key: `account:${email.toLowerCase()}`, free: ACCOUNT_FREE_FAILURES }];
  if (ip) keys.push({ key: `ip:${ip}`, free: IP_FREE_FAILURES });
  return keys;
}

/** Seconds until the first of the keys unlocks, or 0 when none is locked. */
export async function lockedForSeconds(db: Db, keys: string[], now: Date): Promise<number> {
  if (keys.length === 0) return 0;
  const rows = await db.selectFrom("login_throttle").select(["locked_until"]).where("key", "in", keys).execute();
  let wait = 0;
  for (const r of rows) {
    if (!r.locked_until) continue;
    const ms = new Date(r.locked_until).getTime() - now.getTime();
    if (ms > wait) wait = ms;
  }
  return Math.ceil(wait / 1000);
}

/**
 * Counts one failure per key atomically: concurrent failed log-ins (other requests, other server
 * processes) each count, none is lost to a read-then-write race.
 */
export async function recordFailure(db: Db, keys: { key: string; free: number }[], now: Date): Promise<void> {
  const at = now.toISOString();
  for (const { key, free } of keys) {
    await db.transaction().execute(async (trx) => {
      const { failures } = await trx
        .insertInto("login_throttle")
        .values({ key, failures: 1, last_failure_at: at, locked_until: null })
        .onConflict((oc) => oc.column("key").doUpdateSet({ failures: sql<number>`login_throttle.failures + 1`, last_failure_at: at }))
        .returning("failures")
        .executeTakeFirstOrThrow();
      const lock = lockDurationMs(failures, free);
      await trx
        .updateTable("login_throttle")
        .set({ locked_until: lock > 0 ? new Date(now.getTime() + lock).toISOString() : null })
        .where("key", "=", key)
        .execute();
    });
  }
}

export async function clearFailures(db: Db, key: string): Promise<void> {
  await db.deleteFrom("login_throttle").where("key", "=", key).execute();
}
