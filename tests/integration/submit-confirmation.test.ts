// Issue #27: submitting and finalising with items missing asks for confirmation, listing what is missing.
import { beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import { outlineOf } from "~/domain/instrument/outline";
import type { Item } from "~/domain/instrument/schema";
import type { AnswerValue } from "~/domain/scoring/answers";
import { numberRange } from "~/domain/scoring/item-value";
import * as overview from "~/routes/assessments.$id._index";
import * as report from "~/routes/reports.$id";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { createAssessments } from "~/services/workbench/rollout.server";
import { hasGaps, submissionGaps, type SubmissionGaps } from "~/services/workbench/readiness.server";
import { newId } from "~/utils/ids";
import { insertLinkEvidence, makeUnit, makeUser, sessionCookie } from "../helpers/factories";
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
  return { id: created[0]!, assessorCookie: await sessionCookie(db, assessor.id) };
}

const post = (id: string, cookie: string | null, form: Record<string, string>) =>
  callAction(overview, { path: `/assessments/${id}`, params: { id }, cookie, form });
const status = async (id: string) =>
  (await db.selectFrom("assessment").select("status").where("id", "=", id).executeTakeFirstOrThrow()).status;
const seals = async (id: string) => (await db.selectFrom("seal").select("seq").where("assessment_id", "=", id).execute()).length;

/** An in-range answer for any item: the first option, counts of 1, the bottom of a number range. */
function validAnswer(item: Item, groupWeight: number): AnswerValue {
  if (item.options?.length) return item.options[0]!.code;
  if (item.type === "percent") return Object.fromEntries((item.inputs ?? []).map((i) => [i.name, 1]));
  return numberRange(item, groupWeight)?.min ?? 0;
}

async function writeAnswer(assessmentId: string, itemId: string, value: AnswerValue) {
  await db
    .insertInto("answer")
    .values({
      id: newId(),
      assessment_id: assessmentId,
      layer: "self",
      item_id: itemId,
      value_json: JSON.stringify(value),
      note: null,
      version: 1,
      carried_over: 0,
      review_status: "pending",
      review_note: null,
      updated_by: null,
      updated_at: new Date().toISOString(),
    })
    .execute();
}

/** Every item answered in range, and evidence on every item whose instrument expects it. */
async function complete(assessmentId: string) {
  const ctx = await requireAssessment(db, system(), assessmentId);
  const outline = outlineOf(ctx.instrument);
  for (const [id, item] of outline.items) {
    await writeAnswer(assessmentId, id, validAnswer(item, outline.groupWeight.get(id) ?? 0));
    if (item.evidence.length > 0)
      await insertLinkEvidence(db, {
        assessmentId,
        itemId: id,
        url: `https://contoh.go.id/${id}`,
        name: `Bukti ${id}`,
        at: new Date().toISOString(),
      });
  }
  return outline.items.size;
}

test("submit with unanswered items: 400 listing them with their area, nothing changes; with confirm=1 it is submitted", async () => {
  const a = await newAssessment("Unit Konfirmasi");
  await writeAnswer(a.id, "A.I.1.i.a", "Ya");
  const first = await post(a.id, a.assessorCookie, { intent: "submit" });
  expect(first.status).toBe(400);
  const gaps = (first.data as { gaps: SubmissionGaps; formError: string; intent: string }).gaps;
  expect(first.data).toMatchObject({ ok: false, formError: "workbench.confirmGaps", intent: "submit" });
  expect(gaps.answered).toBe(1);
  expect(gaps.total).toBeGreaterThan(100);
  expect(gaps.unanswered).toHaveLength(gaps.total - 1);
  expect(gaps.unanswered).toContainEqual({ itemId: "A.I.1.i.b", areaId: "A.I.1", href: `/assessments/${a.id}/areas/A.I.1#item-A.I.1.i.b` });
  expect(gaps.unanswered.map((g) => g.itemId)).not.toContain("A.I.1.i.a");
  // The item that expects evidence and has none is named too.
  expect(gaps.missingEvidence.map((g) => g.itemId)).toContain("A.I.1.i.a");
  expect(await status(a.id)).toBe("draft");
  expect(await seals(a.id)).toBe(0);

  // The page shows the list: the 400 keeps the overview loader working (no JS: the form renders the action data).
  const unchecked = await post(a.id, a.assessorCookie, { intent: "submit", confirm: "0" });
  expect(unchecked.status).toBe(400);
  expect(await status(a.id)).toBe("draft");

  const second = await post(a.id, a.assessorCookie, { intent: "submit", confirm: "1" });
  expect(second.status).toBe(200);
  expect(await status(a.id)).toBe("submitted");
  expect(await seals(a.id)).toBe(1);

  // Finalise likewise: the coordinator is asked first, then finalises with confirm=1.
  const fin = await post(a.id, w.cookies.coordinator, { intent: "finalise" });
  expect(fin.status).toBe(400);
  expect(fin.data).toMatchObject({ formError: "workbench.confirmGaps", intent: "finalise" });
  expect((fin.data as { gaps: SubmissionGaps }).gaps.unanswered).toContainEqual(
    expect.objectContaining({ itemId: "A.I.1.i.b", areaId: "A.I.1" }),
  );
  expect(await status(a.id)).toBe("submitted");
  expect(await db.selectFrom("score_snapshot").select("id").where("assessment_id", "=", a.id).execute()).toHaveLength(0);
  expect((await post(a.id, w.cookies.coordinator, { intent: "finalise", confirm: "1" })).status).toBe(200);
  expect(await status(a.id)).toBe("final");
});

test("a stored out-of-range answer is listed with its range and a link target", async () => {
  const a = await newAssessment("Unit Rentang");
  await writeAnswer(a.id, "B.I.1.a", 7);
  const res = await post(a.id, a.assessorCookie, { intent: "submit" });
  expect(res.status).toBe(400);
  const gaps = (res.data as { gaps: SubmissionGaps }).gaps;
  expect(gaps.outOfRange).toEqual([
    {
      itemId: "B.I.1.a",
      areaId: "B.I.1",
      href: `/assessments/${a.id}/areas/B.I.1#item-B.I.1.a`,
      key: "workbench.outOfRange",
      params: { value: 7, min: 0, max: 4 },
    },
  ]);
  expect(await status(a.id)).toBe("draft");
});

test("a complete assessment submits and finalises without confirmation", async () => {
  const a = await newAssessment("Unit Lengkap");
  const total = await complete(a.id);
  const ctx = await requireAssessment(db, system(), a.id);
  const gaps = await submissionGaps(db, ctx);
  expect(gaps).toMatchObject({ answered: total, total, unanswered: [], outOfRange: [], missingEvidence: [] });
  expect(hasGaps(gaps)).toBe(false);
  expect((await post(a.id, a.assessorCookie, { intent: "submit" })).status).toBe(200);
  expect(await status(a.id)).toBe("submitted");
  expect((await post(a.id, w.cookies.coordinator, { intent: "finalise" })).status).toBe(200);
  expect(await status(a.id)).toBe("final");
});

test("who may not submit or finalise is refused before any list is shown", async () => {
  const a = await newAssessment("Unit Tanpa Hak");
  expect((await post(a.id, w.cookies.reviewer, { intent: "submit" })).status).toBe(403);
  expect((await post(a.id, w.cookies.coordinator, { intent: "finalise" })).data).toMatchObject({ formError: "workbench.wrongStatus" });
  expect(await status(a.id)).toBe("draft");
});

test("the overview and the report show how many items are answered; the coordinator's button is named for them", async () => {
  const a = await newAssessment("Unit Kelengkapan");
  await writeAnswer(a.id, "A.I.1.i.a", "Ya");
  await writeAnswer(a.id, "A.I.1.i.b", "B");
  const ctx = await requireAssessment(db, system(), a.id);
  const total = outlineOf(ctx.instrument).items.size;
  const view = await callLoader(overview, { path: `/assessments/${a.id}`, params: { id: a.id }, cookie: w.cookies.coordinator });
  expect(view.data).toMatchObject({ completeness: { answered: 2, total }, role: "coordinator" });
  const assessorView = await callLoader(overview, { path: `/assessments/${a.id}`, params: { id: a.id }, cookie: a.assessorCookie });
  expect(assessorView.data).toMatchObject({ role: "assessor" });
  const printed = await callLoader(report, { path: `/reports/${a.id}`, params: { id: a.id }, cookie: w.cookies.coordinator });
  expect(printed.status).toBe(200);
  expect(printed.data).toMatchObject({ completeness: { answered: 2, total } });
});
