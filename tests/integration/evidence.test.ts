import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import { outlineOf } from "~/domain/instrument/outline";
import * as evidenceRoute from "~/routes/assessments.$id.evidence";
import * as download from "~/routes/evidence.$id.download";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { createAssessments } from "~/services/workbench/rollout.server";
import { translator, type MessageKey } from "~/i18n";
import { evidenceNoticeFrom, evidenceReadiness } from "~/services/evidence/rules";
import { listEvidence } from "~/services/evidence/evidence.server";
import { newId } from "~/utils/ids";
import * as f from "../fixtures/evidence/files";
import { freshDb } from "../helpers/db";
import { makeUnit, makeUser, sessionCookie } from "../helpers/factories";
import { callAction, callLoader } from "../helpers/remix";
import { buildWorld, type World } from "../helpers/world";

// Blobs go to a throwaway DATA_DIR (per worker thread, so other test files are unaffected).
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cermin-evidence-"));
process.env.DATA_DIR = dataDir;
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

let db: Db;
let w: World;
let items: string[];
let otherArea: string[];
const system = () => ({ id: w.users.admin.id, isAdmin: true, memberships: [] });

beforeAll(async () => {
  db = await freshDb();
  w = await buildWorld(db);
  const ctx = await requireAssessment(db, system(), w.assessmentId);
  const outline = outlineOf(ctx.instrument);
  items = outline.areas[0]!.groups.flatMap((g) => g.items.map((i) => i.id));
  otherArea = outline.areas[1]!.groups.flatMap((g) => g.items.map((i) => i.id));
});

const file = (bytes: Uint8Array, name: string, type = "application/octet-stream") => new File([new Uint8Array(bytes)], name, { type });
const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const blobs = () => fs.readdirSync(path.join(dataDir, "evidence")).filter((n) => !n.startsWith("."));

function post(
  cookie: string | null,
  form: Record<string, string | File | File[]>,
  id = w.assessmentId,
  headers: Record<string, string> = {},
) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) fd.append(k, x);
  return callAction(evidenceRoute, { path: `/assessments/${id}/evidence`, params: { id }, cookie, form: fd, headers });
}
const upload = (files: File[], extra: Record<string, string> = {}, cookie = w.cookies.assessor, id = w.assessmentId) =>
  post(cookie, { intent: "upload", itemId: items[0]!, file: files, ...extra }, id);
const get = (id: string, cookie = w.cookies.assessor, query = "") =>
  callLoader(download, { path: `/evidence/${id}/download${query}`, params: { id }, cookie });
type Ok = {
  ok: true;
  evidence: { id: string; name: string; mime: string; size: number; sha256: string; url: string | null; itemIds: string[] }[];
};
const okData = (o: { data: unknown }) => o.data as Ok;
const evidenceCount = async () =>
  Number(
    (
      await db
        .selectFrom("evidence")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

test("a PDF is sniffed, stored once under its sha256 and deduplicated across uploads", async () => {
  const bytes = f.pdf("dedupe");
  const first = await upload([file(bytes, "SK Tim ZI.pdf", "text/html")], { evidenceDate: "2025-03-01" });
  expect(first.status).toBe(200);
  const [e1] = okData(first).evidence;
  expect(e1).toMatchObject({ name: "SK Tim ZI.pdf", mime: "application/pdf", size: bytes.length, sha256: sha(bytes), itemIds: [items[0]] });
  expect(fs.readFileSync(path.join(dataDir, "evidence", sha(bytes)))).toEqual(Buffer.from(bytes));

  // Same bytes, other name and item: the same evidence row attached there too (issue #27), one blob.
  const second = await upload([file(bytes, "salinan.pdf")], { itemId: items[1]! });
  const [e2] = okData(second).evidence;
  expect(e2!.id).toBe(e1!.id);
  expect(e2!.itemIds).toEqual([items[0], items[1]].sort());
  expect(blobs().filter((b) => b === sha(bytes))).toHaveLength(1);
  expect(await db.selectFrom("evidence_blob").select("sha256").where("sha256", "=", sha(bytes)).execute()).toHaveLength(1);

  // Same bytes again on the same item (a double submit): the existing row, no duplicate.
  const again = await upload([file(bytes, "SK Tim ZI (2).pdf")]);
  expect(okData(again).evidence.map((e) => e.id)).toEqual([e1!.id]);
  const audit = await db.selectFrom("audit_log").selectAll().where("entity_id", "=", e1!.id).orderBy("at").orderBy("id").execute();
  expect(audit.map((a) => a.action)).toEqual(["evidence.upload", "evidence.attach"]);
  expect(JSON.parse(audit[0]!.after_json!)).toMatchObject({
    name: "SK Tim ZI.pdf",
    sha256: sha(bytes),
    itemIds: [items[0]],
    evidenceDate: "2025-03-01",
  });
  expect(audit[0]).toMatchObject({ entity_type: "evidence", actor_user_id: w.users.assessor.id, ip: "203.0.113.9" });
});

test("downloads are attachments with the sniffed type, nosniff, a sandbox CSP and an RFC 5987 name", async () => {
  const bytes = f.pdf("download");
  const up = await upload([file(bytes, "../../Laporan Kinerja – 2025 (final).pdf")]);
  const [e] = okData(up).evidence;
  expect(e!.name).toBe("Laporan Kinerja – 2025 (final).pdf");
  const out = await get(e!.id);
  expect(out.status).toBe(200);
  expect(out.data).toBe(new TextDecoder().decode(bytes));
  expect(Object.fromEntries(out.headers)).toMatchObject({
    "content-type": "application/pdf",
    "content-length": String(bytes.length),
    "content-disposition": `attachment; filename="Laporan Kinerja _ 2025 (final).pdf"; filename*=UTF-8''Laporan%20Kinerja%20%E2%80%93%202025%20%28final%29.pdf`,
    "x-content-type-options": "nosniff",
    "content-security-policy": "sandbox; default-src 'none'",
    "cache-control": "private, no-store",
  });
  const inline = await get(e!.id, w.cookies.reviewer, "?inline=1");
  expect(inline.headers.get("content-disposition")).toMatch(/^inline; /);
  expect(inline.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'self'");

  const doc = okData(await upload([file(f.docx(), "notulen.docx")])).evidence[0]!;
  const notInline = await get(doc.id, w.cookies.assessor, "?inline=1");
  expect(notInline.headers.get("content-disposition")).toMatch(/^attachment; /);
  expect(notInline.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  const csv = okData(await upload([file(f.text(), "data.csv")])).evidence[0]!;
  expect((await get(csv.id)).headers.get("content-type")).toBe("text/csv; charset=utf-8");
});

test("path-traversal and control characters in names never reach the disk or the headers", async () => {
  const names = ["../../etc/passwd.pdf", "..\\..\\win.ini", "nul\u0000byte.pdf", "baris\nbaru\r.pdf", "/abs/\u202Egpj.pdf"];
  const out = await upload(names.map((n, i) => file(f.pdf(`traversal-${i}`), n)));
  expect(out.status).toBe(200);
  const stored = okData(out).evidence.map((e) => e.name);
  expect(stored[0]).toBe("passwd.pdf");
  expect(stored[1]).toBe("win.ini.pdf");
  for (const n of stored) {
    expect(n).not.toMatch(/[/\\\p{Cc}\p{Cf}]/u);
    expect(n.endsWith(".pdf")).toBe(true);
  }
  expect(blobs().every((b) => /^[0-9a-f]{64}$/.test(b))).toBe(true);
  expect(fs.existsSync(path.join(dataDir, "etc"))).toBe(false);
  expect(fs.readdirSync(dataDir).filter((n) => n !== "session-secret")).toEqual(["evidence"]);
  for (const e of okData(out).evidence) expect((await get(e.id)).headers.get("content-disposition")).not.toMatch(/[\r\n\0]/);
});

test.each([
  ["an HTML page with script", () => file(f.html(), "laporan.html", "text/html"), "evidence.markup", {}],
  ["an SVG with script", () => file(f.svg(), "logo.svg", "image/svg+xml"), "evidence.markup", {}],
  ["HTML named .pdf", () => file(f.html(), "laporan.pdf", "application/pdf"), "evidence.markup", {}],
  ["an executable named .pdf", () => file(f.exe(), "laporan.pdf", "application/pdf"), "evidence.executable", {}],
  ["a PNG named .pdf", () => file(f.png(), "foto.pdf", "application/pdf"), "evidence.extensionMismatch", { type: "PNG", ext: "pdf" }],
  ["a PDF named .exe", () => file(f.pdf("exe"), "setup.exe"), "evidence.extensionMismatch", { type: "PDF", ext: "exe" }],
  ["a macro document", () => file(f.docm(), "makro.docx"), "evidence.macro", {}],
  ["a zip archive", () => file(f.plainZip(), "arsip.zip"), "evidence.unknownType", {}],
  ["zero bytes", () => file(new Uint8Array(0), "kosong.pdf"), "evidence.empty", {}],
])("%s is refused with a message naming the file; nothing is stored", async (_label, make, key, params) => {
  const before = await evidenceCount();
  const blobsBefore = blobs().length;
  const upl = make();
  const out = await upload([upl]);
  expect(out.status).toBe(400);
  expect(out.data).toMatchObject({
    ok: false,
    intent: "upload",
    formError: key,
    formParams: { name: upl.name, ...params },
    fieldErrors: { file: key },
  });
  expect(await evidenceCount()).toBe(before);
  expect(blobs()).toHaveLength(blobsBefore);
});

test("uploads are all or nothing, and over-limit files are refused (EVIDENCE_MAX_BYTES)", async () => {
  const before = await evidenceCount();
  const mixed = await upload([file(f.pdf("good-in-mixed"), "baik.pdf"), file(f.html(), "buruk.html")]);
  expect(mixed.data).toMatchObject({ formError: "evidence.markup", formParams: { name: "buruk.html" } });
  expect(await evidenceCount()).toBe(before);
  expect(blobs()).not.toContain(sha(f.pdf("good-in-mixed")));

  process.env.EVIDENCE_MAX_BYTES = "1000";
  try {
    const big = f.pdf("x".repeat(2000));
    const out = await upload([file(big, "besar.pdf")]);
    expect(out.status).toBe(400);
    expect(out.data).toMatchObject({ formError: "evidence.tooLarge", formParams: { name: "besar.pdf", max: "1000 B" } });
    expect((await upload([file(f.pdf("small"), "kecil.pdf")])).status).toBe(200);
  } finally {
    delete process.env.EVIDENCE_MAX_BYTES;
  }
  expect((await upload([])).data).toMatchObject({ formError: "evidence.fileRequired", fieldErrors: { file: "evidence.fileRequired" } });
  expect((await upload([file(new Uint8Array(0), "")])).data).toMatchObject({ formError: "evidence.fileRequired" });
  expect((await upload([file(f.pdf(), "a.pdf")], { evidenceDate: "31-12-2025" })).data).toMatchObject({
    fieldErrors: { evidenceDate: "evidence.invalidDate" },
  });
});

test("links: javascript:, data: and credentials are refused; https is kept and never downloadable", async () => {
  const link = (url: string, name = "SK") => post(w.cookies.assessor, { intent: "link", itemId: items[0]!, url, name });
  for (const [url, key] of [
    ["javascript:alert(document.cookie)", "evidence.linkScheme"],
    ["data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "evidence.linkScheme"],
    ["file:///etc/passwd", "evidence.linkScheme"],
    ["https://budi:rahasia@intranet.example.go.id/", "evidence.linkCredentials"],
  ] as const) {
    const out = await link(url);
    expect(out.status).toBe(400);
    expect(out.data).toMatchObject({ formError: key, fieldErrors: { url: key }, values: { url } });
  }
  const ok = await link("https://jdih.example.go.id/sk/12", "SK Menteri\nNo. 12");
  expect(ok.status).toBe(200);
  const [e] = okData(ok).evidence;
  expect(e).toMatchObject({ kind: "link", url: "https://jdih.example.go.id/sk/12", name: "SK Menteri No. 12" });
  expect((await get(e!.id)).status).toBe(404);
});

test("attach to more items, detach logged with before/after, the blob survives removal", async () => {
  const bytes = f.pdf("attach");
  const [e] = okData(await upload([file(bytes, "Renstra.pdf")])).evidence;
  const attach = await post(w.cookies.assessor, { intent: "attach", evidenceId: e!.id, itemId: otherArea[0]! });
  expect(attach.status).toBe(200);
  expect(okData(attach).evidence[0]!.itemIds).toEqual([items[0], otherArea[0]].sort());
  expect((await post(w.cookies.assessor, { intent: "attach", evidenceId: e!.id, itemId: otherArea[0]! })).status).toBe(200);
  const { byItem } = await listEvidence(db, w.assessmentId);
  expect(byItem[otherArea[0]!]!.map((x) => x.id)).toContain(e!.id);

  const detach = await post(w.cookies.assessor, { intent: "detach", evidenceId: e!.id, itemId: items[0]! });
  expect(okData(detach).evidence[0]!.itemIds).toEqual([otherArea[0]]);
  const log = await db
    .selectFrom("audit_log")
    .selectAll()
    .where("entity_id", "=", e!.id)
    .where("action", "=", "evidence.detach")
    .executeTakeFirstOrThrow();
  expect(JSON.parse(log.before_json!)).toMatchObject({ name: "Renstra.pdf", sha256: sha(bytes), itemIds: [items[0], otherArea[0]].sort() });
  expect(JSON.parse(log.after_json!)).toMatchObject({ itemIds: [otherArea[0]], removed: false });
  expect((await get(e!.id)).status).toBe(200);

  await post(w.cookies.assessor, { intent: "detach", evidenceId: e!.id, itemId: otherArea[0]! });
  const row = await db.selectFrom("evidence").selectAll().where("id", "=", e!.id).executeTakeFirstOrThrow();
  expect(row.removed_at).not.toBeNull();
  expect(row.removed_by).toBe(w.users.assessor.id);
  expect((await get(e!.id)).status).toBe(404);
  expect(fs.existsSync(path.join(dataDir, "evidence", sha(bytes)))).toBe(true);
  expect((await post(w.cookies.assessor, { intent: "detach", evidenceId: e!.id, itemId: otherArea[0]! })).data).toMatchObject({
    formError: "evidence.notFound",
  });
  expect((await post(w.cookies.assessor, { intent: "attach", evidenceId: e!.id, itemId: items[0]! })).data).toMatchObject({
    formError: "evidence.notFound",
  });
});

test("removing evidence unlinks every item at once, logged, and keeps the file", async () => {
  const bytes = f.pdf("remove");
  const [e] = okData(await upload([file(bytes, "hapus.pdf")])).evidence;
  await post(w.cookies.assessor, { intent: "attach", evidenceId: e!.id, itemId: items[1]! });
  const out = await post(w.cookies.assessor, { intent: "remove", evidenceId: e!.id });
  expect(okData(out).evidence[0]!.itemIds).toEqual([]);
  const log = await db
    .selectFrom("audit_log")
    .selectAll()
    .where("entity_id", "=", e!.id)
    .where("action", "=", "evidence.remove")
    .executeTakeFirstOrThrow();
  expect(JSON.parse(log.before_json!).itemIds).toEqual([items[0], items[1]].sort());
  expect((await get(e!.id)).status).toBe(404);
  expect(fs.existsSync(path.join(dataDir, "evidence", sha(bytes)))).toBe(true);
});

test("another unit's assessor gets 404 for upload and download; readers without fill get 403", async () => {
  const unitB = await makeUnit(db, w.ministry.id, w.eselon1, "Unit B");
  const { created } = await createAssessments(db, system(), {
    unitIds: [unitB.id],
    periodId: w.periodId,
    instrumentId: "zi-2021",
    carryForward: false,
  });
  const assessorB = await makeUser(db, { role: "assessor", organisationId: w.ministry.id, unitId: unitB.id });
  const cookieB = await sessionCookie(db, assessorB.id);
  const [theirs] = okData(await upload([file(f.pdf("unit-b"), "rahasia.pdf")], {}, cookieB, created[0]!)).evidence;
  expect((await get(theirs!.id, w.cookies.assessor)).status).toBe(404);
  expect((await get(theirs!.id, w.cookies.otherOrgAdmin)).status).toBe(404);
  expect((await get(theirs!.id, cookieB)).status).toBe(200);
  expect((await get(theirs!.id, w.cookies.coordinator)).status).toBe(200);
  expect((await upload([file(f.pdf("intruder"), "x.pdf")], {}, w.cookies.assessor, created[0]!)).status).toBe(404);
  expect((await post(w.cookies.assessor, { intent: "detach", evidenceId: theirs!.id, itemId: items[0]! }, created[0]!)).status).toBe(404);
  // Evidence ids of another assessment are unknown here, even to someone who may fill both.
  expect((await post(w.cookies.coordinator, { intent: "attach", evidenceId: theirs!.id, itemId: items[0]! })).data).toMatchObject({
    formError: "evidence.notFound",
  });
  expect((await upload([file(f.pdf("reviewer"), "x.pdf")], {}, w.cookies.reviewer)).status).toBe(403);
  expect((await upload([file(f.pdf("anon"), "x.pdf")], {}, null)).status).toBe(302);
  expect((await get(theirs!.id, null)).status).toBe(302);
  expect((await get("no-such-id")).status).toBe(404);
});

test("final assessments are locked; returned ones accept evidence only on returned items", async () => {
  const unitC = await makeUnit(db, w.ministry.id, w.service, "Unit C");
  const { created } = await createAssessments(db, system(), {
    unitIds: [unitC.id],
    periodId: w.periodId,
    instrumentId: "zi-2021",
    carryForward: false,
  });
  const id = created[0]!;
  const [e] = okData(await upload([file(f.pdf("before-final"), "awal.pdf")], {}, w.cookies.assessor, id)).evidence;
  await db.updateTable("assessment").set({ status: "final" }).where("id", "=", id).execute();
  const before = await evidenceCount();
  const locked = await upload([file(f.pdf("after-final"), "akhir.pdf")], {}, w.cookies.assessor, id);
  expect(locked.status).toBe(403);
  expect(locked.data).toMatchObject({ ok: false, formError: "workbench.locked" });
  expect((await post(w.cookies.assessor, { intent: "detach", evidenceId: e!.id, itemId: items[0]! }, id)).status).toBe(403);
  expect(await evidenceCount()).toBe(before);
  expect((await get(e!.id)).status).toBe(200);

  await db.updateTable("assessment").set({ status: "returned" }).where("id", "=", id).execute();
  const now = new Date().toISOString();
  await db
    .insertInto("answer")
    .values({
      id: newId(),
      assessment_id: id,
      layer: "self",
      item_id: items[1]!,
      value_json: '"A"',
      note: null,
      version: 1,
      carried_over: 0,
      review_status: "returned",
      review_note: "lengkapi",
      updated_by: null,
      updated_at: now,
    })
    .execute();
  expect((await upload([file(f.pdf("returned-ok"), "perbaikan.pdf")], { itemId: items[1]! }, w.cookies.assessor, id)).status).toBe(200);
  const other = await upload([file(f.pdf("returned-no"), "lain.pdf")], { itemId: items[2]! }, w.cookies.assessor, id);
  expect(other.status).toBe(403);
  expect(other.data).toMatchObject({ formError: "workbench.notReturned" });
});

test("bad requests are 400s, never 500s", async () => {
  expect((await upload([file(f.pdf(), "a.pdf")], { itemId: "Z.9.9" })).data).toMatchObject({
    formError: "evidence.unknownItem",
    fieldErrors: { itemId: "evidence.unknownItem" },
  });
  expect((await post(w.cookies.assessor, { intent: "upload", file: file(f.pdf(), "a.pdf") })).data).toMatchObject({
    formError: "error.form",
    fieldErrors: { itemId: "error.required" },
  });
  expect((await post(w.cookies.assessor, { intent: "shred" })).data).toMatchObject({ formError: "error.unknownIntent" });
  expect((await post(w.cookies.assessor, { intent: "attach", evidenceId: "x".repeat(500), itemId: items[0]! })).status).toBe(400);
  const raw = (body: string, headers: Record<string, string>) =>
    callAction(evidenceRoute, { path: "/x", params: { id: w.assessmentId }, cookie: w.cookies.assessor, body, headers });
  expect((await raw("--nope\r\ngarbage", { "content-type": "multipart/form-data; boundary=xyz" })).status).toBe(400);
  expect((await raw("x", { "content-length": String(30 * 1024 * 1024) })).status).toBe(413);
  const loaded = await callLoader(evidenceRoute, { path: "/x", params: { id: w.assessmentId }, cookie: w.cookies.assessor });
  expect(loaded.location).toBe(`/assessments/${w.assessmentId}`);
});

test("without JavaScript, posts redirect back to a local page, carrying refusals in the query", async () => {
  const back = `/assessments/${w.assessmentId}/areas/A.I.1#item-${items[0]}`;
  const nav = { "sec-fetch-mode": "navigate" };
  const ok = await post(
    w.cookies.assessor,
    { intent: "upload", itemId: items[0]!, redirectTo: back, file: file(f.pdf("nojs"), "nojs.pdf") },
    w.assessmentId,
    nav,
  );
  expect(ok.status).toBe(302);
  expect(ok.location).toBe(back);
  const bad = await post(
    w.cookies.assessor,
    { intent: "upload", itemId: items[0]!, redirectTo: back, file: file(f.svg(), "logo.svg") },
    w.assessmentId,
    nav,
  );
  expect(bad.status).toBe(302);
  const url = new URL(bad.location!, "http://x");
  expect(url.pathname).toBe(`/assessments/${w.assessmentId}/areas/A.I.1`);
  expect(url.hash).toBe(`#item-${items[0]}`);
  expect(Object.fromEntries(url.searchParams)).toEqual({ "ev.error": "evidence.markup", "ev.item": items[0], "ev.p.name": "logo.svg" });
  const evil = await post(
    w.cookies.assessor,
    { intent: "link", itemId: items[0]!, url: "https://a.test/", redirectTo: "//evil.example/" },
    w.assessmentId,
    nav,
  );
  expect(evil.location).toBe(`/assessments/${w.assessmentId}`);
});

test("readiness: evidence dated outside the period and one file behind many items of several areas", async () => {
  const unitD = await makeUnit(db, w.ministry.id, w.service, "Unit D");
  const { created } = await createAssessments(db, system(), {
    unitIds: [unitD.id],
    periodId: w.periodId,
    instrumentId: "zi-2021",
    carryForward: false,
  });
  const id = created[0]!;
  const [e] = okData(
    await upload([file(f.pdf("catch-all"), "semua.pdf")], { evidenceDate: "2019-05-01" }, w.cookies.assessor, id),
  ).evidence;
  for (const itemId of [items[1]!, otherArea[0]!, otherArea[1]!])
    await post(w.cookies.assessor, { intent: "attach", evidenceId: e!.id, itemId }, id);
  const ctx = await requireAssessment(db, system(), id);
  const r = evidenceReadiness((await listEvidence(db, id)).all, ctx.period);
  expect(r.outsidePeriod).toEqual([{ evidenceId: e!.id, name: "semua.pdf", date: "2019-05-01" }]);
  expect(r.spreadFiles).toEqual([
    { name: "semua.pdf", items: [items[0], items[1], otherArea[0], otherArea[1]].sort(), evidenceIds: [e!.id] },
  ]);
});

test("the same file or link is listed once per item and reused across items, and the user is told (#27)", async () => {
  const [itemA, itemB, itemC] = [items[2]!, items[3]!, otherArea[2]!];
  const bytes = f.pdf("told-once");
  const notices = (o: { data: unknown }) => (o.data as { notices: { key: string; params: Record<string, string> }[] }).notices;
  const said = (o: { data: unknown }, locale: "id" | "en") => notices(o).map((n) => translator(locale)(n.key as MessageKey, n.params));
  const listed = async (itemId: string) => (await listEvidence(db, w.assessmentId)).all.filter((e) => e.itemIds.includes(itemId));

  const first = await upload([file(bytes, "Notulen rapat.pdf")], { itemId: itemA, evidenceDate: "2025-02-01" });
  expect(first.status).toBe(200);
  expect(notices(first)).toEqual([]);
  const [e] = okData(first).evidence;
  const count = await evidenceCount();

  // The same content again on the same item, under another name: nothing new, and said in the user's language.
  const again = await upload([file(bytes, "notulen-salinan.pdf")], { itemId: itemA });
  expect(again.status).toBe(200);
  expect(okData(again).evidence.map((x) => x.id)).toEqual([e!.id]);
  expect(notices(again)).toEqual([{ key: "evidence.alreadyAttached", params: { file: "notulen-salinan.pdf", name: "Notulen rapat.pdf" } }]);
  expect(said(again, "id")).toEqual([
    "“notulen-salinan.pdf”: berkas ini sudah dilampirkan pada butir ini sebagai “Notulen rapat.pdf”; tidak ditambahkan lagi.",
  ]);
  expect(said(again, "en")).toEqual([
    "“notulen-salinan.pdf”: this file is already attached to this item as “Notulen rapat.pdf”; it was not added again.",
  ]);
  expect(await evidenceCount()).toBe(count);
  expect((await listed(itemA)).map((x) => x.name)).toEqual(["Notulen rapat.pdf"]);

  // On another item: the same row is attached there too (no second listing anywhere), and said.
  const other = await upload([file(bytes, "notulen.pdf")], { itemId: itemB });
  expect(okData(other).evidence).toMatchObject([{ id: e!.id, itemIds: [itemA, itemB].sort() }]);
  expect(said(other, "id")).toEqual([
    `“notulen.pdf”: berkas ini sudah ada di penilaian ini sebagai “Notulen rapat.pdf” (butir ${itemA}); kini juga dilampirkan pada butir ini, tanpa salinan kedua.`,
  ]);
  expect(await evidenceCount()).toBe(count);
  const attach = await db
    .selectFrom("audit_log")
    .selectAll()
    .where("entity_id", "=", e!.id)
    .where("action", "=", "evidence.attach")
    .execute();
  expect(attach.map((a) => JSON.parse(a.after_json!).itemIds)).toEqual([[itemA, itemB].sort()]);

  // Two copies chosen in one upload, one of them new: one row, and the copy is named.
  const fresh = f.pdf("told-batch");
  const batch = await upload([file(fresh, "a.pdf"), file(fresh, "b.pdf")], { itemId: itemC });
  expect(okData(batch).evidence.map((x) => x.name)).toEqual(["a.pdf"]);
  expect(notices(batch)).toEqual([{ key: "evidence.duplicateInUpload", params: { name: "b.pdf" } }]);
  expect(await evidenceCount()).toBe(count + 1);

  // Links: the same url on the item is not listed twice; on another item it is attached.
  const url = "https://contoh.go.id/notulen-2025";
  const l1 = await post(w.cookies.assessor, { intent: "link", itemId: itemA, url, name: "Notulen daring" });
  expect(notices(l1)).toEqual([]);
  const linkId = okData(l1).evidence[0]!.id;
  const l2 = await post(w.cookies.assessor, { intent: "link", itemId: itemA, url, name: "Notulen lagi" });
  expect(okData(l2).evidence.map((x) => x.id)).toEqual([linkId]);
  expect(said(l2, "id")).toEqual(["Tautan ini sudah dilampirkan pada butir ini sebagai “Notulen daring”; tidak ditambahkan lagi."]);
  const l3 = await post(w.cookies.assessor, { intent: "link", itemId: itemB, url });
  expect(okData(l3).evidence).toMatchObject([{ id: linkId, itemIds: [itemA, itemB].sort() }]);
  expect(notices(l3)).toEqual([{ key: "evidence.linkReused", params: { name: "Notulen daring", items: itemA } }]);
  expect((await listed(itemA)).map((x) => x.name).sort()).toEqual(["Notulen daring", "Notulen rapat.pdf"]);
  expect(await evidenceCount()).toBe(count + 2);

  // Without JavaScript the notice rides the redirect back, for the panel of that item.
  const back = `/assessments/${w.assessmentId}/areas/A.I.1#item-${itemA}`;
  const nojs = await post(
    w.cookies.assessor,
    { intent: "upload", itemId: itemA, redirectTo: back, file: file(bytes, "lagi.pdf") },
    w.assessmentId,
    { "sec-fetch-mode": "navigate" },
  );
  expect(nojs.status).toBe(302);
  const to = new URL(nojs.location!, "http://x");
  expect(to.hash).toBe(`#item-${itemA}`);
  expect(evidenceNoticeFrom(to.searchParams, itemA)).toEqual({
    key: "evidence.alreadyAttached",
    params: { file: "lagi.pdf", name: "Notulen rapat.pdf" },
  });
  expect(evidenceNoticeFrom(to.searchParams, itemB)).toBeNull();
});
