import { beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import type { ActorMembership } from "~/auth/permissions";
import { loadActor } from "~/auth/require.server";
import { recordFailure, throttleKeys } from "~/auth/throttle.server";
import { ABSOLUTE_MS, IDLE_MS, getSession, hashToken } from "~/auth/session.server";
import * as account from "~/routes/account";
import * as home from "~/routes/_index";
import * as login from "~/routes/login";
import * as logout from "~/routes/logout";
import * as setPassword from "~/routes/set-password.$token";
import { freshDb } from "../helpers/db";
import { newId } from "~/utils/ids";
import { makeOrg, makeUnit, makeUser, sessionCookie, TEST_PASSWORD } from "../helpers/factories";
import { callAction, callLoader, cookieFrom, makeRequest } from "../helpers/remix";

let db: Db;
let orgId: string;
beforeAll(async () => {
  db = await freshDb();
  orgId = (await makeOrg(db)).id;
});

async function loginWith(email: string, password: string, ip = "198.51.100.1") {
  return callAction(login, { path: "/login", form: { email, password, redirectTo: "/account" }, context: { ip } });
}

test("a correct password starts a session with a hardened cookie and redirects back", async () => {
  const u = await makeUser(db, { role: "assessor", organisationId: orgId });
  const out = await loginWith(u.email.toUpperCase(), TEST_PASSWORD);
  expect(out.status).toBe(302);
  expect(out.location).toBe("/account");
  const setCookie = out.headers.get("set-cookie")!;
  expect(setCookie).toMatch(/^cermin_session=/);
  expect(setCookie).toMatch(/HttpOnly/i);
  expect(setCookie).toMatch(/SameSite=Lax/i);
  expect(setCookie).toMatch(/Path=\//);
  expect(setCookie).not.toMatch(/Secure/i);
  const page = await callLoader(home, { path: "/", cookie: cookieFrom(setCookie) });
  expect(page.status).toBe(200);
});

test("the session cookie is Secure when served over HTTPS", async () => {
  const u = await makeUser(db, { role: "assessor", organisationId: orgId });
  const request = new Request("https://cermin.example.go.id/login", {
    method: "POST",
    body: new URLSearchParams({ email: u.email, password: TEST_PASSWORD }),
  });
  const out = (await login.action({ request, params: {}, context: {} })) as Response;
  expect(out.headers.get("set-cookie")).toMatch(/;\s*Secure/i);
});

test("a wrong password gives a readable 401 and keeps the email", async () => {
  const u = await makeUser(db, { role: "assessor", organisationId: orgId });
  const out = await loginWith(u.email, "salah-sekali");
  expect(out.status).toBe(401);
  expect(out.data).toMatchObject({ formError: "login.invalid", values: { email: u.email } });
});

test("six wrong passwords in a row are throttled, even with the right password on the sixth", async () => {
  const u = await makeUser(db, { role: "assessor", organisationId: orgId });
  for (let i = 0; i < 5; i++) expect((await loginWith(u.email, `salah-${i}`)).status).toBe(401);
  const sixth = await loginWith(u.email, TEST_PASSWORD);
  expect(sixth.status).toBe(429);
  expect(sixth.data).toMatchObject({ formError: "login.throttled" });
  expect(Number(sixth.headers.get("retry-after"))).toBeGreaterThan(0);
});

test("failed log-ins recorded at the same time each count (no lost update), and the client is locked out of the account", async () => {
  const u = await makeUser(db, { role: "assessor", organisationId: orgId });
  const keys = throttleKeys(u.email, "198.51.100.9");
  await Promise.all(Array.from({ length: 5 }, () => recordFailure(db, keys, new Date())));
  const pair = keys.find((k) => k.key.startsWith("pair:"))!.key;
  const row = await db.selectFrom("login_throttle").selectAll().where("key", "=", pair).executeTakeFirstOrThrow();
  expect(row.failures).toBe(5);
  expect(row.locked_until).not.toBeNull();
  expect((await loginWith(u.email, TEST_PASSWORD, "198.51.100.9")).status).toBe(429);
  // Another client is not locked out (issue #31): the owner still gets in.
  expect((await loginWith(u.email, TEST_PASSWORD, "198.51.100.10")).status).toBe(302);
});

test("one IP failing across many accounts is throttled too", async () => {
  const ip = "192.0.2.77";
  for (let i = 0; i < 20; i++) expect((await loginWith(`tidak-ada-${i}@test.local`, "x", ip)).status).toBe(401);
  const u = await makeUser(db, { role: "assessor", organisationId: orgId });
  expect((await loginWith(u.email, TEST_PASSWORD, ip)).status).toBe(429);
  expect((await loginWith(u.email, TEST_PASSWORD, "192.0.2.78")).status).toBe(302);
});

test("a disabled account cannot log in and loses its sessions", async () => {
  const u = await makeUser(db, { role: "assessor", organisationId: orgId });
  const cookie = await sessionCookie(db, u.id);
  await db.updateTable("user").set({ disabled_at: new Date().toISOString() }).where("id", "=", u.id).execute();
  expect((await callLoader(home, { path: "/", cookie })).status).toBe(302);
  expect((await loginWith(u.email, TEST_PASSWORD)).data).toMatchObject({ formError: "login.disabled" });
});

test("sessions end after the idle limit and after the absolute limit", async () => {
  const u = await makeUser(db, { role: "assessor", organisationId: orgId });
  const cookie = await sessionCookie(db, u.id);
  const request = makeRequest({ path: "/", cookie });
  const now = Date.now();
  expect(await getSession(db, request, new Date(now + IDLE_MS - 5_000))).not.toBeNull();
  expect(await getSession(db, request, new Date(now + 2 * IDLE_MS - 10_000))).not.toBeNull();
  expect(await getSession(db, request, new Date(now + ABSOLUTE_MS + 1))).toBeNull();

  const idle = await sessionCookie(db, u.id);
  expect(await getSession(db, makeRequest({ path: "/", cookie: idle }), new Date(now + IDLE_MS + 1_000))).toBeNull();
});

test("the session table stores only token hashes", async () => {
  const u = await makeUser(db, { role: "assessor", organisationId: orgId });
  const cookie = await sessionCookie(db, u.id);
  const rows = await db.selectFrom("session").select("id").where("user_id", "=", u.id).execute();
  expect(rows).toHaveLength(1);
  expect(cookie).not.toContain(rows[0]!.id);
  expect(rows[0]!.id).toMatch(/^[0-9a-f]{64}$/);
  expect(hashToken("x")).toHaveLength(64);
});

test("logout ends this session; logout everywhere ends all", async () => {
  const u = await makeUser(db, { role: "assessor", organisationId: orgId });
  const a = await sessionCookie(db, u.id);
  const b = await sessionCookie(db, u.id);
  const out = await callAction(logout, { path: "/logout", cookie: a });
  expect(out.status).toBe(302);
  expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
  expect((await callLoader(home, { path: "/", cookie: a })).status).toBe(302);
  expect((await callLoader(home, { path: "/", cookie: b })).status).toBe(200);
  const c = await sessionCookie(db, u.id);
  const all = await callAction(account, { path: "/account", cookie: c, form: { intent: "logout-everywhere" } });
  expect(all.status).toBe(302);
  expect((await callLoader(home, { path: "/", cookie: b })).status).toBe(302);
  expect((await callLoader(home, { path: "/", cookie: c })).status).toBe(302);
});

test("changing one's password needs the current one and ends other sessions", async () => {
  const u = await makeUser(db, { role: "assessor", organisationId: orgId });
  const mine = await sessionCookie(db, u.id);
  const other = await sessionCookie(db, u.id);
  const wrong = await callAction(account, { path: "/account", cookie: mine, form: { intent: "password", current: "salah", password: "kata-sandi-baru-1", confirm: "kata-sandi-baru-1" } });
  expect(wrong.status).toBe(400);
  expect(wrong.data).toMatchObject({ formError: "account.wrongPassword" });
  const mismatch = await callAction(account, { path: "/account", cookie: mine, form: { intent: "password", current: TEST_PASSWORD, password: "kata-sandi-baru-1", confirm: "lain" } });
  expect(mismatch.data).toMatchObject({ fieldErrors: { confirm: "password.mismatch" } });
  const ok = await callAction(account, { path: "/account", cookie: mine, form: { intent: "password", current: TEST_PASSWORD, password: "kata-sandi-baru-1", confirm: "kata-sandi-baru-1" } });
  expect(ok.status).toBe(200);
  expect((await callLoader(home, { path: "/", cookie: mine })).status).toBe(200);
  expect((await callLoader(home, { path: "/", cookie: other })).status).toBe(302);
  expect((await loginWith(u.email, "kata-sandi-baru-1")).status).toBe(302);
});

test("a redirectTo pointing off-site is ignored", async () => {
  const u = await makeUser(db, { role: "assessor", organisationId: orgId });
  const out = await callAction(login, { path: "/login", form: { email: u.email, password: TEST_PASSWORD, redirectTo: "//evil.example/x" } });
  expect(out.location).toBe("/");
});

test("set-password links work once and are refused when expired", async () => {
  const u = await makeUser(db, { role: "assessor", organisationId: orgId, password: null });
  const token = "token-uji-" + u.id;
  await db
    .insertInto("password_token")
    .values({ id: hashToken(token), user_id: u.id, purpose: "set_password", created_by: null, created_at: new Date().toISOString(), expires_at: new Date(Date.now() + 3600_000).toISOString(), used_at: null })
    .execute();
  // A pending account is not told apart from a wrong password (issue #31).
  expect((await loginWith(u.email, "apa-saja")).data).toMatchObject({ formError: "login.invalid" });
  const page = await callLoader(setPassword, { path: `/set-password/${token}`, params: { token } });
  expect(page.data).toEqual({ email: u.email });
  const short = await callAction(setPassword, { path: "/x", params: { token }, form: { password: "pendek", confirm: "pendek" } });
  expect(short.status).toBe(400);
  expect(short.data).toMatchObject({ fieldErrors: { password: "password.tooShort" } });
  const ok = await callAction(setPassword, { path: "/x", params: { token }, form: { password: "kata-sandi-pertama", confirm: "kata-sandi-pertama" } });
  expect(ok.status).toBe(302);
  expect((await loginWith(u.email, "kata-sandi-pertama")).status).toBe(302);
  const again = await callAction(setPassword, { path: "/x", params: { token }, form: { password: "kata-sandi-kedua", confirm: "kata-sandi-kedua" } });
  expect(again.status).toBe(410);

  const expired = "token-kedaluwarsa-" + u.id;
  await db
    .insertInto("password_token")
    .values({ id: hashToken(expired), user_id: u.id, purpose: "set_password", created_by: null, created_at: new Date().toISOString(), expires_at: new Date(Date.now() - 1).toISOString(), used_at: null })
    .execute();
  expect((await callLoader(setPassword, { path: "/x", params: { token: expired } })).data).toEqual({ email: null });
});

test("the session lookup reads the same memberships as loadActor: several, none, and none from an archived organisation", async () => {
  const other = await makeOrg(db);
  const archived = await makeOrg(db);
  const unit = await makeUnit(db, orgId);
  const u = await makeUser(db, { role: "assessor", organisationId: orgId, unitId: unit.id });
  const now = new Date().toISOString();
  for (const [organisation_id, role] of [
    [other.id, "reviewer"],
    [archived.id, "coordinator"],
  ] as const) {
    await db.insertInto("membership").values({ id: newId(), user_id: u.id, organisation_id, unit_id: null, role, created_at: now }).execute();
  }
  await db.updateTable("organisation").set({ archived_at: now }).where("id", "=", archived.id).execute();
  const lone = await makeUser(db);
  const sort = (ms: ActorMembership[]) => [...ms].sort((a, b) => `${a.organisationId}${a.role}`.localeCompare(`${b.organisationId}${b.role}`));
  for (const user of [u, lone]) {
    const found = await getSession(db, makeRequest({ path: "/", cookie: await sessionCookie(db, user.id) }));
    const row = await db.selectFrom("user").selectAll().where("id", "=", user.id).executeTakeFirstOrThrow();
    expect(found?.user).toEqual(row);
    expect(sort(found!.memberships)).toEqual(sort((await loadActor(db, row)).memberships));
  }
  const found = await getSession(db, makeRequest({ path: "/", cookie: await sessionCookie(db, u.id) }));
  expect(sort(found!.memberships)).toEqual(
    sort([
      { organisationId: orgId, unitId: unit.id, unitPath: unit.path, role: "assessor" },
      { organisationId: other.id, unitId: null, unitPath: null, role: "reviewer" },
    ]),
  );
});
