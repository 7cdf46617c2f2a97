import { beforeAll, describe, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import * as orgDetail from "~/routes/admin.organisations.$orgId._index";
import * as orgList from "~/routes/admin.organisations._index";
import * as periods from "~/routes/admin.organisations.$orgId.periods";
import * as userDetail from "~/routes/admin.users.$userId";
import * as users from "~/routes/admin.users._index";
import * as assessments from "~/routes/assessments._index";
import * as assessment from "~/routes/assessments.$id._index";
import * as login from "~/routes/login";
import * as setPassword from "~/routes/set-password.$token";
import * as unitsPage from "~/routes/units";
import { loadActor } from "~/auth/require.server";
import { createPeriod } from "~/services/admin/periods.server";
import { callAction, callLoader } from "../helpers/remix";
import { type World, freshWorld } from "../helpers/world";

let db: Db;
let w: World;
beforeAll(async () => {
  ({ db, w } = await freshWorld());
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

test("periods: the same new year submitted three times at once creates one period; the others get the duplicate message", async () => {
  const admin = await loadActor(db, await db.selectFrom("user").selectAll().where("id", "=", w.users.orgAdmin.id).executeTakeFirstOrThrow());
  const input = { year: 2037, fillStart: null, fillEnd: null, reviewEnd: null, evaluationEnd: null };
  const outcomes = await Promise.allSettled([1, 2, 3].map(() => createPeriod(db, admin, w.ministry.id, input)));
  expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
  for (const o of outcomes.filter((o) => o.status === "rejected")) {
    expect((o as PromiseRejectedResult).reason).toMatchObject({ key: "periods.duplicateYear" });
  }
  const rows = await db.selectFrom("period").select("id").where("organisation_id", "=", w.ministry.id).where("year", "=", 2037).execute();
  expect(rows).toHaveLength(1);
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

// Last in this file: each step builds on the one before (archive, refusals, restore), on the ministry.
describe("organisation archiving (system admins only)", () => {
  const archivedAt = async () => (await db.selectFrom("organisation").select("archived_at").where("id", "=", w.ministry.id).executeTakeFirstOrThrow()).archived_at;
  const orgAudit = () =>
    db.selectFrom("audit_log").selectAll().where("entity_type", "=", "organisation").where("entity_id", "=", w.ministry.id).orderBy("at").execute();
  const listNames = async (path: string) => {
    const out = await callLoader(orgList, { path, cookie: w.cookies.admin });
    return (out.data as { orgs: { name: string; archived_at: string | null }[] }).orgs;
  };
  const memberAccess = async () => ({
    orgAdmin: (await callLoader(orgDetail, { path: "/x", params: { orgId: w.ministry.id }, cookie: w.cookies.orgAdmin })).status,
    assessor: (await callLoader(assessment, { path: "/x", params: { id: w.assessmentId }, cookie: w.cookies.assessor })).status,
  });

  test("only a system admin may archive: the organisation's own admin and other roles get 403", async () => {
    for (const cookie of [w.cookies.orgAdmin, w.cookies.coordinator, w.cookies.otherOrgAdmin]) {
      const out = await postOrg(cookie, { intent: "archive-org", reason: "Penggabungan instansi", confirm: "yes" });
      expect(out.status).toBe(403);
    }
    expect(await archivedAt()).toBeNull();
    expect(await orgAudit()).toHaveLength(0);
  });

  test("archiving needs a reason and the confirmation: 400 with the message, input kept, nothing changed", async () => {
    const noReason = await postOrg(w.cookies.admin, { intent: "archive-org", reason: "  ", confirm: "yes" });
    expect(noReason.status).toBe(400);
    expect(noReason.data).toMatchObject({ ok: false, intent: "archive-org", formError: "error.form", fieldErrors: { reason: "orgs.reasonRequired" } });
    const missing = await postOrg(w.cookies.admin, { intent: "archive-org", confirm: "yes" });
    expect(missing.status).toBe(400);
    expect(missing.data).toMatchObject({ fieldErrors: { reason: "orgs.reasonRequired" } });
    const unconfirmed = await postOrg(w.cookies.admin, { intent: "archive-org", reason: "Penggabungan instansi" });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.data).toMatchObject({ fieldErrors: { confirm: "orgs.archiveConfirmRequired" }, values: { reason: "Penggabungan instansi" } });
    expect(await archivedAt()).toBeNull();
  });

  test("archive: members lose access, data is kept, the audit log has old → new and the reason", async () => {
    expect(await memberAccess()).toEqual({ orgAdmin: 200, assessor: 200 });
    const out = await postOrg(w.cookies.admin, { intent: "archive-org", reason: "  Digabung ke Kementerian Baru  ", confirm: "yes" });
    expect(out.status).toBe(200);
    expect(out.data).toMatchObject({ ok: true, intent: "archive-org", message: "orgs.archivedDone" });
    const at = await archivedAt();
    expect(at).not.toBeNull();

    const [row] = await orgAudit();
    expect(row).toMatchObject({ action: "organisation.archive", actor_user_id: w.users.admin.id, organisation_id: w.ministry.id, reason: "Digabung ke Kementerian Baru" });
    expect(JSON.parse(row!.before_json!)).toEqual({ archived_at: null });
    expect(JSON.parse(row!.after_json!)).toEqual({ archived_at: at });

    expect(await memberAccess()).toEqual({ orgAdmin: 403, assessor: 404 });
    expect(await db.selectFrom("assessment").select("id").where("id", "=", w.assessmentId).executeTakeFirst()).toBeDefined();
    expect(await db.selectFrom("membership").select("id").where("organisation_id", "=", w.ministry.id).execute()).not.toHaveLength(0);

    const page = await callLoader(orgDetail, { path: "/x", params: { orgId: w.ministry.id }, cookie: w.cookies.admin });
    expect(page.data).toMatchObject({ archived: { at, reason: "Digabung ke Kementerian Baru" }, canArchive: true });

    const again = await postOrg(w.cookies.admin, { intent: "archive-org", reason: "Sekali lagi", confirm: "yes" });
    expect(again.data).toMatchObject({ formError: "orgs.alreadyArchived" });
  });

  test("the list hides archived organisations by default and shows them after the active ones on request", async () => {
    expect((await listNames("/admin/organisations")).map((o) => o.name)).not.toContain("Kementerian Uji");
    const all = await listNames("/admin/organisations?archived=1");
    expect(all.at(-1)).toMatchObject({ name: "Kementerian Uji", archived_at: expect.any(String) });
    expect(all.slice(0, -1).every((o) => o.archived_at === null)).toBe(true);
    const counted = await callLoader(orgList, { path: "/admin/organisations", cookie: w.cookies.admin });
    expect(counted.data).toMatchObject({ archivedCount: 1 });
  });

  test("while archived nothing new is created in it, each refusal a 400 with a readable message", async () => {
    const refused = { formError: "orgs.archivedReadOnly" };
    const admin = w.cookies.admin;
    const period = await callAction(periods, { path: "/x", params: { orgId: w.ministry.id }, cookie: admin, form: { intent: "add-period", year: "2030" } });
    expect([period.status, period.data]).toMatchObject([400, refused]);
    const unit = await postOrg(admin, { intent: "add-unit", parentId: "", name: "Badan Baru", kind: "eselon1" });
    expect([unit.status, unit.data]).toMatchObject([400, refused]);
    // An open period (the 2025 one was closed above), so the refusal is about the archive.
    const open = await db.selectFrom("period").select("id").where("organisation_id", "=", w.ministry.id).where("status", "=", "open").executeTakeFirstOrThrow();
    const created = await callAction(assessments, { path: "/assessments", cookie: admin, form: { unitIds: w.eselon1.id, periodId: open.id, instrumentId: "zi-2021" } });
    expect([created.status, created.data]).toMatchObject([400, refused]);
    const user = await callAction(users, { path: "/admin/users", cookie: admin, form: { name: "Pegawai Baru", email: "baru@test.local", scope: w.ministry.id, role: "assessor" } });
    expect([user.status, user.data]).toMatchObject([400, refused]);
    const membership = await callAction(userDetail, {
      path: "/x",
      params: { userId: w.users.otherOrgAdmin.id },
      cookie: admin,
      form: { intent: "add-membership", scope: w.ministry.id, role: "reviewer" },
    });
    expect([membership.status, membership.data]).toMatchObject([400, refused]);

    expect(await db.selectFrom("period").select("id").where("year", "=", 2030).executeTakeFirst()).toBeUndefined();
    expect(await db.selectFrom("unit").select("id").where("name", "=", "Badan Baru").executeTakeFirst()).toBeUndefined();
    expect(await db.selectFrom("user").select("id").where("email", "=", "baru@test.local").executeTakeFirst()).toBeUndefined();
    expect(await db.selectFrom("assessment").select("id").where("unit_id", "=", w.eselon1.id).executeTakeFirst()).toBeUndefined();
    expect(await db.selectFrom("membership").select("id").where("user_id", "=", w.users.otherOrgAdmin.id).where("organisation_id", "=", w.ministry.id).executeTakeFirst()).toBeUndefined();
    // Another organisation is not affected.
    const elsewhere = await callAction(periods, { path: "/x", params: { orgId: w.other.id }, cookie: admin, form: { intent: "add-period", year: "2030" } });
    expect(elsewhere.status).toBe(200);
  });

  test("restore needs a reason, is logged, and members regain access", async () => {
    const noReason = await postOrg(w.cookies.admin, { intent: "restore-org", reason: "" });
    expect(noReason.status).toBe(400);
    expect(noReason.data).toMatchObject({ intent: "restore-org", fieldErrors: { reason: "orgs.reasonRequired" } });
    expect(await archivedAt()).not.toBeNull();

    const before = await archivedAt();
    const out = await postOrg(w.cookies.admin, { intent: "restore-org", reason: "Penggabungan dibatalkan" });
    expect(out.status).toBe(200);
    expect(out.data).toMatchObject({ ok: true, message: "orgs.restoredDone" });
    expect(await archivedAt()).toBeNull();
    const rows = await orgAudit();
    expect(rows.map((r) => r.action)).toEqual(["organisation.archive", "organisation.restore"]);
    expect(rows[1]).toMatchObject({ reason: "Penggabungan dibatalkan", actor_user_id: w.users.admin.id });
    expect(JSON.parse(rows[1]!.before_json!)).toEqual({ archived_at: before });
    expect(JSON.parse(rows[1]!.after_json!)).toEqual({ archived_at: null });

    expect(await memberAccess()).toEqual({ orgAdmin: 200, assessor: 200 });
    const twice = await postOrg(w.cookies.admin, { intent: "restore-org", reason: "Lagi" });
    expect(twice.data).toMatchObject({ formError: "orgs.notArchived" });
    const period = await callAction(periods, { path: "/x", params: { orgId: w.ministry.id }, cookie: w.cookies.orgAdmin, form: { intent: "add-period", year: "2031" } });
    expect(period.status).toBe(200);
    expect((await listNames("/admin/organisations")).map((o) => o.name)).toContain("Kementerian Uji");
  });
});
