import { beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import { scoreAssessment } from "~/domain/scoring/score";
import * as overview from "~/routes/assessments.$id._index";
import * as evalPage from "~/routes/evaluations.assessments.$id";
import * as review from "~/routes/evaluations.samples.$id";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { createAssessments } from "~/services/workbench/rollout.server";
import { openFollowUps } from "~/services/evaluation/findings.server";
import { ReleaseUnconfirmedError, releaseLayer, saveEvaluatorAnswer } from "~/services/evaluation/layers.server";
import { layerComparison } from "~/services/evaluation/view.server";
import { loadLayerRows, mergeLayers } from "~/services/evaluation/layer-rows.server";
import { drawSampleAction } from "~/services/evaluation/samples.server";
import { makeUnit, makeUser, sessionCookie, makePeriod } from "../helpers/factories";
import { callAction, callLoader } from "../helpers/remix";
import { type World, freshWorld } from "../helpers/world";

let db: Db;
let w: World;
const system = () => ({ id: w.users.admin.id, isAdmin: true, memberships: [] });

beforeAll(async () => {
  ({ db, w } = await freshWorld());
});

async function submittedAssessment(name: string, answers: Record<string, string>) {
  const unit = await makeUnit(db, w.ministry.id, w.eselon1, name);
  const [id] = (
    await createAssessments(db, system(), { unitIds: [unit.id], periodId: w.periodId, instrumentId: "zi-2021", carryForward: false })
  ).created;
  const assessor = await makeUser(db, { role: "assessor", organisationId: w.ministry.id, unitId: unit.id });
  const now = new Date().toISOString();
  for (const [itemId, v] of Object.entries(answers)) {
    await db
      .insertInto("answer")
      .values({
        id: `${id}-${itemId}`,
        assessment_id: id!,
        layer: "self",
        item_id: itemId,
        value_json: JSON.stringify(v),
        note: null,
        version: 1,
        carried_over: 0,
        review_status: "pending",
        review_note: null,
        updated_by: assessor.id,
        updated_at: now,
      })
      .execute();
  }
  await db.updateTable("assessment").set({ status: "submitted" }).where("id", "=", id!).execute();
  return { id: id!, unit, assessorCookie: await sessionCookie(db, assessor.id) };
}

test("evaluator answers stay hidden until release; then the unit sees exactly them and the effective total", async () => {
  const a = await submittedAssessment("Unit Evaluasi", { "A.I.1.i.a": "Ya", "A.I.1.i.b": "A", "A.I.1.ii.a": "Ya", "A.I.2.i.a": "A" });
  const ctx = await requireAssessment(db, system(), a.id);
  const sampleId = await drawSampleAction(db, system(), [ctx], { layer: "external", strategy: "simple", size: 113, seed: "uji" });
  const items = await db.selectFrom("sample_item").selectAll().where("sample_id", "=", sampleId).execute();
  const pick = (itemId: string) => items.find((i) => i.item_id === itemId)!.id;
  const decide = (form: Record<string, string>) =>
    callAction(review, { path: "/x", params: { id: sampleId }, cookie: w.cookies.evaluator, form });
  expect((await decide({ sampleItemId: pick("A.I.1.i.a"), decision: "agree" })).status).toBe(302);
  expect(
    (await decide({ sampleItemId: pick("A.I.1.i.b"), decision: "adjust", value: "C", note: "Tidak ada notulen seleksi" })).status,
  ).toBe(302);
  expect((await decide({ sampleItemId: pick("A.I.1.ii.a"), decision: "send_back", recommendation: "" })).status).toBe(400);
  expect(
    (await decide({ sampleItemId: pick("A.I.1.ii.a"), decision: "send_back", recommendation: "Lampirkan SK rencana kerja" })).status,
  ).toBe(302);
  expect((await decide({ sampleItemId: pick("A.I.2.i.a"), decision: "adjust", value: "Ya" })).status).toBe(400);

  const before = await callLoader(overview, { path: "/x", params: { id: a.id }, cookie: a.assessorCookie });
  expect(before.data).toMatchObject({ evaluation: null, findings: [] });

  // The sample is far from finished: a release without the ticked confirmation is refused, naming what is open.
  const releaseForm = { intent: "release", layer: "external" };
  const refused = await callAction(evalPage, { path: "/x", params: { id: a.id }, cookie: w.cookies.evaluator, form: releaseForm });
  expect(refused.status).toBe(400);
  const open = refused.data as { formError: string; unfinished: { sampleId: string; size: number; items: string[] }[] };
  expect(open.formError).toBe("eval.releaseUnfinished");
  expect(open.unfinished.map((u) => u.sampleId)).toEqual([sampleId]);
  expect(open.unfinished[0]!.size).toBe(items.length);
  expect(open.unfinished[0]!.items).toHaveLength(items.length - 3);
  expect(open.unfinished[0]!.items).toContain("A.I.2.i.a");
  expect(open.unfinished[0]!.items).not.toContain("A.I.1.i.b");
  await expect(releaseLayer(db, system(), ctx, "external")).rejects.toBeInstanceOf(ReleaseUnconfirmedError);
  expect((await callLoader(overview, { path: "/x", params: { id: a.id }, cookie: a.assessorCookie })).data).toMatchObject({
    evaluation: null,
  });

  const release = await callAction(evalPage, {
    path: "/x",
    params: { id: a.id },
    cookie: w.cookies.evaluator,
    form: { ...releaseForm, confirm: "yes" },
  });
  expect(release.status).toBe(200);
  expect(release.data).toMatchObject({ ok: true, message: "eval.releasedOk" });
  const after = await callLoader(overview, { path: "/x", params: { id: a.id }, cookie: a.assessorCookie });
  const ev = (
    after.data as { evaluation: { comparisons: { itemId: string; evaluator: { value: unknown } }[]; effective: { total: number } } }
  ).evaluation;
  expect(ev.comparisons.map((c) => [c.itemId, c.evaluator.value])).toEqual([["A.I.1.i.b", "C"]]);
  const rows = await loadLayerRows(db, a.id, ["self", "internal", "external"]);
  const merged = mergeLayers(rows, ["self", "external"]).answers;
  expect(merged).toMatchObject({ "A.I.1.i.b": "C", "A.I.1.ii.a": "Ya" });
  expect(ev.effective.total).toBe(scoreAssessment(ctx.instrument, merged).total);
  const findings = (after.data as { findings: { itemId: string; recommendation: string }[] }).findings;
  expect(findings.map((f) => [f.itemId, f.recommendation])).toEqual([["A.I.1.ii.a", "Lampirkan SK rencana kerja"]]);
  const selfRow = rows.self.find((r) => r.item_id === "A.I.1.i.b")!;
  expect(JSON.parse(selfRow.value_json!)).toBe("A");

  const revokeNoReason = await callAction(evalPage, {
    path: "/x",
    params: { id: a.id },
    cookie: w.cookies.orgAdmin,
    form: { intent: "revoke", layer: "external", reason: "" },
  });
  expect(revokeNoReason.status).toBe(400);
  expect(
    (
      await callAction(evalPage, {
        path: "/x",
        params: { id: a.id },
        cookie: w.cookies.evaluator,
        form: { intent: "revoke", layer: "external", reason: "x" },
      })
    ).status,
  ).toBe(403);
  expect(
    (
      await callAction(evalPage, {
        path: "/x",
        params: { id: a.id },
        cookie: w.cookies.orgAdmin,
        form: { intent: "revoke", layer: "external", reason: "Salah rilis" },
      })
    ).status,
  ).toBe(200);
  const hidden = await callLoader(overview, { path: "/x", params: { id: a.id }, cookie: a.assessorCookie });
  expect(hidden.data).toMatchObject({ evaluation: null });
});

test("an assessor can never write an evaluator layer, whatever the route", async () => {
  const a = await submittedAssessment("Unit Penyusup", { "A.I.1.i.a": "Tidak" });
  const ctx = await requireAssessment(db, system(), a.id);
  const assessorActor = await requireAssessment(db, system(), a.id).then(() => ({
    id: "x",
    isAdmin: false,
    memberships: [{ organisationId: w.ministry.id, unitId: a.unit.id, unitPath: a.unit.path, role: "assessor" as const }],
  }));
  await expect(
    saveEvaluatorAnswer(db, assessorActor, ctx, {
      layer: "external",
      itemId: "A.I.1.i.a",
      decision: "adjust",
      value: "Ya",
      note: null,
      recommendation: null,
    }),
  ).rejects.toMatchObject({ status: 403 });
  await expect(
    saveEvaluatorAnswer(db, assessorActor, ctx, {
      layer: "internal",
      itemId: "A.I.1.i.a",
      decision: "adjust",
      value: "Ya",
      note: null,
      recommendation: null,
    }),
  ).rejects.toMatchObject({ status: 403 });
  const sampleId = await drawSampleAction(db, system(), [ctx], { layer: "internal", strategy: "risk", size: 3, seed: "7" });
  const item = await db.selectFrom("sample_item").select("id").where("sample_id", "=", sampleId).executeTakeFirstOrThrow();
  const out = await callAction(review, {
    path: "/x",
    params: { id: sampleId },
    cookie: a.assessorCookie,
    form: { sampleItemId: item.id, decision: "adjust", value: "Ya" },
  });
  expect(out.status).toBe(403);
  const rows = await db.selectFrom("answer").select("layer").where("assessment_id", "=", a.id).where("layer", "!=", "self").execute();
  expect(rows).toEqual([]);
});

test("the same seed and frame reproduce the same sample", async () => {
  const a = await submittedAssessment("Unit Sampel", { "A.I.1.i.a": "Ya" });
  const ctx = await requireAssessment(db, system(), a.id);
  const draw = async (seed: string) => {
    const id = await drawSampleAction(db, system(), [ctx], { layer: "external", strategy: "risk", size: 10, seed });
    const s = await db.selectFrom("sample").select(["frame_hash", "seed"]).where("id", "=", id).executeTakeFirstOrThrow();
    const items = await db.selectFrom("sample_item").select("item_id").where("sample_id", "=", id).orderBy("position").execute();
    return { hash: s.frame_hash, items: items.map((i) => i.item_id) };
  };
  const one = await draw("benih-1");
  const two = await draw("benih-1");
  const other = await draw("benih-2");
  expect(two).toEqual(one);
  expect(one.items).toHaveLength(10);
  expect(other.items).not.toEqual(one.items);
});

test("follow-ups: the unit records its action on a released finding; the next period shows it while open", async () => {
  const a = await submittedAssessment("Unit RATL", { "A.I.1.i.a": "Ya" });
  const ctx = await requireAssessment(db, system(), a.id);
  await saveEvaluatorAnswer(db, system(), ctx, {
    layer: "internal",
    itemId: "A.I.1.i.a",
    decision: "send_back",
    value: null,
    note: null,
    recommendation: "Perbarui SK tim",
  });
  const finding = await db.selectFrom("finding").selectAll().where("assessment_id", "=", a.id).executeTakeFirstOrThrow();
  const follow = (cookie: string) =>
    callAction(overview, {
      path: "/x",
      params: { id: a.id },
      cookie,
      form: {
        intent: "follow-up",
        findingId: finding.id,
        action: "Revisi SK",
        owner: "Sekretaris",
        due: "2026-12-31",
        status: "in_progress",
      },
    });
  expect((await follow(a.assessorCookie)).status).toBe(404);
  // No sample is open, yet releasing still asks for the ticked confirmation.
  const release = (form: Record<string, string>) =>
    callAction(evalPage, {
      path: "/x",
      params: { id: a.id },
      cookie: w.cookies.evaluator,
      form: { intent: "release", layer: "internal", ...form },
    });
  const unconfirmed = await release({});
  expect(unconfirmed.status).toBe(400);
  expect(unconfirmed.data).toMatchObject({ formError: "eval.releaseNeedsConfirm", unfinished: [] });
  expect((await follow(a.assessorCookie)).status).toBe(404);
  expect((await release({ confirm: "yes" })).status).toBe(200);
  expect((await follow(a.assessorCookie)).status).toBe(200);
  const nextPeriod = "p2026-" + a.id;
  await makePeriod(db, w.ministry.id, 2026, { id: nextPeriod });
  const [next] = (
    await createAssessments(db, system(), { unitIds: [a.unit.id], periodId: nextPeriod, instrumentId: "zi-2021", carryForward: true })
  ).created;
  const open = await openFollowUps(db, await requireAssessment(db, system(), next!));
  expect(open.map((f) => [f.itemId, f.followUp.status, f.followUp.action])).toEqual([["A.I.1.i.a", "in_progress", "Revisi SK"]]);
});

test("the service refuses a release while a sample is unfinished unless confirmed, and releases once all are decided", async () => {
  const a = await submittedAssessment("Unit Rilis", { "A.I.1.i.a": "Ya", "A.I.1.i.b": "B" });
  const ctx = await requireAssessment(db, system(), a.id);
  const sampleId = await drawSampleAction(db, system(), [ctx], { layer: "internal", strategy: "simple", size: 2, seed: "rilis" });
  const items = await db
    .selectFrom("sample_item")
    .select(["id", "item_id"])
    .where("sample_id", "=", sampleId)
    .orderBy("position")
    .execute();
  const err = await releaseLayer(db, system(), ctx, "internal").catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ReleaseUnconfirmedError);
  expect((err as ReleaseUnconfirmedError).status).toBe(409);
  expect((err as ReleaseUnconfirmedError).unfinished.flatMap((u) => u.items).sort()).toEqual(items.map((i) => i.item_id).sort());
  expect(await db.selectFrom("layer_release").select("id").where("assessment_id", "=", a.id).execute()).toEqual([]);
  // Every item decided: nothing is unfinished, so the release needs no acknowledgement.
  for (const i of items)
    await saveEvaluatorAnswer(db, system(), ctx, {
      layer: "internal",
      itemId: i.item_id,
      decision: "agree",
      value: null,
      note: null,
      recommendation: null,
      sampleItemId: i.id,
    });
  await releaseLayer(db, system(), ctx, "internal");
  expect(await db.selectFrom("layer_release").select("layer").where("assessment_id", "=", a.id).execute()).toEqual([{ layer: "internal" }]);
  // A confirmed release with open items goes through and records what was open.
  const other = await submittedAssessment("Unit Rilis Paksa", { "A.I.1.i.a": "Ya" });
  const otherCtx = await requireAssessment(db, system(), other.id);
  await drawSampleAction(db, system(), [otherCtx], { layer: "external", strategy: "simple", size: 3, seed: "paksa" });
  await releaseLayer(db, system(), otherCtx, "external", { confirmed: true });
  const audit = await db
    .selectFrom("audit_log")
    .select("after_json")
    .where("entity_id", "=", other.id)
    .where("action", "=", "evaluation.release")
    .executeTakeFirstOrThrow();
  expect((JSON.parse(audit.after_json!) as { unfinished: { items: string[] }[] }).unfinished[0]!.items.length).toBeGreaterThan(0);
});

test("a layer that scored no item is reported as not scored; a scored layer states how many items it rests on", async () => {
  const a = await submittedAssessment("Unit Belum Dinilai", { "A.I.1.i.a": "Ya", "A.I.1.i.b": "B" });
  const ctx = await requireAssessment(db, system(), a.id);
  const load = async () => {
    const out = await callLoader(evalPage, { path: "/x", params: { id: a.id }, cookie: w.cookies.evaluator });
    expect(out.status).toBe(200);
    return (out.data as { layers: { layer: string; answered: number; total: number | null }[] }).layers;
  };
  const cmp = await layerComparison(db, system(), ctx);
  expect(cmp.layers.find((l) => l.layer === "external")).toMatchObject({ answered: 0, scored: false });
  expect((await load()).find((l) => l.layer === "external")).toEqual(expect.objectContaining({ answered: 0, total: null }));
  expect((await load()).find((l) => l.layer === "self")!.total).toBe(cmp.self.total);
  await saveEvaluatorAnswer(db, system(), ctx, {
    layer: "external",
    itemId: "A.I.1.i.b",
    decision: "adjust",
    value: "C",
    note: null,
    recommendation: null,
  });
  const scored = (await load()).find((l) => l.layer === "external")!;
  expect(scored.answered).toBe(1);
  expect(scored.total).toBeCloseTo(scoreAssessment(ctx.instrument, { "A.I.1.i.a": "Ya", "A.I.1.i.b": "C" }).total, 9);
  expect((await load()).find((l) => l.layer === "internal")).toEqual(expect.objectContaining({ answered: 0, total: null }));
});

test("no decision is preselected: a save without one is refused with a readable 400; a save confirms which item it saved", async () => {
  const a = await submittedAssessment("Unit Keputusan", { "A.I.1.i.a": "Ya" });
  // Drawing through the page confirms it too.
  const drawn = await callAction(evalPage, {
    path: "/x",
    params: { id: a.id },
    cookie: w.cookies.evaluator,
    form: { intent: "draw", layer: "external", strategy: "simple", size: "3", seed: "keputusan" },
  });
  expect(drawn.status).toBe(200);
  expect(drawn.data).toMatchObject({ ok: true, intent: "draw", message: "eval.sampleDrawn" });
  const sampleId = (drawn.data as { sampleId: string }).sampleId;
  const items = await db
    .selectFrom("sample_item")
    .select(["id", "item_id"])
    .where("sample_id", "=", sampleId)
    .orderBy("position")
    .execute();
  const first = items[0]!;
  const call = (form: Record<string, string>) =>
    callAction(review, { path: "/x", params: { id: sampleId }, cookie: w.cookies.evaluator, form });
  const missing = await call({ sampleItemId: first.id, note: "lupa memilih" });
  expect(missing.status).toBe(400);
  expect(missing.data).toMatchObject({
    ok: false,
    formError: "eval.decisionRequired",
    fieldErrors: { decision: "eval.decisionRequired" },
    values: { note: "lupa memilih" },
  });
  expect((await db.selectFrom("sample_item").select("decision").where("id", "=", first.id).executeTakeFirstOrThrow()).decision).toBeNull();
  expect(await db.selectFrom("answer").select("id").where("assessment_id", "=", a.id).where("layer", "=", "external").execute()).toEqual(
    [],
  );
  expect((await call({ sampleItemId: first.id, decision: "maybe" })).status).toBe(400);

  const page = await callLoader(review, {
    path: `/evaluations/samples/${sampleId}`,
    params: { id: sampleId },
    cookie: w.cookies.evaluator,
  });
  expect(page.data).toMatchObject({ current: { id: first.id, decision: null }, saved: null });

  const saved = await call({ sampleItemId: first.id, decision: "agree" });
  expect(saved.status).toBe(302);
  expect(saved.location).toBe(`/evaluations/samples/${sampleId}?item=${items[1]!.id}&saved=${first.id}`);
  const next = await callLoader(review, { path: saved.location!, params: { id: sampleId }, cookie: w.cookies.evaluator });
  expect(next.data).toMatchObject({ current: { id: items[1]!.id, decision: null }, saved: { itemId: first.item_id, decision: "agree" } });
  // The last item's save comes back to it, confirmed as well.
  await call({ sampleItemId: items[1]!.id, decision: "agree" });
  const last = await call({ sampleItemId: items[2]!.id, decision: "agree" });
  expect(last.location).toBe(`/evaluations/samples/${sampleId}?item=${items[2]!.id}&saved=${items[2]!.id}`);
});
