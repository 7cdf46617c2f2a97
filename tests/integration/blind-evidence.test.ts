import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import { outlineOf } from "~/domain/instrument/outline";
import * as overviewRoute from "~/routes/assessments.$id._index";
import * as areaRoute from "~/routes/assessments.$id.areas.$area";
import * as blindRoute from "~/routes/assessments.$id.blind";
import * as evidenceRoute from "~/routes/assessments.$id.evidence";
import * as download from "~/routes/evidence.$id.download";
import { listEvidence } from "~/services/evidence/evidence.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import * as f from "../fixtures/evidence/files";
import { freshDb } from "../helpers/db";
import { makeUser, sessionCookie } from "../helpers/factories";
import { callAction, callLoader } from "../helpers/remix";
import { buildWorld, type World } from "../helpers/world";

/**
 * Blind rounds (issue #27): evidence and comments a rater adds to an item of their open round are
 * theirs alone until the reveal — in the area page's listing, the download route and by id — while
 * the coordinator sees only their count. Items outside the round, and what existed before it, behave
 * as before; after the reveal everything is visible as usual.
 */

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cermin-blind-evidence-"));
process.env.DATA_DIR = dataDir;
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const URL_A = "https://contoh.go.id/bukti-rahasia-a-51k";
const FILE_A = "rahasia-penilai-a.pdf";
const COMMENT_A = "KOMENTAR-RAHASIA-A-8M3";
const OUTSIDE_FILE = "di-luar-putaran.pdf";

let db: Db;
let w: World;
let cookieB: string;
let area: string;
let items: string[];
let outside: string[];
let outsideArea: string;

beforeAll(async () => {
  db = await freshDb();
  w = await buildWorld(db);
  const raterB = await makeUser(db, { role: "assessor", organisationId: w.ministry.id, unitId: w.service.id });
  cookieB = await sessionCookie(db, raterB.id);
  const ctx = await requireAssessment(db, { id: w.users.admin.id, isAdmin: true, memberships: [] }, w.assessmentId);
  const outline = outlineOf(ctx.instrument);
  area = outline.areas[0]!.id;
  items = outline.areas[0]!.groups.flatMap((g) => g.items.map((i) => i.id));
  outsideArea = outline.areas[1]!.id;
  outside = outline.areas[1]!.groups.flatMap((g) => g.items.map((i) => i.id));
  const start = new FormData();
  start.set("intent", "start");
  start.append("areaIds", area);
  start.append("raterIds", w.users.assessor.id);
  start.append("raterIds", raterB.id);
  const out = await callAction(blindRoute, { path: base(), params: ids(), cookie: w.cookies.coordinator, form: start });
  expect(out.status, JSON.stringify(out.data)).toBe(200);
});

const ids = () => ({ id: w.assessmentId });
const base = () => `/assessments/${w.assessmentId}/blind`;

type View = { id: string; name: string; url: string | null; itemIds: string[] };
type AreaData = {
  evidence: { byItem: Record<string, View[]>; all: View[] };
  comments: Record<string, { body: string }[]>;
  history: Record<string, unknown[]>;
};

function postEvidence(cookie: string, form: Record<string, string | File>) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(form)) fd.append(k, v);
  return callAction(evidenceRoute, { path: `/assessments/${w.assessmentId}/evidence`, params: ids(), cookie, form: fd });
}
const evidenceOf = (out: { status: number; data: unknown }) => {
  expect(out.status, JSON.stringify(out.data)).toBe(200);
  return (out.data as { evidence: View[] }).evidence[0]!;
};
const pdf = (seed: string, name: string) => new File([new Uint8Array(f.pdf(seed))], name, { type: "application/pdf" });
const get = (id: string, cookie: string) => callLoader(download, { path: `/evidence/${id}/download`, params: { id }, cookie });
async function areaPage(cookie: string, areaId = area) {
  const out = await callLoader(areaRoute, {
    path: `/assessments/${w.assessmentId}/areas/${areaId}`,
    params: { id: w.assessmentId, area: areaId },
    cookie,
  });
  expect(out.status).toBe(200);
  return { data: out.data as AreaData, text: JSON.stringify(out.data) };
}
async function overview(cookie: string) {
  const out = await callLoader(overviewRoute, { path: `/assessments/${w.assessmentId}`, params: ids(), cookie });
  expect(out.status).toBe(200);
  return JSON.stringify(out.data);
}
const rounds = async () =>
  (await callLoader(blindRoute, { path: base(), params: ids(), cookie: w.cookies.coordinator })).data as {
    rounds: { raters: { userId: string; evidence: number; comments: number }[] }[];
  };

test("a rater's evidence and comments in an open round are theirs alone until the reveal", async () => {
  const A = w.cookies.assessor!;
  // Evidence from before the round (the world's sk-tim.pdf on the first item) stays visible to everybody.
  const before = (await areaPage(cookieB)).data.evidence.byItem[items[0]!]!.map((e) => e.name);
  expect(before).toContain("sk-tim.pdf");

  // Rater A adds a link, a file and a comment to an item of the round, and a file to an item outside it.
  const link = evidenceOf(await postEvidence(A, { intent: "link", itemId: items[0]!, url: URL_A, name: "Tautan A" }));
  // Dated outside the period, so the overview's readiness check would name it.
  const file = evidenceOf(
    await postEvidence(A, { intent: "upload", itemId: items[0]!, file: pdf("blind-a", FILE_A), evidenceDate: "2001-01-01" }),
  );
  const comment = await callAction(areaRoute, {
    path: `/assessments/${w.assessmentId}/areas/${area}`,
    params: { id: w.assessmentId, area },
    cookie: A,
    form: { intent: "comment", itemId: items[0]!, body: COMMENT_A },
  });
  expect(comment.status).toBe(200);
  const out = evidenceOf(await postEvidence(A, { intent: "upload", itemId: outside[0]!, file: pdf("outside-a", OUTSIDE_FILE) }));
  expect(link.itemIds).toEqual([items[0]]);
  expect(file.itemIds).toEqual([items[0]]);

  // A sees all of it on the area page and may download the file.
  const pageA = await areaPage(A);
  expect(pageA.data.evidence.byItem[items[0]!]!.map((e) => e.id)).toEqual(expect.arrayContaining([link.id, file.id]));
  expect(pageA.data.comments[items[0]!]!.map((c) => c.body)).toContain(COMMENT_A);
  expect((await get(file.id, A)).status).toBe(200);

  // Rater B: not in the listing (per item nor "attach existing"), not in the comments, not downloadable, not changeable by id.
  const pageB = await areaPage(cookieB);
  expect(pageB.data.evidence.byItem[items[0]!]!.map((e) => e.id)).not.toContain(link.id);
  expect(pageB.data.evidence.all.map((e) => e.id)).not.toContain(file.id);
  for (const secret of [URL_A, FILE_A, COMMENT_A]) expect(pageB.text.includes(secret), `B sees ${secret}`).toBe(false);
  expect(pageB.data.evidence.byItem[items[0]!]!.map((e) => e.name)).toContain("sk-tim.pdf");
  expect((await get(file.id, cookieB)).status).toBe(404);
  for (const secret of [URL_A, FILE_A, COMMENT_A]) expect((await overview(cookieB)).includes(secret), `B overview: ${secret}`).toBe(false);
  for (const intent of ["remove", "detach", "attach"]) {
    const refused = await postEvidence(cookieB, { intent, evidenceId: file.id, itemId: intent === "attach" ? items[1]! : items[0]! });
    expect(refused.data, intent).toMatchObject({ formError: "evidence.notFound" });
  }

  // B uploading the very same file to the item gets their own evidence, not A's hidden row, and no
  // notice ("already attached as …") gives A's away; nor does the same link.
  const sameBOut = await postEvidence(cookieB, { intent: "upload", itemId: items[0]!, file: pdf("blind-a", "salinan-b.pdf") });
  const sameB = evidenceOf(sameBOut);
  expect(sameB.id).not.toBe(file.id);
  expect(sameB.itemIds).toEqual([items[0]]);
  expect((sameBOut.data as { notices: unknown[] }).notices).toEqual([]);
  expect((await get(sameB.id, A)).status).toBe(404);
  const linkBOut = await postEvidence(cookieB, { intent: "link", itemId: items[0]!, url: URL_A, name: "Tautan B" });
  expect(evidenceOf(linkBOut).id).not.toBe(link.id);
  expect((linkBOut.data as { notices: unknown[] }).notices).toEqual([]);
  const elsewhereOut = await postEvidence(A, { intent: "upload", itemId: items[1]!, file: pdf("blind-a", "lagi-a.pdf") });
  // A's own hidden row is A's to reuse; the notice names only the item A sees it on.
  expect(evidenceOf(elsewhereOut).id).toBe(file.id);
  expect((elsewhereOut.data as { notices: unknown[] }).notices).toEqual([
    { key: "evidence.reused", params: { file: "lagi-a.pdf", name: FILE_A, items: items[0] } },
  ]);

  // The coordinator (and a reviewer) see neither content nor history entries; the blind page counts them per rater.
  for (const cookie of [w.cookies.coordinator!, w.cookies.reviewer!]) {
    const page = await areaPage(cookie);
    for (const secret of [URL_A, FILE_A, COMMENT_A]) expect(page.text.includes(secret), `reader sees ${secret}`).toBe(false);
    expect((await get(file.id, cookie)).status).toBe(404);
  }
  const counts = (await rounds()).rounds[0]!.raters;
  expect(counts.find((r) => r.userId === w.users.assessor.id)).toMatchObject({ evidence: 3, comments: 1 });
  expect(counts.filter((r) => r.userId !== w.users.assessor.id).map((r) => [r.evidence, r.comments])).toEqual([[2, 0]]);
  // Exports and evaluation samples list evidence for nobody in particular: none of it.
  const exported = (await listEvidence(db, w.assessmentId)).all.map((e) => e.id);
  expect(exported).not.toContain(link.id);
  expect(exported).not.toContain(file.id);
  expect(exported).toContain(out.id);

  // Outside the round nothing changes: B lists and downloads A's file there.
  const outsideB = await areaPage(cookieB, outsideArea);
  expect(outsideB.data.evidence.byItem[outside[0]!]!.map((e) => e.id)).toContain(out.id);
  expect((await get(out.id, cookieB)).status).toBe(200);

  // The reveal (early, with a reason): everybody sees everything as usual.
  const reveal = await callAction(blindRoute, {
    path: base(),
    params: ids(),
    cookie: w.cookies.coordinator,
    form: { intent: "reveal", areaId: area, reason: "uji" },
  });
  expect(reveal.status, JSON.stringify(reveal.data)).toBe(200);
  const afterB = await areaPage(cookieB);
  expect(afterB.data.evidence.byItem[items[0]!]!.map((e) => e.id)).toEqual(expect.arrayContaining([link.id, file.id]));
  expect(afterB.data.comments[items[0]!]!.map((c) => c.body)).toContain(COMMENT_A);
  expect(afterB.text.includes(URL_A)).toBe(true);
  expect((await get(file.id, cookieB)).status).toBe(200);
  expect((await get(file.id, w.cookies.coordinator!)).status).toBe(200);
  expect((await overview(cookieB)).includes(FILE_A)).toBe(true);
  expect((await listEvidence(db, w.assessmentId)).all.map((e) => e.id)).toEqual(expect.arrayContaining([link.id, file.id]));
});
