/**
 * Issue #31, the probe's sign-in findings: a throttle that cannot be turned against an account's owner
 * (per (account, client) and per client, decaying, an account slowed rather than locked), the same
 * throttle on the change-password check, and one log-in message for unknown, pending and
 * wrong-password accounts. (The set-password race: set-password-race.test.ts.)
 */
import { beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import { attemptLogin } from "~/auth/login.server";
import { ACCOUNT_RULE, throttleKeys } from "~/auth/throttle.server";
import * as account from "~/routes/account";
import * as login from "~/routes/login";
import { freshDb } from "../helpers/db";
import { makeOrg, makeUser, sessionCookie, TEST_PASSWORD } from "../helpers/factories";
import { callAction } from "../helpers/remix";

let db: Db;
let orgId: string;
beforeAll(async () => {
  db = await freshDb();
  orgId = (await makeOrg(db)).id;
});

const loginFrom = (ip: string, email: string, password: string) =>
  callAction(login, { path: "/login", form: { email, password, redirectTo: "/account" }, context: { ip } });

test("the owner logs in after 5 failures by someone else on the account (from a clean client)", async () => {
  const owner = await makeUser(db, { role: "assessor", organisationId: orgId });
  for (let i = 0; i < 5; i++) expect((await loginFrom("203.0.113.50", owner.email, `tebakan-${i}`)).status).toBe(401);
  const mine = await loginFrom("198.51.100.20", owner.email, TEST_PASSWORD);
  expect(mine.status).toBe(302);
  expect(mine.headers.get("set-cookie")).toMatch(/^cermin_session=/);
});

test("20 failures on an account from one client: the owner's correct log-in from another client succeeds, the guesser stays locked", async () => {
  const owner = await makeUser(db, { role: "assessor", organisationId: orgId });
  for (let i = 0; i < 20; i++) {
    const out = await loginFrom("203.0.113.60", owner.email, `tebakan-${i}`);
    expect([401, 429]).toContain(out.status);
  }
  expect((await loginFrom("198.51.100.21", owner.email, TEST_PASSWORD)).status).toBe(302);
  // The guessing client is locked out of the account even with the right password.
  const guesser = await loginFrom("203.0.113.60", owner.email, TEST_PASSWORD);
  expect(guesser.status).toBe(429);
  expect(guesser.data).toMatchObject({ formError: "login.throttled" });
});

test("an account being guessed at is slowed (progressive delay), not locked", async () => {
  const owner = await makeUser(db, { role: "assessor", organisationId: orgId });
  const now = new Date("2026-03-02T01:00:00Z");
  const delays: number[] = [];
  const sleep = async (ms: number) => void delays.push(ms);
  for (let i = 0; i < 7; i++) await attemptLogin(db, owner.email, `tebakan-${i}`, `203.0.113.${70 + i}`, now, { sleep });
  // The first 5 failures cost nothing; from the 6th check on, 250 ms doubling.
  expect(delays).toEqual([250, 500]);
  const out = await attemptLogin(db, owner.email, TEST_PASSWORD, "198.51.100.22", now, { sleep });
  expect(out.ok).toBe(true);
  expect(delays).toEqual([250, 500, 1000]);
  // The account's counter decays: after ACCOUNT_RULE.leakMs per failure, no delay any more.
  const later = new Date(now.getTime() + 7 * ACCOUNT_RULE.leakMs);
  expect((await attemptLogin(db, owner.email, TEST_PASSWORD, "198.51.100.22", later, { sleep })).ok).toBe(true);
  expect(delays).toHaveLength(3);
});

test("the per-client counter decays with time and resets on success", async () => {
  const ip = "192.0.2.90";
  const colleague = await makeUser(db, { role: "assessor", organisationId: orgId });
  const t0 = new Date("2026-03-02T02:00:00Z");
  // An office behind one address: 20 typos across accounts lock the address for everyone, for 30 s.
  for (let i = 0; i < 20; i++) expect((await attemptLogin(db, `kantor-${i}@test.local`, "salah", ip, t0)).ok).toBe(false);
  expect(await attemptLogin(db, colleague.email, TEST_PASSWORD, ip, t0)).toMatchObject({ ok: false, reason: "throttled" });
  // Ten minutes later the counter has drained: one further typo locks nobody.
  const t1 = new Date(t0.getTime() + 10 * 60_000);
  expect(await attemptLogin(db, "kantor-lagi@test.local", "salah", ip, t1)).toMatchObject({ ok: false, reason: "invalid" });
  expect(await attemptLogin(db, colleague.email, TEST_PASSWORD, ip, t1)).toMatchObject({ ok: true });
  // That success cleared the address's counter.
  const row = await db.selectFrom("login_throttle").selectAll().where("key", "=", `ip:${ip}`).executeTakeFirst();
  expect(row).toBeUndefined();
});

test("concurrent failures each count (no lost update): the fifth locks the client out of the account", async () => {
  const u = await makeUser(db, { role: "assessor", organisationId: orgId });
  const ip = "203.0.113.99";
  const now = new Date();
  await Promise.all(Array.from({ length: 5 }, (_, i) => attemptLogin(db, u.email, `salah-${i}`, ip, now)));
  const pair = throttleKeys(u.email, ip).find((k) => k.key.startsWith("pair:"))!;
  const row = await db.selectFrom("login_throttle").selectAll().where("key", "=", pair.key).executeTakeFirstOrThrow();
  expect(row.failures).toBe(5);
  expect(row.locked_until).not.toBeNull();
  expect((await loginFrom(ip, u.email, TEST_PASSWORD)).status).toBe(429);
});

test("the change-password check is throttled like the log-in", async () => {
  const u = await makeUser(db, { role: "assessor", organisationId: orgId });
  const cookie = await sessionCookie(db, u.id);
  const change = (current: string) =>
    callAction(account, {
      path: "/account",
      cookie,
      context: { ip: "198.51.100.30" },
      form: { intent: "password", current, password: "kata-sandi-baru-9", confirm: "kata-sandi-baru-9" },
    });
  for (let i = 0; i < 5; i++) {
    const out = await change(`salah-${i}`);
    expect(out.status).toBe(400);
    expect(out.data).toMatchObject({ formError: "account.wrongPassword" });
  }
  const sixth = await change(TEST_PASSWORD);
  expect(sixth.status).toBe(429);
  expect(sixth.data).toMatchObject({ formError: "account.throttled", intent: "password" });
  expect(Number(sixth.headers.get("retry-after"))).toBeGreaterThan(0);
  // The password did not change.
  expect((await loginFrom("198.51.100.31", u.email, TEST_PASSWORD)).status).toBe(302);
});

test("unknown, pending (no password yet) and wrong-password log-ins get the same message", async () => {
  const pending = await makeUser(db, { role: "assessor", organisationId: orgId, password: null });
  const active = await makeUser(db, { role: "assessor", organisationId: orgId });
  const outs = [
    await loginFrom("198.51.100.40", "tidak-ada-sama-sekali@test.local", "apa-saja"),
    await loginFrom("198.51.100.41", pending.email, "apa-saja"),
    await loginFrom("198.51.100.42", active.email, "apa-saja"),
  ];
  for (const out of outs) {
    expect(out.status).toBe(401);
    expect(out.data).toMatchObject({ formError: "login.invalid" });
  }
  const strip = (o: (typeof outs)[number]) => JSON.stringify({ ...(o.data as object), values: null });
  expect(new Set(outs.map(strip)).size).toBe(1);
});
