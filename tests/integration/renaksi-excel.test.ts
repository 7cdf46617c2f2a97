/**
 * Issue #29: the Rencana Aksi workbook — export in the portal's template shape ("Rencana Aksi",
 * "RB Tematik" with its 35 columns), import with a preview (nothing written) and an all-or-nothing
 * apply that is audited once and re-scores A102; bad cells are named by sheet and cell; clearing
 * needs a confirmation; the routes check the user and the plan themselves.
 */
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import { loadActor } from "~/auth/require.server";
import * as excelRoute from "~/routes/renaksi.$planId.excel";
import * as xlsxRoute from "~/routes/renaksi.$planId.xlsx";
import { applyPlanImport, exportPlanWorkbook, previewPlanImport, RenaksiExcelError } from "~/services/renaksi/excel.server";
import { GENERAL_COLUMNS, GENERAL_SHEET, TEMATIK_COLUMNS, TEMATIK_SHEET } from "~/services/renaksi/excel-shape";
import { addAction, addOutput, createPlan, saveMonev, saveTarget } from "~/services/renaksi/plans.server";
import { addTematikNode, saveTematikRealisation } from "~/services/renaksi/tematik.server";
import { createAssessments } from "~/services/workbench/rollout.server";
import { freshDb } from "../helpers/db";
import { makeOrg, makePeriod, makeUnit, makeUser, sessionCookie } from "../helpers/factories";
import { callAction, callLoader, makeRequest } from "../helpers/remix";
import { withTempDataDir } from "../helpers/world";

let db: Db;
let adminId: string;
const system = (): Actor => ({ id: adminId, isAdmin: true, memberships: [] });

async function actor(id: string): Promise<Actor> {
  const user = await db.selectFrom("user").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  return loadActor(db, user);
}

/** A K/L with a 2024 RB assessment and a plan: one target, one action, two outputs (one reported), one Tematik chain. */
async function world() {
  const org = await makeOrg(db, `Kementerian Excel ${Math.random().toString(36).slice(2, 7)}`, "kementerian_lembaga");
  const unit = await makeUnit(db, org.id, null, "Sekretariat Jenderal");
  const periodId = await makePeriod(db, org.id, 2024);
  const coordinator = await makeUser(db, { role: "coordinator", organisationId: org.id });
  const reviewer = await makeUser(db, { role: "reviewer", organisationId: org.id });
  const [assessmentId] = (await createAssessments(db, system(), { unitIds: [unit.id], periodId, instrumentId: "rb-2024-kl", carryForward: false })).created;
  const team = await actor(coordinator.id);
  const planId = await createPlan(db, team, org.id, 2024);
  await saveTarget(db, team, planId, { indicatorCode: "IND01", baselineYear: 2023, baselineValue: 40, target: 60, unit: "%", note: null });
  await saveTarget(db, team, planId, { indicatorCode: "IND02", baselineYear: null, baselineValue: null, target: 70, unit: "%", note: null });
  const target = await db.selectFrom("renaksi_target").select("id").where("plan_id", "=", planId).where("indicator_code", "=", "IND01").executeTakeFirstOrThrow();
  const actionId = await addAction(db, team, planId, { targetId: target.id }, "Menyusun peta proses bisnis");
  const o1 = await addOutput(db, team, planId, actionId, { indicator: "Peta proses bisnis", unit: "dokumen", targetTw: [1, 1, 1, 1], budgetTotal: 1_500_000, implementer: "Biro Organisasi", coordinator: "Sekretaris Jenderal", focus: null });
  const o2 = await addOutput(db, team, planId, actionId, { indicator: "SOP baru", unit: "SOP", targetTw: [0, 2, 0, 2], budgetTotal: null, implementer: null, coordinator: null, focus: null });
  for (const [q, r] of [1, 1, 0, 1].entries()) await saveMonev(db, team, planId, o1, { quarter: (q + 1) as 1 | 2 | 3 | 4, realisation: r, budgetRealisation: q === 0 ? 250_000.5 : null, note: "sesuai jadwal" });
  await saveMonev(db, team, planId, o2, { quarter: 2, realisation: 1, budgetRealisation: null, note: null });
  // RB Tematik: one sasaran with its road map indicator, one permasalahan with an indicator, an action and an output.
  const sasaran = await addTematikNode(db, team, planId, { theme: "KEMISKINAN", kind: "sasaran", parentId: null, name: "Menurunnya kemiskinan ekstrem", goal: null, target: null, unit: null });
  const ir = await addTematikNode(db, team, planId, { theme: "KEMISKINAN", kind: "indikator_roadmap", parentId: sasaran, name: "Persentase kemiskinan ekstrem", goal: null, target: 2.5, unit: "%" });
  await saveTematikRealisation(db, team, planId, ir, 2.8, "data BPS");
  const perm = await addTematikNode(db, team, planId, { theme: "KEMISKINAN", kind: "permasalahan", parentId: null, name: "Data penerima bantuan tidak mutakhir", goal: "Data terpadu mutakhir", target: null, unit: null });
  await addTematikNode(db, team, planId, { theme: "KEMISKINAN", kind: "indikator_permasalahan", parentId: perm, name: "Persentase data padan", goal: null, target: 90, unit: "%" });
  const tAction = await addAction(db, team, planId, { tematikNodeId: perm }, "Pemadanan data DTKS");
  await addOutput(db, team, planId, tAction, { indicator: "Data padan", unit: "laporan", targetTw: [null, 1, null, 1], budgetTotal: 500_000, implementer: "Pusdatin", coordinator: null, focus: "TEKNOLOGI_INFORMASI" });
  return { org, coordinator, reviewer, team, planId, assessmentId: assessmentId!, o1, o2 };
}

async function load(buf: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  return wb;
}
const bytes = async (wb: ExcelJS.Workbook) => new Uint8Array(await wb.xlsx.writeBuffer());
const col = (columns: { key: string }[], key: string) => columns.findIndex((c) => c.key === key) + 1;

async function a102(assessmentId: string) {
  const row = await db.selectFrom("answer").select(["value_json"]).where("assessment_id", "=", assessmentId).where("layer", "=", "self").where("item_id", "like", "A102%").executeTakeFirst();
  return row?.value_json ? JSON.parse(row.value_json) : null;
}

beforeAll(async () => {
  withTempDataDir();
  db = await freshDb();
  adminId = (await makeUser(db, { role: "admin" })).id;
});

describe("export", () => {
  it("writes both sheets in the portal's column order, one row per output, numbers as numbers", async () => {
    const w = await world();
    const wb = await load(await exportPlanWorkbook(db, w.team, w.planId));
    const g = wb.getWorksheet(GENERAL_SHEET)!;
    const t = wb.getWorksheet(TEMATIK_SHEET)!;
    expect((g.getRow(1).values as unknown[]).slice(1)).toEqual(GENERAL_COLUMNS.map((c) => c.key));
    expect((t.getRow(1).values as unknown[]).slice(1)).toEqual(TEMATIK_COLUMNS.map((c) => c.key));
    expect(TEMATIK_COLUMNS).toHaveLength(35);
    // IND01 with two outputs, IND02 without actions (its own row, to add actions under).
    expect(g.getCell(3, 1).value).toBe("IND01");
    expect(g.getCell(3, col(GENERAL_COLUMNS, "indikator_output")).value).toBe("Peta proses bisnis");
    expect(g.getCell(3, col(GENERAL_COLUMNS, "target_total")).value).toBe(4);
    expect(g.getCell(3, col(GENERAL_COLUMNS, "anggaran_total")).value).toBe(1_500_000);
    expect(g.getCell(3, col(GENERAL_COLUMNS, "realisasi_anggaran_tw1")).value).toBe(250_000.5);
    expect(g.getCell(4, col(GENERAL_COLUMNS, "indikator_output")).value).toBe("SOP baru");
    expect(g.getCell(5, 1).value).toBe("IND02");
    expect(g.getCell(5, col(GENERAL_COLUMNS, "rencana_aksi")).value).toBeNull();
    expect(t.getCell(3, 1).value).toBe("Pengentasan Kemiskinan");
    expect(t.getCell(3, col(TEMATIK_COLUMNS, "target")).value).toBe(2.5);
    expect(t.getCell(3, col(TEMATIK_COLUMNS, "capaian")).value).toBeTypeOf("number");
    expect(t.getCell(3, col(TEMATIK_COLUMNS, "fokus_intervensi")).value).toBe("Teknologi dan Informasi");
    expect(t.getCell(3, col(TEMATIK_COLUMNS, "realisasi_anggaran")).value).toBeNull();
  });
});

describe("import", () => {
  it("round trip: the unchanged export previews and applies as zero changes", async () => {
    const w = await world();
    const buf = await exportPlanWorkbook(db, w.team, w.planId);
    const preview = await previewPlanImport(db, w.team, w.planId, new Uint8Array(buf));
    expect(preview.errors).toEqual([]);
    expect(preview.changes).toEqual([]);
    const version = (await db.selectFrom("renaksi_plan").select("version").where("id", "=", w.planId).executeTakeFirstOrThrow()).version;
    expect(await applyPlanImport(db, w.team, w.planId, new Uint8Array(buf))).toEqual({ added: 0, changed: 0, cleared: 0 });
    expect((await db.selectFrom("renaksi_plan").select("version").where("id", "=", w.planId).executeTakeFirstOrThrow()).version).toBe(version);
  });

  it("one changed cell: the preview shows that one change, the apply writes it, audits it and re-scores A102", async () => {
    const w = await world();
    const wb = await load(await exportPlanWorkbook(db, w.team, w.planId));
    const before = await a102(w.assessmentId);
    // SOP baru reports 2 in TW4 (was empty): 50 % in TW2 and 100 % in TW4.
    const cell = wb.getWorksheet(GENERAL_SHEET)!.getCell(4, col(GENERAL_COLUMNS, "realisasi_tw4"));
    cell.value = 2;
    const file = await bytes(wb);
    const preview = await previewPlanImport(db, w.team, w.planId, file);
    expect(preview.errors).toEqual([]);
    expect(preview.changes).toEqual([
      { sheet: GENERAL_SHEET, row: 4, op: "change", entity: "output", name: "SOP baru", fields: [{ column: "realisasi_tw4", cell: cell.address, before: null, after: 2, clears: false }] },
    ]);
    // Nothing written by the preview.
    const o2 = await db.selectFrom("renaksi_output").selectAll().where("id", "=", w.o2).executeTakeFirstOrThrow();
    expect(JSON.parse(o2.realisation_tw_json)).toEqual([null, 1, null, null]);

    const result = await applyPlanImport(db, w.team, w.planId, file, { expectedVersion: preview.planVersion });
    expect(result).toEqual({ added: 0, changed: 1, cleared: 0 });
    const after = await db.selectFrom("renaksi_output").selectAll().where("id", "=", w.o2).executeTakeFirstOrThrow();
    expect(JSON.parse(after.realisation_tw_json)).toEqual([null, 1, null, 2]);
    const audit = await db.selectFrom("audit_log").selectAll().where("action", "=", "renaksi.import").where("entity_id", "=", w.planId).execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.after_json!)).toMatchObject({ changed: 1, changes: [{ row: 4, fields: [{ column: "realisasi_tw4", before: null, after: 2 }] }] });
    // A102: output 1 portal 100 (three 100s), output 2 (50 + 100) / 2 = 75 → round(87,5) = 88; before it was (100 + 50) / 2 = 75.
    expect(before).toBe(75);
    expect(await a102(w.assessmentId)).toBe(88);
    // The same workbook again: nothing left to change.
    expect((await previewPlanImport(db, w.team, w.planId, file)).changes).toEqual([]);
  });

  it("adds a new action and output, and a new Tematik permasalahan chain, from new rows", async () => {
    const w = await world();
    const wb = await load(await exportPlanWorkbook(db, w.team, w.planId));
    const g = wb.getWorksheet(GENERAL_SHEET)!;
    const row = g.getRow(5); // IND02 has no action yet
    row.getCell(col(GENERAL_COLUMNS, "rencana_aksi")).value = "Survei berakhlak";
    row.getCell(col(GENERAL_COLUMNS, "indikator_output")).value = "Laporan survei";
    row.getCell(col(GENERAL_COLUMNS, "satuan_output")).value = "laporan";
    row.getCell(col(GENERAL_COLUMNS, "target_tw4")).value = "1,5";
    const t = wb.getWorksheet(TEMATIK_SHEET)!;
    t.addRow(TEMATIK_COLUMNS.map((c) => ({ tema: "Pengentasan Kemiskinan", permasalahan: "Bansos tidak tepat sasaran", rencana_aksi: "Verifikasi lapangan", indikator_output: "Desa terverifikasi", satuan_output: "desa", target_tw2: 10, fokus_intervensi: "Pengawasan" })[c.key as "tema"] ?? null));
    const file = await bytes(wb);
    const preview = await previewPlanImport(db, w.team, w.planId, file);
    expect(preview.errors).toEqual([]);
    expect(preview.changes.map((c) => [c.sheet, c.row, c.op, c.entity, c.name])).toEqual([
      [GENERAL_SHEET, 5, "add", "action", "Survei berakhlak"],
      [GENERAL_SHEET, 5, "add", "output", "Laporan survei"],
      [TEMATIK_SHEET, 4, "add", "permasalahan", "Bansos tidak tepat sasaran"],
      [TEMATIK_SHEET, 4, "add", "action", "Verifikasi lapangan"],
      [TEMATIK_SHEET, 4, "add", "output", "Desa terverifikasi"],
    ]);
    expect(await applyPlanImport(db, w.team, w.planId, file)).toEqual({ added: 5, changed: 0, cleared: 0 });
    const added = await db.selectFrom("renaksi_output").selectAll().where("plan_id", "=", w.planId).where("indicator", "=", "Laporan survei").executeTakeFirstOrThrow();
    expect(JSON.parse(added.target_tw_json)).toEqual([null, null, null, 1.5]);
    const tem = await db.selectFrom("renaksi_output").selectAll().where("plan_id", "=", w.planId).where("indicator", "=", "Desa terverifikasi").executeTakeFirstOrThrow();
    expect(tem.focus).toBe("PENGAWASAN");
    // Exported again and read back: zero changes.
    expect((await previewPlanImport(db, w.team, w.planId, new Uint8Array(await exportPlanWorkbook(db, w.team, w.planId)))).changes).toEqual([]);
  });

  it("bad cells are named by sheet and cell, and nothing is written", async () => {
    const w = await world();
    const wb = await load(await exportPlanWorkbook(db, w.team, w.planId));
    const g = wb.getWorksheet(GENERAL_SHEET)!;
    g.getCell(3, col(GENERAL_COLUMNS, "target_tw2")).value = "dua";
    g.getCell(4, col(GENERAL_COLUMNS, "anggaran_total")).value = -5;
    g.getCell(5, 1).value = "IND99";
    g.addRow(GENERAL_COLUMNS.map((c) => ({ kode_indikator: "IND03", rencana_aksi: "X", indikator_output: "Y", satuan_output: "Z" })[c.key as "kode_indikator"] ?? null));
    const t = wb.getWorksheet(TEMATIK_SHEET)!;
    t.getCell(3, 1).value = "Tema Tidak Ada";
    const file = await bytes(wb);
    const version = (await db.selectFrom("renaksi_plan").select("version").where("id", "=", w.planId).executeTakeFirstOrThrow()).version;
    const preview = await previewPlanImport(db, w.team, w.planId, file);
    const tv = col(GENERAL_COLUMNS, "target_tw2");
    expect(preview.errors.map((e) => [e.sheet, e.cell, e.key])).toEqual([
      [GENERAL_SHEET, `${String.fromCharCode(64 + tv)}3`, "renaksiExcel.issue.notANumber"],
      [GENERAL_SHEET, "K4", "renaksiExcel.issue.negative"],
      [GENERAL_SHEET, "A5", "renaksiExcel.issue.unknownIndicator"],
      [GENERAL_SHEET, "A6", "renaksiExcel.issue.indicatorNotInPlan"],
      [TEMATIK_SHEET, "A3", "renaksiExcel.issue.unknownTheme"],
    ]);
    expect(preview.errors[0]!.params).toMatchObject({ value: "dua" });
    await expect(applyPlanImport(db, w.team, w.planId, file, { confirmClear: true })).rejects.toMatchObject({ key: "renaksiExcel.hasErrors" });
    expect((await db.selectFrom("renaksi_plan").select("version").where("id", "=", w.planId).executeTakeFirstOrThrow()).version).toBe(version);
    // A Tematik road map indicator without a target, a new action without an output.
    const wb2 = await load(await exportPlanWorkbook(db, w.team, w.planId));
    const t2 = wb2.getWorksheet(TEMATIK_SHEET)!;
    t2.getCell(3, col(TEMATIK_COLUMNS, "target")).value = null;
    const g2 = wb2.getWorksheet(GENERAL_SHEET)!;
    g2.getCell(5, col(GENERAL_COLUMNS, "rencana_aksi")).value = "Aksi tanpa output";
    const p2 = await previewPlanImport(db, w.team, w.planId, await bytes(wb2));
    expect(p2.errors.map((e) => [e.sheet, e.cell, e.key])).toEqual([
      [GENERAL_SHEET, "E5", "renaksiExcel.issue.newActionNeedsOutput"],
      [TEMATIK_SHEET, "D3", "renaksiExcel.issue.roadmapNeedsTarget"],
    ]);
  });

  it("Tematik: a node's realisation and an output's budget total change; one node with two different values is a conflict", async () => {
    const w = await world();
    const wb = await load(await exportPlanWorkbook(db, w.team, w.planId));
    const t = wb.getWorksheet(TEMATIK_SHEET)!;
    t.getCell(3, col(TEMATIK_COLUMNS, "realisasi")).value = 2.4;
    t.getCell(3, col(TEMATIK_COLUMNS, "realisasi_anggaran")).value = 125_000;
    const file = await bytes(wb);
    const preview = await previewPlanImport(db, w.team, w.planId, file);
    expect(preview.errors).toEqual([]);
    expect(preview.changes.map((c) => [c.entity, c.name, c.fields.map((f) => [f.column, f.before, f.after])])).toEqual([
      ["indikator_roadmap", "Persentase kemiskinan ekstrem", [["realisasi", 2.8, 2.4]]],
      ["output", "Data padan", [["realisasi_anggaran", null, 125_000]]],
    ]);
    await applyPlanImport(db, w.team, w.planId, file);
    const node = await db.selectFrom("tematik_node").selectAll().where("plan_id", "=", w.planId).where("kind", "=", "indikator_roadmap").executeTakeFirstOrThrow();
    expect(node.realisasi).toBe(2.4);
    const out = await db.selectFrom("renaksi_output").selectAll().where("plan_id", "=", w.planId).where("indicator", "=", "Data padan").executeTakeFirstOrThrow();
    expect(JSON.parse(out.budget_realisation_tw_json)).toEqual([null, null, null, 125_000]);
    // The same permasalahan again with another sasaran_permasalahan: refused at that cell, naming the first row.
    const wb2 = await load(await exportPlanWorkbook(db, w.team, w.planId));
    const t2 = wb2.getWorksheet(TEMATIK_SHEET)!;
    t2.addRow(TEMATIK_COLUMNS.map((c) => ({ tema: "KEMISKINAN", permasalahan: "Data penerima bantuan tidak mutakhir", sasaran_permasalahan: "Lain" })[c.key as "tema"] ?? null));
    const p2 = await previewPlanImport(db, w.team, w.planId, await bytes(wb2));
    expect(p2.errors).toEqual([{ sheet: TEMATIK_SHEET, cell: "J4", key: "renaksiExcel.issue.conflict", params: { column: "sasaran_permasalahan", row: "3", name: "Data penerima bantuan tidak mutakhir" } }]);
  });

  it("a blank cell over a stored value is a clearance: refused without confirmClear, applied with it", async () => {
    const w = await world();
    const wb = await load(await exportPlanWorkbook(db, w.team, w.planId));
    wb.getWorksheet(GENERAL_SHEET)!.getCell(3, col(GENERAL_COLUMNS, "pelaksana")).value = null;
    const file = await bytes(wb);
    const preview = await previewPlanImport(db, w.team, w.planId, file);
    expect(preview.counts).toEqual({ added: 0, changed: 1, cleared: 1 });
    expect(preview.changes[0]!.fields).toEqual([{ column: "pelaksana", cell: "L3", before: "Biro Organisasi", after: null, clears: true }]);
    await expect(applyPlanImport(db, w.team, w.planId, file)).rejects.toBeInstanceOf(RenaksiExcelError);
    await expect(applyPlanImport(db, w.team, w.planId, file)).rejects.toMatchObject({ key: "renaksiExcel.clearNeedsConfirm", params: { count: 1 } });
    expect((await db.selectFrom("renaksi_output").select("implementer").where("id", "=", w.o1).executeTakeFirstOrThrow()).implementer).toBe("Biro Organisasi");
    await applyPlanImport(db, w.team, w.planId, file, { confirmClear: true });
    expect((await db.selectFrom("renaksi_output").select("implementer").where("id", "=", w.o1).executeTakeFirstOrThrow()).implementer).toBeNull();
  });

  it("respects the windows and who may fill", async () => {
    const w = await world();
    const wb = await load(await exportPlanWorkbook(db, w.team, w.planId));
    wb.getWorksheet(GENERAL_SHEET)!.getCell(3, col(GENERAL_COLUMNS, "target_tw1")).value = 3;
    wb.getWorksheet(GENERAL_SHEET)!.getCell(3, col(GENERAL_COLUMNS, "realisasi_tw4")).value = 3;
    const file = await bytes(wb);
    await db.updateTable("renaksi_plan").set({ plan_close: "2000-01-01" }).where("id", "=", w.planId).execute();
    const closed = await previewPlanImport(db, w.team, w.planId, file);
    expect(closed.errors.map((e) => [e.cell, e.key])).toEqual([["F3", "renaksiExcel.issue.planClosed"]]);
    await db.updateTable("renaksi_plan").set({ plan_close: null }).where("id", "=", w.planId).execute();
    const reviewer = await actor(w.reviewer.id);
    await expect(previewPlanImport(db, reviewer, w.planId, file)).rejects.toMatchObject({ status: 403 });
    // Another plan's workbook is refused.
    const other = await world();
    const p = await previewPlanImport(db, other.team, other.planId, file);
    expect(p.errors.map((e) => e.key)).toEqual(["renaksiExcel.issue.otherPlan"]);
  });
});

describe("routes", () => {
  it("downloads the workbook with its name and type, and previews, refuses and applies through the page", async () => {
    const w = await world();
    const cookie = await sessionCookie(db, w.coordinator.id);
    const download = (c: string) => xlsxRoute.loader({ request: makeRequest({ path: `/renaksi/${w.planId}/xlsx`, cookie: c }), params: { planId: w.planId }, context: {} });
    const res = await download(cookie);
    expect(res.headers.get("Content-Type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(res.headers.get("Content-Disposition")).toMatch(/rencana-aksi-kementerian-excel-[a-z0-9]+-2024\.xlsx/);
    const wb = await load(Buffer.from(await res.arrayBuffer()));
    wb.getWorksheet(GENERAL_SHEET)!.getCell(3, col(GENERAL_COLUMNS, "koordinator")).value = "Inspektur Jenderal";
    const file = await bytes(wb);
    const upload = (fields: Record<string, string | Blob>, c: string = cookie) => {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.set(k, v);
      return callAction(excelRoute, { path: `/renaksi/${w.planId}/excel`, params: { planId: w.planId }, cookie: c, form });
    };
    const preview = await upload({ intent: "preview", file: new File([file], "plan.xlsx") });
    expect(preview.status).toBe(200);
    expect(preview.data).toMatchObject({ ok: true, preview: { counts: { changed: 1 } } });
    const bad = await upload({ intent: "preview", file: new File([new Uint8Array([1, 2, 3])], "plan.xlsx") });
    expect(bad.status).toBe(400);
    expect(bad.data).toMatchObject({ ok: false, formError: "renaksiExcel.errorsTitle" });
    expect(((bad.data as { issues: unknown[] }).issues).length).toBeGreaterThan(0);
    expect((await upload({ intent: "preview" })).status).toBe(400);
    // A cell with text in a number column: 400 with the sheet and cell.
    const wbBad = await load(Buffer.from(file));
    wbBad.getWorksheet(GENERAL_SHEET)!.getCell(3, col(GENERAL_COLUMNS, "target_tw1")).value = "satu";
    const badCell = await upload({ intent: "preview", file: new File([await bytes(wbBad)], "plan.xlsx") });
    expect(badCell.status).toBe(400);
    expect(badCell.data).toMatchObject({ issues: [{ sheet: GENERAL_SHEET, cell: "F3", key: "renaksiExcel.issue.notANumber" }] });
    const p = preview.data as { payload: string; preview: { planVersion: number } };
    const applied = await upload({ intent: "apply", payload: p.payload, planVersion: String(p.preview.planVersion), fileName: "plan.xlsx" });
    expect(applied.status).toBe(200);
    expect(applied.data).toMatchObject({ ok: true, applied: { changed: 1 } });
    expect((await db.selectFrom("renaksi_output").select("coordinator").where("id", "=", w.o1).executeTakeFirstOrThrow()).coordinator).toBe("Inspektur Jenderal");
    // The same preview applied again: the plan moved on (409), nothing written twice.
    expect((await upload({ intent: "apply", payload: p.payload, planVersion: String(p.preview.planVersion) })).status).toBe(409);
    expect((await upload({ intent: "apply", payload: "", planVersion: "x" })).status).toBe(400);
    // The page for the coordinator; a reviewer may download but not upload.
    expect((await callLoader(excelRoute, { path: `/renaksi/${w.planId}/excel`, params: { planId: w.planId }, cookie })).status).toBe(200);
    const reviewerCookie = await sessionCookie(db, w.reviewer.id);
    expect((await download(reviewerCookie)).status).toBe(200);
    expect((await upload({ intent: "preview", file: new File([file], "plan.xlsx") }, reviewerCookie)).status).toBe(403);
    // Another organisation's user: not found.
    const stranger = await makeUser(db, { role: "coordinator", organisationId: (await makeOrg(db)).id });
    const strangerCookie = await sessionCookie(db, stranger.id);
    await expect(download(strangerCookie)).rejects.toMatchObject({ status: 404 });
  });
});
