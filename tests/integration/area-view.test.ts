import { beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import { loadActor } from "~/auth/require.server";
import { getAreaView, HISTORY_PER_ITEM } from "~/services/workbench/area-view.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { saveFromForm } from "~/services/workbench/save-form.server";
import { type World, freshWorld } from "../helpers/world";

let db: Db;
let w: World;

beforeAll(async () => {
  ({ db, w } = await freshWorld());
});

test("an area page reads only its own items' history and sends each item's newest entries, counting the rest", async () => {
  const actor = await loadActor(
    db,
    await db.selectFrom("user").selectAll().where("id", "=", w.users.assessor.id).executeTakeFirstOrThrow(),
  );
  const ctx = await requireAssessment(db, actor, w.assessmentId, "assessment.fill");
  const saves = HISTORY_PER_ITEM + 5;
  for (let v = 0; v < saves; v++) {
    const out = await saveFromForm(db, actor, ctx, {
      itemId: "A.I.1.i.b",
      baseVersion: String(v),
      value: v % 2 ? "A" : "B",
      note: `simpan ${v}`,
    });
    expect(out.status).toBe(200);
    // The history is ordered by time (milliseconds): one save per millisecond at most, as people save.
    await new Promise((r) => setTimeout(r, 2));
  }
  // Another area's item: its history is no business of this page.
  expect((await saveFromForm(db, actor, ctx, { itemId: "B.I.1.a", baseVersion: "0", value: "3,5" })).status).toBe(200);
  const view = await getAreaView(db, actor, ctx, "A.I.1");
  const shown = view.history["A.I.1.i.b"]!;
  expect(shown).toHaveLength(HISTORY_PER_ITEM);
  // Newest first: the last save is on top.
  expect(shown[0]!.after).toMatchObject({ note: `simpan ${saves - 1}`, version: saves });
  expect(view.olderHistory).toEqual({ counts: { "A.I.1.i.b": 5 }, atLeast: false });
  // The world's evidence row (uploaded on A.I.1.i.a) still reaches its item's history.
  expect(view.history["A.I.1.i.a"]?.some((e) => e.action.startsWith("evidence."))).toBe(true);
  expect(Object.keys(view.history).every((id) => id.startsWith("A.I.1."))).toBe(true);
});
