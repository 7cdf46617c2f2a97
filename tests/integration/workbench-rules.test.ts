/**
 * Issue #27: nothing a team member does or sees can mislead them.
 * - One assignment rule (app/services/workbench/assignment.server.ts) for the editor's saves, evidence
 *   on an item, the area page and the Excel import: an assessor with assignments changes only the
 *   items under them; a coordinator any item of the unit.
 * - A number outside its item's range is refused at the field with the range, not clamped quietly;
 *   a stored one (older data) is a readiness finding.
 */
import ExcelJS from "exceljs";
import { beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import { loadActor } from "~/auth/require.server";
import type { Item } from "~/domain/instrument/schema";
import { outlineOf } from "~/domain/instrument/outline";
import { translator } from "~/i18n";
import * as answersRoute from "~/routes/assessments.$id.answers";
import * as areaRoute from "~/routes/assessments.$id.areas.$area";
import { exportAssessmentWorkbook } from "~/services/excel/export.server";
import { previewImport } from "~/services/excel/import.server";
import { answersObject, assertItemEditable, loadAnswers, saveAnswer, WorkbenchError } from "~/services/workbench/answers.server";
import { getAreaView } from "~/services/workbench/area-view.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { createAssessments } from "~/services/workbench/rollout.server";
import { readiness } from "~/services/workbench/readiness.server";
import { leanSaveAnswer } from "~/services/workbench/answer-save-lean.server";
import { dialectName } from "../helpers/db";
import { rangeProblem } from "~/services/workbench/rules";
import { setAssignment } from "~/services/workbench/workflow.server";
import { newId } from "~/utils/ids";
import { makeUnit, makeUser, sessionCookie } from "../helpers/factories";
import { callAction } from "../helpers/remix";
import { type World, freshWorld } from "../helpers/world";

let db: Db;
let w: World;
let coordinator: Actor;
const system = () => ({ id: w.users.admin.id, isAdmin: true, memberships: [] });
const actorOf = async (id: string) => loadActor(db, await db.selectFrom("user").selectAll().where("id", "=", id).executeTakeFirstOrThrow());

beforeAll(async () => {
  ({ db, w } = await freshWorld());
  coordinator = await actorOf(w.users.coordinator.id);
});

/** A fresh zi-2021 assessment of a new unit with one assessor. */
async function newAssessment(unitName: string) {
  const unit = await makeUnit(db, w.ministry.id, w.eselon1, unitName);
  const { created } = await createAssessments(db, system(), {
    unitIds: [unit.id],
    periodId: w.periodId,
    instrumentId: "zi-2021",
    carryForward: false,
  });
  const user = await makeUser(db, { role: "assessor", organisationId: w.ministry.id, unitId: unit.id });
  const assessor = await actorOf(user.id);
  return { id: created[0]!, assessor, cookie: await sessionCookie(db, user.id) };
}

const save = (id: string, cookie: string | null, form: Record<string, string>) =>
  callAction(answersRoute, { path: `/assessments/${id}/answers`, params: { id }, cookie, form });
const postArea = (id: string, area: string, cookie: string | null, form: Record<string, string>) =>
  callAction(areaRoute, { path: `/assessments/${id}/areas/${area}`, params: { id, area }, cookie, form });

/** The first yes/no or option item of an area (answered "Ya"/its first option in the tests). */
async function optionItemOf(assessmentId: string, areaId: string) {
  const ctx = await requireAssessment(db, coordinator, assessmentId);
  const area = outlineOf(ctx.instrument).areas.find((a) => a.id === areaId)!;
  const item = area.groups.flatMap((g) => g.items).find((i) => i.options && i.options.length > 0)!;
  return { id: item.id, value: item.options![0]!.code };
}

/** Assigns A.I.1, A.II.1 and B.I.1 to the assessor (the example). */
async function assignExample(assessmentId: string, assessorId: string) {
  const ctx = await requireAssessment(db, coordinator, assessmentId);
  for (const node of ["A.I.1", "A.II.1", "B.I.1"]) await setAssignment(db, coordinator, ctx, node, assessorId, true);
}

test("an assessor with assignments is refused an unassigned item in the service, the autosave and the plain form; a coordinator is not", async () => {
  const a = await newAssessment("Unit Penugasan");
  await assignExample(a.id, a.assessor.id);
  const outside = await optionItemOf(a.id, "A.I.2");
  const inside = await optionItemOf(a.id, "A.I.1");
  const ctx = await requireAssessment(db, a.assessor, a.id);

  const err = await saveAnswer(db, a.assessor, ctx, { itemId: outside.id, baseVersion: 0, value: outside.value, note: null }).catch(
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkbenchError);
  expect((err as WorkbenchError).key).toBe("workbench.notAssigned");
  // Evidence on an item goes through the same check (evidence/access.server.ts calls assertItemEditable).
  await expect(assertItemEditable(db, a.assessor, ctx, outside.id)).rejects.toMatchObject({ key: "workbench.notAssigned" });
  await expect(assertItemEditable(db, a.assessor, ctx, inside.id)).resolves.toBeUndefined();

  const autosave = await save(a.id, a.cookie, { itemId: outside.id, baseVersion: "0", value: outside.value });
  expect(autosave.status).toBe(400);
  expect(autosave.data).toMatchObject({ ok: false, formError: "workbench.notAssigned" });
  const plain = await postArea(a.id, "A.I.2", a.cookie, { intent: "save", itemId: outside.id, baseVersion: "0", value: outside.value });
  expect(plain.status).toBe(400);
  expect(plain.data).toMatchObject({ formError: "workbench.notAssigned" });

  expect((await save(a.id, a.cookie, { itemId: inside.id, baseVersion: "0", value: inside.value })).status).toBe(200);
  expect((await save(a.id, w.cookies.coordinator, { itemId: outside.id, baseVersion: "0", value: outside.value })).status).toBe(200);
  expect(answersObject(await loadAnswers(db, a.id))).toEqual({ [inside.id]: inside.value, [outside.id]: outside.value });
  const savedBy = await db
    .selectFrom("answer")
    .select("updated_by")
    .where("assessment_id", "=", a.id)
    .where("item_id", "=", outside.id)
    .executeTakeFirstOrThrow();
  expect(savedBy.updated_by).toBe(coordinator.id);
});

test.runIf(dialectName() === "postgres")(
  "the one-statement autosave (PostgreSQL) applies the same rule: it saves assigned items and leaves the rest to the refusing path",
  async () => {
    const a = await newAssessment("Unit Lean");
    await assignExample(a.id, a.assessor.id);
    const outside = await optionItemOf(a.id, "A.I.2");
    const inside = await optionItemOf(a.id, "A.I.1");
    const ctx = await requireAssessment(db, a.assessor, a.id);
    expect(await leanSaveAnswer(db, a.assessor, ctx, { itemId: outside.id, baseVersion: 0, value: outside.value, note: null })).toBeNull();
    expect(await leanSaveAnswer(db, a.assessor, ctx, { itemId: inside.id, baseVersion: 0, value: inside.value, note: null })).toMatchObject(
      { ok: true, version: 1 },
    );
    expect(await leanSaveAnswer(db, a.assessor, ctx, { itemId: "B.I.1.a", baseVersion: 0, value: 5, note: null })).toBeNull();
    const cctx = await requireAssessment(db, coordinator, a.id);
    expect(
      await leanSaveAnswer(db, coordinator, cctx, { itemId: outside.id, baseVersion: 0, value: outside.value, note: null }),
    ).toMatchObject({ ok: true });
    expect(answersObject(await loadAnswers(db, a.id))).toEqual({ [inside.id]: inside.value, [outside.id]: outside.value });
  },
);

test("the area page of an unassigned area is read-only for that assessor and names who is assigned", async () => {
  const a = await newAssessment("Unit Spanduk");
  await assignExample(a.id, a.assessor.id);
  const other = await makeUser(db, {
    role: "assessor",
    organisationId: w.ministry.id,
    unitId: (await requireAssessment(db, coordinator, a.id)).unit.id,
  });
  await setAssignment(db, coordinator, await requireAssessment(db, coordinator, a.id), "A.I.2", other.id, true);
  const ctx = await requireAssessment(db, a.assessor, a.id);
  const otherName = (await db.selectFrom("user").select("name").where("id", "=", other.id).executeTakeFirstOrThrow()).name;

  const unassigned = await getAreaView(db, a.assessor, ctx, "A.I.2");
  expect(unassigned.editable).toEqual([]);
  expect(unassigned.notAssigned).toEqual({ names: [otherName] });
  const assigned = await getAreaView(db, a.assessor, ctx, "A.I.1");
  expect(assigned.editable.length).toBeGreaterThan(0);
  expect(assigned.notAssigned).toBeNull();
  const asCoordinator = await getAreaView(db, coordinator, await requireAssessment(db, coordinator, a.id), "A.I.2");
  expect(asCoordinator.editable.length).toBeGreaterThan(0);
  expect(asCoordinator.notAssigned).toBeNull();
  expect(translator("id")("workbench.assignedTo", { names: otherName })).toBe(
    `Area ini ditugaskan kepada ${otherName}. Anda hanya dapat membacanya.`,
  );
});

test("an assessor without any assignment in the assessment may change any item, in the editor and in the import alike", async () => {
  const a = await newAssessment("Unit Tanpa Penugasan");
  const item = await optionItemOf(a.id, "A.I.2");
  const ctx = await requireAssessment(db, a.assessor, a.id);
  expect((await getAreaView(db, a.assessor, ctx, "A.I.2")).notAssigned).toBeNull();
  const preview = await previewImport(db, a.assessor, ctx, await workbookWith(a.assessor, a.id, { [item.id]: item.value }));
  expect(preview.changes.find((c) => c.itemId === item.id)!.blocked).toBeNull();
  expect((await save(a.id, a.cookie, { itemId: item.id, baseVersion: "0", value: item.value })).status).toBe(200);
});

/** The assessment's own export with some answer cells changed, as an upload. */
async function workbookWith(actor: Actor, assessmentId: string, answers: Record<string, string>) {
  const ctx = await requireAssessment(db, actor, assessmentId);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await exportAssessmentWorkbook(db, actor, ctx)) as unknown as ArrayBuffer);
  const ws = wb.getWorksheet("Jawaban")!;
  let answerCol = 0;
  ws.getRow(1).eachCell((c, n) => {
    if (c.value === "Jawaban") answerCol = n;
  });
  ws.eachRow((row) => {
    const code = String(row.getCell(1).value ?? "");
    if (code in answers) row.getCell(answerCol).value = answers[code]!;
  });
  return { name: "lke.xlsx", bytes: new Uint8Array(await wb.xlsx.writeBuffer()) };
}

test("the import and the editor give the same answer for the same items", async () => {
  const a = await newAssessment("Unit Satu Aturan");
  await assignExample(a.id, a.assessor.id);
  const items = [
    await optionItemOf(a.id, "A.I.1"),
    await optionItemOf(a.id, "A.I.2"),
    await optionItemOf(a.id, "B.I.1").catch(() => null),
  ].filter((x): x is { id: string; value: string } => x !== null);
  const ctx = await requireAssessment(db, a.assessor, a.id);
  const preview = await previewImport(
    db,
    a.assessor,
    ctx,
    await workbookWith(a.assessor, a.id, Object.fromEntries(items.map((i) => [i.id, i.value]))),
  );
  const verdicts: Array<{ item: string; importAllows: boolean; editorAllows: boolean }> = [];
  for (const i of items) {
    const change = preview.changes.find((c) => c.layer === "self" && c.itemId === i.id)!;
    const res = await save(a.id, a.cookie, { itemId: i.id, baseVersion: "0", value: i.value });
    verdicts.push({ item: i.id, importAllows: change.blocked === null, editorAllows: res.status === 200 });
  }
  expect(verdicts.map((v) => v.importAllows)).toEqual(verdicts.map((v) => v.editorAllows));
  expect(verdicts.find((v) => v.item.startsWith("A.I.1."))!.editorAllows).toBe(true);
  expect(verdicts.find((v) => v.item.startsWith("A.I.2."))!.editorAllows).toBe(false);
  expect(preview.changes.find((c) => c.itemId.startsWith("A.I.2."))!.blocked).toBe("lke.blocked.notAssigned");
});

test("a number outside its item's range is refused at the field with the range, in both languages; nothing is stored", async () => {
  const a = await newAssessment("Unit Rentang");
  for (const typed of ["5", "-1", "4,5"]) {
    const res = await save(a.id, a.cookie, { itemId: "B.I.1.a", baseVersion: "0", value: typed });
    expect(res.status).toBe(400);
    expect(res.data).toMatchObject({
      ok: false,
      formError: "workbench.outOfRange",
      fieldErrors: { value: "workbench.outOfRange" },
      formParams: { min: 0, max: 4 },
    });
  }
  const five = await save(a.id, a.cookie, { itemId: "B.I.1.a", baseVersion: "0", value: "5" });
  const params = (five.data as { formParams: Record<string, number> }).formParams;
  expect(translator("id")("workbench.outOfRange", params)).toBe("5 di luar rentang 0–4.");
  expect(translator("en")("workbench.outOfRange", params)).toBe("5 is outside the range 0–4.");
  // The plain form (no JavaScript) answers the same 400 with the parameters.
  const plain = await postArea(a.id, "B.I.1", a.cookie, { intent: "save", itemId: "B.I.1.a", baseVersion: "0", value: "5" });
  expect(plain.status).toBe(400);
  expect(plain.data).toMatchObject({ formError: "workbench.outOfRange", formParams: { value: 5, min: 0, max: 4 } });
  // The service refuses it too (the import's apply and consensus go through it).
  const ctx = await requireAssessment(db, a.assessor, a.id);
  await expect(saveAnswer(db, a.assessor, ctx, { itemId: "B.I.1.a", baseVersion: 0, value: 5, note: null })).rejects.toMatchObject({
    key: "workbench.outOfRange",
  });
  // A count typed with decimals says it must be whole, naming the field; a negative one says so.
  const frac = await save(a.id, a.cookie, { itemId: "A.II.1.i.a", baseVersion: "0", "in.agen": "3,5", "in.perubahan": "4" });
  expect(frac.status).toBe(400);
  expect(frac.data).toMatchObject({ formError: "workbench.countWhole", fieldErrors: { "in.agen": "workbench.countWhole" } });
  const label = (frac.data as { formParams: { label: string } }).formParams.label;
  expect(translator("id")("workbench.countWhole", (frac.data as { formParams: Record<string, string> }).formParams)).toContain(
    `"${label}" harus bilangan bulat`,
  );
  expect(translator("en")("workbench.countWhole", (frac.data as { formParams: Record<string, string> }).formParams)).toContain(
    "must be a whole number",
  );
  const neg = await save(a.id, a.cookie, { itemId: "A.II.1.i.a", baseVersion: "0", "in.agen": "-2", "in.perubahan": "4" });
  expect(neg.data).toMatchObject({ formError: "workbench.countNegative", fieldErrors: { "in.agen": "workbench.countNegative" } });
  await expect(
    saveAnswer(db, a.assessor, ctx, { itemId: "A.II.1.i.a", baseVersion: 0, value: { agen: 3.5, perubahan: 4 }, note: null }),
  ).rejects.toMatchObject({
    key: "workbench.countWhole",
  });
  expect(answersObject(await loadAnswers(db, a.id))).toEqual({});
  // In range is still saved.
  expect((await save(a.id, a.cookie, { itemId: "B.I.1.a", baseVersion: "0", value: "4" })).status).toBe(200);
});

test("every number type is checked against its own range", () => {
  const base = { id: "X.1.a", question: "?", evidence: [] } as unknown as Item;
  const item = (over: Partial<Item>) => ({ ...base, ...over }) as Item;
  expect(rangeProblem(item({ type: "survey_0_4" }), 10, 4)).toBeNull();
  expect(rangeProblem(item({ type: "survey_0_4" }), 10, -1)).toMatchObject({ key: "workbench.outOfRange", params: { min: 0, max: 4 } });
  expect(rangeProblem(item({ type: "index_score", scale: { min: 1, max: 5 } } as Partial<Item>), 10, 0)).toMatchObject({
    params: { min: 1, max: 5 },
  });
  expect(rangeProblem(item({ type: "index_score" }), 10, 100)).toBeNull();
  expect(rangeProblem(item({ type: "external_points" }), 2.5, 3)).toMatchObject({ params: { value: 3, min: 0, max: 2.5 } });
  expect(rangeProblem(item({ type: "external_points" }), 2.5, 2.5)).toBeNull();
  expect(rangeProblem(item({ type: "range_scaled", scale: { min: 0, max: 10 } } as Partial<Item>), 1, 11)).toMatchObject({
    params: { min: 0, max: 10 },
  });
  expect(
    rangeProblem(item({ type: "range_scaled", scale: { min: 0, max: 10 }, not_applicable: true } as Partial<Item>), 1, "N/A"),
  ).toBeNull();
  const percent = item({ type: "percent", inputs: [{ name: "n", label: "Jumlah" }] } as Partial<Item>);
  expect(rangeProblem(percent, 1, { n: 2 })).toBeNull();
  expect(rangeProblem(percent, 1, { n: 2.5 })).toMatchObject({ field: "in.n", key: "workbench.countWhole" });
  expect(rangeProblem(percent, 1, { n: -1 })).toMatchObject({ field: "in.n", key: "workbench.countNegative" });
});

test("readiness lists a stored out-of-range answer with its area, so the overview links to the item", async () => {
  const a = await newAssessment("Unit Data Lama");
  const ctx = await requireAssessment(db, coordinator, a.id);
  expect((await readiness(db, ctx)).outOfRange).toEqual([]);
  // Written around the workbench, as data saved before the refusal existed.
  await db
    .insertInto("answer")
    .values({
      id: newId(),
      assessment_id: a.id,
      layer: "self",
      item_id: "B.I.1.a",
      value_json: "5",
      note: null,
      version: 1,
      carried_over: 0,
      review_status: "pending",
      review_note: null,
      updated_by: coordinator.id,
      updated_at: new Date().toISOString(),
    })
    .execute();
  const r = await readiness(db, ctx);
  expect(r.outOfRange).toEqual([
    {
      itemId: "B.I.1.a",
      areaId: "B.I.1",
      href: `/assessments/${a.id}/areas/B.I.1#item-B.I.1.a`,
      key: "workbench.outOfRange",
      params: { value: 5, min: 0, max: 4 },
    },
  ]);
});
