/**
 * Issue #27: every readiness finding links to what it is about. Each item a finding names (unanswered,
 * answered without the evidence the instrument expects, carried over and unconfirmed, stored out of
 * range, supported by evidence dated outside the period or by one file spread over many items) carries
 * the link to its card on its area page, built by the one builder (`itemHref`), and the overview draws
 * it as an anchor; findings about the whole assessment (the report's and the dashboard's completeness)
 * link to the overview's readiness check.
 */
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import { ReadinessCard } from "~/components/workbench/overview-sections";
import { outlineOf } from "~/domain/instrument/outline";
import * as overview from "~/routes/assessments.$id._index";
import * as report from "~/routes/reports.$id";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { createAssessments } from "~/services/workbench/rollout.server";
import { assessmentPlan } from "~/services/dashboard/plan.server";
import { itemHref } from "~/services/workbench/links";
import type { Readiness } from "~/services/workbench/readiness.server";
import { newId } from "~/utils/ids";
import { insertLinkEvidence, makeUnit } from "../helpers/factories";
import { callLoader } from "../helpers/remix";
import { type World, freshWorld } from "../helpers/world";

let db: Db;
let w: World;
let id: string;
let areaOf: Map<string, string>;
const system = () => ({ id: w.users.admin.id, isAdmin: true, memberships: [] });

async function answer(itemId: string, value: unknown, carriedOver = false) {
  await db
    .insertInto("answer")
    .values({
      id: newId(),
      assessment_id: id,
      layer: "self",
      item_id: itemId,
      value_json: JSON.stringify(value),
      note: null,
      version: 1,
      carried_over: carriedOver ? 1 : 0,
      review_status: "pending",
      review_note: null,
      updated_by: null,
      updated_at: new Date().toISOString(),
    })
    .execute();
}

async function link(itemIds: string[], name: string, date: string | null) {
  const evidenceId = await insertLinkEvidence(db, {
    assessmentId: id,
    itemId: itemIds[0]!,
    url: `https://contoh.go.id/${name}`,
    name,
    at: new Date().toISOString(),
  });
  await db.updateTable("evidence").set({ evidence_date: date }).where("id", "=", evidenceId).execute();
  for (const itemId of itemIds.slice(1)) {
    await db
      .insertInto("evidence_item")
      .values({
        id: newId(),
        evidence_id: evidenceId,
        assessment_id: id,
        item_id: itemId,
        created_at: new Date().toISOString(),
        created_by: null,
        removed_at: null,
      })
      .execute();
  }
}

beforeAll(async () => {
  ({ db, w } = await freshWorld());
  const unit = await makeUnit(db, w.ministry.id, w.eselon1, "Unit Tautan Temuan");
  const { created } = await createAssessments(db, system(), {
    unitIds: [unit.id],
    periodId: w.periodId,
    instrumentId: "zi-2021",
    carryForward: false,
  });
  id = created[0]!;
  const ctx = await requireAssessment(db, system(), id);
  areaOf = outlineOf(ctx.instrument).areaOfItem;
  await answer("A.I.1.i.a", "Ya"); // expects evidence, has none
  await answer("A.I.1.i.b", "B", true); // carried over, not confirmed
  await answer("B.I.1.a", 7); // survey 0–4: stored out of range
  await link(["A.I.2.i.a"], "foto-2001", "2001-05-01"); // dated outside the period
  await link(["A.I.3.i.a", "A.I.3.i.b", "A.II.1.i.a", "A.II.1.i.b"], "semua", null); // one file behind many items of several areas
});

/** Every item of a finding carries the link the builder makes, to an area that holds the item. */
function expectLinked(items: readonly { itemId: string; areaId: string; href: string }[]) {
  expect(items.length).toBeGreaterThan(0);
  for (const i of items) {
    expect(i.areaId).toBe(areaOf.get(i.itemId));
    expect(i.href).toBe(`/assessments/${id}/areas/${i.areaId}#item-${i.itemId}`);
    expect(i.href).toBe(itemHref(id, i.areaId, i.itemId));
  }
}

test("the overview's readiness findings each name their items with the link to the item on its area page", async () => {
  const out = await callLoader(overview, { path: `/assessments/${id}`, params: { id }, cookie: w.cookies.coordinator });
  expect(out.status).toBe(200);
  const r = (out.data as { readiness: Readiness }).readiness;
  expectLinked(r.unanswered);
  expect(r.unanswered.find((i) => i.itemId === "A.I.1.ii.c")?.href).toBe(`/assessments/${id}/areas/A.I.1#item-A.I.1.ii.c`);
  expectLinked(r.answeredWithoutEvidence);
  expect(r.answeredWithoutEvidence.map((i) => i.itemId)).toContain("A.I.1.i.a");
  expectLinked(r.unconfirmed);
  expect(r.unconfirmed.map((i) => i.itemId)).toEqual(["A.I.1.i.b"]);
  expectLinked(r.outOfRange);
  expect(r.outOfRange).toEqual([expect.objectContaining({ itemId: "B.I.1.a", href: `/assessments/${id}/areas/B.I.1#item-B.I.1.a` })]);
  expect(r.outsidePeriod).toEqual([expect.objectContaining({ name: "foto-2001", date: "2001-05-01" })]);
  expectLinked(r.outsidePeriod[0]!.items);
  expect(r.outsidePeriod[0]!.items.map((i) => i.itemId)).toEqual(["A.I.2.i.a"]);
  expect(r.spreadFiles).toEqual([expect.objectContaining({ name: "semua" })]);
  expectLinked(r.spreadFiles[0]!.items);
  expect(r.spreadFiles[0]!.items.map((i) => i.itemId)).toEqual(["A.I.3.i.a", "A.I.3.i.b", "A.II.1.i.a", "A.II.1.i.b"]);

  // Drawn as anchors: every finding of the card, with those hrefs.
  const html = await render(r);
  // The anchors of one finding: from its marker to the next finding's.
  const anchors = (testId: string) => {
    const start = html.indexOf(`data-testid="${testId}"`);
    expect(start, testId).toBeGreaterThan(-1);
    const next = html.indexOf('data-testid="readiness-', start + 1);
    const part = html.slice(start, next === -1 ? undefined : next);
    return [...part.matchAll(/<a [^>]*href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map((m) => ({ href: m[1]!, text: m[2]! }));
  };
  for (const [testId, items] of [
    ["readiness-unanswered", r.unanswered],
    ["readiness-no-evidence", r.answeredWithoutEvidence],
    ["readiness-unconfirmed", r.unconfirmed],
    ["readiness-out-of-range", r.outOfRange],
    ["readiness-outside-period", r.outsidePeriod[0]!.items],
    ["readiness-spread-files", r.spreadFiles[0]!.items],
  ] as const) {
    const found = anchors(testId);
    for (const i of items) expect(found, `${testId} ${i.itemId}`).toContainEqual({ href: i.href, text: i.itemId });
  }
  expect(html).toContain('id="readiness"');
});

test("the report's and the dashboard's incompleteness link to the overview's readiness check; the planner links its items", async () => {
  const printed = await callLoader(report, { path: `/reports/${id}`, params: { id }, cookie: w.cookies.coordinator });
  expect(printed.status).toBe(200);
  expect((printed.data as { completeness: { href: string | null } }).completeness.href).toBe(`/assessments/${id}#readiness`);

  const plan = await assessmentPlan(db, system(), id, new URL(`http://x/dashboard/plan/${id}`), "id");
  const rows = plan.top.table.rows as { item: string; _href: string }[];
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) expect(row._href).toBe(itemHref(id, areaOf.get(row.item), row.item));
  expect(plan.top.table.hrefKey).toBe("_href");
});

async function render(readiness: Readiness): Promise<string> {
  const card = createElement(ReadinessCard, { readiness });
  const routes = [{ id: "root", path: "*", loader: () => ({ locale: "id" }), element: card }];
  const handler = createStaticHandler(routes);
  const context = await handler.query(new Request(`http://localhost/assessments/${id}`));
  if (context instanceof Response) throw new Error("unexpected redirect");
  return renderToString(createElement(StaticRouterProvider, { router: createStaticRouter(handler.dataRoutes, context), context }));
}
