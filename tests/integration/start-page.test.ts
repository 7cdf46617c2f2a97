/**
 * Issue #27: the start page is each role's start — the assessor's open work with progress and the
 * areas assigned to them, items sent back, windows closing soon; the coordinator's review queue;
 * the evaluator's queue; notifications. Read through the same scope rules as the pages it links.
 */
import { beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import * as home from "~/routes/_index";
import { todayWib } from "~/services/workbench/rules";
import { callLoader } from "../helpers/remix";
import { type World, freshWorld } from "../helpers/world";

let db: Db;
let w: World;
type Start = {
  work: Array<{
    id: string;
    answered: number;
    itemCount: number | null;
    assigned: string[];
    window: { kind: string; daysLeft: number } | null;
  }>;
  returned: Array<{ assessmentId: string; itemId: string }>;
  closingSoon: Array<{ id: string }>;
  toReview: Array<{ id: string }>;
  toEvaluate: Array<{ id: string }>;
};
const startOf = async (cookie: string | null) => ((await callLoader(home, { path: "/", cookie })).data as { start: Start }).start;
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  ({ db, w } = await freshWorld());
  await db
    .updateTable("period")
    .set({ fill_end: addDays(todayWib(), 5) })
    .where("id", "=", w.periodId)
    .execute();
  await db
    .insertInto("assignment")
    .values({
      id: "asg-start-1",
      assessment_id: w.assessmentId,
      node_id: "A.I.1",
      user_id: w.users.assessor.id,
      created_at: new Date().toISOString(),
    })
    .execute();
  await db
    .insertInto("answer")
    .values({
      id: "ans-start-1",
      assessment_id: w.assessmentId,
      layer: "self",
      item_id: "A.I.1.i.b",
      value_json: JSON.stringify("B"),
      note: null,
      version: 1,
      carried_over: 0,
      review_status: "returned",
      review_note: "lengkapi bukti",
      updated_at: new Date().toISOString(),
      updated_by: w.users.coordinator.id,
    })
    .execute();
});

test("the assessor sees their open assessment with progress, their areas, the window closing in 5 days and the item sent back", async () => {
  const s = await startOf(w.cookies.assessor);
  const mine = s.work.find((a) => a.id === w.assessmentId)!;
  expect(mine).toBeTruthy();
  expect(mine.itemCount).toBe(113);
  expect(mine.answered).toBeGreaterThanOrEqual(1);
  expect(mine.assigned).toEqual(["A.I.1"]);
  expect(mine.window).toEqual({ kind: "fill", end: addDays(todayWib(), 5), daysLeft: 5 });
  expect(s.closingSoon.map((a) => a.id)).toContain(w.assessmentId);
  expect(s.returned).toEqual([
    { assessmentId: w.assessmentId, unitName: expect.any(String), year: 2025, itemId: "A.I.1.i.b", areaId: "A.I.1" },
  ]);
  // Not the other organisation's assessment, and no evaluator queue for an assessor.
  expect(s.work.map((a) => a.id)).not.toContain(w.otherAssessmentId);
  expect(s.toEvaluate).toEqual([]);
});

test("the coordinator's review queue and the evaluator's queue hold the submitted assessment", async () => {
  expect((await startOf(w.cookies.coordinator)).toReview.map((a) => a.id)).toContain(w.submittedAssessmentId);
  const evaluator = await startOf(w.cookies.evaluator);
  expect(evaluator.toEvaluate.map((a) => a.id)).toContain(w.submittedAssessmentId);
  expect(evaluator.work).toEqual([]);
});

test("an assessment leaves the evaluator's queue once the layers they score are released", async () => {
  for (const layer of ["internal", "external"] as const) {
    await db
      .insertInto("layer_release")
      .values({
        id: `rel-start-${layer}`,
        assessment_id: w.submittedAssessmentId,
        layer,
        released_at: new Date().toISOString(),
        released_by: w.users.admin.id,
        revoked_at: null,
        revoked_by: null,
        revoke_reason: null,
      })
      .execute();
  }
  expect((await startOf(w.cookies.evaluator)).toEvaluate.map((a) => a.id)).not.toContain(w.submittedAssessmentId);
});
