/**
 * Bulk LKE (issue #12): a roll-out exported as one zip (a background job whose progress is in the
 * database, the file served only to the user who asked), and a zip of filled workbooks imported as
 * one preview per unit.
 */
import fs from "node:fs";
import ExcelJS from "exceljs";
import archiver from "archiver";
import { PassThrough } from "node:stream";
import { beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import { loadActor } from "~/auth/require.server";
import { createAssessments } from "~/services/workbench/rollout.server";
import { getExportFile, listRollout, previewBulkImport, startRolloutExport } from "~/services/excel/bulk.server";
import { openWorkbook } from "~/services/excel/read.server";
import { readZip } from "~/services/excel/zip.server";
import { lkeIssueMessage } from "~/i18n/lke-issues";
import { makeUnit } from "../helpers/factories";
import { type World, freshWorld } from "../helpers/world";

let db: Db;
let w: World;
let coordinator: Actor;
let assessor: Actor;

beforeAll(async () => {
  ({ db, w } = await freshWorld());
  const system = { id: w.users.admin.id, isAdmin: true, memberships: [] };
  // Two more units under the coordinator's echelon I, so the roll-out has four assessments.
  const units = [
    await makeUnit(db, w.ministry.id, w.eselon1, "Kantor Uji B"),
    await makeUnit(db, w.ministry.id, w.eselon1, "Kantor Uji C"),
  ];
  await createAssessments(db, system, {
    unitIds: units.map((u) => u.id),
    periodId: w.periodId,
    instrumentId: "zi-2021",
    carryForward: false,
  });
  const actor = async (id: string) => loadActor(db, await db.selectFrom("user").selectAll().where("id", "=", id).executeTakeFirstOrThrow());
  coordinator = await actor(w.users.coordinator.id);
  assessor = await actor(w.users.assessor.id);
});

async function waitForJob(id: string) {
  for (let i = 0; i < 200; i++) {
    const job = await db.selectFrom("lke_export").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    if (job.status !== "running") return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("export job did not finish");
}

async function zipOf(files: Array<{ name: string; data: Buffer }>): Promise<Uint8Array> {
  const archive = archiver("zip");
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  const ended = new Promise((r) => out.on("end", r));
  archive.pipe(out);
  for (const f of files) archive.append(f.data, { name: f.name });
  await archive.finalize();
  await ended;
  return new Uint8Array(Buffer.concat(chunks));
}

test("a roll-out exports as one zip with one workbook per unit; only the requester may download it", async () => {
  const rows = await listRollout(db, coordinator, w.periodId, "zi-2021");
  expect(rows.length).toBe(4);
  const id = await startRolloutExport(db, coordinator, w.periodId, "zi-2021", "https://cermin.example.go.id");
  const job = await waitForJob(id);
  expect(job).toMatchObject({ status: "done", total: 4, done: 4 });
  const file = await getExportFile(db, coordinator, id);
  const entries = readZip(fs.readFileSync(file.path), { entryBytes: 1 << 26, totalBytes: 1 << 28, entries: 100 });
  expect(entries).toHaveLength(4);
  const ids = [];
  for (const e of entries) {
    expect(e.name).toMatch(/^LKE zi-2021 .+ 2025( [0-9a-f]{8})?\.xlsx$/);
    ids.push((await openWorkbook(e.data)).meta.assessmentId);
  }
  expect(ids.sort()).toEqual(rows.map((r) => r.id).sort());
  await expect(getExportFile(db, assessor, id)).rejects.toMatchObject({ status: 403 });
});

test("a zip of filled workbooks previews each against its own assessment", async () => {
  const id = await startRolloutExport(db, coordinator, w.periodId, "zi-2021", null);
  await waitForJob(id);
  const entries = readZip(fs.readFileSync((await getExportFile(db, coordinator, id)).path), {
    entryBytes: 1 << 26,
    totalBytes: 1 << 28,
    entries: 100,
  });
  // Fill one item in the first workbook; leave the others untouched; add a stray non-workbook file.
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(entries[0]!.data as unknown as ArrayBuffer);
  const ws = wb.getWorksheet("Jawaban")!;
  ws.eachRow((row) => {
    if (row.getCell(1).value === "A.I.1.i.a") row.getCell(4).value = "tidak";
  });
  const filled = Buffer.from(await wb.xlsx.writeBuffer());
  const zip = await zipOf([
    { name: `terisi/${entries[0]!.name}`, data: filled },
    ...entries.slice(1),
    { name: "catatan.txt", data: Buffer.from("bukan buku kerja") },
  ]);
  const rows = await previewBulkImport(db, coordinator, zip);
  expect(rows).toHaveLength(4);
  const changed = rows.filter((r) => r.preview?.changes.length);
  expect(changed).toHaveLength(1);
  expect(changed[0]!.preview!.changes.map((c) => [c.itemId, c.after.value])).toEqual([["A.I.1.i.a", "Tidak"]]);
  expect(changed[0]!.preview!.importId).toBeTruthy();
  expect(rows.filter((r) => r.error)).toEqual([]);
  // The assessor's scope is their service unit and the unit below it: the two sibling units' workbooks are refused.
  const asAssessor = await previewBulkImport(db, assessor, zip);
  const refusedRows = asAssessor.filter((r) => r.error);
  expect(refusedRows.map((r) => r.error!.map((i) => i.key))).toEqual([["lke.issue.bulk.notFound"], ["lke.issue.bulk.notFound"]]);
  // Each in the reader's language.
  expect(lkeIssueMessage(refusedRows[0]!.error![0]!, "id")).toMatch(/cakupan/);
  expect(lkeIssueMessage(refusedRows[0]!.error![0]!, "en")).toBe("assessment not found or outside your scope");
});
