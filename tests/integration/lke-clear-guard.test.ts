/**
 * Issue #26: no LKE import silently erases an assessment, and unreleased evaluator layers stay hidden.
 * - A workbook whose answer cells are blank over answered items clears them only when the user
 *   explicitly says so (service, the route's action, the CLI's --allow-clear); each clearance is audited.
 * - A workbook in which no answer could be read is refused, naming the columns read.
 * - An assessor's preview of a workbook with `Jawaban TPI` columns shows nothing of the unreleased
 *   TPI layer (no change row, no `before`, no message).
 * - `cermin lke --help` and each subcommand's --help print usage with exit 0.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { beforeAll, expect, test } from "vitest";
import { createDb, type Db } from "#db/client.server";
import { loadActor } from "~/auth/require.server";
import type { Actor } from "~/auth/permissions";
import { lkeRows } from "~/domain/lke/layout";
import type { AnswerValue } from "~/domain/scoring/answers";
import { scoreAssessment } from "~/domain/scoring/score";
import { newId } from "~/utils/ids";
import { answersObject, saveAnswer } from "~/services/workbench/answers.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { createAssessments } from "~/services/workbench/rollout.server";
import { exportAssessmentWorkbook } from "~/services/excel/export.server";
import { applyImport, ImportApplyError } from "~/services/excel/apply.server";
import { LkeError, previewImport, type ImportPreview } from "~/services/excel/import.server";
import { issueText, type LkeIssue } from "~/services/excel/read.server";
import * as lkeRoute from "~/routes/assessments.$id.lke";
import { runMain } from "../helpers/cli";
import { makeUnit } from "../helpers/factories";
import { callAction } from "../helpers/remix";
import { type World, freshWorld } from "../helpers/world";

let db: Db;
let w: World;
let system: Actor;
let assessor: Actor;

const SECRET_NOTE = "RAHASIA-TPI catatan belum dirilis 7f3a";

const actorOf = async (id: string) => loadActor(db, await db.selectFrom("user").selectAll().where("id", "=", id).executeTakeFirstOrThrow());

/** Loads a workbook, sets cells of rows found by Kode in the named columns, writes it back. */
async function edit(buf: Buffer, changes: Record<string, Record<string, ExcelJS.CellValue>>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const ws = wb.getWorksheet("Jawaban")!;
  const cols = new Map<string, number>();
  ws.getRow(1).eachCell((c, n) => cols.set(String(c.value), n));
  const rows = new Map<string, number>();
  ws.eachRow((row, n) => rows.set(String(row.getCell(1).value ?? ""), n));
  for (const [code, cells] of Object.entries(changes)) {
    const r = rows.get(code);
    if (!r) throw new Error(`no row ${code}`);
    for (const [column, value] of Object.entries(cells)) {
      const c = cols.get(column);
      if (!c) throw new Error(`no column ${column}`);
      ws.getRow(r).getCell(c).value = value;
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

beforeAll(async () => {
  ({ db, w } = await freshWorld());
  system = { id: w.users.admin.id, isAdmin: true, memberships: [] };
  assessor = await actorOf(w.users.assessor.id);
});

test("leak: an assessor's preview of a workbook with Jawaban TPI columns shows nothing of the unreleased TPI layer", async () => {
  const ctx = await requireAssessment(db, system, w.assessmentId);
  // The unit's own answers, so that the workbook has something answered.
  for (const [itemId, value] of [
    ["A.I.1.i.a", "Ya"],
    ["A.I.1.i.b", "B"],
  ] as const) {
    expect((await saveAnswer(db, system, ctx, { itemId, baseVersion: 0, value, note: null })).ok).toBe(true);
  }
  // The TPI layer holds answers the unit may not see yet (not released).
  for (const [itemId, value] of [
    ["A.I.1.i.a", "Tidak"],
    ["A.I.1.i.b", "D"],
    ["A.I.1.ii.a", "Tidak"],
  ] as const) {
    await db
      .insertInto("answer")
      .values({
        id: newId(),
        assessment_id: w.assessmentId,
        layer: "internal",
        item_id: itemId,
        value_json: JSON.stringify(value),
        note: `${SECRET_NOTE} ${itemId}`,
        version: 3,
        carried_over: 0,
        review_status: "pending",
        review_note: null,
        updated_by: w.users.evaluator.id,
        updated_at: new Date().toISOString(),
      })
      .execute();
  }
  expect(await db.selectFrom("layer_release").select("layer").where("assessment_id", "=", w.assessmentId).execute()).toEqual([]);
  // A workbook with TPI columns (as the administrator exports it), whose TPI cells say something else.
  const full = await exportAssessmentWorkbook(db, system, await requireAssessment(db, system, w.assessmentId));
  const buf = await edit(full, {
    "A.I.1.i.a": { "Jawaban TPI": "Ya", "Catatan TPI": "lain" },
    "A.I.1.i.b": { "Jawaban TPI": null, "Catatan TPI": null },
    "A.I.1.ii.a": { "Jawaban TPI": "Ya", Jawaban: "Ya" },
  });
  const actx = await requireAssessment(db, assessor, w.assessmentId);
  const p = await previewImport(db, assessor, actx, { name: "lke-tpi.xlsx", bytes: new Uint8Array(buf) });
  expect(p.changes.filter((c) => c.layer !== "self")).toEqual([]);
  const json = JSON.stringify(p);
  expect(json).not.toContain("RAHASIA");
  expect(json).not.toContain("Tidak");
  expect(p.changes.map((c) => c.itemId)).toEqual(["A.I.1.ii.a"]);

  // The same over HTTP: the route's action answers with none of it either.
  const form = new FormData();
  form.set("intent", "preview");
  form.set("file", new File([new Uint8Array(buf)], "lke-tpi.xlsx"));
  const res = await callAction(lkeRoute, {
    path: `/assessments/${w.assessmentId}/lke`,
    params: { id: w.assessmentId },
    cookie: w.cookies.assessor,
    form,
  });
  expect(res.status).toBe(200);
  const body = JSON.stringify(res.data);
  expect(body).toContain("A.I.1.ii.a");
  expect(body).not.toContain("RAHASIA");
  expect(body).not.toContain("Tidak");
  expect((res.data as { preview: { changes: Array<{ layer: string }> } }).preview.changes.every((c) => c.layer === "self")).toBe(true);
});

// ---------------------------------------------------------------------------------------------
// The clearing guard.

/** A fresh assessment of a new unit under the coordinator's, with `answers` saved (as the system administrator). */
async function assessmentWith(name: string, answers: Array<[string, AnswerValue, string | null]>): Promise<string> {
  const unit = await makeUnit(db, w.ministry.id, w.eselon1, name);
  const [id] = (
    await createAssessments(db, system, { unitIds: [unit.id], periodId: w.periodId, instrumentId: "zi-2021", carryForward: false })
  ).created;
  const ctx = await requireAssessment(db, system, id!);
  for (const [itemId, value, note] of answers) {
    expect((await saveAnswer(db, system, ctx, { itemId, baseVersion: 0, value, note })).ok).toBe(true);
  }
  return id!;
}

const ANSWERS: Array<[string, AnswerValue, string | null]> = [
  ["A.I.1.i.a", "Ya", "SK ada"],
  ["A.I.1.i.b", "A", null],
  ["A.I.1.ii.a", "Ya", "catatan lama"],
  ["A.I.1.ii.b", "B", null],
  ["A.I.1.ii.c", "A", null],
  ["A.I.2.i.a", "B", null],
];

/** Blank answers of A.I.1.i.b, A.I.1.ii.b, A.I.1.ii.c (cleared), a note cleared only (A.I.1.ii.a), one answer changed (A.I.1.i.a). */
const PARTLY_BLANK = {
  "A.I.1.i.a": { Jawaban: "Tidak" },
  "A.I.1.i.b": { Jawaban: null },
  "A.I.1.ii.a": { Catatan: null },
  "A.I.1.ii.b": { Jawaban: "  " },
  "A.I.1.ii.c": { Jawaban: null, Catatan: "dikosongkan" },
};
const CLEARED = ["A.I.1.i.b", "A.I.1.ii.b", "A.I.1.ii.c"];

async function selfOf(id: string) {
  const rows = await db.selectFrom("answer").selectAll().where("assessment_id", "=", id).where("layer", "=", "self").execute();
  return answersObject(rows);
}

/** Every Jawaban cell of an item or ratio input row blanked. */
async function allBlank(buf: Buffer): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const ws = wb.getWorksheet("Jawaban")!;
  let col = 0;
  ws.getRow(1).eachCell((c, n) => {
    if (c.value === "Jawaban") col = n;
  });
  const items = new Set(
    lkeRows((await requireAssessment(db, system, w.assessmentId)).instrument).flatMap((r) => (r.kind === "item" ? [r.code] : [])),
  );
  ws.eachRow((row, n) => {
    const code = String(row.getCell(1).value ?? "");
    if (n > 1 && (items.has(code) || items.has(code.split("#")[0]!))) row.getCell(col).value = null;
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

test("service: blank answer cells clear nothing without the choice; with it exactly the listed items clear, each audited", async () => {
  const id = await assessmentWith("Unit Kosongkan", ANSWERS);
  const ctx = await requireAssessment(db, system, id);
  const coordinator = await actorOf(w.users.coordinator.id);
  const cctx = await requireAssessment(db, coordinator, id);
  const buf = await edit(await exportAssessmentWorkbook(db, coordinator, cctx), PARTLY_BLANK);
  const p = await previewImport(db, coordinator, cctx, { name: "kosong-sebagian.xlsx", bytes: new Uint8Array(buf) });
  expect(
    p.changes
      .filter((c) => c.clears)
      .map((c) => c.itemId)
      .sort(),
  ).toEqual(CLEARED);
  expect(p.clearances).toBe(3);
  expect(p.onlyClears).toBe(false);
  // A note cleared with the answer kept is a change, not a clearance.
  const noteOnly = p.changes.find((c) => c.itemId === "A.I.1.ii.a")!;
  expect(noteOnly.clears).toBe(false);
  expect(noteOnly.after).toEqual({ value: "Ya", note: null });
  // The default "after" is what an apply without clearing produces; the other, what clearing would do.
  const before = await selfOf(id);
  const withoutClearing = { ...before, "A.I.1.i.a": "Tidak" };
  expect(p.after.total).toBeCloseTo(scoreAssessment(ctx.instrument, withoutClearing).total, 12);
  const cleared = Object.fromEntries(Object.entries(withoutClearing).filter(([k]) => !CLEARED.includes(k)));
  expect(p.afterClearing!.total).toBeCloseTo(scoreAssessment(ctx.instrument, cleared).total, 12);
  expect(p.afterClearing!.total).toBeLessThan(p.after.total);

  const r = await applyImport(db, coordinator, cctx, p.importId!);
  expect(r).toMatchObject({ answers: 2, cleared: 0, clearsLeftOut: 3 });
  const afterApply = await selfOf(id);
  expect(afterApply).toEqual(withoutClearing);
  expect(scoreAssessment(ctx.instrument, afterApply).total).toBeCloseTo(p.after.total, 12);

  // The same workbook again: only clearances remain, and an apply without the choice is refused.
  const p2 = await previewImport(db, coordinator, await requireAssessment(db, coordinator, id), {
    name: "kosong-sebagian.xlsx",
    bytes: new Uint8Array(buf),
  });
  expect(p2.onlyClears).toBe(true);
  expect(p2.clearances).toBe(3);
  expect(p2.after.total).toBeCloseTo(p.after.total, 12);
  const err = await applyImport(db, coordinator, cctx, p2.importId!).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ImportApplyError);
  expect((err as ImportApplyError).key).toBe("lke.onlyClears");
  expect((err as ImportApplyError).detail).toBe("3");
  expect(await selfOf(id)).toEqual(withoutClearing);

  // With the choice: exactly the listed items clear, each audited with the workbook as its source.
  const r2 = await applyImport(db, coordinator, cctx, p2.importId!, { allowClear: true });
  expect(r2).toMatchObject({ answers: 3, cleared: 3, clearsLeftOut: 0 });
  expect(await selfOf(id)).toEqual(cleared);
  const audits = await db
    .selectFrom("audit_log")
    .selectAll()
    .where("action", "=", "answer.save")
    .where("actor_user_id", "=", coordinator.id)
    .execute();
  const fromWorkbook = audits.filter((a) => (a.after_json ?? "").includes(p2.importId!));
  expect(fromWorkbook).toHaveLength(3);
  for (const a of fromWorkbook) expect(JSON.parse(a.after_json!)).toMatchObject({ value: null, source: { kind: "excel_import" } });
  expect(fromWorkbook.map((a) => a.entity_id!.slice(id.length + 1)).sort()).toEqual(CLEARED);
});

test("service: a workbook with no answer at all is refused, saying it would clear every answer and naming the columns", async () => {
  const id = await assessmentWith("Unit Kosong Semua", ANSWERS);
  const coordinator = await actorOf(w.users.coordinator.id);
  const cctx = await requireAssessment(db, coordinator, id);
  const buf = await allBlank(await exportAssessmentWorkbook(db, coordinator, cctx));
  const before = await selfOf(id);
  const err = await previewImport(db, coordinator, cctx, { name: "kosong.xlsx", bytes: new Uint8Array(buf) }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(LkeError);
  const message = (err as LkeError).message;
  expect(message).toMatch(/tidak ada jawaban yang terbaca/);
  expect(message).toMatch(/mengosongkan 6 jawaban/);
  expect(message).toMatch(/jawaban dari kolom [A-Z]+/);
  expect(message).toMatch(/periksa apakah jawaban ada di kolom berjudul Jawaban/);
  expect(await selfOf(id)).toEqual(before);
  expect(await db.selectFrom("lke_import").select("id").where("assessment_id", "=", id).execute()).toEqual([]);
});

test("service: a workbook in which fewer than half of the items are recognised is refused, saying how many", async () => {
  const id = await assessmentWith("Unit Sebagian Baris", ANSWERS);
  const coordinator = await actorOf(w.users.coordinator.id);
  const cctx = await requireAssessment(db, coordinator, id);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await exportAssessmentWorkbook(db, coordinator, cctx)) as unknown as ArrayBuffer);
  const ws = wb.getWorksheet("Jawaban")!;
  // Rows past the first few get a Kode the instrument does not have.
  ws.eachRow((row, n) => {
    if (n > 20 && row.getCell(1).value) row.getCell(1).value = `X.${n}`;
  });
  const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
  const err = await previewImport(db, coordinator, cctx, { name: "potongan.xlsx", bytes }).catch((e: unknown) => e);
  expect(err, JSON.stringify((err as ImportPreview).recognised)).toBeInstanceOf(LkeError);
  expect((err as LkeError).message).toMatch(/hanya \d+ dari \d+ butir instrumen yang dikenali/);
  expect((err as LkeError).message).toMatch(/periksa apakah jawaban ada di kolom berjudul Jawaban/);
});

test("HTTP: the preview lists the clearances; apply without allowClear leaves them, with allowClear=1 clears them", async () => {
  const id = await assessmentWith("Unit HTTP Kosongkan", ANSWERS);
  const coordinator = await actorOf(w.users.coordinator.id);
  const buf = await edit(await exportAssessmentWorkbook(db, coordinator, await requireAssessment(db, coordinator, id)), PARTLY_BLANK);
  const call = (form: FormData | Record<string, string>) =>
    callAction(lkeRoute, { path: `/assessments/${id}/lke`, params: { id }, cookie: w.cookies.coordinator, form });
  const preview = async () => {
    const form = new FormData();
    form.set("intent", "preview");
    form.set("file", new File([new Uint8Array(buf)], "kosong-sebagian.xlsx"));
    const res = await call(form);
    expect(res.status).toBe(200);
    return (res.data as { preview: ImportPreview }).preview;
  };
  const p = await preview();
  expect(p.clearances).toBe(3);
  expect(
    p.changes
      .filter((c) => c.clears)
      .map((c) => c.itemId)
      .sort(),
  ).toEqual(CLEARED);
  const applied = await call({ intent: "apply", importId: p.importId!, take: "" });
  expect(applied.status).toBe(302);
  const before = await selfOf(id);
  for (const c of CLEARED) expect(before[c]).not.toBeUndefined();

  const p2 = await preview();
  expect(p2.onlyClears).toBe(true);
  const refused = await call({ intent: "apply", importId: p2.importId! });
  expect(refused.status).toBe(400);
  expect(refused.data).toMatchObject({ ok: false, formError: "lke.onlyClears", params: { count: "3" } });
  expect(await selfOf(id)).toEqual(before);
  const cleared = await call({ intent: "apply", importId: p2.importId!, allowClear: "1" });
  expect(cleared.status).toBe(302);
  const after = await selfOf(id);
  for (const c of CLEARED) expect(after[c]).toBeUndefined();
  expect(Object.keys(after).sort()).toEqual(
    Object.keys(before)
      .filter((k) => !CLEARED.includes(k))
      .sort(),
  );

  // A workbook with no answer at all: 400, the refusal named.
  const form = new FormData();
  form.set("intent", "preview");
  form.set("file", new File([new Uint8Array(await allBlank(buf))], "kosong.xlsx"));
  const empty = await call(form);
  expect(empty.status).toBe(400);
  const issues = (empty.data as { issues: LkeIssue[] }).issues;
  expect(issues.map((i) => i.key)).toEqual(["lke.issue.noAnswersClearing"]);
  expect(issueText(issues[0]!)).toMatch(/tidak ada jawaban yang terbaca/);
});

// ---------------------------------------------------------------------------------------------
// The command line: in-process, on the demo database in this file's throwaway DATA_DIR.

test("CLI: cermin lke --help, -h and each subcommand's --help print usage with exit 0", async () => {
  for (const args of [
    ["lke", "--help"],
    ["lke", "-h"],
    ["lke", "help"],
  ]) {
    const r = await runMain(...args);
    expect(r.code, args.join(" ")).toBe(0);
    expect(r.out).toMatch(/cermin lke import/);
    expect(r.out).toMatch(/--allow-clear/);
    expect(r.out).toMatch(/--layer HEADER/);
  }
  for (const sub of ["template", "export", "score", "import", "historical"]) {
    for (const flag of ["--help", "-h"]) {
      const r = await runMain("lke", sub, flag);
      expect(r.code, `${sub} ${flag}`).toBe(0);
      expect(r.out).toContain(`cermin lke ${sub}`);
    }
  }
  expect((await runMain("lke", "import", "--help")).out).toMatch(/--allow-clear[\s\S]*--layer HEADER/);
  // Unknown subcommands and missing arguments are still usage errors.
  expect((await runMain("lke", "frobnicate")).code).not.toBe(0);
});

test("CLI: blank answers over the demo draft clear nothing without --allow-clear; with it exactly those clear", async () => {
  const saved = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL;
  const cli = createDb();
  try {
    expect((await runMain("db", "seed", "--demo")).code).toBe(0);
    const draft = await cli
      .selectFrom("assessment")
      .innerJoin("unit", "unit.id", "assessment.unit_id")
      .innerJoin("period", "period.id", "assessment.period_id")
      .select("assessment.id")
      .where("unit.code", "=", "KLP-JKT")
      .where("period.year", "=", 2025)
      .executeTakeFirstOrThrow();
    const answered = async () =>
      answersObject(await cli.selectFrom("answer").selectAll().where("assessment_id", "=", draft.id).where("layer", "=", "self").execute());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cermin-lke-clear-"));
    const out = path.join(dir, "lke.xlsx");
    const as = ["--as", "koordinator@kemendemo.test"];
    expect((await runMain("lke", "export", draft.id, "-o", out, ...as)).code).toBe(0);
    const before = await answered();
    const n = Object.keys(before).length;
    // --layer names the answer column group read; one the workbook does not have is refused.
    const layer = await runMain("lke", "import", draft.id, out, "--layer", "Jawaban", ...as);
    expect(layer.code, layer.err).toBe(0);
    expect(layer.out).toMatch(/Perubahan: 0/);
    const noLayer = await runMain("lke", "import", draft.id, out, "--layer", "PENILAIAN TAHUN 1999", ...as);
    expect(noLayer.code).toBe(2);
    expect(noLayer.err).toMatch(/PENILAIAN TAHUN 1999/);
    expect(n).toBeGreaterThan(10);

    // Every answer blank: refused (exit 2), naming how many it would clear and the columns read.
    fs.writeFileSync(path.join(dir, "kosong.xlsx"), await allBlank(fs.readFileSync(out)));
    const empty = await runMain("lke", "import", draft.id, path.join(dir, "kosong.xlsx"), "--apply", "--allow-clear", ...as);
    expect(empty.code).toBe(2);
    expect(empty.err).toMatch(new RegExp(`mengosongkan ${n} jawaban`));
    expect(empty.err).toMatch(/jawaban dari kolom [A-Z]+/);
    expect(await answered()).toEqual(before);

    // Three answers blanked, one changed: --apply leaves the three, says so.
    const [c1, c2, c3, changed] = Object.keys(before).filter((k) => typeof before[k] === "string" && /^[A-E]$/.test(before[k] as string));
    const other = before[changed!] === "A" ? "B" : "A";
    const partly = await edit(fs.readFileSync(out), {
      [c1!]: { Jawaban: null },
      [c2!]: { Jawaban: null },
      [c3!]: { Jawaban: null },
      [changed!]: { Jawaban: other },
    });
    const file = path.join(dir, "sebagian.xlsx");
    fs.writeFileSync(file, partly);
    const preview = await runMain("lke", "import", draft.id, file, ...as);
    expect(preview.code, preview.err).toBe(0);
    expect(preview.out).toMatch(/3 jawaban akan dikosongkan hanya dengan --allow-clear/);
    expect(preview.out).toMatch(/Dibaca dari sheet Jawaban: jawaban dari kolom/);
    const applied = await runMain("lke", "import", draft.id, file, "--apply", ...as);
    expect(applied.code, applied.err).toBe(0);
    expect(applied.out).toMatch(/Diterapkan: 1 jawaban/);
    expect(applied.out).toMatch(/3 jawaban tidak dikosongkan \(pakai --allow-clear/);
    expect(await answered()).toEqual({ ...before, [changed!]: other });

    // Only clearances left: refused without --allow-clear, applied with it.
    const refused = await runMain("lke", "import", draft.id, file, "--apply", ...as);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/hanya mengosongkan 3 jawaban; pakai --allow-clear/);
    const cleared = await runMain("lke", "import", draft.id, file, "--apply", "--allow-clear", ...as);
    expect(cleared.code, cleared.err).toBe(0);
    expect(cleared.out).toMatch(/Diterapkan: 3 jawaban \(3 dikosongkan\)/);
    const after = await answered();
    expect(Object.keys(after).sort()).toEqual(
      Object.keys(before)
        .filter((k) => ![c1, c2, c3].includes(k))
        .sort(),
    );
    const audits = await cli
      .selectFrom("audit_log")
      .select(["entity_id", "after_json"])
      .where("action", "=", "answer.save")
      .where("entity_id", "like", `${draft.id}%`)
      .execute();
    const clearedAudits = audits.filter((a) => {
      const after = JSON.parse(a.after_json ?? "{}") as { value?: unknown; source?: { kind?: string } };
      return after.source?.kind === "excel_import" && after.value === null;
    });
    expect(clearedAudits.map((a) => a.entity_id!.slice(draft.id.length + 1)).sort()).toEqual([c1, c2, c3].sort());
    fs.rmSync(dir, { recursive: true, force: true });
  } finally {
    await cli.destroy();
    if (saved) process.env.DATABASE_URL = saved;
  }
});
