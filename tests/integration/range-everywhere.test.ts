import { beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import { loadActor } from "~/auth/require.server";
import { saveIndividualAnswer, startRounds } from "~/services/blind/rounds.server";
import { saveEvaluatorAnswer } from "~/services/evaluation/layers.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { createAssessments } from "~/services/workbench/rollout.server";
import { saveFromForm } from "~/services/workbench/save-form.server";
import { makeUnit, makeUser } from "../helpers/factories";
import { type World, freshWorld } from "../helpers/world";

/**
 * Issue #27: a number outside its item's range is refused wherever it is typed — the team's answer,
 * a rater's answer in a blind round and an evaluator's adjusted score — with the range in the message,
 * never stored and clamped quietly.
 */
let db: Db;
let w: World;
const system = () => ({ id: w.users.admin.id, isAdmin: true, memberships: [] });
const userRow = (id: string) => db.selectFrom("user").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

beforeAll(async () => {
  ({ db, w } = await freshWorld());
});

async function fixture(name: string) {
  const unit = await makeUnit(db, w.ministry.id, w.eselon1, name);
  const { created } = await createAssessments(db, system(), { unitIds: [unit.id], periodId: w.periodId, instrumentId: "zi-2021", carryForward: false });
  const a = await loadActor(db, await userRow((await makeUser(db, { role: "assessor", organisationId: w.ministry.id, unitId: unit.id })).id));
  const b = await loadActor(db, await userRow((await makeUser(db, { role: "assessor", organisationId: w.ministry.id, unitId: unit.id })).id));
  return { id: created[0]!, a, b };
}

test("a rater's blind answer outside 0–4 is refused with the range; inside it is kept", async () => {
  const f = await fixture("Unit Rentang Buta");
  const coord = await loadActor(db, await userRow(w.users.coordinator.id));
  await startRounds(db, coord, await requireAssessment(db, coord, f.id, "assessment.fill"), { areaIds: ["B.I.1"], raterIds: [f.a.id, f.b.id] });
  const ctx = await requireAssessment(db, f.a, f.id, "assessment.fill");
  await expect(saveIndividualAnswer(db, f.a, ctx, { itemId: "B.I.1.a", baseVersion: 0, value: 5, note: null })).rejects.toMatchObject({
    key: "workbench.outOfRange",
    problem: { field: "value", params: { value: 5, min: 0, max: 4 } },
  });
  await expect(saveIndividualAnswer(db, f.a, ctx, { itemId: "B.I.1.a", baseVersion: 0, value: -1, note: null })).rejects.toMatchObject({
    key: "workbench.outOfRange",
  });
  expect(await db.selectFrom("individual_answer").select("id").where("assessment_id", "=", f.id).execute()).toEqual([]);
  expect(await saveIndividualAnswer(db, f.a, ctx, { itemId: "B.I.1.a", baseVersion: 0, value: 3.62, note: null })).toMatchObject({ ok: true });
  // The form path answers 400 with the parameters, so the message names the value and the range.
  const viaForm = await saveFromForm(db, f.b, await requireAssessment(db, f.b, f.id, "assessment.fill"), { itemId: "B.I.1.a", baseVersion: "0", value: "4,5" });
  expect(viaForm).toMatchObject({ status: 400, body: { formError: "workbench.outOfRange" } });
});

test("an evaluator's adjusted score outside the range is refused; agreeing with the team needs no range of its own", async () => {
  const f = await fixture("Unit Rentang Evaluator");
  const team = await requireAssessment(db, f.a, f.id, "assessment.fill");
  expect((await saveFromForm(db, f.a, team, { itemId: "B.I.1.a", baseVersion: "0", value: "3,5" })).status).toBe(200);
  await db.updateTable("assessment").set({ status: "submitted" }).where("id", "=", f.id).execute();
  const ctx = await requireAssessment(db, system(), f.id);
  const evaluator = await makeUser(db, { role: "evaluator", organisationId: w.ministry.id });
  const actor = { id: evaluator.id, isAdmin: false, memberships: [{ organisationId: w.ministry.id, unitId: null, unitPath: null, role: "evaluator" as const }] };
  await expect(
    saveEvaluatorAnswer(db, actor, ctx, { layer: "external", itemId: "B.I.1.a", decision: "adjust", value: 4.2, note: "terlalu tinggi", recommendation: null }),
  ).rejects.toMatchObject({ key: "workbench.outOfRange", problem: { params: { value: 4.2, min: 0, max: 4 } } });
  const stored = await db.selectFrom("answer").select("id").where("assessment_id", "=", f.id).where("layer", "=", "external").execute();
  expect(stored).toEqual([]);
  await saveEvaluatorAnswer(db, actor, ctx, { layer: "external", itemId: "B.I.1.a", decision: "adjust", value: 3.1, note: "sesuai survei", recommendation: null });
  await saveEvaluatorAnswer(db, actor, ctx, { layer: "external", itemId: "B.I.1.a", decision: "agree", value: null, note: null, recommendation: null });
  const row = await db.selectFrom("answer").select("value_json").where("assessment_id", "=", f.id).where("layer", "=", "external").executeTakeFirstOrThrow();
  expect(JSON.parse(row.value_json!)).toBe(3.5);
});
