/**
 * Assigning areas to assessors: idempotent (a double submit, even at two server processes at once,
 * neither fails nor logs twice), and only changes are audited.
 */
import { beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import { loadActor } from "~/auth/require.server";
import { requireAssessment, type AssessmentContext } from "~/services/workbench/assessments.server";
import { createAssessments } from "~/services/workbench/rollout.server";
import { outlineOf } from "~/domain/instrument/outline";
import { setAssignment } from "~/services/workbench/workflow.server";
import { freshDb } from "../helpers/db";
import { makeOrg, makeUnit, makeUser, makePeriod } from "../helpers/factories";

let db: Db;
let coordinator: Actor;
let assessorId: string;
let ctx: AssessmentContext;
let areaId: string;
beforeAll(async () => {
  db = await freshDb();
  const org = await makeOrg(db);
  const unit = await makeUnit(db, org.id);
  const coord = await makeUser(db, { role: "coordinator", organisationId: org.id, unitId: unit.id });
  assessorId = (await makeUser(db, { role: "assessor", organisationId: org.id, unitId: unit.id })).id;
  coordinator = await loadActor(db, await db.selectFrom("user").selectAll().where("id", "=", coord.id).executeTakeFirstOrThrow());
  const periodId = await makePeriod(db, org.id, 2025);
  const system = { id: coord.id, isAdmin: true, memberships: [] };
  const [assessmentId] = (
    await createAssessments(db, system, { unitIds: [unit.id], periodId, instrumentId: "zi-2021", carryForward: false })
  ).created;
  ctx = await requireAssessment(db, coordinator, assessmentId!);
  areaId = outlineOf(ctx.instrument).areas[0]!.id;
});

const rows = () =>
  db.selectFrom("assignment").select("id").where("assessment_id", "=", ctx.assessment.id).where("node_id", "=", areaId).execute();
const audits = async (action: string) =>
  (await db.selectFrom("audit_log").select("id").where("action", "=", action).where("entity_id", "=", ctx.assessment.id).execute()).length;

test("the same assignment sent three times at once: one row, one audit entry", async () => {
  await Promise.all([1, 2, 3].map(() => setAssignment(db, coordinator, ctx, areaId, assessorId, true)));
  expect(await rows()).toHaveLength(1);
  expect(await audits("assignment.add")).toBe(1);
});

test("removing twice removes once and logs once; assigning again logs again", async () => {
  await setAssignment(db, coordinator, ctx, areaId, assessorId, false);
  await setAssignment(db, coordinator, ctx, areaId, assessorId, false);
  expect(await rows()).toHaveLength(0);
  expect(await audits("assignment.remove")).toBe(1);
  await setAssignment(db, coordinator, ctx, areaId, assessorId, true);
  expect(await rows()).toHaveLength(1);
  expect(await audits("assignment.add")).toBe(2);
});
