/**
 * Issue #29: bukti dukung per target of a Rencana Aksi (spec rb-2024 §2.2 general_perencanaan_target_dokumen).
 * The RB team uploads files (through the assessment evidence pipeline: same sniffing, limits and store)
 * and adds links on the planning page; readers of the plan download through an authorised route with the
 * evidence headers; outsiders get a 404, a unit-scoped assessor a 403; refused files store nothing;
 * removal is soft and audited; `evidence gc` keeps a blob while a renaksi_evidence row names it.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import type { RouteObject } from "react-router-dom";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import * as downloadRoute from "~/routes/renaksi.$planId.evidence.$evidenceId";
import * as planRoute from "~/routes/renaksi.$planId.rencana";
import { applyEvidenceGc, planEvidenceGc } from "~/services/evidence/gc.server";
import { addRenaksiFiles, addRenaksiLink, listRenaksiEvidence, removeRenaksiEvidence } from "~/services/renaksi/evidence.server";
import { createPlan, saveTarget } from "~/services/renaksi/plans.server";
import { exe, pdf } from "../fixtures/evidence/files";
import { freshDb } from "../helpers/db";
import { callAction, callLoader, makeRequest } from "../helpers/remix";
import { buildWorld, withTempDataDir, type World } from "../helpers/world";

const dataDir = withTempDataDir();
const store = path.join(dataDir, "evidence");
const HOUR = 3_600_000;
const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const blobFile = (hash: string) => path.join(store, hash);

let db: Db;
let w: World;
let planId = "";
let targetId = "";
let otherTargetId = "";
const system = (): Actor => ({ id: w.users.admin.id, isAdmin: true, memberships: [] });

const page = (cookie: string | null) => callLoader(planRoute, { path: `/renaksi/${planId}/rencana`, params: { planId }, cookie });
const post = (cookie: string | null, form: FormData | Record<string, string>) =>
  callAction(planRoute, { path: `/renaksi/${planId}/rencana`, params: { planId }, cookie, form });
const download = (cookie: string | null, evidenceId: string, plan = planId) =>
  callLoader(downloadRoute, { path: `/renaksi/${plan}/evidence/${evidenceId}`, params: { planId: plan, evidenceId }, cookie });

/** The planning page as the server renders it (Indonesian), with this loader data and, after a post, this action data. */
async function renderPage(loaderData: unknown, actionData?: unknown): Promise<string> {
  const routes: RouteObject[] = [
    {
      id: "root",
      path: "/",
      loader: () => ({ locale: "id" }),
      children: [
        {
          id: "page",
          index: true,
          loader: () => loaderData as object,
          action: () => (actionData ?? null) as object | null,
          element: createElement(planRoute.default),
        },
      ],
    },
  ];
  const handler = createStaticHandler(routes);
  const request = new Request("http://localhost/?index", actionData ? { method: "POST", body: new URLSearchParams() } : {});
  const context = await handler.query(request);
  if (context instanceof Response) throw new Error("unexpected redirect");
  return renderToString(createElement(StaticRouterProvider, { router: createStaticRouter(handler.dataRoutes, context), context }));
}

function filesForm(files: File[], title = ""): FormData {
  const fd = new FormData();
  fd.set("intent", "add-evidence-files");
  fd.set("targetId", targetId);
  fd.set("title", title);
  for (const f of files) fd.append("file", f);
  return fd;
}

async function rows() {
  return db.selectFrom("renaksi_evidence").selectAll().where("plan_id", "=", planId).orderBy("created_at").orderBy("id").execute();
}

beforeAll(async () => {
  db = await freshDb();
  w = await buildWorld(db);
  planId = await createPlan(db, system(), w.ministry.id, 2025);
  await saveTarget(db, system(), planId, {
    indicatorCode: "IND01",
    baselineYear: 2024,
    baselineValue: 1,
    target: 2,
    unit: null,
    note: null,
  });
  await saveTarget(db, system(), planId, {
    indicatorCode: "IND02",
    baselineYear: 2024,
    baselineValue: 1,
    target: 2,
    unit: null,
    note: null,
  });
  const targets = await db.selectFrom("renaksi_target").select(["id", "indicator_code"]).where("plan_id", "=", planId).execute();
  targetId = targets.find((t) => t.indicator_code === "IND01")!.id;
  otherTargetId = targets.find((t) => t.indicator_code === "IND02")!.id;
});

afterEach(() => {
  delete process.env.EVIDENCE_MAX_BYTES;
});

describe("the team adds bukti dukung on the planning page", () => {
  it("uploads a PDF and a link to a target, lists them and downloads the file with the evidence headers", async () => {
    const bytes = pdf("laporan-target");
    const up = await post(
      w.cookies.coordinator,
      filesForm([new File([bytes], "Laporan TW.pdf", { type: "application/pdf" })], "Laporan capaian target"),
    );
    expect(up.status, JSON.stringify(up.data)).toBe(200);
    expect(up.data).toMatchObject({ ok: true, intent: "add-evidence-files", target: targetId, message: "renaksi.evidence.added" });
    const link = await post(w.cookies.coordinator, {
      intent: "add-evidence-link",
      targetId,
      url: "https://example.go.id/sk-tim-rb",
      title: "SK Tim RB",
    });
    expect(link.status, JSON.stringify(link.data)).toBe(200);

    const [file, url] = await rows();
    expect(file).toMatchObject({
      kind: "file",
      name: "Laporan capaian target",
      filename: "Laporan TW.pdf",
      mime: "application/pdf",
      size: bytes.length,
      blob_sha256: sha(bytes),
      target_id: targetId,
      uploaded_by: w.users.coordinator.id,
      removed_at: null,
    });
    expect(url).toMatchObject({ kind: "link", name: "SK Tim RB", url: "https://example.go.id/sk-tim-rb", blob_sha256: null });
    // Stored exactly as assessment evidence: one evidence_blob row and the content-addressed file.
    expect(await db.selectFrom("evidence_blob").selectAll().where("sha256", "=", sha(bytes)).executeTakeFirst()).toMatchObject({
      size: bytes.length,
      mime: "application/pdf",
    });
    expect(fs.readFileSync(blobFile(sha(bytes)))).toEqual(Buffer.from(bytes));
    const audits = await db
      .selectFrom("audit_log")
      .select(["action", "entity_id", "organisation_id", "actor_user_id"])
      .where("action", "=", "renaksi.evidence")
      .execute();
    expect(audits.map((a) => a.entity_id).sort()).toEqual([file!.id, url!.id].sort());
    expect(audits.every((a) => a.organisation_id === w.ministry.id && a.actor_user_id === w.users.coordinator.id)).toBe(true);

    // The page lists them under the target, with the count in the view; a reviewer (read only) sees them too.
    const view = await page(w.cookies.reviewer);
    expect(view.status).toBe(200);
    const loaded = view.data as {
      evidence: Record<string, { id: string; name: string; kind: string }[]>;
      view: { targets: { id: string; evidenceCount: number }[] };
    };
    expect(loaded.evidence[targetId]!.map((e) => [e.kind, e.name])).toEqual([
      ["file", "Laporan capaian target"],
      ["link", "SK Tim RB"],
    ]);
    expect(loaded.evidence[otherTargetId]).toBeUndefined();
    expect(loaded.view.targets.find((t) => t.id === targetId)!.evidenceCount).toBe(2);
    expect((await listRenaksiEvidence(db, planId, otherTargetId)).length).toBe(0);

    // Download: the bytes, as an attachment under the file's name, with the assessment evidence's safe headers.
    const response = await downloadRoute.loader({
      request: makeRequest({ path: `/renaksi/${planId}/evidence/${file!.id}`, cookie: w.cookies.assessor }),
      params: { planId, evidenceId: file!.id },
      context: {},
    });
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from(bytes));
    expect(Object.fromEntries(response.headers)).toMatchObject({
      "content-type": "application/pdf",
      "content-length": String(bytes.length),
      "content-disposition": `attachment; filename="Laporan TW.pdf"; filename*=UTF-8''Laporan%20TW.pdf`,
      "x-content-type-options": "nosniff",
      "content-security-policy": "sandbox; default-src 'none'",
      "cache-control": "private, no-store",
    });
    // A link is never served by the download route (no redirect elsewhere).
    expect((await download(w.cookies.coordinator, url!.id)).status).toBe(404);

    // The same file again on this target: said, not stored twice; a javascript: link is refused.
    const again = await post(w.cookies.coordinator, filesForm([new File([bytes], "copy.pdf")]));
    expect(again.data).toMatchObject({ ok: true, already: ["copy.pdf"] });
    const bad = await post(w.cookies.coordinator, { intent: "add-evidence-link", targetId, url: "javascript:alert(1)", title: "x" });
    expect(bad.status).toBe(400);
    expect(bad.data).toMatchObject({
      ok: false,
      intent: "add-evidence-link",
      formError: "evidence.linkScheme",
      fieldErrors: { url: "evidence.linkScheme" },
    });
    expect((await rows()).length).toBe(2);
  });

  it("an untitled file takes its own name, several files go in one post", async () => {
    const a = pdf("satu");
    const b = pdf("dua");
    const out = await post(w.cookies.coordinator, filesForm([new File([a], "notulen.pdf"), new File([b], "scan")]));
    expect(out.status, JSON.stringify(out.data)).toBe(200);
    const added = (await rows()).filter((r) => r.blob_sha256 === sha(a) || r.blob_sha256 === sha(b));
    expect(added.map((r) => [r.name, r.filename]).sort()).toEqual([
      ["notulen.pdf", "notulen.pdf"],
      ["scan.pdf", "scan.pdf"],
    ]);
  });
});

describe("the planning page", () => {
  it("lists a target's evidence with download links, and gives the team plain upload and link forms", async () => {
    const [file, url] = await rows();
    const team = await renderPage((await page(w.cookies.coordinator)).data);
    expect(team).toContain(`href="/renaksi/${planId}/evidence/${file!.id}"`);
    expect(team).toContain("Laporan capaian target");
    expect(team).toContain(`href="https://example.go.id/sk-tim-rb"`);
    expect(team).toMatch(/<form[^>]*method="post"[^>]*enctype="multipart\/form-data"/i);
    expect(team).toContain('name="file"');
    expect(team).toContain('value="add-evidence-link"');
    expect(team).toContain('value="remove-evidence"');
    // A reader sees the list, no forms.
    const reader = await renderPage((await page(w.cookies.reviewer)).data);
    expect(reader).toContain(`href="/renaksi/${planId}/evidence/${file!.id}"`);
    expect(reader).toContain("SK Tim RB");
    expect(reader).not.toContain('value="add-evidence-files"');
    expect(reader).not.toContain(`value="${url!.id}"`);
  });

  it("shows a refused file's message, naming it, under its target", async () => {
    const refused = await post(w.cookies.coordinator, filesForm([new File([exe()], "program.pdf")]));
    const html = await renderPage((await page(w.cookies.coordinator)).data, refused.data);
    const section = html.slice(html.indexOf(`data-testid="evidence-${targetId}"`));
    expect(section).toMatch(/role="alert"[^>]*>[^<]*program\.pdf[^<]*ditolak/);
  });
});

describe("who may", () => {
  it("another organisation's user gets a 404 for the page, the upload and the download", async () => {
    const [file] = await rows();
    expect((await page(w.cookies.otherOrgAdmin)).status).toBe(404);
    expect((await post(w.cookies.otherOrgAdmin, filesForm([new File([pdf("luar")], "luar.pdf")]))).status).toBe(404);
    expect((await download(w.cookies.otherOrgAdmin, file!.id)).status).toBe(404);
    expect(fs.existsSync(blobFile(sha(pdf("luar"))))).toBe(false);
  });

  it("a unit-scoped assessor reads and downloads but may not add or remove (403)", async () => {
    const [file] = await rows();
    expect((await download(w.cookies.assessor, file!.id)).status).toBe(200);
    expect((await post(w.cookies.assessor, filesForm([new File([pdf("unit")], "unit.pdf")]))).status).toBe(403);
    expect((await post(w.cookies.assessor, { intent: "add-evidence-link", targetId, url: "https://example.go.id/x" })).status).toBe(403);
    expect((await post(w.cookies.assessor, { intent: "remove-evidence", id: file!.id, targetId })).status).toBe(403);
    expect(fs.existsSync(blobFile(sha(pdf("unit"))))).toBe(false);
    expect((await rows()).find((r) => r.id === file!.id)!.removed_at).toBeNull();
  });

  it("another plan's evidence id is a 404 in this plan's URL, and another plan's target cannot be used", async () => {
    const other = await createPlan(db, system(), w.ministry.id, 2024);
    await saveTarget(db, system(), other, {
      indicatorCode: "IND01",
      baselineYear: 2023,
      baselineValue: 1,
      target: 2,
      unit: null,
      note: null,
    });
    const otherTarget = (await db.selectFrom("renaksi_target").select("id").where("plan_id", "=", other).executeTakeFirstOrThrow()).id;
    const added = await addRenaksiFiles(db, system(), other, otherTarget, [new File([pdf("plan-lain")], "lain.pdf")], "Lain");
    expect((await download(w.cookies.coordinator, added.ids[0]!, other)).status).toBe(200);
    expect((await download(w.cookies.coordinator, added.ids[0]!)).status).toBe(404);
    await expect(addRenaksiLink(db, system(), planId, otherTarget, { url: "https://example.go.id/" })).rejects.toMatchObject({
      key: "renaksi.notFound",
    });
  });

  it("outside the planning and monitoring windows nothing is added; while monitoring is open, evidence of the realisation is", async () => {
    await db.updateTable("renaksi_plan").set({ plan_close: "2000-01-01", monev_open: "2000-01-01" }).where("id", "=", planId).execute();
    expect((await post(w.cookies.coordinator, filesForm([new File([pdf("laporan tw")], "laporan-tw.pdf")]))).status).toBe(200);
    await db.updateTable("renaksi_plan").set({ monev_close: "2000-01-02" }).where("id", "=", planId).execute();
    try {
      const out = await post(w.cookies.coordinator, filesForm([new File([pdf("telat")], "telat.pdf")]));
      expect(out.status).toBe(400);
      expect(out.data).toMatchObject({ ok: false, formError: "renaksi.windowClosed" });
      expect(fs.existsSync(blobFile(sha(pdf("telat"))))).toBe(false);
      const view = (await page(w.cookies.coordinator)).data as { view: { open: { plan: boolean } } };
      expect(view.view.open.plan).toBe(false);
    } finally {
      await db.updateTable("renaksi_plan").set({ plan_close: null, monev_open: null, monev_close: null }).where("id", "=", planId).execute();
    }
  });
});

describe("refused files", () => {
  it("a disguised executable is refused with a message naming it, and nothing of the upload is stored", async () => {
    const before = (await rows()).length;
    const good = pdf("ikut-ditolak");
    const out = await post(
      w.cookies.coordinator,
      filesForm([new File([good], "baik.pdf"), new File([exe()], "laporan.pdf", { type: "application/pdf" })], "Campur"),
    );
    expect(out.status).toBe(400);
    expect(out.data).toMatchObject({
      ok: false,
      intent: "add-evidence-files",
      formError: "evidence.executable",
      formParams: { name: "laporan.pdf" },
      values: { targetId },
    });
    expect((await rows()).length).toBe(before);
    // All or nothing: not even the good file's bytes or blob row.
    for (const hash of [sha(good), sha(exe())]) {
      expect(fs.existsSync(blobFile(hash))).toBe(false);
      expect(await db.selectFrom("evidence_blob").select("sha256").where("sha256", "=", hash).executeTakeFirst()).toBeUndefined();
    }
  });

  it("an oversized or empty file is refused with a message naming it", async () => {
    process.env.EVIDENCE_MAX_BYTES = "200";
    const big = pdf("x".repeat(400));
    const out = await post(w.cookies.coordinator, filesForm([new File([big], "besar.pdf")]));
    expect(out.status).toBe(400);
    expect(out.data).toMatchObject({ ok: false, formError: "evidence.tooLarge", formParams: { name: "besar.pdf", max: "200 B" } });
    expect(fs.existsSync(blobFile(sha(big)))).toBe(false);
    delete process.env.EVIDENCE_MAX_BYTES;
    const empty = await post(w.cookies.coordinator, filesForm([new File([new Uint8Array(0)], "kosong.pdf")]));
    expect(empty.data).toMatchObject({ ok: false, formError: "evidence.empty", formParams: { name: "kosong.pdf" } });
    const none = await post(w.cookies.coordinator, filesForm([]));
    expect(none.data).toMatchObject({ ok: false, formError: "evidence.fileRequired" });
    // Stored files are not in the store's directory under any other name either (temporary files are gone).
    expect(fs.readdirSync(store).filter((n) => !/^[0-9a-f]{64}$/.test(n))).toEqual([]);
  });
});

describe("removal and garbage collection", () => {
  it("removal is soft and audited; the removed file is no longer listed nor downloadable", async () => {
    const [file] = await rows();
    const out = await post(w.cookies.coordinator, { intent: "remove-evidence", id: file!.id, targetId });
    expect(out.status, JSON.stringify(out.data)).toBe(200);
    expect(out.data).toMatchObject({ ok: true, intent: "remove-evidence", target: targetId, message: "renaksi.evidence.removed" });
    const row = (await rows()).find((r) => r.id === file!.id)!;
    expect(row.removed_at).not.toBeNull();
    expect(row.removed_by).toBe(w.users.coordinator.id);
    const audit = await db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "renaksi.evidence.remove")
      .where("entity_id", "=", file!.id)
      .executeTakeFirstOrThrow();
    expect(audit.entity_type).toBe("renaksi_evidence");
    expect(JSON.parse(audit.before_json!)).toMatchObject({ targetId, name: "Laporan capaian target", sha256: file!.blob_sha256 });
    const listed = ((await page(w.cookies.coordinator)).data as { evidence: Record<string, { id: string }[]> }).evidence[targetId] ?? [];
    expect(listed.map((e) => e.id)).not.toContain(file!.id);
    expect((await download(w.cookies.coordinator, file!.id)).status).toBe(404);
    // Removing again: not found.
    expect((await post(w.cookies.coordinator, { intent: "remove-evidence", id: file!.id, targetId })).data).toMatchObject({
      ok: false,
      formError: "renaksi.notFound",
    });
  });

  it("gc keeps a plan file's blob while a renaksi_evidence row names it (live or removed), and collects it after", async () => {
    const bytes = pdf("gc-rencana-aksi");
    const added = await addRenaksiFiles(db, system(), planId, otherTargetId, [new File([bytes], "gc.pdf")], "GC");
    const removed = (await rows()).find((r) => r.removed_at !== null)!;
    const old = new Date(Date.now() - 2 * HOUR);
    for (const hash of [sha(bytes), removed.blob_sha256!]) fs.utimesSync(blobFile(hash), old, old);
    const orphan = pdf("niemand");
    fs.writeFileSync(blobFile(sha(orphan)), orphan);
    fs.utimesSync(blobFile(sha(orphan)), old, old);

    const plan = await planEvidenceGc(db, { minAgeMs: HOUR });
    expect(plan.databaseHasFiles).toBe(true);
    expect(plan.unreferenced.map((b) => b.sha256)).toEqual([sha(orphan)]);
    await applyEvidenceGc(db, plan);
    expect(fs.existsSync(blobFile(sha(orphan)))).toBe(false);
    expect(fs.existsSync(blobFile(sha(bytes)))).toBe(true);
    expect(fs.existsSync(blobFile(removed.blob_sha256!))).toBe(true);
    expect((await download(w.cookies.coordinator, added.ids[0]!)).status).toBe(200);

    // Soft removal keeps the reference; only when no row names the blob does gc take it.
    await removeRenaksiEvidence(db, system(), planId, added.ids[0]!);
    expect((await planEvidenceGc(db, { minAgeMs: HOUR })).unreferenced.map((b) => b.sha256)).not.toContain(sha(bytes));
    await db.deleteFrom("renaksi_evidence").where("id", "=", added.ids[0]!).execute();
    const after = await planEvidenceGc(db, { minAgeMs: HOUR });
    expect(after.unreferenced.map((b) => b.sha256)).toEqual([sha(bytes)]);
  });
});
