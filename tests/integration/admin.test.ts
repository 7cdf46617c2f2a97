import { beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import * as orgDetail from "~/routes/admin.organisations.$orgId._index";
import * as periods from "~/routes/admin.organisations.$orgId.periods";
import * as userDetail from "~/routes/admin.users.$userId";
import * as users from "~/routes/admin.users._index";
import * as login from "~/routes/login";
import * as setPassword from "~/routes/set-password.$token";
import * as unitsPage from "~/routes/units";
import { freshDb } from "../helpers/db";
import { callAction, callLoader } from "../helpers/remix";
import { buildWorld, withTempDataDir, type World } from "../helpers/world";

let db: Db;
let w: World;
beforeAll(async () => {
  withTempDataDir();
  db = await freshDb();
  w = await buildWorld(db);
});

const postOrg = (cookie: string | null, form: Record<string, string>) =>
  callAction(orgDetail, { path: `/admin/organisations/${w.ministry.id}`, params: { orgId: w.ministry.id }, cookie, form });
const unitByName = (name: string) => db.selectFrom("unit").selectAll().where("name", "=", name).executeTakeFirstOrThrow();

test("an org admin builds a unit tree, adds a user who sets a password via the link and logs in", async () => {
  const admin = w.cookies.orgAdmin;
  expect((await postOrg(admin, { intent: "add-unit", parentId: "", name: "Inspektorat Jenderal", kind: "eselon1", code: "ITJEN" })).status).toBe(200);
  const itjen = await unitByName("Inspektorat Jenderal");
  expect((await postOrg(admin, { intent: "add-unit", parentId: itjen.id, name: "Inspektorat Wilayah I", kind: "satker", code: "" })).status).toBe(200);
  const wil1 = await unitByName("Inspektorat Wilayah I");
  expect(wil1.parent_id).toBe(itjen.id);
  expect(wil1.path).toBe(`${itjen.path}${wil1.id}/`);

  const created = await callAction(users, {
    path: "/admin/users",
    cookie: admin,
    form: { name: "Evi Asesor", email: "Evi.Asesor@Kemendemo.test", scope: `${w.ministry.id}/${wil1.id}`, role: "assessor" },
  });
  expect(created.status).toBe(200);
  const link = (created.data as { created: { link: string } }).created.link;
  const token = link.split("/set-password/")[1]!;
  expect((await callLoader(setPassword, { path: "/x", params: { token } })).data).toEqual({ email: "evi.asesor@kemendemo.test" });
  const set = await callAction(setPassword, { path: "/x", params: { token }, form: { password: "sandi-evi-2025", confirm: "sandi-evi-2025" } });
  expect(set.status).toBe(302);
  const li = await callAction(login, { path: "/login", form: { email: "evi.asesor@kemendemo.test", password: "sandi-evi-2025" } });
  expect(li.status).toBe(302);
  const cookie = li.headers.get("set-cookie")!.split(";")[0]!;
  const tree = await callLoader(unitsPage, { path: "/units", cookie });
  const names = JSON.stringify(tree.data);
  expect(names).toContain("Inspektorat Wilayah I");
  expect(names).not.toContain("Ditjen Uji");
});

test("duplicate emails are refused with a readable message and the input kept", async () => {
  const out = await callAction(users, {
    path: "/admin/users",
    cookie: w.cookies.orgAdmin,
    form: { name: "Lagi", email: w.users.assessor.email, scope: w.ministry.id, role: "assessor" },
  });
  expect(out.status).toBe(400);
  expect(out.data).toMatchObject({ formError: "users.emailTaken", values: { email: w.users.assessor.email } });
});

test("an org admin cannot grant roles in another organisation", async () => {
  const out = await callAction(users, {
    path: "/admin/users",
    cookie: w.cookies.orgAdmin,
    form: { name: "Penyusup", email: "penyusup@test.local", scope: w.other.id, role: "org_admin" },
  });
  expect(out.status).toBe(400);
  expect(out.data).toMatchObject({ formError: "users.membershipOutOfScope" });
  expect(await db.selectFrom("user").select("id").where("email", "=", "penyusup@test.local").executeTakeFirst()).toBeUndefined();
});

test("units move with their subtree, never into themselves, and archive only when leaves", async () => {
  const admin = w.cookies.orgAdmin;
  await postOrg(admin, { intent: "add-unit", parentId: "", name: "Badan A", kind: "eselon1" });
  const a = await unitByName("Badan A");
  await postOrg(admin, { intent: "add-unit", parentId: a.id, name: "Pusat A1", kind: "satker" });
  const a1 = await unitByName("Pusat A1");
  await postOrg(admin, { intent: "add-unit", parentId: a1.id, name: "Balai A1x", kind: "unit_layanan" });

  const cycle = await postOrg(admin, { intent: "move-unit", unitId: a.id, parentId: a1.id });
  expect(cycle.status).toBe(400);
  expect(cycle.data).toMatchObject({ formError: "units.cycle" });

  expect((await postOrg(admin, { intent: "move-unit", unitId: a1.id, parentId: w.eselon1.id })).status).toBe(200);
  const moved = await unitByName("Balai A1x");
  expect(moved.path.startsWith(`${w.eselon1.path}${a1.id}/`)).toBe(true);

  const busy = await postOrg(admin, { intent: "archive-unit", unitId: a1.id });
  expect(busy.data).toMatchObject({ formError: "units.hasActiveChildren" });
  expect((await postOrg(admin, { intent: "archive-unit", unitId: moved.id })).status).toBe(200);
  expect((await postOrg(admin, { intent: "archive-unit", unitId: a1.id })).status).toBe(200);
  expect((await postOrg(admin, { intent: "restore-unit", unitId: moved.id })).data).toMatchObject({ formError: "units.parentArchived" });
  expect((await postOrg(admin, { intent: "rename-unit", unitId: a.id, name: "Badan A (baru)", kind: "eselon1", code: "BA" })).status).toBe(200);
  const audit = await db.selectFrom("audit_log").select("action").where("entity_id", "=", a1.id).execute();
  expect(audit.map((r) => r.action)).toEqual(expect.arrayContaining(["unit.create", "unit.move", "unit.archive"]));
});

test("a coordinator cannot touch units outside or inside their subtree via the admin action", async () => {
  const out = await postOrg(w.cookies.coordinator, { intent: "rename-unit", unitId: w.service.id, name: "Diubah", kind: "satker" });
  expect(out.status).toBe(403);
  const other = await postOrg(w.cookies.otherOrgAdmin, { intent: "rename-unit", unitId: w.service.id, name: "Diubah", kind: "satker" });
  expect(other.status).toBe(403);
  expect((await unitByName("Kantor Layanan Uji")).name).toBe("Kantor Layanan Uji");
});

test("periods: duplicate years and disordered windows are refused; closing is logged", async () => {
  const post = (form: Record<string, string>) =>
    callAction(periods, { path: "/x", params: { orgId: w.ministry.id }, cookie: w.cookies.orgAdmin, form });
  const dup = await post({ intent: "add-period", year: "2025" });
  expect(dup.data).toMatchObject({ formError: "periods.duplicateYear" });
  const bad = await post({ intent: "add-period", year: "2026", fillStart: "2026-05-01", fillEnd: "2026-03-01" });
  expect(bad.data).toMatchObject({ formError: "periods.windowOrder", values: { year: "2026" } });
  const year = await post({ intent: "add-period", year: "dua ribu" });
  expect(year.data).toMatchObject({ fieldErrors: { year: "error.invalidYear" } });
  const date = await post({ intent: "add-period", year: "2026", fillEnd: "31-12-2026" });
  expect(date.data).toMatchObject({ fieldErrors: { fillEnd: "error.invalidDate" } });
  expect((await post({ intent: "add-period", year: "2026", fillStart: "2026-02-01", fillEnd: "2026-04-30" })).status).toBe(200);
  expect((await post({ intent: "close-period", periodId: w.periodId })).status).toBe(200);
  const row = await db.selectFrom("period").select("status").where("id", "=", w.periodId).executeTakeFirstOrThrow();
  expect(row.status).toBe("closed");
});

test("disabling a user ends their sessions; nobody disables themselves or removes the last role", async () => {
  const post = (cookie: string | null, userId: string, form: Record<string, string>) =>
    callAction(userDetail, { path: "/x", params: { userId }, cookie, form });
  expect((await post(w.cookies.orgAdmin, w.users.orgAdmin.id, { intent: "disable" })).data).toMatchObject({ formError: "users.cannotDisableSelf" });
  const view = await callLoader(userDetail, { path: "/x", params: { userId: w.users.evaluator.id }, cookie: w.cookies.orgAdmin });
  const membershipId = (view.data as { target: { memberships: { id: string }[] } }).target.memberships[0]!.id;
  expect((await post(w.cookies.orgAdmin, w.users.evaluator.id, { intent: "remove-membership", membershipId })).data).toMatchObject({ formError: "users.lastMembership" });
  expect((await post(w.cookies.orgAdmin, w.users.evaluator.id, { intent: "disable" })).status).toBe(200);
  const sessions = await db.selectFrom("session").select("id").where("user_id", "=", w.users.evaluator.id).execute();
  expect(sessions).toHaveLength(0);
  const link = await post(w.cookies.orgAdmin, w.users.coordinator.id, { intent: "password-link" });
  expect((link.data as { link: string }).link).toMatch(/\/set-password\/[\w-]{40,}$/);
});
