import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Db } from "#db/client.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { createAssessments } from "~/services/workbench/rollout.server";
import { drawSampleAction } from "~/services/evaluation/samples.server";
import { addFileEvidences } from "~/services/evidence/evidence.server";
import { pdf } from "../fixtures/evidence/files";
import { freshDb } from "./db";
import { makeOrg, makeUnit, makeUser, sessionCookie, makePeriod } from "./factories";

export const PERSONAS = ["anon", "admin", "orgAdmin", "coordinator", "assessor", "reviewer", "evaluator", "otherOrgAdmin"] as const;
export type Persona = (typeof PERSONAS)[number];

/**
 * Two organisations: a ministry with an echelon-I unit and a service unit below it, where every role has
 * one user, and a second organisation with its own org admin (who must never see the first).
 */
export async function buildWorld(db: Db) {
  const ministry = await makeOrg(db, "Kementerian Uji");
  const other = await makeOrg(db, "Kabupaten Lain", "pemda_kabkota");
  const eselon1 = await makeUnit(db, ministry.id, null, "Ditjen Uji");
  const service = await makeUnit(db, ministry.id, eselon1, "Kantor Layanan Uji");
  const otherUnit = await makeUnit(db, other.id, null, "Dinas Lain");
  const users = {
    admin: await makeUser(db, { role: "admin" }),
    orgAdmin: await makeUser(db, { role: "org_admin", organisationId: ministry.id }),
    coordinator: await makeUser(db, { role: "coordinator", organisationId: ministry.id, unitId: eselon1.id }),
    assessor: await makeUser(db, { role: "assessor", organisationId: ministry.id, unitId: service.id }),
    reviewer: await makeUser(db, { role: "reviewer", organisationId: ministry.id }),
    evaluator: await makeUser(db, { role: "evaluator", organisationId: ministry.id }),
    otherOrgAdmin: await makeUser(db, { role: "org_admin", organisationId: other.id }),
  };
  const cookies: Record<Persona, string | null> = { anon: null } as Record<Persona, string | null>;
  for (const [k, u] of Object.entries(users)) cookies[k as Persona] = await sessionCookie(db, u.id);
  const periodId = await makePeriod(db, ministry.id, 2025);
  const otherPeriodId = await makePeriod(db, other.id, 2025);
  const system = { id: users.admin.id, isAdmin: true, memberships: [] };
  const [assessmentId] = (await createAssessments(db, system, { unitIds: [service.id], periodId, instrumentId: "zi-2021", carryForward: false })).created;
  const [otherAssessmentId] = (await createAssessments(db, system, { unitIds: [otherUnit.id], periodId: otherPeriodId, instrumentId: "zi-2021", carryForward: false })).created;
  // One PDF of evidence (needs DATA_DIR pointing at a throwaway directory: see withTempDataDir).
  const [evidence] = await addFileEvidences(db, system, assessmentId!, "A.I.1.i.a", [new File([pdf("SK Tim ZI")], "sk-tim.pdf", { type: "application/pdf" })], null);
  // A submitted assessment with an external-layer sample, for the evaluator routes.
  const submittedUnit = await makeUnit(db, ministry.id, service, "Loket Uji");
  const [submittedAssessmentId] = (await createAssessments(db, system, { unitIds: [submittedUnit.id], periodId, instrumentId: "zi-2021", carryForward: false })).created;
  await db.updateTable("assessment").set({ status: "submitted" }).where("id", "=", submittedAssessmentId!).execute();
  const submittedCtx = await requireAssessment(db, system, submittedAssessmentId!);
  const sampleId = await drawSampleAction(db, system, [submittedCtx], { layer: "external", strategy: "risk", size: 5, seed: "dunia" });
  const firstSampleItem = await db.selectFrom("sample_item").select("id").where("sample_id", "=", sampleId).orderBy("position").executeTakeFirstOrThrow();
  return {
    submittedAssessmentId: submittedAssessmentId!,
    firstSampleItemId: firstSampleItem.id,
    sampleId,
    ministry,
    other,
    eselon1,
    service,
    otherUnit,
    users,
    cookies,
    periodId,
    otherPeriodId,
    assessmentId: assessmentId!,
    otherAssessmentId: otherAssessmentId!,
    evidenceId: evidence!.id,
  };
}

export type World = Awaited<ReturnType<typeof buildWorld>>;

/** Points DATA_DIR at a fresh temporary directory for this test file (evidence blobs, secrets). */
export function withTempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cermin-data-"));
  process.env.DATA_DIR = dir;
  return dir;
}

/** A throwaway DATA_DIR, a fresh migrated database, and the standard world built in it: most integration files start so. */
export async function freshWorld(): Promise<{ db: Db; w: World }> {
  withTempDataDir();
  const db = await freshDb();
  return { db, w: await buildWorld(db) };
}
