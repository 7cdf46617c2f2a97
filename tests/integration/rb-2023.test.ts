/**
 * Issue #13: the Evaluasi RB 2023 instruments in the rest of Cermin — the roll-out checks the
 * organisation kind and period, a not-applicable row needs its reason, the evaluator's sample always
 * holds the koefisien, and the server's score (overview, snapshot) is the engine's index.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "#db/client.server";
import { NOT_APPLICABLE } from "~/domain/instrument/schema";
import * as answersRoute from "~/routes/assessments.$id.answers";
import * as overview from "~/routes/assessments.$id._index";
import { AssessmentRuleError, requireAssessment } from "~/services/workbench/assessments.server";
import { createAssessments } from "~/services/workbench/rollout.server";
import { saveEvaluatorAnswer } from "~/services/evaluation/layers.server";
import { drawSampleAction } from "~/services/evaluation/samples.server";
import { freshDb } from "../helpers/db";
import { makeOrg, makeUnit, makeUser, sessionCookie, makePeriod } from "../helpers/factories";
import { callAction, callLoader } from "../helpers/remix";
import { withTempDataDir } from "../helpers/world";

let db: Db;
let admin: { id: string };
const system = () => ({ id: admin.id, isAdmin: true, memberships: [] });

async function org(kind: "kementerian_lembaga" | "pemda_kabkota", year = 2025) {
  const o = await makeOrg(db, `Instansi ${kind}`, kind);
  const unit = await makeUnit(db, o.id, null, "Sekretariat");
  const periodId = await makePeriod(db, o.id, year);
  return { org: o, unit, periodId };
}

beforeAll(async () => {
  withTempDataDir();
  db = await freshDb();
  admin = await makeUser(db, { role: "admin" });
});

describe("roll-out", () => {
  it("takes the tree of the organisation's kind and refuses another kind's or an earlier period", async () => {
    const kab = await org("pemda_kabkota");
    const roll = (instrumentId: string, o = kab) => createAssessments(db, system(), { unitIds: [o.unit.id], periodId: o.periodId, instrumentId, carryForward: false });
    await expect(roll("rb-2023-kl")).rejects.toMatchObject({ key: "assessments.instrumentWrongKind" });
    await expect(roll("rb-2023-kl")).rejects.toBeInstanceOf(AssessmentRuleError);
    expect((await roll("rb-2023-kabkota")).created).toHaveLength(1);
    // Zona Integritas applies to units of every kind.
    expect((await roll("zi-2021")).created).toHaveLength(1);
    const old = await org("kementerian_lembaga", 2022);
    await expect(roll("rb-2023-kl", old)).rejects.toMatchObject({ key: "assessments.instrumentTooEarly" });
    // PMPRB 2014 stays available (historical), not refused.
    expect((await roll("pmprb-2014", old)).created).toHaveLength(1);
  });
});

describe("filling an Evaluasi RB worksheet", () => {
  it("needs a reason for a not-applicable row, and scores the renormalised index", async () => {
    const kab = await org("pemda_kabkota");
    const [id] = (await createAssessments(db, system(), { unitIds: [kab.unit.id], periodId: kab.periodId, instrumentId: "rb-2023-kabkota", carryForward: false })).created;
    const coordinator = await makeUser(db, { role: "coordinator", organisationId: kab.org.id, unitId: kab.unit.id });
    const cookie = await sessionCookie(db, coordinator.id);
    const save = (form: Record<string, string>) => callAction(answersRoute, { path: `/assessments/${id}/answers`, params: { id: id! }, cookie, form });

    const noReason = await save({ itemId: "B102.a", baseVersion: "0", value: NOT_APPLICABLE, note: "  " });
    expect(noReason.status).toBe(400);
    expect(noReason.data).toMatchObject({ formError: "workbench.naReasonRequired" });
    const outOfRange = await save({ itemId: "B103.a", baseVersion: "0", value: "5,5" });
    expect(outOfRange.status).toBe(400);
    // Refused at the field, naming the range (issue #27), not the generic "invalid answer".
    expect(outOfRange.data).toMatchObject({ formError: "workbench.outOfRange" });
    const notAllowed = await save({ itemId: "A101.a", baseVersion: "0", value: NOT_APPLICABLE, note: "tidak ada" });
    expect(notAllowed.status).toBe(400);

    expect((await save({ itemId: "B102.a", baseVersion: "0", value: "n/a", note: "Tidak ada penyederhanaan struktur tahun ini" })).status).toBe(200);
    const koef = await save({ itemId: "KOEF.a", baseVersion: "0", value: "-1" });
    expect(koef.data).toMatchObject({ formError: "workbench.koefReasonRequired" });
    expect((await save({ itemId: "KOEF.a", baseVersion: "0", value: "0" })).status).toBe(200);
    expect((await save({ itemId: "B101.a", baseVersion: "0", value: "50" })).status).toBe(200);
    expect((await save({ itemId: "B103.a", baseVersion: "0", value: "3,06" })).status).toBe(200);

    const page = await callLoader(overview, { path: `/assessments/${id}`, params: { id: id! }, cookie });
    const summary = (page.data as { summary: { total: number; index: { general: { applicable: number; value: number }; notApplicable: string[] } } }).summary;
    // B101 50/100 × 2 = 1, SPIP 3.06/5 × 4 = 2.448; applicable 100 − 2 = 98.
    expect(summary.index.notApplicable).toEqual(["B102"]);
    expect(summary.index.general.applicable).toBe(98);
    expect(summary.total).toBeCloseTo(((1 + 2.448) / 98) * 100, 10);
  });
});

describe("evaluation", () => {
  it("every sample holds the koefisien, which the evaluator sets in their layer with a reason", async () => {
    const kl = await org("kementerian_lembaga");
    const [id] = (await createAssessments(db, system(), { unitIds: [kl.unit.id], periodId: kl.periodId, instrumentId: "rb-2023-kl", carryForward: false })).created;
    await db.updateTable("assessment").set({ status: "submitted" }).where("id", "=", id!).execute();
    const ctx = await requireAssessment(db, system(), id!);
    const sampleId = await drawSampleAction(db, system(), [ctx], { layer: "external", strategy: "simple", size: 3, seed: "rb" });
    const items = await db.selectFrom("sample_item").select(["item_id", "inclusion_weight"]).where("sample_id", "=", sampleId).execute();
    expect(items.find((i) => i.item_id === "KOEF.a")).toMatchObject({ inclusion_weight: 1 });

    const evaluator = await makeUser(db, { role: "evaluator", organisationId: kl.org.id });
    const actor = { id: evaluator.id, isAdmin: false, memberships: [{ organisationId: kl.org.id, unitId: null, unitPath: null, role: "evaluator" as const }] };
    await expect(
      saveEvaluatorAnswer(db, actor, ctx, { layer: "external", itemId: "KOEF.a", decision: "adjust", value: -2, note: null, recommendation: null }),
    ).rejects.toMatchObject({ key: "workbench.koefReasonRequired" });
    await saveEvaluatorAnswer(db, actor, ctx, { layer: "external", itemId: "KOEF.a", decision: "adjust", value: -2, note: "Temuan tata kelola keuangan", recommendation: null });
    const row = await db.selectFrom("answer").selectAll().where("assessment_id", "=", id!).where("layer", "=", "external").where("item_id", "=", "KOEF.a").executeTakeFirstOrThrow();
    expect(JSON.parse(row.value_json!)).toBe(-2);
    await expect(
      saveEvaluatorAnswer(db, actor, ctx, { layer: "external", itemId: "B102.a", decision: "adjust", value: NOT_APPLICABLE, note: null, recommendation: null }),
    ).rejects.toMatchObject({ key: "workbench.naReasonRequired" });
  });
});
