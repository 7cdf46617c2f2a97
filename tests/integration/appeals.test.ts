/**
 * Issue #30: appeals (sanggah, spec rb-2024 §4). The organisation's team appeals one row of a released
 * evaluator layer inside the window with a reason and a file; filing outside the window, by another
 * organisation, on an unreleased or revoked layer, or twice while open is refused with a message; the
 * evaluator of that layer accepts with a new value (re-score, layer snapshot, a new chained "appeal" seal
 * that verifies and whose receipt carries the appeal) or rejects (nothing but the record changes); the
 * right people are told. The same for ZI (per item). Routes checked over HTTP (callLoader/callAction).
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import { loadActor } from "~/auth/require.server";
import { addDays, wibDate } from "~/domain/appeal/window";
import { outlineOf } from "~/domain/instrument/outline";
import type { Receipt, SealDocument } from "~/domain/seal/document";
import * as appealsRoute from "~/routes/assessments.$id.appeals._index";
import * as fileRoute from "~/routes/assessments.$id.appeals.$appealId.files.$fileId";
import * as decideRoute from "~/routes/evaluations.appeals.$appealId";
import * as queueRoute from "~/routes/evaluations.appeals._index";
import * as windowsRoute from "~/routes/admin.appeal-windows";
import * as receiptRoute from "~/routes/assessments.$id.receipt";
import * as verifyRoute from "~/routes/assessments.$id.verify";
import { assessmentAppeals, decideAppeal, fileAppealWithFiles, loadAppeals } from "~/services/appeals/appeals.server";
import { AppealError } from "~/services/appeals/errors";
import { appealQueue } from "~/services/appeals/queue.server";
import { setWindow } from "~/services/appeals/windows.server";
import { planEvidenceGc } from "~/services/evidence/gc.server";
import { releaseLayer, revokeRelease, saveEvaluatorAnswer } from "~/services/evaluation/layers.server";
import { listSeals, sealAssessment, verifyAssessment } from "~/services/seal/seal.server";
import { requireAssessment, type AssessmentContext } from "~/services/workbench/assessments.server";
import { createAssessments } from "~/services/workbench/rollout.server";
import { exe, pdf, png } from "../fixtures/evidence/files";
import { freshDb } from "../helpers/db";
import { makePeriod, makeUser, sessionCookie } from "../helpers/factories";
import { callAction, callLoader } from "../helpers/remix";
import { buildWorld, withTempDataDir, type World } from "../helpers/world";

const dataDir = withTempDataDir();
let db: Db;
let w: World;
let rbId = "";
let items: string[] = [];
/** A second evaluator of the ministry, who decides what the first filed… never: evaluators do not file. */
let evaluator2: { id: string };
const system = (): Actor => ({ id: w.users.admin.id, isAdmin: true, memberships: [] });
const actorOf = async (id: string) => loadActor(db, await db.selectFrom("user").selectAll().where("id", "=", id).executeTakeFirstOrThrow());
const ctxOf = (id: string) => requireAssessment(db, system(), id);
const file = (name = "sanggah.pdf", body = "bukti sanggah") => new File([pdf(body)], name, { type: "application/pdf" });
const DAY = 86_400_000;

/** A valid evaluator value other than `not`: an option code, or a score within the item's range. */
function otherOption(ctx: AssessmentContext, itemId: string, not?: unknown): string | number {
  const item = outlineOf(ctx.instrument).items.get(itemId)!;
  const candidates: (string | number)[] = item.options?.length ? item.options.map((o) => o.code) : [item.scale!.max, item.scale!.min];
  return candidates.find((c) => c !== not)!;
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppealError) return e.key;
    throw e;
  }
  throw new Error("expected a refusal");
}

const notices = (kind: string) =>
  db.selectFrom("notification").select(["user_id", "params_json", "link"]).where("kind", "=", kind).orderBy("created_at").execute();

beforeAll(async () => {
  db = await freshDb();
  w = await buildWorld(db);
  evaluator2 = await makeUser(db, { role: "evaluator", organisationId: w.ministry.id });
  // The ministry's 2024 Evaluasi RB on its echelon-I unit (the coordinator's team), submitted and sealed.
  const period2024 = await makePeriod(db, w.ministry.id, 2024);
  [rbId] = (
    await createAssessments(db, system(), {
      unitIds: [w.eselon1.id],
      periodId: period2024,
      instrumentId: "rb-2024-kl",
      carryForward: false,
    })
  ).created as [string];
  await db.updateTable("assessment").set({ status: "submitted" }).where("id", "=", rbId).execute();
  const ctx = await ctxOf(rbId);
  // The 2024 worksheet's rows are scores in a range (range_scaled); the two computed from the Rencana Aksi are not appealable.
  items = [...outlineOf(ctx.instrument).items.values()].filter((i) => i.type === "range_scaled" && !i.computed_from).map((i) => i.id);
  await db.transaction().execute((trx) => sealAssessment(trx, { id: w.users.coordinator.id }, rbId, "submit", new Date().toISOString()));
  const evaluator = await actorOf(w.users.evaluator.id);
  // TPN (external) scores four rows and releases; TPI (internal) scores one and does not release.
  for (const itemId of items.slice(0, 4))
    await saveEvaluatorAnswer(db, evaluator, ctx, {
      layer: "external",
      itemId,
      decision: "adjust",
      value: otherOption(ctx, itemId),
      note: null,
      recommendation: null,
    });
  await saveEvaluatorAnswer(db, evaluator, ctx, {
    layer: "internal",
    itemId: items[5]!,
    decision: "adjust",
    value: otherOption(ctx, items[5]!),
    note: null,
    recommendation: null,
  });
  await releaseLayer(db, evaluator, ctx, "external", { confirmed: true });
});

describe("filing", () => {
  it("the team's page lists the released rows with their refusal, and the window (10 working days from release)", async () => {
    const coordinator = await actorOf(w.users.coordinator.id);
    const page = await assessmentAppeals(db, coordinator, await ctxOf(rbId));
    expect(page.ownTeam).toBe(true);
    expect(page.rows.map((r) => r.itemId)).toEqual(items.slice(0, 4));
    expect(page.rows.every((r) => r.layer === "external" && r.refusal === null)).toBe(true);
    const external = page.windows.find((x) => x.layer === "external")!;
    expect(external.window).toMatchObject({ opensOn: wibDate(new Date()), source: "default", workingDays: 10 });
    expect(external.phase?.phase).toBe("open");
    expect(page.windows.find((x) => x.layer === "internal")!.window).toBeNull();
  });

  it("refuses another organisation, a non-team member, an unreleased row, outside the window, and an empty reason", async () => {
    const ctx = await ctxOf(rbId);
    const input = { layer: "external" as const, itemId: items[0]!, reason: "Bukti SK sudah lengkap" };
    const other = await actorOf(w.users.otherOrgAdmin.id);
    expect(await refusal(fileAppealWithFiles(db, other, ctx, input, [file()]))).toBe("appeal.refused.notOwnOrganisation");
    expect(await refusal(fileAppealWithFiles(db, await actorOf(w.users.evaluator.id), ctx, input, [file()]))).toBe(
      "appeal.refused.notOwnOrganisation",
    );
    expect(await refusal(fileAppealWithFiles(db, system(), ctx, input, [file()]))).toBe("appeal.refused.notOwnOrganisation");
    const coordinator = await actorOf(w.users.coordinator.id);
    // The internal layer scored a row but is not released; a row the external layer did not score has no value.
    expect(await refusal(fileAppealWithFiles(db, coordinator, ctx, { ...input, layer: "internal", itemId: items[5]! }, [file()]))).toBe(
      "appeal.refused.notReleased",
    );
    expect(await refusal(fileAppealWithFiles(db, coordinator, ctx, { ...input, itemId: items[6]! }, [file()]))).toBe(
      "appeal.refused.noEvaluatorValue",
    );
    // Thirty days later the ten working days are over.
    expect(await refusal(fileAppealWithFiles(db, coordinator, ctx, input, [file()], new Date(Date.now() + 30 * DAY)))).toBe(
      "appeal.refused.windowClosed",
    );
    expect(await refusal(fileAppealWithFiles(db, coordinator, ctx, { ...input, reason: "   " }, [file()]))).toBe("appeal.reasonRequired");
    expect(await refusal(fileAppealWithFiles(db, coordinator, ctx, input, []))).toBe("appeal.fileRequired");
    // Only PDF, Word, Excel, PowerPoint: an image is refused naming it, an executable by the evidence rules.
    expect(await refusal(fileAppealWithFiles(db, coordinator, ctx, input, [file(), new File([png()], "foto.png")]))).toBe(
      "appeal.fileType",
    );
    await expect(fileAppealWithFiles(db, coordinator, ctx, input, [new File([exe()], "x.pdf")])).rejects.toMatchObject({
      key: "evidence.executable",
    });
    expect(await db.selectFrom("appeal").select("id").execute()).toEqual([]);
  });

  it("an explicit window replaces the default: the organisation's over the installation's", async () => {
    const ctx = await ctxOf(rbId);
    const coordinator = await actorOf(w.users.coordinator.id);
    const today = wibDate(new Date());
    await setWindow(db, system(), {
      year: 2024,
      instrumentId: "rb-2024-kl",
      organisationId: null,
      opensOn: addDays(today, 3),
      closesOn: addDays(today, 9),
    });
    const input = { layer: "external" as const, itemId: items[0]!, reason: "Alasan" };
    expect(await refusal(fileAppealWithFiles(db, coordinator, ctx, input, [file()]))).toBe("appeal.refused.notYetOpen");
    await setWindow(db, system(), {
      year: 2024,
      instrumentId: "rb-2024-kl",
      organisationId: w.ministry.id,
      opensOn: addDays(today, -40),
      closesOn: addDays(today, -35),
    });
    expect(await refusal(fileAppealWithFiles(db, coordinator, ctx, input, [file()]))).toBe("appeal.refused.windowClosed");
    const page = await assessmentAppeals(db, coordinator, ctx);
    expect(page.windows.find((x) => x.layer === "external")!.window?.source).toBe("organisation");
    await db.deleteFrom("appeal_window").execute();
  });

  it("files with a reason and a PDF, records the value before, notifies the layer's writers only; a second open appeal is refused", async () => {
    const ctx = await ctxOf(rbId);
    const coordinator = await actorOf(w.users.coordinator.id);
    const id = await fileAppealWithFiles(
      db,
      coordinator,
      ctx,
      { layer: "external", itemId: items[0]!, reason: "SK Tim RB sudah ditetapkan Maret 2024." },
      [file("sk-tim.pdf", "SK Tim RB")],
    );
    const row = await db.selectFrom("appeal").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    const evaluatorValue = await db
      .selectFrom("answer")
      .select("value_json")
      .where("assessment_id", "=", rbId)
      .where("layer", "=", "external")
      .where("item_id", "=", items[0]!)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: "diajukan",
      value_before_json: evaluatorValue.value_json,
      filed_by: w.users.coordinator.id,
      organisation_id: w.ministry.id,
    });
    const files = await db.selectFrom("appeal_file").selectAll().where("appeal_id", "=", id).execute();
    expect(files.map((f) => [f.filename, f.mime])).toEqual([["sk-tim.pdf", "application/pdf"]]);
    expect(fs.existsSync(path.join(dataDir, "evidence", files[0]!.blob_sha256))).toBe(true);
    // The external layer's writers: the evaluators of the ministry (not the coordinator who filed, nor the assessor, nor the other organisation).
    expect((await notices("appeal_filed")).map((n) => n.user_id).sort()).toEqual([w.users.evaluator.id, evaluator2.id].sort());
    expect(
      await refusal(fileAppealWithFiles(db, coordinator, ctx, { layer: "external", itemId: items[0]!, reason: "lagi" }, [file()])),
    ).toBe("appeal.refused.alreadyOpen");
    // Two at once: the partial unique index lets one through, the other gets the same message.
    const both = await Promise.allSettled([
      fileAppealWithFiles(db, coordinator, ctx, { layer: "external", itemId: items[1]!, reason: "satu" }, [file()]),
      fileAppealWithFiles(db, coordinator, ctx, { layer: "external", itemId: items[1]!, reason: "dua" }, [file()]),
    ]);
    expect(both.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const failed = both.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((failed.reason as AppealError).key).toBe("appeal.refused.alreadyOpen");
    // The page shows the row in progress; gc keeps the file's blob.
    const page = await assessmentAppeals(db, coordinator, ctx);
    expect(page.rows.find((r) => r.itemId === items[0])).toMatchObject({ refusal: "appeal.refused.alreadyOpen", openAppealId: id });
    const gc = await planEvidenceGc(db, { minAgeMs: 0 });
    expect(gc.unreferenced.map((b) => b.sha256)).not.toContain(files[0]!.blob_sha256);
    await db
      .updateTable("appeal")
      .set({ status: "ditolak", response: "uji", decided_at: new Date().toISOString() })
      .where("item_id", "=", items[1]!)
      .execute();
  });
});

describe("deciding", () => {
  const openAppeal = (itemId: string) =>
    db
      .selectFrom("appeal")
      .selectAll()
      .where("assessment_id", "=", rbId)
      .where("item_id", "=", itemId)
      .where("status", "=", "diajukan")
      .executeTakeFirstOrThrow();

  it("only the layer's writer decides, never the filer, with a response; accepting needs a value", async () => {
    const a = await openAppeal(items[0]!);
    const coordinator = await actorOf(w.users.coordinator.id);
    expect(await refusal(decideAppeal(db, coordinator, a.id, { decision: "reject", response: "x" }))).toBe("appeal.cannotDecide");
    const evaluator = await actorOf(w.users.evaluator.id);
    expect(await refusal(decideAppeal(db, evaluator, a.id, { decision: "reject", response: "  " }))).toBe("appeal.responseRequired");
    expect(await refusal(decideAppeal(db, evaluator, a.id, { decision: "accept", response: "ok" }))).toBe("appeal.valueRequired");
    // An invalid value is refused like any evaluator answer, and nothing changes.
    await expect(decideAppeal(db, evaluator, a.id, { decision: "accept", response: "ok", value: "Z" })).rejects.toMatchObject({
      key: "workbench.invalidAnswer",
    });
    expect((await openAppeal(items[0]!)).status).toBe("diajukan");
  });

  it("reject changes no value, snapshot, score or seal; the filer and the coordinators hear of it", async () => {
    const ctx = await ctxOf(rbId);
    const coordinator = await actorOf(w.users.coordinator.id);
    const id = await fileAppealWithFiles(db, coordinator, ctx, { layer: "external", itemId: items[2]!, reason: "Mohon ditinjau" }, [
      file(),
    ]);
    const before = {
      answers: await db.selectFrom("answer").selectAll().where("assessment_id", "=", rbId).orderBy("id").execute(),
      snapshots: await db.selectFrom("score_snapshot").select("id").where("assessment_id", "=", rbId).execute(),
      seals: await listSeals(db, rbId),
    };
    await decideAppeal(db, await actorOf(w.users.evaluator.id), id, {
      decision: "reject",
      response: "Bukti tidak menunjukkan pelaksanaan.",
    });
    expect(await db.selectFrom("answer").selectAll().where("assessment_id", "=", rbId).orderBy("id").execute()).toEqual(before.answers);
    expect(await db.selectFrom("score_snapshot").select("id").where("assessment_id", "=", rbId).execute()).toEqual(before.snapshots);
    expect(await listSeals(db, rbId)).toEqual(before.seals);
    expect(await db.selectFrom("appeal").selectAll().where("id", "=", id).executeTakeFirstOrThrow()).toMatchObject({
      status: "ditolak",
      response: "Bukti tidak menunjukkan pelaksanaan.",
      decided_by: w.users.evaluator.id,
      value_after_json: null,
      seal_id: null,
    });
    const decided = (await notices("appeal_decided")).filter((n) => JSON.parse(n.params_json).item === items[2]);
    expect(decided.map((n) => n.user_id)).toEqual([w.users.coordinator.id]);
    expect(JSON.parse(decided[0]!.params_json)).toMatchObject({ status: "ditolak" });
    expect(await refusal(decideAppeal(db, await actorOf(evaluator2.id), id, { decision: "reject", response: "lagi" }))).toBe(
      "appeal.alreadyDecided",
    );
    // History: after a decision the row may be appealed again, as a new record.
    const again = await fileAppealWithFiles(db, coordinator, ctx, { layer: "external", itemId: items[2]!, reason: "Bukti tambahan" }, [
      file("tambahan.pdf"),
    ]);
    expect(again).not.toBe(id);
    expect(await db.selectFrom("appeal").select("id").where("item_id", "=", items[2]!).execute()).toHaveLength(2);
  });

  it("accept writes the new value, re-scores the layer, and seals it: chained, verifying, the receipt carrying the appeal", async () => {
    const a = await openAppeal(items[0]!);
    const ctx = await ctxOf(rbId);
    const newValue = otherOption(ctx, items[0]!, JSON.parse(a.value_before_json!));
    const sealsBefore = await listSeals(db, rbId);
    const snapshotsBefore = await db
      .selectFrom("score_snapshot")
      .select("id")
      .where("assessment_id", "=", rbId)
      .where("layer", "=", "external")
      .execute();
    await decideAppeal(db, await actorOf(w.users.evaluator.id), a.id, {
      decision: "accept",
      response: "SK terbukti; nilai dinaikkan.",
      value: newValue,
    });
    const row = await db.selectFrom("appeal").selectAll().where("id", "=", a.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "diterima", value_after_json: JSON.stringify(newValue) });
    const answer = await db
      .selectFrom("answer")
      .select(["value_json", "note"])
      .where("assessment_id", "=", rbId)
      .where("layer", "=", "external")
      .where("item_id", "=", items[0]!)
      .executeTakeFirstOrThrow();
    expect(answer).toEqual({ value_json: JSON.stringify(newValue), note: "SK terbukti; nilai dinaikkan." });
    const snapshots = await db
      .selectFrom("score_snapshot")
      .select(["id", "total"])
      .where("assessment_id", "=", rbId)
      .where("layer", "=", "external")
      .orderBy("created_at")
      .execute();
    expect(snapshots.length).toBe(snapshotsBefore.length + 1);
    const seals = await listSeals(db, rbId);
    expect(seals).toHaveLength(sealsBefore.length + 1);
    const seal = seals[seals.length - 1]!;
    expect(seal).toMatchObject({ id: row.seal_id, event: "appeal", prev_assessment_seal: sealsBefore[sealsBefore.length - 1]!.seal_hash });
    const receipt = JSON.parse(seal.receipt_json) as Receipt;
    expect(receipt.appeal).toMatchObject({
      id: a.id,
      item: items[0],
      layer: "external",
      reason: a.reason,
      response: "SK terbukti; nilai dinaikkan.",
      valueBefore: JSON.parse(a.value_before_json!),
      valueAfter: newValue,
      layerTotal: Number(snapshots[snapshots.length - 1]!.total),
    });
    expect((JSON.parse(seal.document_json) as SealDocument).appeal).toEqual(receipt.appeal);
    // The team's record of the appeal shows the layer's index after it, as signed.
    const [view] = await loadAppeals(db, { ids: [a.id] });
    expect(view!.layerTotal).toBe(Number(snapshots[snapshots.length - 1]!.total));
    const report = await verifyAssessment(db, rbId);
    expect(report.ok).toBe(true);
    expect(report.seals[report.seals.length - 1]!.appeal?.id).toBe(a.id);
    // Older seals still verify on their own (the submit seal predates the released layer).
    expect((await verifyAssessment(db, rbId, { seq: 1 })).issues).toEqual([]);
    const decided = (await notices("appeal_decided")).filter((n) => JSON.parse(n.params_json).item === items[0]);
    expect(decided.map((n) => n.user_id)).toEqual([w.users.coordinator.id]);
    const audit = await db.selectFrom("audit_log").select("action").where("entity_id", "=", a.id).orderBy("at").execute();
    expect(audit.map((x) => x.action)).toEqual(["appeal.file", "appeal.accept"]);
  });

  it("a revoked layer cannot be appealed", async () => {
    const ctx = await ctxOf(rbId);
    await revokeRelease(db, system(), ctx, "external", "Salah rilis");
    const coordinator = await actorOf(w.users.coordinator.id);
    expect(await refusal(fileAppealWithFiles(db, coordinator, ctx, { layer: "external", itemId: items[3]!, reason: "x" }, [file()]))).toBe(
      "appeal.refused.notReleased",
    );
    await releaseLayer(db, await actorOf(w.users.evaluator.id), ctx, "external", { confirmed: true });
  });

  it("the queue counts per item for the layer's writers only", async () => {
    const q = await appealQueue(db, await actorOf(w.users.evaluator.id), { status: "all" });
    expect(q.counts.find((c) => c.itemId === items[0])).toEqual({ itemId: items[0], diajukan: 0, diterima: 1, ditolak: 0 });
    expect(q.counts.find((c) => c.itemId === items[2])).toEqual({ itemId: items[2], diajukan: 1, diterima: 0, ditolak: 1 });
    expect((await appealQueue(db, await actorOf(w.users.coordinator.id), { status: "all" })).appeals).toEqual([]);
    expect((await appealQueue(db, await actorOf(w.users.otherOrgAdmin.id), { status: "all" })).appeals).toEqual([]);
  });
});

describe("ZI (per item)", () => {
  it("a ZI unit appeals an item of its released TPN layer; accepting re-seals and verifies", async () => {
    const id = w.submittedAssessmentId;
    const ctx = await ctxOf(id);
    const evaluator = await actorOf(w.users.evaluator.id);
    const itemId = [...outlineOf(ctx.instrument).items.values()].find((i) => i.options?.length)!.id;
    await saveEvaluatorAnswer(db, evaluator, ctx, {
      layer: "external",
      itemId,
      decision: "adjust",
      value: otherOption(ctx, itemId),
      note: null,
      recommendation: null,
    });
    await releaseLayer(db, evaluator, ctx, "external", { confirmed: true });
    const assessor = await actorOf(w.users.assessor.id);
    const appealId = await fileAppealWithFiles(db, assessor, ctx, { layer: "external", itemId, reason: "Dokumen LKE ZI lengkap" }, [
      file("lke-zi.pdf"),
    ]);
    const before = await db.selectFrom("appeal").select("value_before_json").where("id", "=", appealId).executeTakeFirstOrThrow();
    await decideAppeal(db, evaluator, appealId, {
      decision: "accept",
      response: "Diterima",
      value: otherOption(ctx, itemId, JSON.parse(before.value_before_json!)),
    });
    const seals = await listSeals(db, id);
    expect(seals.map((s) => s.event)).toEqual(["appeal"]);
    expect((await verifyAssessment(db, id)).ok).toBe(true);
    // The assessor filed: they and the coordinators covering the unit hear of the decision.
    const decided = (await notices("appeal_decided")).filter((n) => n.link.includes(id));
    expect(decided.map((n) => n.user_id).sort()).toEqual([w.users.assessor.id, w.users.coordinator.id].sort());
  });
});

describe("who hears of an appeal nobody in the organisation may decide", () => {
  it("an organisation without a member who may write the layer: the system administrators are told", async () => {
    const id = w.otherAssessmentId;
    await db.updateTable("assessment").set({ status: "submitted" }).where("id", "=", id).execute();
    const ctx = await ctxOf(id);
    const itemId = [...outlineOf(ctx.instrument).items.values()].find((i) => i.options?.length)!.id;
    // The national evaluator is the system administrator here: the other organisation has no evaluator member.
    await saveEvaluatorAnswer(db, system(), ctx, {
      layer: "external",
      itemId,
      decision: "adjust",
      value: otherOption(ctx, itemId),
      note: null,
      recommendation: null,
    });
    await releaseLayer(db, system(), ctx, "external", { confirmed: true });
    const team = await makeUser(db, { role: "coordinator", organisationId: w.other.id });
    const appealId = await fileAppealWithFiles(db, await actorOf(team.id), ctx, { layer: "external", itemId, reason: "Bukti ada" }, [file()]);
    const told = (await notices("appeal_filed")).filter((n) => n.link.endsWith(appealId)).map((n) => n.user_id);
    expect(told).toEqual([w.users.admin.id]);
  });
});

describe("routes", () => {
  const base = () => `/assessments/${rbId}/appeals`;
  const form = (fields: Record<string, string>, files: File[] = []) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.append(k, v);
    for (const x of files) f.append("file", x);
    return f;
  };

  it("the appeals page: the team sees the rows, another organisation gets a 404", async () => {
    const out = await callLoader(appealsRoute, { path: base(), cookie: w.cookies.coordinator, params: { id: rbId } });
    expect(out.status).toBe(200);
    const d = out.data as { ownTeam: boolean; rows: { itemId: string }[]; appeals: unknown[] };
    expect(d.ownTeam).toBe(true);
    expect(d.rows.length).toBe(4);
    expect((await callLoader(appealsRoute, { path: base(), cookie: w.cookies.otherOrgAdmin, params: { id: rbId } })).status).toBe(404);
    expect((await callLoader(appealsRoute, { path: base(), cookie: null, params: { id: rbId } })).status).toBe(302);
  });

  it("filing over HTTP: 403 for a non-team reader, 400 with the reason kept when the file is missing, 302 when filed", async () => {
    const fields = { intent: "file", layer: "external", itemId: items[3]!, reason: "Alasan yang panjang: SK ditetapkan Maret 2024" };
    const evaluatorPost = await callAction(appealsRoute, {
      path: base(),
      cookie: w.cookies.evaluator,
      params: { id: rbId },
      form: form(fields, [file()]),
    });
    expect(evaluatorPost.status).toBe(403);
    expect(evaluatorPost.data).toMatchObject({ formError: "appeal.refused.notOwnOrganisation" });
    expect(
      (
        await callAction(appealsRoute, {
          path: base(),
          cookie: w.cookies.otherOrgAdmin,
          params: { id: rbId },
          form: form(fields, [file()]),
        })
      ).status,
    ).toBe(404);
    const noFile = await callAction(appealsRoute, {
      path: base(),
      cookie: w.cookies.coordinator,
      params: { id: rbId },
      form: form(fields),
    });
    expect(noFile.status).toBe(400);
    expect(noFile.data).toMatchObject({ formError: "appeal.fileRequired", values: { reason: fields.reason, itemId: items[3] } });
    const noReason = await callAction(appealsRoute, {
      path: base(),
      cookie: w.cookies.coordinator,
      params: { id: rbId },
      form: form({ ...fields, reason: "" }, [file()]),
    });
    expect(noReason.status).toBe(400);
    expect(noReason.data).toMatchObject({ formError: "appeal.reasonRequired" });
    const wrongType = await callAction(appealsRoute, {
      path: base(),
      cookie: w.cookies.coordinator,
      params: { id: rbId },
      form: form(fields, [new File([png()], "foto.png")]),
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.data).toMatchObject({ formError: "appeal.fileType", formParams: { name: "foto.png" } });
    const filed = await callAction(appealsRoute, {
      path: base(),
      cookie: w.cookies.coordinator,
      params: { id: rbId },
      form: form(fields, [file("bukti-http.pdf")]),
    });
    expect(filed.status).toBe(302);
    expect(filed.location).toContain(`/assessments/${rbId}/appeals?filed=`);
    const twice = await callAction(appealsRoute, {
      path: base(),
      cookie: w.cookies.coordinator,
      params: { id: rbId },
      form: form(fields, [file()]),
    });
    expect(twice.status).toBe(409);
    expect(twice.data).toMatchObject({ formError: "appeal.refused.alreadyOpen", values: { reason: fields.reason } });
  });

  it("files download only for readers of the assessment", async () => {
    const f = await db
      .selectFrom("appeal_file as f")
      .innerJoin("appeal as a", "a.id", "f.appeal_id")
      .select(["f.id", "f.appeal_id"])
      .where("a.assessment_id", "=", rbId)
      .where("f.filename", "=", "bukti-http.pdf")
      .executeTakeFirstOrThrow();
    const params = { id: rbId, appealId: f.appeal_id, fileId: f.id };
    const path = `${base()}/${f.appeal_id}/files/${f.id}`;
    const ok = await callLoader(fileRoute, { path, cookie: w.cookies.coordinator, params });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-disposition")).toContain("attachment");
    expect((await callLoader(fileRoute, { path, cookie: w.cookies.evaluator, params })).status).toBe(200);
    expect((await callLoader(fileRoute, { path, cookie: w.cookies.admin, params })).status).toBe(200);
    expect((await callLoader(fileRoute, { path, cookie: w.cookies.otherOrgAdmin, params })).status).toBe(404);
    // The assessor's scope (a service unit) does not cover the echelon-I assessment.
    expect((await callLoader(fileRoute, { path, cookie: w.cookies.assessor, params })).status).toBe(404);
    expect(
      (await callLoader(fileRoute, { path, cookie: w.cookies.coordinator, params: { ...params, id: w.submittedAssessmentId } })).status,
    ).toBe(404);
  });

  it("the queue and the decide page: the evaluator decides with a response; others are refused", async () => {
    const a = await db
      .selectFrom("appeal")
      .select("id")
      .where("item_id", "=", items[3]!)
      .where("status", "=", "diajukan")
      .executeTakeFirstOrThrow();
    const q = await callLoader(queueRoute, { path: "/evaluations/appeals", cookie: w.cookies.evaluator });
    expect(q.status).toBe(200);
    expect((q.data as { appeals: { id: string }[] }).appeals.map((x) => x.id)).toContain(a.id);
    expect((await callLoader(queueRoute, { path: "/evaluations/appeals", cookie: w.cookies.assessor })).status).toBe(403);
    const params = { appealId: a.id };
    const path = `/evaluations/appeals/${a.id}`;
    expect((await callLoader(decideRoute, { path, cookie: w.cookies.evaluator, params })).status).toBe(200);
    expect((await callLoader(decideRoute, { path, cookie: w.cookies.otherOrgAdmin, params })).status).toBe(404);
    expect(
      (
        await callAction(decideRoute, {
          path,
          cookie: w.cookies.coordinator,
          params,
          form: { intent: "decide", decision: "reject", response: "x" },
        })
      ).status,
    ).toBe(403);
    const empty = await callAction(decideRoute, {
      path,
      cookie: w.cookies.evaluator,
      params,
      form: { intent: "decide", decision: "reject", response: " " },
    });
    expect(empty.status).toBe(400);
    expect(empty.data).toMatchObject({ formError: "appeal.responseRequired" });
    const noValue = await callAction(decideRoute, {
      path,
      cookie: w.cookies.evaluator,
      params,
      form: { intent: "decide", decision: "accept", response: "Diterima", value: "" },
    });
    expect(noValue.status).toBe(400);
    expect(noValue.data).toMatchObject({ formError: "appeal.valueRequired", values: { response: "Diterima" } });
    const done = await callAction(decideRoute, {
      path,
      cookie: w.cookies.evaluator,
      params,
      form: { intent: "decide", decision: "reject", response: "Tetap." },
    });
    expect(done.status).toBe(302);
    const again = await callAction(decideRoute, {
      path,
      cookie: w.cookies.evaluator,
      params,
      form: { intent: "decide", decision: "reject", response: "Tetap." },
    });
    expect(again.status).toBe(409);
  });

  it("the receipt and verify pages of the appeal seal show the appeal", async () => {
    const seal = (await listSeals(db, rbId)).find((s) => s.event === "appeal")!;
    const receipt = await callLoader(receiptRoute, {
      path: `/assessments/${rbId}/receipt?seal=${seal.seq}`,
      cookie: w.cookies.coordinator,
      params: { id: rbId },
    });
    expect((receipt.data as { receipt: Receipt }).receipt.appeal?.item).toBe(items[0]);
    const verify = await callLoader(verifyRoute, {
      path: `/assessments/${rbId}/verify`,
      cookie: w.cookies.coordinator,
      params: { id: rbId },
    });
    const report = (verify.data as { report: { ok: boolean; seals: { appeal?: { item: string } }[] } }).report;
    expect(report.ok).toBe(true);
    expect(report.seals.some((s) => s.appeal?.item === items[0])).toBe(true);
  });

  it("the windows page is the system administrator's", async () => {
    expect((await callLoader(windowsRoute, { path: "/admin/appeal-windows", cookie: w.cookies.admin })).status).toBe(200);
    expect((await callLoader(windowsRoute, { path: "/admin/appeal-windows", cookie: w.cookies.orgAdmin })).status).toBe(403);
    const bad = await callAction(windowsRoute, {
      path: "/admin/appeal-windows",
      cookie: w.cookies.admin,
      form: { intent: "set", year: "2024", instrumentId: "rb-2024-kl", organisationId: "", opensOn: "2025-03-10", closesOn: "2025-03-01" },
    });
    expect(bad.status).toBe(400);
    expect(bad.data).toMatchObject({ formError: "appeal.window.order", values: { opensOn: "2025-03-10" } });
    const ok = await callAction(windowsRoute, {
      path: "/admin/appeal-windows",
      cookie: w.cookies.admin,
      form: {
        intent: "set",
        year: "2024",
        instrumentId: "rb-2024-kl",
        organisationId: w.ministry.id,
        opensOn: "2025-03-01",
        closesOn: "2025-03-12",
      },
    });
    expect(ok.status).toBe(200);
    const page = (await callLoader(windowsRoute, { path: "/admin/appeal-windows", cookie: w.cookies.admin })).data as {
      rows: { year: number; instrumentId: string; organisations: { organisationId: string; closesOn: string }[] }[];
    };
    expect(page.rows.find((r) => r.year === 2024 && r.instrumentId === "rb-2024-kl")?.organisations).toMatchObject([
      { organisationId: w.ministry.id, closesOn: "2025-03-12" },
    ]);
    const cookie = await sessionCookie(db, w.users.orgAdmin.id);
    expect((await callAction(windowsRoute, { path: "/admin/appeal-windows", cookie, form: { intent: "remove", id: "x" } })).status).toBe(
      403,
    );
  });
});
