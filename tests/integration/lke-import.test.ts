/**
 * Excel LKE import (issue #12): export → import is lossless; a filled workbook previews its changes
 * with the score before → after and applies them in one audited transaction; conflicts with changes
 * made in Cermin since the export are applied only when chosen; an assessor imports only assigned
 * areas; a change after the preview aborts the whole apply; an evaluator's workbook fills only
 * that evaluator's layer; links in `Bukti dukung` become link evidence; an official workbook with
 * several answer column groups reads the one chosen (issue #26).
 */
import ExcelJS from "exceljs";
import { beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import { loadActor } from "~/auth/require.server";
import type { Actor } from "~/auth/permissions";
import { lkeRows } from "~/domain/lke/layout";
import { scoreAssessment } from "~/domain/scoring/score";
import { answersObject, saveAnswer } from "~/services/workbench/answers.server";
import { requireAssessment, type AssessmentContext } from "~/services/workbench/assessments.server";
import { createAssessments } from "~/services/workbench/rollout.server";
import { newId } from "~/utils/ids";
import { exportAssessmentWorkbook } from "~/services/excel/export.server";
import { applyImport, ImportApplyError } from "~/services/excel/apply.server";
import { changeKey, previewImport } from "~/services/excel/import.server";
import { issueText, LkeError } from "~/services/excel/sheet.server";
import { loadInstruments } from "~/services/instruments/catalog.server";
import { setAssignment } from "~/services/workbench/workflow.server";
import { previewText } from "~/cli/lke";
import { makeUnit } from "../helpers/factories";
import { pmprbOfficialWorkbook } from "../helpers/official-lke";
import { randomAnswers } from "../unit/scoring/random-answers";
import { type World, freshWorld } from "../helpers/world";

let db: Db;
let w: World;
let system: Actor;
let coordinator: Actor;
let assessor: Actor;
let evaluator: Actor;

const actorOf = async (id: string) => loadActor(db, await db.selectFrom("user").selectAll().where("id", "=", id).executeTakeFirstOrThrow());
const ctxOf = (actor: Actor, id = w.assessmentId) => requireAssessment(db, actor, id);

beforeAll(async () => {
  ({ db, w } = await freshWorld());
  system = { id: w.users.admin.id, isAdmin: true, memberships: [] };
  coordinator = await actorOf(w.users.coordinator.id);
  assessor = await actorOf(w.users.assessor.id);
  evaluator = await actorOf(w.users.evaluator.id);
});

async function selfRows(id = w.assessmentId) {
  return db.selectFrom("answer").selectAll().where("assessment_id", "=", id).where("layer", "=", "self").orderBy("item_id").execute();
}

/** Loads a workbook, lets `edit` change cells found by Kode, writes it back. */
async function edit(
  buf: Buffer,
  changes: Record<string, { answer?: unknown; note?: string | null; evidence?: string; column?: string }>,
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const ws = wb.getWorksheet("Jawaban")!;
  const header = ws.getRow(1);
  const col = (name: string) => {
    let found = 0;
    header.eachCell((c, n) => {
      if (c.value === name) found = n;
    });
    if (!found) throw new Error(`no column ${name}`);
    return found;
  };
  const rows = new Map<string, number>();
  ws.eachRow((row, n) => rows.set(String(row.getCell(1).value ?? ""), n));
  for (const [code, ch] of Object.entries(changes)) {
    const r = rows.get(code);
    if (!r) throw new Error(`no row ${code}`);
    const row = ws.getRow(r);
    if ("answer" in ch) row.getCell(col(ch.column ?? "Jawaban")).value = ch.answer as ExcelJS.CellValue;
    if ("note" in ch) row.getCell(col(ch.column ? ch.column.replace("Jawaban", "Catatan") : "Catatan")).value = ch.note ?? null;
    if (ch.evidence !== undefined) row.getCell(col("Bukti dukung")).value = ch.evidence;
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const file = (bytes: Buffer, name = "lke.xlsx") => ({ name, bytes: new Uint8Array(bytes) });

function itemsOfType(ctx: AssessmentContext, type: string, area?: string) {
  return lkeRows(ctx.instrument).flatMap((r) =>
    r.kind === "item" && r.item.type === type && (!area || r.code.startsWith(`${area}.`)) ? [r] : [],
  );
}

test("export → import of the untouched workbook: zero changes, nothing stored", async () => {
  const ctx = await ctxOf(coordinator);
  await saveAnswer(db, coordinator, ctx, { itemId: "A.I.1.i.a", baseVersion: 0, value: "Ya", note: "Catatan\nbaris dua — ꦗꦮ 日本語 ✓" });
  const buf = await exportAssessmentWorkbook(db, coordinator, ctx);
  const p = await previewImport(db, coordinator, await ctxOf(coordinator), file(buf));
  expect(p.changes).toEqual([]);
  expect(p.importId).toBeNull();
  expect(p.before.total).toBe(p.after.total);
  expect(await db.selectFrom("lke_import").select("id").execute()).toHaveLength(0);
});

test("a filled workbook: preview with score before → after, apply in one audited transaction", async () => {
  const ctx = await ctxOf(coordinator);
  const before = await selfRows();
  const percent = itemsOfType(ctx, "percent")[0]!;
  const inputs = percent.item.inputs!.filter((i) => !i.informational);
  const survey = itemsOfType(ctx, "survey_0_4")[0]!;
  const abcde = itemsOfType(ctx, "abcde")[0]!;
  const buf = await edit(await exportAssessmentWorkbook(db, coordinator, ctx), {
    "A.I.1.i.b": { answer: "a ", note: "Tim dipilih lewat SK\r\nbaris 2" },
    [abcde.code]: { answer: "b", evidence: "https://data.example.go.id/sk-tim.pdf dan https://data.example.go.id/notulen" },
    [survey.code]: { answer: "3,60" },
    [`${percent.code}#${inputs[0]!.name}`]: { answer: "4" },
    [`${percent.code}#${inputs[1]!.name}`]: { answer: 3 },
  });
  const p = await previewImport(db, coordinator, ctx, file(buf, "lke-terisi.xlsx"));
  const byItem = new Map(p.changes.map((c) => [c.itemId, c]));
  expect([...byItem.keys()].sort()).toEqual(["A.I.1.i.b", abcde.code, survey.code, percent.code].sort());
  expect(byItem.get("A.I.1.i.b")!.after).toEqual({ value: "A", note: "Tim dipilih lewat SK\nbaris 2" });
  expect(byItem.get(survey.code)!.after.value).toBe(3.6);
  expect(byItem.get(percent.code)!.after.value).toEqual({ [inputs[0]!.name]: 4, [inputs[1]!.name]: 3 });
  expect(byItem.get(abcde.code)!.newLinks).toEqual(["https://data.example.go.id/sk-tim.pdf", "https://data.example.go.id/notulen"]);
  expect(p.changes.every((c) => !c.conflict && !c.blocked)).toBe(true);
  expect(p.after.total).toBeGreaterThan(p.before.total);
  // Nothing changed yet.
  expect(await selfRows()).toEqual(before);

  const result = await applyImport(db, coordinator, ctx, p.importId!);
  expect(result).toEqual({ answers: 4, links: 2, cleared: 0, clearsLeftOut: 0 });
  const answers = answersObject(await selfRows());
  expect(answers["A.I.1.i.b"]).toBe("A");
  expect(answers[survey.code]).toBe(3.6);
  expect(scoreAssessment(ctx.instrument, answers).total).toBeCloseTo(p.after.total, 12);
  const audits = await db
    .selectFrom("audit_log")
    .selectAll()
    .where("actor_user_id", "=", coordinator.id)
    .where("action", "in", ["answer.save", "lke.import", "evidence.link"])
    .execute();
  const fromExcel = audits.filter((a) => (a.after_json ?? "").includes(p.sha256));
  expect(fromExcel.filter((a) => a.action === "answer.save")).toHaveLength(4);
  expect(fromExcel.filter((a) => a.action === "evidence.link")).toHaveLength(2);
  expect(fromExcel.filter((a) => a.action === "lke.import")).toHaveLength(1);
  expect(JSON.parse(fromExcel.find((a) => a.action === "lke.import")!.after_json!)).toMatchObject({
    kind: "excel_import",
    file: "lke-terisi.xlsx",
    answers: 4,
  });
  // The same preview cannot be applied twice, and the workbook now imports as no change (links included).
  await expect(applyImport(db, coordinator, ctx, p.importId!)).rejects.toThrow(ImportApplyError);
  const again = await previewImport(
    db,
    coordinator,
    await ctxOf(coordinator),
    file(await exportAssessmentWorkbook(db, coordinator, await ctxOf(coordinator))),
  );
  expect(again.changes).toEqual([]);
});

test("conflicts: an item changed in Cermin since the export is applied only when chosen", async () => {
  const ctx = await ctxOf(coordinator);
  const exported = await exportAssessmentWorkbook(db, coordinator, ctx);
  const current = answersObject(await selfRows());
  const row = (await selfRows()).find((r) => r.item_id === "A.I.1.i.b")!;
  await saveAnswer(db, coordinator, ctx, { itemId: "A.I.1.i.b", baseVersion: row.version, value: "B", note: null });
  expect(current["A.I.1.i.b"]).toBe("A");
  const buf = await edit(exported, { "A.I.1.i.b": { answer: "C" }, "A.I.1.ii.a": { answer: "Ya" } });
  const p = await previewImport(db, coordinator, ctx, file(buf));
  const conflict = p.changes.find((c) => c.itemId === "A.I.1.i.b")!;
  expect(conflict.conflict).toBe(true);
  expect(conflict.before?.value).toBe("B");
  expect(p.changes.find((c) => c.itemId === "A.I.1.ii.a")!.conflict).toBe(false);
  await applyImport(db, coordinator, ctx, p.importId!);
  let answers = answersObject(await selfRows());
  expect(answers["A.I.1.i.b"]).toBe("B");
  expect(answers["A.I.1.ii.a"]).toBe("Ya");
  // Chosen: the workbook's value wins.
  const p2 = await previewImport(db, coordinator, ctx, file(buf));
  const c2 = p2.changes.find((c) => c.itemId === "A.I.1.i.b")!;
  expect(c2.conflict).toBe(true);
  await applyImport(db, coordinator, ctx, p2.importId!, { takeConflicts: [changeKey(c2)] });
  answers = answersObject(await selfRows());
  expect(answers["A.I.1.i.b"]).toBe("C");
});

test("a change made after the preview aborts the whole apply: nothing is applied", async () => {
  const ctx = await ctxOf(coordinator);
  const buf = await edit(await exportAssessmentWorkbook(db, coordinator, ctx), {
    "A.I.1.ii.b": { answer: "B" },
    "A.I.1.ii.c": { answer: "A" },
  });
  const p = await previewImport(db, coordinator, ctx, file(buf));
  expect(p.changes).toHaveLength(2);
  await saveAnswer(db, coordinator, ctx, { itemId: "A.I.1.ii.c", baseVersion: 0, value: "B", note: null });
  const before = await selfRows();
  const err = await applyImport(db, coordinator, ctx, p.importId!).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ImportApplyError);
  expect((err as ImportApplyError).key).toBe("lke.stale");
  expect(await selfRows()).toEqual(before);
  expect(
    (await db.selectFrom("lke_import").select("applied_at").where("id", "=", p.importId!).executeTakeFirstOrThrow()).applied_at,
  ).toBeNull();
});

test("an assessor imports only the areas assigned to them", async () => {
  const cctx = await ctxOf(coordinator);
  await setAssignment(db, coordinator, cctx, "A.I.2", assessor.id, true);
  const ctx = await ctxOf(assessor);
  const a2 = itemsOfType(ctx, "yes_no", "A.I.2")[0] ?? itemsOfType(ctx, "abc", "A.I.2")[0]!;
  const a3 = itemsOfType(ctx, "abc", "A.I.3")[0]!;
  const buf = await edit(await exportAssessmentWorkbook(db, assessor, ctx), {
    [a2.code]: { answer: a2.item.options![0]!.code },
    [a3.code]: { answer: "A" },
  });
  const p = await previewImport(db, assessor, ctx, file(buf));
  expect(p.changes.find((c) => c.itemId === a2.code)!.blocked).toBeNull();
  expect(p.changes.find((c) => c.itemId === a3.code)!.blocked).toBe("lke.blocked.notAssigned");
  await applyImport(db, assessor, ctx, p.importId!);
  const answers = answersObject(await selfRows());
  expect(answers[a2.code]).toBe(a2.item.options![0]!.code);
  expect(answers[a3.code]).toBeUndefined();
});

test("an evaluator's workbook goes only into that evaluator's own layer", async () => {
  const ctx = await ctxOf(evaluator, w.submittedAssessmentId);
  const buf = await exportAssessmentWorkbook(db, evaluator, ctx);
  const filled = await edit(buf, {
    "A.I.1.i.a": { answer: "Tidak", column: "Jawaban TPI", note: "Bukti SK tidak ada" },
    "A.I.1.ii.a": { answer: "Ya" },
  });
  const p = await previewImport(db, evaluator, ctx, file(filled));
  const tpi = p.changes.find((c) => c.layer === "internal")!;
  expect(tpi.itemId).toBe("A.I.1.i.a");
  expect(tpi.blocked).toBeNull();
  // The evaluator's edit of the unit's own column is shown and refused.
  expect(p.changes.filter((c) => c.layer === "self").every((c) => c.blocked !== null)).toBe(true);
  const selfBefore = await selfRows(w.submittedAssessmentId);
  await applyImport(db, evaluator, ctx, p.importId!);
  expect(await selfRows(w.submittedAssessmentId)).toEqual(selfBefore);
  const internal = await db
    .selectFrom("answer")
    .selectAll()
    .where("assessment_id", "=", w.submittedAssessmentId)
    .where("layer", "=", "internal")
    .execute();
  expect(internal.map((r) => [r.item_id, r.value_json, r.note])).toEqual([["A.I.1.i.a", '"Tidak"', "Bukti SK tidak ada"]]);
});

test("lossless through the database for every instrument: all items answered with notes, export → import = zero changes", async () => {
  const unit = await makeUnit(db, w.other.id, null, "Dinas Uji Ekspor");
  for (const instrumentId of ["zi-2021", "pmprb-2014"]) {
    const [id] = (await createAssessments(db, system, { unitIds: [unit.id], periodId: w.otherPeriodId, instrumentId, carryForward: false }))
      .created;
    const ctx = await ctxOf(system, id!);
    let k = 0;
    for (const row of lkeRows(ctx.instrument)) {
      if (row.kind !== "item") continue;
      k++;
      const item = row.item;
      const value =
        item.type === "percent"
          ? Object.fromEntries((item.inputs ?? []).map((i, n) => [i.name, (k + n) % 7]))
          : item.options
            ? item.options[k % item.options.length]!.code
            : item.type === "external_points"
              ? (row.groupWeight * (k % 5)) / 4
              : ((item.scale?.max ?? 4) * (k % 9)) / 8;
      await db
        .insertInto("answer")
        .values({
          id: newId(),
          assessment_id: id!,
          layer: "self",
          item_id: item.id,
          value_json: JSON.stringify(value),
          note: k % 3 === 0 ? `Catatan ${k}\nbaris kedua: ꦲꦤꦕꦫꦏ · 日本 · "kutip" & <tag>` : null,
          version: 1 + (k % 4),
          carried_over: 0,
          review_status: "pending",
          review_note: null,
          updated_by: system.id,
          updated_at: new Date().toISOString(),
        })
        .execute();
    }
    const buf = await exportAssessmentWorkbook(db, system, await ctxOf(system, id!));
    const p = await previewImport(db, system, await ctxOf(system, id!), file(buf));
    expect(p.changes, instrumentId).toEqual([]);
    expect(p.unchanged, instrumentId).toBeGreaterThanOrEqual(k);
    expect(p.unmatched, instrumentId).toEqual([]);
  }
});

test("layer choice: an official workbook with two answer groups reads the first by default, `group` picks another (header or letter)", async () => {
  const unit = await makeUnit(db, w.other.id, null, "Dinas Uji PMPRB");
  const [id] = (
    await createAssessments(db, system, { unitIds: [unit.id], periodId: w.otherPeriodId, instrumentId: "pmprb-2014", carryForward: false })
  ).created;
  const ctx = await ctxOf(system, id!);
  const layer = (seed: number) => Object.fromEntries(Object.entries(randomAnswers(ctx.instrument, seed)).filter(([, v]) => v !== null));
  const y2015 = layer(5);
  const y2014 = layer(6);
  const bytes = await pmprbOfficialWorkbook(ctx.instrument, [
    { year: 2015, answers: y2015 },
    { year: 2014, answers: y2014 },
  ]);
  const first = await previewImport(db, system, ctx, { name: "LKE RB.xlsx", bytes });
  expect(first.layout).toBe("official");
  expect(first.groups.map((g) => [g.header, g.answerColumn])).toEqual([
    ["PENILAIAN TAHUN 2015", "J"],
    ["PENILAIAN TAHUN 2014", "V"],
  ]);
  expect(first.group?.answerColumn).toBe("J");
  expect(first.chosenGroup).toBe(0);
  expect(Object.fromEntries(first.changes.map((c) => [c.itemId, c.after.value]))).toEqual(y2015);
  for (const group of ["PENILAIAN TAHUN 2014", "V"]) {
    const other = await previewImport(db, system, ctx, { name: "LKE RB.xlsx", bytes }, { group });
    expect(other.group?.header, group).toBe("PENILAIAN TAHUN 2014");
    expect(Object.fromEntries(other.changes.map((c) => [c.itemId, c.after.value])), group).toEqual(y2014);
    expect(other.after.total).toBeCloseTo(scoreAssessment(ctx.instrument, y2014).total, 12);
  }
  // The preview text names the group read and the other one.
  const text = previewText(first);
  expect(text).toMatch(/Dibaca dari sheet LKE : jawaban dari kolom J \("PENILAIAN TAHUN 2015"\)/);
  expect(text).toMatch(/Kelompok kolom jawaban lain \(--layer\): "PENILAIAN TAHUN 2014" \(V\)/);
  await expect(previewImport(db, system, ctx, { name: "LKE RB.xlsx", bytes }, { group: "TAHUN 1999" })).rejects.toThrow();
});

test("another instrument's official workbook (PMPRB into a ZI assessment) is refused for that, not with every row that did not fit", async () => {
  const ctx = await ctxOf(coordinator);
  const pmprb = loadInstruments().find((l) => l.instrument.id === "pmprb-2014")!.instrument;
  const bytes = await pmprbOfficialWorkbook(pmprb, [{ year: 2015, answers: { "A.1.i.a": "A", "A.1.i.b": "B" } }]);
  const err = await previewImport(db, coordinator, ctx, { name: "LKE RB.xlsx", bytes }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(LkeError);
  const issues = (err as LkeError).issues;
  expect(issues).toHaveLength(1);
  expect(issues[0]).toMatchObject({ key: "lke.issue.fewRecognised", params: { total: 113 } });
  expect(issueText(issues[0]!)).toMatch(/hanya \d+ dari 113 butir instrumen yang dikenali .*jawaban dari kolom J/);
  expect(issueText(issues[0]!)).not.toMatch(/muncul dua kali/);
});
