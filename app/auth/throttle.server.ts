/**
 * Password-check throttling (log-in and the current-password check of a password change) that protects
 * without letting anyone lock an owner out (issue #31).
 *
 * Three counters, each a leaky bucket in `login_throttle` (`failures` drains by one every `leakMs` since
 * `last_failure_at`, so a counter decays with time and failures long past are forgotten):
 * - per (account, client) `pair:<email>|<ip>`: 5 free failures, then that client is locked out of that
 *   account, 30 s doubling per further failure up to an hour, even for the right password;
 * - per client `ip:<ip>`: 20 free failures (an office behind NAT shares one address), then the client is
 *   locked the same way for every account;
 * - per account `account:<email>`: never locks. Past 5 failures (from anywhere) each further password
 *   check of that account is slowed: 250 ms doubling per failure, at most 2 s, so a guesser spread over many
 *   clients is slowed while the owner, from a client that has not been failing, still gets in.
 * A correct password clears the (account, client) and client counters; the account's counter only decays
 * (an attack in progress stays visible). Without a client address (no request context) only the account
 * counter applies.
 */
import type { Db } from "#db/client.server";

export interface ThrottleRule {
  /** Failures that cost nothing. */
  free: number;
  /** The counter drains by one failure every this many ms. */
  leakMs: number;
  /** Past `free`: lock the key (pair, client) or only slow the account's checks. */
  mode: "lock" | "slow";
}

export const PAIR_RULE: ThrottleRule = { free: 5, leakMs: 10 * 60_000, mode: "lock" };
export const CLIENT_RULE: ThrottleRule = { free: 20, leakMs: 2 * 60_000, mode: "lock" };
export const ACCOUNT_RULE: ThrottleRule = { free: 5, leakMs: 10 * 60_000, mode: "slow" };
/** Kept for callers that name the budgets. */
export const ACCOUNT_FREE_FAILURES = PAIR_RULE.free;
export const IP_FREE_FAILURES = CLIENT_RULE.free;

const BASE_LOCK_MS = 30_000;
const MAX_LOCK_MS = 60 * 60_000;
const BASE_DELAY_MS = 250;
export const MAX_DELAY_MS = 2_000;

export interface ThrottleKey {
  key: string;
  rule: ThrottleRule;
}

export function lockDurationMs(failures: number, freeFailures: number): number {
  if (failures < freeFailures) return 0;
  return Math.min(MAX_LOCK_MS, BASE_LOCK_MS * 2 ** Math.min(failures - freeFailures, 30));
}

export function slowDownMs(failures: number, freeFailures: number): number {
  if (failures < freeFailures) return 0;
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(failures - freeFailures, 30));
}

/** The keys one password check of `email` from `ip` counts against. */
export function throttleKeys(email: string, ip: string | null): ThrottleKey[] {
  const account = email.trim().toLowerCase();
  const keys: ThrottleKey[] = [{ key: `account:${account}`, rule: ACCOUNT_RULE }];
  if (ip) {
    keys.push({ key: `pair:${account}|${ip}`, rule: PAIR_RULE });
    keys.push({ key: `ip:${ip}`, rule: CLIENT_RULE });
  }
  return keys;
}

/** A stored counter as it stands at `now`, after draining. */
export function decayedFailures(row: { failures: number; last_failure_at: string }, rule: ThrottleRule, now: Date): number {
  const elapsed = Math.max(0, now.getTime() - new Date(row.last_failure_at).getTime());
  return Math.max(0, Number(row.failures) - Math.floor(elapsed / rule.leakMs));
}

export interface ThrottleState {
  /** Seconds until the first locked key unlocks; 0 when none is locked. */
  lockedSeconds: number;
  /** How long to hold this check back (the account is being guessed at); 0 normally. */
  delayMs: number;
}

export async function throttleState(db: Db, keys: ThrottleKey[], now: Date): Promise<ThrottleState> {
  if (keys.length === 0) return { lockedSeconds: 0, delayMs: 0 };
  const rows = await db
    .selectFrom("login_throttle")
    .selectAll()
    .where(
      "key",
      "in",
      keys.map((k) => k.key),
    )
    .execute();
  let wait = 0;
  let delayMs = 0;
  for (const row of rows) {
    const rule = keys.find((k) => k.key === row.key)!.rule;
    if (rule.mode === "lock") {
      if (!row.locked_until) continue;
      const ms = new Date(row.locked_until).getTime() - now.getTime();
      if (ms > wait) wait = ms;
    } else {
      delayMs = Math.max(delayMs, slowDownMs(decayedFailures(row, rule, now), rule.free));
    }
  }
  return { lockedSeconds: Math.ceil(wait / 1000), delayMs };
}

/** Seconds until the first of the keys unlocks, or 0 when none is locked. */
export async function lockedForSeconds(db: Db, keys: ThrottleKey[], now: Date): Promise<number> {
  return (await throttleState(db, keys, now)).lockedSeconds;
}

/**
 * Counts one failure per key. Each counter is updated by compare-and-set on the row as read (its count and
 * time), retried when another request or server process got there first, so concurrent failures each
 * count and none is lost, on SQLite and PostgreSQL alike.
 */
export async function recordFailure(db: Db, keys: ThrottleKey[], now: Date): Promise<void> {
  const at = now.toISOString();
  for (const { key, rule } of keys) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const row = await db.selectFrom("login_throttle").selectAll().where("key", "=", key).executeTakeFirst();
      const failures = (row ? decayedFailures(row, rule, now) : 0) + 1;
      const lock = rule.mode === "lock" ? lockDurationMs(failures, rule.free) : 0;
      // A lock never shortens one already running.
      const lockedUntil =
        lock > 0
          ? new Date(Math.max(now.getTime() + lock, row?.locked_until ? new Date(row.locked_until).getTime() : 0)).toISOString()
          : (row?.locked_until ?? null);
      if (!row) {
        const inserted = await db
          .insertInto("login_throttle")
          .values({ key, failures, last_failure_at: at, locked_until: lockedUntil })
          .onConflict((oc) => oc.column("key").doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) break;
        continue;
      }
      const updated = await db
        .updateTable("login_throttle")
        .set({ failures, last_failure_at: at, locked_until: lockedUntil })
        .where("key", "=", key)
        .where("failures", "=", row.failures)
        .where("last_failure_at", "=", row.last_failure_at)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) > 0) break;
    }
  }
}

/** A correct password: the client's counters start over (the account's only decays). */
export async function recordSuccess(db: Db, keys: ThrottleKey[]): Promise<void> {
  const cleared = keys.filter((k) => k.rule.mode === "lock").map((k) => k.key);
  if (cleared.length > 0) await db.deleteFrom("login_throttle").where("key", "in", cleared).execute();
}

export async function clearFailures(db: Db, key: string): Promise<void> {
  await db.deleteFrom("login_throttle").where("key", "=", key).execute();
}

/** Holds a check back; tests replace it to observe the delay without waiting. */
export type Sleep = (ms: number) => Promise<void>;
export const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export type PasswordCheck<T> = { ok: true; value: T } | { ok: false; reason: "throttled"; seconds: number } | { ok: false; reason: "wrong" };

/**
 * One throttled password check: refused unlocked without verifying anything while a key is locked,
 * slowed while the account is being guessed at, counted when `check` says the password was wrong,
 * the client's counters cleared when it was right.
 */
export async function throttledCheck<T>(
  db: Db,
  email: string,
  ip: string | null,
  check: () => Promise<{ ok: true; value: T } | { ok: false }>,
  opts: { now?: Date; sleep?: Sleep } = {},
): Promise<PasswordCheck<T>> {
  const now = opts.now ?? new Date();
  const keys = throttleKeys(email, ip);
  const state = await throttleState(db, keys, now);
  if (state.lockedSeconds > 0) return { ok: false, reason: "throttled", seconds: state.lockedSeconds };
  if (state.delayMs > 0) await (opts.sleep ?? sleep)(state.delayMs);
  const result = await check();
  if (!result.ok) {
    await recordFailure(db, keys, now);
    return { ok: false, reason: "wrong" };
  }
  await recordSuccess(db, keys);
  return result;
}
