/**
 * Issue #29, "outputs that open right in the spreadsheet people really use": a Rencana Aksi workbook
 * exported by Cermin goes through a real LibreOffice Calc (open, save as .xlsx) and the import preview of
 * what comes back shows no change — numbers, texts, the hidden plan sheet and both template sheets survive.
 * Skipped, saying so, only where `soffice` is not installed (CI installs libreoffice-calc-nogui).
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import { exportPlanWorkbook, previewPlanImport } from "~/services/renaksi/excel.server";
import { addAction, addOutput, createPlan, saveMonev, saveTarget } from "~/services/renaksi/plans.server";
import { addTematikNode } from "~/services/renaksi/tematik.server";
import { freshDb } from "../helpers/db";
import { makeOrg, makeUser } from "../helpers/factories";
import { findSoffice, LibreOffice } from "../helpers/libreoffice";
import { withTempDataDir } from "../helpers/world";

const SOFFICE = findSoffice();
if (!SOFFICE) console.warn("renaksi-libreoffice: skipped, soffice is not on PATH (apt-get install libreoffice-calc-nogui)");

let db: Db;
let lo: LibreOffice | null = null;
beforeAll(async () => {
  withTempDataDir();
  db = await freshDb();
  if (SOFFICE) lo = await LibreOffice.start(SOFFICE);
}, 120_000);
afterAll(() => lo?.dispose());

test.skipIf(!SOFFICE)("a plan workbook saved again by LibreOffice Calc imports with no change", async () => {
  const org = await makeOrg(db, "Pemerintah Kabupaten Uji", "pemda_kabkota");
  const admin: Actor = { id: (await makeUser(db, { role: "admin" })).id, isAdmin: true, memberships: [] };
  const planId = await createPlan(db, admin, org.id, 2024);
  await saveTarget(db, admin, planId, { indicatorCode: "IND01", baselineYear: 2023, baselineValue: 61.5, target: 70.25, unit: "nilai", note: "Catatan; dengan koma, titik. dan \"kutip\"" });
  const target = await db.selectFrom("renaksi_target").select("id").where("plan_id", "=", planId).executeTakeFirstOrThrow();
  const action = await addAction(db, admin, planId, { targetId: target.id }, "Menyusun SOP layanan — tahap 1");
  const output = await addOutput(db, admin, planId, action, { indicator: "SOP yang ditetapkan", unit: "SOP", targetTw: [1, 2, 0.5, 3], budgetTotal: 15_000_000.5, implementer: "Bagian Organisasi", coordinator: "Sekda", focus: null });
  await saveMonev(db, admin, planId, output, { quarter: 1, realisation: 1, budgetRealisation: 2_500_000, note: null });
  await saveMonev(db, admin, planId, output, { quarter: 2, realisation: 1.25, budgetRealisation: null, note: "Tertunda" });
  const problem = await addTematikNode(db, admin, planId, { theme: "KEMISKINAN", kind: "permasalahan", parentId: null, name: "Data belum padu", goal: "Data terpadu", target: null, unit: null });
  await addTematikNode(db, admin, planId, { theme: "KEMISKINAN", kind: "indikator_permasalahan", parentId: problem, name: "Data termutakhir", goal: null, target: 90, unit: "%" });
  const tAction = await addAction(db, admin, planId, { tematikNodeId: problem }, "Pemutakhiran data");
  await addOutput(db, admin, planId, tAction, { indicator: "Basis data", unit: "basis data", targetTw: [0, 1, 0, 1], budgetTotal: 40_000_000, implementer: "Dinsos", coordinator: "Bappeda", focus: "TEKNOLOGI_INFORMASI" });

  const exported = await exportPlanWorkbook(db, admin, planId);
  const saved = await lo!.resave(new Uint8Array(exported), "rencana-aksi.xlsx");
  // LibreOffice wrote its own file (not the bytes it was given).
  expect(Buffer.compare(saved, exported)).not.toBe(0);
  const preview = await previewPlanImport(db, admin, planId, new Uint8Array(saved));
  expect(preview.errors ?? []).toEqual([]);
  expect(preview.changes).toEqual([]);
}, 180_000);
