/**
 * Issue #27: "confirm all carried-over answers" in an area or in the whole assessment
 * (POST /assessments/:id/confirm-carried). Each confirmation is a single confirm: an `answer.confirm`
 * audit row, the same assignment, status and window rules; what the user may not change is skipped
 * and counted.
 */
import { beforeEach, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import { outlineOf } from "~/domain/instrument/outline";
import { loadActor } from "~/auth/require.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { createAssessments } from "~/services/workbench/rollout.server";
import { insertAnswer } from "~/services/workbench/answer-row.server";
import * as route from "../../app/routes/assessments.$id.confirm-carried";
import { freshDb } from "../helpers/db";
import { makeOrg, makePeriod, makeUnit, makeUser, sessionCookie } from "../helpers/factories";
import { callAction } from "../helpers/remix";

let db: Db;
let assessmentId: string;
let coordinator: string;
let assessor: string;
let periodId: string;
/** Two carried-over option answers in each of the first two areas. */
let areaA: string;
let areaB: string;
let itemsA: string[];
let itemsB: string[];

beforeEach(async () => {
  db = await freshDb();
  const org = await makeOrg(db);
  const unit = await makeUnit(db, org.id);
  coordinator = (await makeUser(db, { role: "coordinator", organisationId: org.id, unitId: unit.id })).id;
  assessor = (await makeUser(db, { role: "assessor", organisationId: org.id, unitId: unit.id })).id;
  periodId = await makePeriod(db, org.id, 2025);
  const system = { id: coordinator, isAdmin: true, memberships: [] };
  [assessmentId] = (await createAssessments(db, system, { unitIds: [unit.id], periodId, instrumentId: "zi-2021", carryForward: false })).created as [string];
  const actor = await loadActor(db, await db.selectFrom("user").selectAll().where("id", "=", coordinator).executeTakeFirstOrThrow());
  const outline = outlineOf((await requireAssessment(db, actor, assessmentId)).instrument);
  const optionItems = (areaIndex: number) =>
    outline.areas[areaIndex]!.groups.flatMap((g) => g.items).filter((i) => (i.options?.length ?? 0) > 0).slice(0, 2);
  [areaA, areaB] = [outline.areas[0]!.id, outline.areas[1]!.id];
  const a = optionItems(0);
  const b = optionItems(1);
  itemsA = a.map((i) => i.id);
  itemsB = b.map((i) => i.id);
  for (const i of [...a, ...b]) {
    await insertAnswer(db, {
      assessmentId, layer: "self", itemId: i.id, valueJson: JSON.stringify(i.options![0]!.code), note: "dari 2024", version: 1, carriedOver: true, actorId: coordinator, now: new Date().toISOString(),
    });
  }
});

const post = async (userId: string, form: Record<string, string>) =>
  callAction(route, { path: `/assessments/${assessmentId}/confirm-carried`, cookie: await sessionCookie(db, userId), params: { id: assessmentId }, form });

const carried = async () =>
  (await db.selectFrom("answer").select("item_id").where("assessment_id", "=", assessmentId).where("carried_over", "=", 1).orderBy("item_id").execute()).map((r) => r.item_id);
const confirms = async () =>
  (await db.selectFrom("audit_log").select(["entity_id", "actor_user_id"]).where("action", "=", "answer.confirm").orderBy("entity_id").execute());

test("the coordinator confirms one area: its carried answers only, one answer.confirm each, values kept", async () => {
  const out = await post(coordinator, { area: areaA, redirectTo: `/assessments/${assessmentId}/areas/${areaA}` });
  expect(out.status).toBe(302);
  expect(out.location).toBe(`/assessments/${assessmentId}/areas/${areaA}?carried.confirmed=2&carried.skipped=0`);
  expect(await carried()).toEqual([...itemsB].sort());
  expect(await confirms()).toEqual(itemsA.map((i) => ({ entity_id: `${assessmentId}:${i}`, actor_user_id: coordinator })).sort((x, y) => x.entity_id.localeCompare(y.entity_id)));
  const rows = await db.selectFrom("answer").select(["item_id", "version", "note"]).where("assessment_id", "=", assessmentId).where("item_id", "in", itemsA).execute();
  for (const r of rows) expect(r).toMatchObject({ version: 2, note: "dari 2024" });
  // No area: the whole assessment, back to the overview by default.
  const all = await post(coordinator, {});
  expect(all.location).toBe(`/assessments/${assessmentId}?carried.confirmed=2&carried.skipped=0`);
  expect(await carried()).toEqual([]);
  expect(await confirms()).toHaveLength(4);
});

test("an assessor assigned to one area confirms the assessment: the other area's answers are skipped and counted", async () => {
  await db
    .insertInto("assignment")
    .values({ id: `as-${assessmentId}`, assessment_id: assessmentId, node_id: areaA, user_id: assessor, created_at: new Date().toISOString() })
    .execute();
  const out = await post(assessor, { redirectTo: `/assessments/${assessmentId}/areas/${areaB}` });
  expect(out.location).toBe(`/assessments/${assessmentId}/areas/${areaB}?carried.confirmed=2&carried.skipped=2`);
  expect(await carried()).toEqual([...itemsB].sort());
  expect((await confirms()).map((c) => c.actor_user_id)).toEqual([assessor, assessor]);
  // Asked for the other area only: nothing confirmed, both skipped.
  expect((await post(assessor, { area: areaB })).location).toBe(`/assessments/${assessmentId}?carried.confirmed=0&carried.skipped=2`);
});

test("a closed fill window or a final assessment: nothing is confirmed, everything is counted as skipped", async () => {
  await db.updateTable("period").set({ fill_end: "2000-01-01" }).where("id", "=", periodId).execute();
  expect((await post(assessor, {})).location).toBe(`/assessments/${assessmentId}?carried.confirmed=0&carried.skipped=4`);
  await db.updateTable("period").set({ fill_end: null }).where("id", "=", periodId).execute();
  await db.updateTable("assessment").set({ status: "final" }).where("id", "=", assessmentId).execute();
  expect((await post(coordinator, { area: areaA })).location).toBe(`/assessments/${assessmentId}?carried.confirmed=0&carried.skipped=2`);
  expect(await carried()).toHaveLength(4);
  expect(await confirms()).toEqual([]);
});

test("an unknown area is refused", async () => {
  expect((await post(coordinator, { area: "Z.9" })).status).toBe(400);
});
