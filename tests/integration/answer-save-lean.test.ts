import { beforeAll, describe, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import { loadActor } from "~/auth/require.server";
import { leanSaveAnswer } from "~/services/workbench/answer-save-lean.server";
import type { SaveInput } from "~/services/workbench/answers.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { createAssessments } from "~/services/workbench/rollout.server";
import { startRounds } from "~/services/blind/rounds.server";
import { saveFromForm } from "~/services/workbench/save-form.server";
import { dialectName } from "../helpers/db";
import { makeUnit, makeUser } from "../helpers/factories";
import { type World, freshWorld } from "../helpers/world";

// The one-statement save (issue #15) runs on PostgreSQL only; on SQLite the transactional path runs.
// Every test here runs on both: the outcomes must be the same, only the path differs.
let db: Db;
let w: World;
const pg = dialectName() === "postgres";
const system = () => ({ id: w.users.admin.id, isAdmin: true, memberships: [] });
const userRow = (id: string) => db.selectFrom("user").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

beforeAll(async () => {
  ({ db, w } = await freshWorld());
});

async function fixture(name: string) {
  const unit = await makeUnit(db, w.ministry.id, w.eselon1, name);
  const { created } = await createAssessments(db, system(), {
    unitIds: [unit.id],
    periodId: w.periodId,
    instrumentId: "zi-2021",
    carryForward: false,
  });
  const u = await makeUser(db, { role: "assessor", organisationId: w.ministry.id, unitId: unit.id });
  const u2 = await makeUser(db, { role: "assessor", organisationId: w.ministry.id, unitId: unit.id });
  const actor = await loadActor(db, await userRow(u.id));
  const actor2 = await loadActor(db, await userRow(u2.id));
  const id = created[0]!;
  const ctx = () => requireAssessment(db, actor, id, "assessment.fill");
  return { id, actor, actor2, ctx };
}

const input = (itemId: string, baseVersion: number, value: SaveInput["value"], note: string | null = null): SaveInput => ({
  itemId,
  baseVersion,
  value,
  note,
});
// In save order: by the version each row records (rows of one millisecond share `at`).
const auditOf = async (assessmentId: string, itemId: string) =>
  (
    await db
      .selectFrom("audit_log")
      .select(["action", "before_json", "after_json", "actor_user_id"])
      .where("entity_id", "=", `${assessmentId}:${itemId}`)
      .execute()
  ).sort((a, b) => (JSON.parse(a.after_json!) as { version: number }).version - (JSON.parse(b.after_json!) as { version: number }).version);

test("the common save takes one statement on PostgreSQL (none on SQLite) and writes answer, touch and audit together", async () => {
  const f = await fixture("Unit Lean Satu");
  const before = (await db.selectFrom("assessment").select("updated_at").where("id", "=", f.id).executeTakeFirstOrThrow()).updated_at;
  await new Promise((r) => setTimeout(r, 5));
  const first = await leanSaveAnswer(db, f.actor, await f.ctx(), input("A.I.1.i.b", 0, "A", "catatan"));
  if (!pg) {
    expect(first).toBeNull();
    return;
  }
  expect(first).toEqual({ ok: true, version: 1, answer: { value: "A", note: "catatan", carriedOver: false } });
  const second = await leanSaveAnswer(db, f.actor, await f.ctx(), input("A.I.1.i.b", 1, "B", "  kedua  "));
  expect(second).toMatchObject({ ok: true, version: 2, answer: { note: "kedua" } });
  const row = await db
    .selectFrom("answer")
    .selectAll()
    .where("assessment_id", "=", f.id)
    .where("item_id", "=", "A.I.1.i.b")
    .executeTakeFirstOrThrow();
  expect(row).toMatchObject({
    layer: "self",
    value_json: '"B"',
    note: "kedua",
    version: 2,
    carried_over: 0,
    review_status: "pending",
    updated_by: f.actor.id,
  });
  const after = (await db.selectFrom("assessment").select("updated_at").where("id", "=", f.id).executeTakeFirstOrThrow()).updated_at;
  expect(after > before).toBe(true);
  expect(after).toBe(row.updated_at);
  const audit = await auditOf(f.id, "A.I.1.i.b");
  expect(audit).toEqual([
    {
      action: "answer.save",
      before_json: null,
      after_json: JSON.stringify({ value: "A", note: "catatan", version: 1 }),
      actor_user_id: f.actor.id,
    },
    {
      action: "answer.save",
      before_json: JSON.stringify({ value: "A", note: "catatan", version: 1 }),
      after_json: JSON.stringify({ value: "B", note: "kedua", version: 2 }),
      actor_user_id: f.actor.id,
    },
  ]);
});

test("the audit row's before is the same JSON text JSON.stringify gives, for any note and value", async () => {
  const f = await fixture("Unit Lean Teks");
  const notes = ['kutip " dan \\ garis miring', "baris\nbaru\ttab\r", "kontrol \u0001\u001f", "ünïcødé — 😀 日本", "", "x".repeat(3000)];
  const values: (string | null)[] = ["A", "B", null, "C"];
  let version = 0;
  let prev: { value: SaveInput["value"]; note: string | null } | null = null;
  for (let i = 0; i < notes.length; i++) {
    const value = values[i % values.length]!;
    const out = await saveFromForm(db, f.actor, await f.ctx(), {
      itemId: "A.I.1.i.b",
      baseVersion: String(version),
      ...(value === null ? {} : { value }),
      note: notes[i]!,
    });
    expect(out.status).toBe(200);
    const audit = (await auditOf(f.id, "A.I.1.i.b")).at(-1)!;
    const note = notes[i]!.trim() || null;
    expect(audit.after_json).toBe(JSON.stringify({ value, note, version: version + 1 }));
    expect(audit.before_json).toBe(prev ? JSON.stringify({ value: prev.value, note: prev.note, version }) : null);
    prev = { value, note };
    version += 1;
  }
});

test("keeping a carried-over value logs answer.confirm, changing it logs answer.save", async () => {
  const f = await fixture("Unit Lean Bawaan");
  await saveFromForm(db, f.actor, await f.ctx(), { itemId: "A.I.1.i.b", baseVersion: "0", value: "B" });
  await saveFromForm(db, f.actor, await f.ctx(), { itemId: "A.I.1.ii.b", baseVersion: "0", value: "B" });
  await db.updateTable("answer").set({ carried_over: 1 }).where("assessment_id", "=", f.id).execute();
  expect((await saveFromForm(db, f.actor, await f.ctx(), { itemId: "A.I.1.i.b", baseVersion: "1", value: "B" })).status).toBe(200);
  expect((await saveFromForm(db, f.actor, await f.ctx(), { itemId: "A.I.1.ii.b", baseVersion: "1", value: "A" })).status).toBe(200);
  expect((await auditOf(f.id, "A.I.1.i.b")).map((a) => a.action)).toEqual(["answer.save", "answer.confirm"]);
  expect((await auditOf(f.id, "A.I.1.ii.b")).map((a) => a.action)).toEqual(["answer.save", "answer.save"]);
  const rows = await db
    .selectFrom("answer")
    .select(["item_id", "carried_over"])
    .where("assessment_id", "=", f.id)
    .orderBy("item_id")
    .execute();
  expect(rows).toEqual([
    { item_id: "A.I.1.i.b", carried_over: 0 },
    { item_id: "A.I.1.ii.b", carried_over: 0 },
  ]);
});

describe("every refusal falls back to the transactional path and answers as before", () => {
  test("a stale version: no write by the fast path, 409 with the other person's value", async () => {
    const f = await fixture("Unit Lean Basi");
    expect((await saveFromForm(db, f.actor, await f.ctx(), { itemId: "A.I.1.i.b", baseVersion: "0", value: "A" })).status).toBe(200);
    expect(await leanSaveAnswer(db, f.actor2, await f.ctx(), input("A.I.1.i.b", 0, "C"))).toBeNull();
    expect(await leanSaveAnswer(db, f.actor2, await f.ctx(), input("A.I.1.i.b", 5, "C"))).toBeNull();
    const out = await saveFromForm(db, f.actor2, await f.ctx(), { itemId: "A.I.1.i.b", baseVersion: "0", value: "C" });
    expect(out).toMatchObject({ status: 409, body: { conflict: { value: "A", version: 1 } } });
    expect((await auditOf(f.id, "A.I.1.i.b")).length).toBe(1);
  });

  test("concurrent saves from the same version: exactly one wins, one audit row", async () => {
    const f = await fixture("Unit Lean Balapan");
    expect((await saveFromForm(db, f.actor, await f.ctx(), { itemId: "A.I.1.i.b", baseVersion: "0", value: "A" })).status).toBe(200);
    const ctx = await f.ctx();
    const outs = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        saveFromForm(db, i % 2 ? f.actor : f.actor2, ctx, {
          itemId: "A.I.1.i.b",
          baseVersion: "1",
          value: i % 2 ? "B" : "C",
          note: `n${i}`,
        }),
      ),
    );
    expect(outs.filter((o) => o.status === 200)).toHaveLength(1);
    expect(outs.filter((o) => o.status === 409)).toHaveLength(11);
    expect((await auditOf(f.id, "A.I.1.i.b")).length).toBe(2);
    const firsts = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        saveFromForm(db, f.actor, ctx, { itemId: "A.I.1.ii.b", baseVersion: "0", value: "A", note: `n${i}` }),
      ),
    );
    expect(firsts.filter((o) => o.status === 200)).toHaveLength(1);
    expect((await auditOf(f.id, "A.I.1.ii.b")).length).toBe(1);
  });

  test("submitted, returned and final: the fast path writes only what the rules allow", async () => {
    const f = await fixture("Unit Lean Alur");
    await saveFromForm(db, f.actor, await f.ctx(), { itemId: "A.I.1.i.b", baseVersion: "0", value: "A" });
    await saveFromForm(db, f.actor, await f.ctx(), { itemId: "A.I.1.ii.b", baseVersion: "0", value: "A" });
    await db.updateTable("assessment").set({ status: "submitted" }).where("id", "=", f.id).execute();
    expect(await leanSaveAnswer(db, f.actor, await f.ctx(), input("A.I.1.i.b", 1, "B"))).toBeNull();
    expect(await saveFromForm(db, f.actor, await f.ctx(), { itemId: "A.I.1.i.b", baseVersion: "1", value: "B" })).toMatchObject({
      status: 400,
      body: { formError: "workbench.locked" },
    });
    await db.updateTable("assessment").set({ status: "returned" }).where("id", "=", f.id).execute();
    await db
      .updateTable("answer")
      .set({ review_status: "returned" })
      .where("assessment_id", "=", f.id)
      .where("item_id", "=", "A.I.1.i.b")
      .execute();
    expect(await saveFromForm(db, f.actor, await f.ctx(), { itemId: "A.I.1.ii.b", baseVersion: "1", value: "B" })).toMatchObject({
      status: 400,
      body: { formError: "workbench.notReturned" },
    });
    expect(await saveFromForm(db, f.actor, await f.ctx(), { itemId: "A.I.1.i.b", baseVersion: "1", value: "B" })).toMatchObject({
      status: 200,
      body: { version: 2 },
    });
    // The status changed after the context was read: the statement's own check refuses.
    const stale = await f.ctx();
    await db.updateTable("assessment").set({ status: "final" }).where("id", "=", f.id).execute();
    expect(await leanSaveAnswer(db, f.actor, stale, input("A.I.1.i.b", 2, "C"))).toBeNull();
    expect(await saveFromForm(db, f.actor, await f.ctx(), { itemId: "A.I.1.i.b", baseVersion: "2", value: "C" })).toMatchObject({
      status: 400,
      body: { formError: "workbench.locked" },
    });
    expect((await auditOf(f.id, "A.I.1.i.b")).length).toBe(2);
  });

  test("an open blind round: nothing reaches the self layer; a named rater's save goes to their own answers", async () => {
    const f = await fixture("Unit Lean Buta");
    const coord = await loadActor(db, await userRow(w.users.coordinator.id));
    const ctxCoord = await requireAssessment(db, coord, f.id, "assessment.fill");
    await startRounds(db, coord, ctxCoord, { areaIds: ["A.I.1"], raterIds: [f.actor.id, f.actor2.id] });
    expect(await leanSaveAnswer(db, f.actor, await f.ctx(), input("A.I.1.i.b", 0, "A"))).toBeNull();
    expect(await leanSaveAnswer(db, coord, ctxCoord, input("A.I.1.i.b", 0, "A"))).toBeNull();
    expect((await saveFromForm(db, f.actor, await f.ctx(), { itemId: "A.I.1.i.b", baseVersion: "0", value: "A" })).status).toBe(200);
    expect(await db.selectFrom("answer").select("id").where("assessment_id", "=", f.id).where("layer", "=", "self").execute()).toEqual([]);
    expect(await saveFromForm(db, coord, ctxCoord, { itemId: "A.I.1.i.b", baseVersion: "0", value: "A" })).toMatchObject({
      status: 400,
      body: { formError: "workbench.blindRoundOpen" },
    });
  });

  test("a closed window and invalid answers: the fast path declines, the messages are the transactional path's", async () => {
    const f = await fixture("Unit Lean Jendela");
    expect(await leanSaveAnswer(db, f.actor, await f.ctx(), input("A.I.1.i.a", 0, "B"))).toBeNull();
    expect(await saveFromForm(db, f.actor, await f.ctx(), { itemId: "A.I.1.i.a", baseVersion: "0", value: "B" })).toMatchObject({
      status: 400,
      body: { formError: "workbench.invalidAnswer" },
    });
    const closed = await f.ctx();
    closed.period = { ...closed.period, fill_start: "2000-01-01", fill_end: "2000-01-02", review_end: "2000-01-03" };
    expect(await leanSaveAnswer(db, f.actor, closed, input("A.I.1.i.b", 0, "A"))).toBeNull();
    expect(await saveFromForm(db, f.actor, closed, { itemId: "A.I.1.i.b", baseVersion: "0", value: "A" })).toMatchObject({
      status: 400,
      body: { formError: "workbench.windowClosed" },
    });
  });
});
