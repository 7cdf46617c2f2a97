import { beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import { scoreAssessment } from "~/domain/scoring/score";
import * as answersRoute from "~/routes/assessments.$id.answers";
import * as areaRoute from "~/routes/assessments.$id.areas.$area";
import * as overview from "~/routes/assessments.$id._index";
import * as list from "~/routes/assessments._index";
import { answersObject, loadAnswers } from "~/services/workbench/answers.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { createAssessments } from "~/services/workbench/rollout.server";
import { readiness } from "~/services/workbench/readiness.server";
import { makeUnit, makeUser, sessionCookie, makePeriod } from "../helpers/factories";
import { callAction, callLoader } from "../helpers/remix";
import { type World, freshWorld } from "../helpers/world";

let db: Db;
let w: World;
const system = () => ({ id: w.users.admin.id, isAdmin: true, memberships: [] });

beforeAll(async () => {
  ({ db, w } = await freshWorld());
});

async function newAssessment(unitName: string) {
  const unit = await makeUnit(db, w.ministry.id, w.eselon1, unitName);
  const { created } = await createAssessments(db, system(), {
    unitIds: [unit.id],
    periodId: w.periodId,
    instrumentId: "zi-2021",
    carryForward: false,
  });
  const assessor = await makeUser(db, { role: "assessor", organisationId: w.ministry.id, unitId: unit.id });
  return { unit, id: created[0]!, assessorCookie: await sessionCookie(db, assessor.id) };
}

const save = (id: string, cookie: string | null, form: Record<string, string>) =>
  callAction(answersRoute, { path: `/assessments/${id}/answers`, params: { id }, cookie, form });
const post = (id: string, cookie: string | null, form: Record<string, string>) =>
  callAction(overview, { path: `/assessments/${id}`, params: { id }, cookie, form });
const postArea = (id: string, cookie: string | null, form: Record<string, string>, area = "A.I.1") =>
  callAction(areaRoute, { path: `/assessments/${id}/areas/${area}`, params: { id, area }, cookie, form });

test("a save based on a stale version is refused with the other person's value; both values stay in history", async () => {
  const a = await newAssessment("Unit Konflik");
  const first = await save(a.id, a.assessorCookie, { itemId: "A.I.1.i.b", baseVersion: "0", value: "A", note: "dari sesi 1" });
  expect(first.status).toBe(200);
  expect(first.data).toMatchObject({ ok: true, version: 1 });
  const second = await save(a.id, w.cookies.coordinator, { itemId: "A.I.1.i.b", baseVersion: "0", value: "C" });
  expect(second.status).toBe(409);
  expect(second.data).toMatchObject({ ok: false, conflict: { value: "A", note: "dari sesi 1", version: 1 } });
  const keepMine = await save(a.id, w.cookies.coordinator, { itemId: "A.I.1.i.b", baseVersion: "1", value: "C" });
  expect(keepMine.data).toMatchObject({ ok: true, version: 2 });
  const history = await db
    .selectFrom("audit_log")
    .select(["after_json"])
    .where("entity_id", "=", `${a.id}:A.I.1.i.b`)
    .orderBy("at")
    .execute();
  expect(history.map((h) => JSON.parse(h.after_json!).value)).toEqual(["A", "C"]);
});

test("answers that do not fit the item are refused with a readable message, never stored as 0", async () => {
  const a = await newAssessment("Unit Validasi");
  const letter = await save(a.id, a.assessorCookie, { itemId: "A.I.1.i.a", baseVersion: "0", value: "B" });
  expect(letter.status).toBe(400);
  expect(letter.data).toMatchObject({ formError: "workbench.invalidAnswer" });
  const negative = await save(a.id, a.assessorCookie, { itemId: "A.II.1.i.a", baseVersion: "0", "in.agen": "-2", "in.perubahan": "1" });
  expect(negative.status).toBe(400);
  const unknown = await save(a.id, a.assessorCookie, { itemId: "Z.9.9.a", baseVersion: "0", value: "Ya" });
  expect(unknown.data).toMatchObject({ formError: "workbench.unknownItem" });
  const ratio = await save(a.id, a.assessorCookie, { itemId: "A.II.1.i.a", baseVersion: "0", "in.agen": "4", "in.perubahan": "3" });
  expect(ratio.status).toBe(200);
  const survey = await save(a.id, a.assessorCookie, { itemId: "B.I.1.a", baseVersion: "0", value: "3,60" });
  expect(survey.status).toBe(200);
  const rows = answersObject(await loadAnswers(db, a.id));
  expect(rows).toEqual({ "A.II.1.i.a": { agen: 4, perubahan: 3 }, "B.I.1.a": 3.6 });
});

test("workflow: submit locks assessors out, one item goes back, is fixed, and the final snapshot equals the engine", async () => {
  const a = await newAssessment("Unit Alur");
  expect((await save(a.id, a.assessorCookie, { itemId: "A.I.1.i.a", baseVersion: "0", value: "Ya" })).status).toBe(200);
  expect((await save(a.id, a.assessorCookie, { itemId: "A.I.1.i.b", baseVersion: "0", value: "B" })).status).toBe(200);
  expect((await post(a.id, w.cookies.coordinator, { intent: "finalise" })).data).toMatchObject({ formError: "workbench.wrongStatus" });
  expect((await post(a.id, a.assessorCookie, { intent: "submit", confirm: "1" })).status).toBe(200);
  expect((await save(a.id, a.assessorCookie, { itemId: "A.I.1.i.a", baseVersion: "1", value: "Tidak" })).data).toMatchObject({
    formError: "workbench.locked",
  });

  const noNote = await postArea(a.id, w.cookies.coordinator, { intent: "return", itemId: "A.I.1.i.b" });
  expect(noNote.status).toBe(400);
  expect(
    (await postArea(a.id, w.cookies.coordinator, { intent: "return", itemId: "A.I.1.i.b", note: "Lampirkan notulen seleksi" })).status,
  ).toBe(200);
  expect((await postArea(a.id, w.cookies.coordinator, { intent: "approve", itemId: "A.I.1.i.a" })).status).toBe(200);
  const view = await callLoader(areaRoute, { path: "/x", params: { id: a.id, area: "A.I.1" }, cookie: a.assessorCookie });
  const v = view.data as {
    editable: string[];
    answers: Record<string, { reviewStatus: string; reviewNote: string }>;
    assessment: { status: string };
  };
  expect(v.assessment.status).toBe("returned");
  expect(v.editable).toEqual(["A.I.1.i.b"]);
  expect(v.answers["A.I.1.i.b"]).toMatchObject({ reviewStatus: "returned", reviewNote: "Lampirkan notulen seleksi" });
  expect((await save(a.id, a.assessorCookie, { itemId: "A.I.1.i.a", baseVersion: "1", value: "Tidak" })).data).toMatchObject({
    formError: "workbench.notReturned",
  });
  expect((await save(a.id, a.assessorCookie, { itemId: "A.I.1.i.b", baseVersion: "1", value: "A" })).status).toBe(200);
  expect((await post(a.id, w.cookies.coordinator, { intent: "finalise" })).data).toMatchObject({ formError: "workbench.returnedOpen" });
  expect((await post(a.id, a.assessorCookie, { intent: "submit", confirm: "1" })).status).toBe(200);
  expect((await post(a.id, a.assessorCookie, { intent: "finalise" })).status).toBe(403);
  expect((await post(a.id, w.cookies.coordinator, { intent: "finalise", confirm: "1" })).status).toBe(200);

  const snap = await db.selectFrom("score_snapshot").selectAll().where("assessment_id", "=", a.id).executeTakeFirstOrThrow();
  const ctx = await requireAssessment(db, system(), a.id);
  const expected = scoreAssessment(ctx.instrument, { "A.I.1.i.a": "Ya", "A.I.1.i.b": "A" });
  expect(snap.total).toBe(expected.total);
  expect(JSON.parse(snap.answers_json)).toEqual({ "A.I.1.i.a": "Ya", "A.I.1.i.b": "A" });
  const nodes = await db.selectFrom("score_snapshot_node").selectAll().where("snapshot_id", "=", snap.id).execute();
  expect(nodes.length).toBe(Object.keys(expected.nodes).length);
  expect(nodes.find((n) => n.node_id === "A.I.1.i")!.value).toBe(expected.nodes["A.I.1.i"]!.value);
  expect((await save(a.id, w.cookies.coordinator, { itemId: "A.I.1.i.a", baseVersion: "1", value: "Tidak" })).data).toMatchObject({
    formError: "workbench.locked",
  });

  expect((await post(a.id, w.cookies.coordinator, { intent: "reopen", reason: "salah" })).status).toBe(403);
  expect((await post(a.id, w.cookies.orgAdmin, { intent: "reopen", reason: "" })).status).toBe(400);
  expect((await post(a.id, w.cookies.orgAdmin, { intent: "reopen", reason: "Koreksi data capaian" })).status).toBe(200);
  const audit = await db
    .selectFrom("audit_log")
    .select(["action", "reason"])
    .where("entity_id", "=", a.id)
    .where("action", "=", "assessment.submitted")
    .execute();
  expect(audit.some((r) => r.reason === "Koreksi data capaian")).toBe(true);
});

test("stage windows bind assessors; an administrator may override with a logged reason", async () => {
  const a = await newAssessment("Unit Jadwal");
  await db.updateTable("period").set({ fill_end: "2000-01-31" }).where("id", "=", w.periodId).execute();
  try {
    expect((await save(a.id, a.assessorCookie, { itemId: "A.I.1.i.a", baseVersion: "0", value: "Ya" })).data).toMatchObject({
      formError: "workbench.windowClosed",
    });
    expect((await save(a.id, w.cookies.admin, { itemId: "A.I.1.i.a", baseVersion: "0", value: "Ya" })).data).toMatchObject({
      formError: "workbench.reasonRequired",
    });
    expect(
      (
        await save(a.id, w.cookies.admin, {
          itemId: "A.I.1.i.a",
          baseVersion: "0",
          value: "Ya",
          overrideReason: "Perpanjangan disetujui Karo",
        })
      ).status,
    ).toBe(200);
    const row = await db
      .selectFrom("audit_log")
      .select("reason")
      .where("action", "=", "window.override")
      .where("entity_id", "=", a.id)
      .executeTakeFirstOrThrow();
    expect(row.reason).toBe("Perpanjangan disetujui Karo");
  } finally {
    await db.updateTable("period").set({ fill_end: null }).where("id", "=", w.periodId).execute();
  }
});

test("an assessor of one unit gets 404 for a sibling unit's assessment, pages and saves", async () => {
  const a = await newAssessment("Unit A");
  const b = await newAssessment("Unit B");
  expect((await callLoader(overview, { path: "/x", params: { id: b.id }, cookie: a.assessorCookie })).status).toBe(404);
  expect((await callLoader(areaRoute, { path: "/x", params: { id: b.id, area: "A.I.1" }, cookie: a.assessorCookie })).status).toBe(404);
  expect((await save(b.id, a.assessorCookie, { itemId: "A.I.1.i.a", baseVersion: "0", value: "Ya" })).status).toBe(404);
  const mine = await callLoader(list, { path: "/assessments", cookie: a.assessorCookie });
  expect((mine.data as { rows: { id: string }[] }).rows.map((r) => r.id)).toEqual([a.id]);
  expect((await callLoader(areaRoute, { path: "/x", params: { id: a.id, area: "Z.9" }, cookie: a.assessorCookie })).status).toBe(404);
});

test("carry-forward copies answers marked for confirmation; progress counts only confirmed ones", async () => {
  const unit = await makeUnit(db, w.ministry.id, w.eselon1, "Unit Lanjutan");
  const prevPeriod = "prev-" + w.periodId;
  await makePeriod(db, w.ministry.id, 2024, { id: prevPeriod });
  const [prev] = (
    await createAssessments(db, system(), { unitIds: [unit.id], periodId: prevPeriod, instrumentId: "zi-2021", carryForward: false })
  ).created;
  const assessor = await makeUser(db, { role: "assessor", organisationId: w.ministry.id, unitId: unit.id });
  const cookie = await sessionCookie(db, assessor.id);
  await save(prev!, cookie, { itemId: "A.I.1.i.a", baseVersion: "0", value: "Ya" });
  await save(prev!, cookie, { itemId: "A.I.1.i.b", baseVersion: "0", value: "B" });
  const [next] = (
    await createAssessments(db, system(), { unitIds: [unit.id], periodId: w.periodId, instrumentId: "zi-2021", carryForward: true })
  ).created;
  const rows = await loadAnswers(db, next!);
  expect(rows.map((r) => [r.item_id, r.carried_over])).toEqual(
    expect.arrayContaining([
      ["A.I.1.i.a", 1],
      ["A.I.1.i.b", 1],
    ]),
  );
  const listed = await callLoader(list, { path: "/assessments", cookie });
  expect((listed.data as { rows: { id: string; answered: number; confirmed: number }[] }).rows.find((r) => r.id === next)).toMatchObject({
    answered: 2,
    confirmed: 0,
  });
  const ctx = await requireAssessment(db, system(), next!);
  expect((await readiness(db, ctx)).unconfirmed.map((i) => i.itemId)).toEqual(["A.I.1.i.a", "A.I.1.i.b"]);
  expect((await save(next!, cookie, { itemId: "A.I.1.i.a", baseVersion: "1", value: "Ya" })).status).toBe(200);
  const after = await loadAnswers(db, next!);
  expect(after.find((r) => r.item_id === "A.I.1.i.a")!.carried_over).toBe(0);
  const again = await createAssessments(db, system(), {
    unitIds: [unit.id],
    periodId: w.periodId,
    instrumentId: "zi-2021",
    carryForward: true,
  });
  expect(again).toEqual({ created: [], skipped: [unit.id] });
});
