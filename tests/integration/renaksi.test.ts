/**
 * Issue #29: the Rencana Aksi in the rest of Cermin — a team fills a plan and reports quarters, the
 * organisation's evaluator grades the LKE Renaksi, and A101/A102 of the year's RB 2024 assessment are
 * computed from it (the worked example of rb-2024 §2.6), audited, read-only in the workbench, and the
 * same as the engine scores them. Access, windows and bad input are refused with a message.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import { loadActor } from "~/auth/require.server";
import { scoreAssessment } from "~/domain/scoring/score";
import * as answersRoute from "~/routes/assessments.$id.answers";
import * as areaRoute from "~/routes/assessments.$id.areas.$area";
import * as monevRoute from "~/routes/renaksi.$planId.monev";
import * as planRoute from "~/routes/renaksi.$planId.rencana";
import { addAction, addOutput, createPlan, saveGrade, saveMonev, saveTarget } from "~/services/renaksi/plans.server";
import { saveSchedule } from "~/services/renaksi/schedule.server";
import { addTematikNode } from "~/services/renaksi/tematik.server";
import { loadAnswers, answersObject } from "~/services/workbench/answers.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { createAssessments } from "~/services/workbench/rollout.server";
import { freshDb } from "../helpers/db";
import { makeOrg, makePeriod, makeUnit, makeUser, sessionCookie } from "../helpers/factories";
import { callAction, callLoader } from "../helpers/remix";
import { withTempDataDir } from "../helpers/world";

let db: Db;
let adminId: string;
const system = (): Actor => ({ id: adminId, isAdmin: true, memberships: [] });

async function actor(id: string): Promise<Actor> {
  const user = await db.selectFrom("user").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  return loadActor(db, user);
}

async function world() {
  const org = await makeOrg(db, `Kementerian ${Math.random().toString(36).slice(2, 7)}`, "kementerian_lembaga");
  const unit = await makeUnit(db, org.id, null, "Sekretariat Jenderal");
  const periodId = await makePeriod(db, org.id, 2024);
  const coordinator = await makeUser(db, { role: "coordinator", organisationId: org.id });
  const unitAssessor = await makeUser(db, { role: "assessor", organisationId: org.id, unitId: unit.id });
  const evaluator = await makeUser(db, { role: "evaluator", organisationId: org.id });
  const [assessmentId] = (await createAssessments(db, system(), { unitIds: [unit.id], periodId, instrumentId: "rb-2024-kl", carryForward: false })).created;
  return { org, unit, periodId, coordinator, unitAssessor, evaluator, assessmentId: assessmentId! };
}

/** The §2.6 worked example: four outputs, TW targets and realisations. */
const EXAMPLE = [
  { target: [1, 1, 1, 1], real: [1, 1, 0, 1] },
  { target: [0, 0, 0, 1], real: [0, 0, 0, 1] },
  { target: [0, 2, 0, 2], real: [0, 1, 0, 1] },
  { target: [0, 0, 0, 5], real: null },
] as const;

beforeAll(async () => {
  withTempDataDir();
  db = await freshDb();
  adminId = (await makeUser(db, { role: "admin" })).id;
});

describe("plan → monitoring → grading → index", () => {
  it("computes A101 2,42 and A102 63 (3,56 points) of the worked example into the 2024 assessment, audited", async () => {
    const w = await world();
    const team = await actor(w.coordinator.id);
    const evaluator = await actor(w.evaluator.id);
    const planId = await createPlan(db, team, w.org.id, 2024);
    await saveTarget(db, team, planId, { indicatorCode: "IND01", baselineYear: 2023, baselineValue: 40, target: 60, unit: "%", note: null });
    const target = await db.selectFrom("renaksi_target").select("id").where("plan_id", "=", planId).executeTakeFirstOrThrow();
    const actionId = await addAction(db, team, planId, { targetId: target.id }, "Menyusun peta proses bisnis");
    for (const [i, o] of EXAMPLE.entries()) {
      const outputId = await addOutput(db, team, planId, actionId, {
        indicator: `Output ${i + 1}`,
        unit: "dokumen",
        targetTw: [...o.target],
        budgetTotal: 1_000_000,
        implementer: null,
        coordinator: null,
        focus: null,
      });
      if (o.real) for (const [q, r] of o.real.entries()) await saveMonev(db, team, planId, outputId, { quarter: (q + 1) as 1 | 2 | 3 | 4, realisation: r, budgetRealisation: null, note: null });
    }
    const grades: Record<string, string> = {};
    const lke = (await import("~/services/renaksi/content.server")).renaksiContentFor(2024)!.lke;
    const { renaksiCriteria } = await import("~/domain/renaksi/grade");
    const criteria = renaksiCriteria(lke);
    // KU A, target KU B, keabsahan YA; kelogisan B, relevansi C, ketepatan B, anggaran A (§2.6).
    const letters = ["A", "B", "YA", "B", "C", "B", "A"];
    criteria.forEach((c, i) => (grades[c.code] = letters[i]!));
    for (const [criterion, grade] of Object.entries(grades)) await saveGrade(db, evaluator, planId, { criterion, grade, note: null, recommendation: null });

    const answers = answersObject(await loadAnswers(db, w.assessmentId));
    expect(answers["A101.a"]).toBeCloseTo(2.42, 10);
    expect(answers["A102.a"]).toBe(63);
    const ctx = await requireAssessment(db, system(), w.assessmentId);
    const scored = scoreAssessment(ctx.instrument, answers);
    expect(scored.nodes["A102"]?.value).toBeCloseTo(3.5574, 3);
    expect(scored.nodes["A"]?.value).toBeCloseTo(2.42 + (63 / 100) * 7 * (2.42 / 3), 10);
    const audit = await db.selectFrom("audit_log").select(["action", "after_json"]).where("entity_id", "=", `${w.assessmentId}:A102.a`).execute();
    expect(audit.some((a) => a.action === "answer.compute" && a.after_json!.includes(planId))).toBe(true);
    const note = (await loadAnswers(db, w.assessmentId)).find((a) => a.item_id === "A102.a")!.note!;
    expect(note).toContain("(100 + 100 + 50 + 0) / 4 = 62,5");

    // RB Tematik: one theme's chain; its recap stands beside the Tematik rows of the worksheet (§3.3), the rows stay unscored.
    const problem = await addTematikNode(db, team, planId, { theme: "KEMISKINAN", kind: "permasalahan", parentId: null, name: "Data belum padu", goal: null, target: null, unit: null });
    const tAction = await addAction(db, team, planId, { tematikNodeId: problem }, "Pemutakhiran data");
    const tOutputInput = { indicator: "Basis data", unit: "basis data", targetTw: [0, 1, 0, 1] as [number, number, number, number], budgetTotal: null, implementer: null, coordinator: null };
    await expect(addOutput(db, team, planId, tAction, { ...tOutputInput, focus: "TI" })).rejects.toMatchObject({ key: "renaksi.unknownFocus" });
    await expect(addOutput(db, team, planId, actionId, { ...tOutputInput, focus: "TEKNOLOGI_INFORMASI" })).rejects.toMatchObject({ key: "renaksi.unknownFocus" });
    const tOutput = await addOutput(db, team, planId, tAction, { ...tOutputInput, focus: "TEKNOLOGI_INFORMASI" });
    await saveMonev(db, team, planId, tOutput, { quarter: 2, realisation: 1, budgetRealisation: null, note: null });
    // Tematik outputs do not enter A102.
    expect(answersObject(await loadAnswers(db, w.assessmentId))["A102.a"]).toBe(63);
    const areaPage = await callLoader(areaRoute, { path: `/assessments/${w.assessmentId}/areas/T`, params: { id: w.assessmentId, area: "T" }, cookie: await sessionCookie(db, w.coordinator.id) });
    const beside = (areaPage.data as { tematik: { planId: string; themes: { code: string; recap: { perTw: (number | null)[]; outputs: number } }[] } | null }).tematik!;
    expect(beside.planId).toBe(planId);
    expect(beside.themes.find((t) => t.code === "KEMISKINAN")!.recap).toMatchObject({ perTw: [null, 100, null, null], outputs: 1 });
    const areaA = await callLoader(areaRoute, { path: `/assessments/${w.assessmentId}/areas/A`, params: { id: w.assessmentId, area: "A" }, cookie: await sessionCookie(db, w.coordinator.id) });
    expect((areaA.data as { tematik: unknown }).tematik).toBeNull();

    // Strict mode (§2.6: 75, 100, 50, 0 → 56,25) re-scores the assessment.
    await saveSchedule(db, system(), planId, { mode: "strict", planOpen: null, planClose: null, monevOpen: null, monevClose: null, gradingClose: null, dueTw: [null, null, null, null] });
    expect(answersObject(await loadAnswers(db, w.assessmentId))["A102.a"]).toBeCloseTo(56.25, 10);
  });

  it("keeps computed rows out of the team's hands and refuses access, windows and bad numbers with a message", async () => {
    const w = await world();
    const cookie = await sessionCookie(db, w.coordinator.id);
    const save = await callAction(answersRoute, { path: `/assessments/${w.assessmentId}/answers`, params: { id: w.assessmentId }, cookie, form: { itemId: "A102.a", baseVersion: "0", value: "80" } });
    expect(save.status).toBe(400);
    expect(save.data).toMatchObject({ formError: "workbench.computedItem" });

    const team = await actor(w.coordinator.id);
    const planId = await createPlan(db, team, w.org.id, 2024);
    await expect(createPlan(db, team, w.org.id, 2024)).rejects.toMatchObject({ key: "renaksi.exists" });
    // A unit-scoped assessor and the evaluator may read, not fill; the team may not grade.
    await expect(saveTarget(db, await actor(w.unitAssessor.id), planId, { indicatorCode: "IND01", baselineYear: null, baselineValue: null, target: 1, unit: null, note: null })).rejects.toMatchObject({ status: 403 });
    await expect(saveGrade(db, team, planId, { criterion: "x", grade: "A", note: null, recommendation: null })).rejects.toMatchObject({ status: 403 });
    // Another organisation's team does not see the plan at all.
    const other = await makeOrg(db, "Instansi lain", "kementerian_lembaga");
    const stranger = await makeUser(db, { role: "coordinator", organisationId: other.id });
    await expect(saveTarget(db, await actor(stranger.id), planId, { indicatorCode: "IND01", baselineYear: null, baselineValue: null, target: 1, unit: null, note: null })).rejects.toMatchObject({ status: 404 });

    const form = (f: Record<string, string>) => callAction(planRoute, { path: `/renaksi/${planId}/rencana`, params: { planId }, cookie, form: f });
    const bad = await form({ intent: "save-target", indicatorCode: "IND01", baselineYear: "2023", baselineValue: "empat puluh", target: "60" });
    expect(bad.status).toBe(400);
    expect(bad.data).toMatchObject({ fieldErrors: { baselineValue: "renaksi.notANumber" }, values: { baselineValue: "empat puluh" } });
    const unknown = await form({ intent: "save-target", indicatorCode: "IND99", target: "1" });
    expect(unknown.status).toBe(400);
    expect(unknown.data).toMatchObject({ formError: "renaksi.unknownIndicator" });
    expect((await form({ intent: "save-target", indicatorCode: "IND01", baselineYear: "2023", baselineValue: "40,5", target: "60" })).status).toBe(200);
    const t = await db.selectFrom("renaksi_target").selectAll().where("plan_id", "=", planId).executeTakeFirstOrThrow();
    expect(t.baseline_value).toBe(40.5);

    // The monitoring window closed yesterday: a quarter's report is refused, nothing written.
    await saveSchedule(db, system(), planId, { mode: "portal", planOpen: null, planClose: null, monevOpen: null, monevClose: "2020-01-01", gradingClose: null, dueTw: [null, null, null, null] });
    const actionId = await addAction(db, team, planId, { targetId: t.id }, "Aksi");
    const outputId = await addOutput(db, team, planId, actionId, { indicator: "Output", unit: "dok", targetTw: [1, null, null, null], budgetTotal: null, implementer: null, coordinator: null, focus: null });
    const closed = await callAction(monevRoute, { path: `/renaksi/${planId}/monev`, params: { planId }, cookie, form: { intent: "monev", id: outputId, quarter: "1", realisation: "1" } });
    expect(closed.status).toBe(400);
    expect(closed.data).toMatchObject({ formError: "renaksi.windowClosed" });
    const o = await db.selectFrom("renaksi_output").selectAll().where("id", "=", outputId).executeTakeFirstOrThrow();
    expect(JSON.parse(o.realisation_tw_json)).toEqual([null, null, null, null]);
  });

  it("reminds the team before a quarter's due date while outputs lack realisation, once a day", async () => {
    const { sendRenaksiDueReminders } = await import("~/services/renaksi/reminders.server");
    const w = await world();
    const team = await actor(w.coordinator.id);
    const planId = await createPlan(db, team, w.org.id, 2024);
    await saveTarget(db, team, planId, { indicatorCode: "IND01", baselineYear: 2023, baselineValue: 1, target: 2, unit: null, note: null });
    const t = await db.selectFrom("renaksi_target").select("id").where("plan_id", "=", planId).executeTakeFirstOrThrow();
    const actionId = await addAction(db, team, planId, { targetId: t.id }, "Aksi");
    const outputId = await addOutput(db, team, planId, actionId, { indicator: "Output", unit: "dok", targetTw: [null, 1, null, null], budgetTotal: null, implementer: null, coordinator: null, focus: null });
    await saveSchedule(db, system(), planId, { mode: "portal", planOpen: null, planClose: null, monevOpen: null, monevClose: null, gradingClose: null, dueTw: [null, "2024-07-15", null, null] });
    const config = { smtpUrl: null, from: "cermin@test.local", publicUrl: "http://localhost", windowDays: 7, dailyHourWib: 7 } as NonNullable<Parameters<typeof sendRenaksiDueReminders>[2]>;
    expect(await sendRenaksiDueReminders(db, "2024-07-01", config)).toBe(0);
    // The coordinator and nobody else (the unit assessor and the evaluator are not the plan's team).
    expect(await sendRenaksiDueReminders(db, "2024-07-08", config)).toBe(1);
    expect(await sendRenaksiDueReminders(db, "2024-07-08", config)).toBe(0);
    const row = await db.selectFrom("notification").selectAll().where("kind", "=", "renaksi_due").where("link", "like", `/renaksi/${planId}/%`).executeTakeFirstOrThrow();
    expect(row.user_id).toBe(w.coordinator.id);
    const { renderNotification, parseParams } = await import("~/services/notifications/messages");
    expect(renderNotification("id", row.kind, parseParams(row.params_json))).toContain("TW 2 ");
    await saveMonev(db, team, planId, outputId, { quarter: 2, realisation: 1, budgetRealisation: null, note: null });
    expect(await sendRenaksiDueReminders(db, "2024-07-09", { ...config, windowDays: 6 })).toBe(0);
  });

  it("an LKE workbook cannot change a computed row: the preview blocks it and says why", async () => {
    const ExcelJS = (await import("exceljs")).default;
    const { exportAssessmentWorkbook } = await import("~/services/excel/export.server");
    const { previewImport } = await import("~/services/excel/import.server");
    const w = await world();
    const team = await actor(w.coordinator.id);
    const ctx = await requireAssessment(db, team, w.assessmentId);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await exportAssessmentWorkbook(db, team, ctx)) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet("Jawaban")!;
    let answerCol = 0;
    ws.getRow(1).eachCell((c, n) => {
      if (c.value === "Jawaban") answerCol = n;
    });
    let edited = 0;
    ws.eachRow((row) => {
      const code = String(row.getCell(1).value ?? "");
      if (code === "A101.a" || code === "B103.a") {
        row.getCell(answerCol).value = code === "A101.a" ? 3 : 4;
        edited++;
      }
    });
    expect(edited).toBe(2);
    const p = await previewImport(db, team, ctx, { name: "lke.xlsx", bytes: new Uint8Array(Buffer.from(await wb.xlsx.writeBuffer())) });
    const by = new Map(p.changes.map((c) => [c.itemId, c]));
    expect(by.get("A101.a")?.blocked).toBe("lke.blocked.computed");
    expect(by.get("B103.a")?.blocked).toBeNull();
  });
});
