/**
 * Issue #27, admins: the audit log page filters by who, what, when (WIB days) and assessment, pages
 * through everything (keyset, no entry twice or skipped), names actions in words and links objects.
 */
import { beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import * as auditRoute from "~/routes/admin.audit";
import { writeAudit } from "~/services/admin/audit.server";
import { wibDayStart } from "~/services/admin/audit-log.server";
import { callLoader } from "../helpers/remix";
import { type World, freshWorld } from "../helpers/world";

let db: Db;
let w: World;
type Page = {
  entries: Array<{
    id: string;
    action: string;
    actorName: string | null;
    entity: { kind: string; href: string | null; item: string | null };
  }>;
  next: string | null;
};
const load = async (cookie: string | null, query = "") => {
  const r = await callLoader(auditRoute, { path: `/admin/audit${query}`, cookie });
  return { status: r.status, data: r.data as Page };
};

beforeAll(async () => {
  ({ db, w } = await freshWorld());
  // 130 entries over three WIB days: answers of the world's assessment, a user change, and another organisation's entry.
  const base = Date.parse("2026-11-30T17:30:00.000Z"); // 1 Dec 2026, 00:30 WIB
  for (let i = 0; i < 120; i++) {
    await writeAudit(
      db,
      {
        actorUserId: w.users.assessor.id,
        organisationId: w.ministry.id,
        action: "answer.save",
        entityType: "answer",
        entityId: `${w.assessmentId}:A.I.1.i.a`,
        after: { i },
      },
      new Date(base + i * 30 * 60_000),
    );
  }
  await writeAudit(
    db,
    {
      actorUserId: w.users.admin.id,
      organisationId: w.ministry.id,
      action: "user.update",
      entityType: "user",
      entityId: w.users.assessor.id,
    },
    new Date(base + 3_600_000),
  );
  await writeAudit(
    db,
    { actorUserId: w.users.admin.id, organisationId: w.other.id, action: "unit.create", entityType: "unit", entityId: "x" },
    new Date(base),
  );
});

test("pages through every entry once, newest first, 50 at a time", async () => {
  const seen: string[] = [];
  let query = "?action=answer.save";
  for (let guard = 0; guard < 10; guard++) {
    const { data } = await load(w.cookies.admin, query);
    seen.push(...data.entries.map((e) => e.id));
    if (!data.next) break;
    query = `?action=answer.save&after=${encodeURIComponent(data.next)}`;
  }
  expect(seen).toHaveLength(new Set(seen).size);
  const all = await db.selectFrom("audit_log").select("id").where("action", "=", "answer.save").execute();
  expect(seen.length).toBe(all.length);
});

test("filters by actor, action, WIB day and assessment; objects are linked", async () => {
  const byDay = await load(w.cookies.admin, "?action=answer.save&from=2026-12-01&to=2026-12-01");
  // 1 Dec WIB: 00:30 … 23:30, every half hour → 47 entries.
  const rows = await db
    .selectFrom("audit_log")
    .select("id")
    .where("action", "=", "answer.save")
    .where("at", ">=", wibDayStart("2026-12-01"))
    .where("at", "<", wibDayStart("2026-12-02"))
    .execute();
  expect(byDay.data.entries.length).toBe(Math.min(50, rows.length));
  expect(rows.length).toBe(47);
  const who = await load(w.cookies.admin, `?actor=${w.users.admin.id}&from=2026-12-01&to=2026-12-03`);
  expect(new Set(who.data.entries.map((e) => e.action))).toEqual(new Set(["user.update", "unit.create"]));
  const user = who.data.entries.find((e) => e.action === "user.update")!;
  expect(user.entity).toMatchObject({ kind: "user", href: `/admin/users/${w.users.assessor.id}` });
  const ofAssessment = await load(w.cookies.admin, `?assessment=${w.assessmentId}`);
  expect(ofAssessment.data.entries.length).toBeGreaterThan(0);
  for (const e of ofAssessment.data.entries) expect(e.entity.href).toBe(`/assessments/${w.assessmentId}`);
  expect(ofAssessment.data.entries.find((e) => e.action === "answer.save")!.entity).toMatchObject({ kind: "item", item: "A.I.1.i.a" });
});

test("an organisation's reader sees only its organisations; a bad filter is ignored, not an error", async () => {
  const orgAdmin = await load(w.cookies.orgAdmin, `?actor=${w.users.admin.id}&from=2026-12-01&to=2026-12-03`);
  expect(orgAdmin.status).toBe(200);
  expect(orgAdmin.data.entries.map((e) => e.action)).toEqual(["user.update"]);
  const bad = await load(w.cookies.admin, "?from=kemarin&to=2026-13-45x&after=x");
  expect(bad.status).toBe(200);
  expect(bad.data.entries.length).toBe(50);
  const nobody = await load(w.cookies.admin, "?actor=%27%3B--");
  expect(nobody.status).toBe(200);
  expect(nobody.data.entries).toEqual([]);
  expect((await load(w.cookies.assessor)).status).toBe(403);
});
