import { beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import * as dashboardIndexes from "#db/migrations/2026_11_23_1200_dashboard_indexes";
import type { DataTable } from "~/components/charts/table-data";
import type { VerdictResult } from "~/domain/scoring/types";
import * as dashboardRoute from "~/routes/dashboard._index";
import * as csvRoute from "~/routes/dashboard.csv.$chart";
import * as unitRoute from "~/routes/dashboard.units.$unitId";
import { seedScale, type ScaleResult } from "#db/seed/scale.server";
import { MEANINGFUL_SHARE } from "~/services/dashboard/charts.server";
import { getFrozenInstrument } from "~/services/instruments/frozen.server";
import { answersObject, loadAnswers } from "~/services/workbench/answers.server";
import { storeSnapshot } from "~/services/workbench/snapshots.server";
import { freshDb } from "../helpers/db";
import { makeUser, sessionCookie, insertLinkEvidence } from "../helpers/factories";
import { callLoader } from "../helpers/remix";

let db: Db;
let a: ScaleResult;
let b: ScaleResult;
const cookies: Record<"reviewerA" | "reviewerB" | "coordinatorA" | "assessorA", string> = {} as never;
let directorate2: { id: string; path: string };

type Chart = { id: string; table: DataTable; meta: Record<string, unknown>; csvHref: string };
type DashboardData = { charts: Record<string, Chart | null>; period: { id: string; year: number } | null; organisation: { id: string } };

beforeAll(async () => {
  db = await freshDb();
  // The dashboard indexes, whether or not db/migrate.ts registers their migration yet: down (when
  // present) and up again also checks the migration runs both ways on this dialect.
  await dashboardIndexes.down(db).catch(() => undefined);
  await dashboardIndexes.up(db);
  a = await seedScale(db, { units: 25, periods: 2, seed: 7, evaluatorShare: 0.5, name: "Kementerian A" });
  b = await seedScale(db, { units: 6, periods: 2, seed: 8, name: "Pemda B" });
  await db.updateTable("unit").set({ name: "B-unit" }).where("organisation_id", "=", b.organisationId).execute();
  directorate2 = await db
    .selectFrom("unit")
    .select(["id", "path"])
    .where("organisation_id", "=", a.organisationId)
    .where("name", "=", "Direktorat 2")
    .executeTakeFirstOrThrow();
  const reviewerA = await makeUser(db, { role: "reviewer", organisationId: a.organisationId });
  const reviewerB = await makeUser(db, { role: "reviewer", organisationId: b.organisationId });
  const coordinatorA = await makeUser(db, { role: "coordinator", organisationId: a.organisationId, unitId: directorate2.id });
  const assessorA = await makeUser(db, { role: "assessor", organisationId: a.organisationId, unitId: a.unitIds[0] });
  cookies.reviewerA = await sessionCookie(db, reviewerA.id);
  cookies.reviewerB = await sessionCookie(db, reviewerB.id);
  cookies.coordinatorA = await sessionCookie(db, coordinatorA.id);
  cookies.assessorA = await sessionCookie(db, assessorA.id);
});

async function dashboard(cookie: string, query = ""): Promise<DashboardData> {
  const out = await callLoader(dashboardRoute, { path: `/dashboard${query}`, cookie });
  expect(out.status).toBe(200);
  return out.data as DashboardData;
}

/** Latest self snapshots of final assessments, read plainly: what every dashboard number must equal. */
async function storedFinals(orgId: string, periodId?: string) {
  let q = db
    .selectFrom("score_snapshot as s")
    .innerJoin("assessment as a", "a.id", "s.assessment_id")
    .innerJoin("unit as u", "u.id", "a.unit_id")
    .select(["s.id", "s.total", "s.result_json", "a.period_id", "u.name", "u.path"])
    .where("a.organisation_id", "=", orgId)
    .where("a.status", "=", "final")
    .where("s.layer", "=", "self");
  if (periodId) q = q.where("a.period_id", "=", periodId);
  return q.execute();
}

test("scale seed: final snapshots with every node row, evaluator layers, an open period being filled", async () => {
  expect(a.assessments).toBe(25 * 3);
  const nodes = await db
    .selectFrom("score_snapshot_node")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  expect(Number(nodes.n)).toBe(a.nodeRows + b.nodeRows);
  expect(a.snapshots).toBeGreaterThan(50);
  const open = await db
    .selectFrom("period")
    .select(["status"])
    .where("organisation_id", "=", a.organisationId)
    .orderBy("year", "desc")
    .executeTakeFirstOrThrow();
  expect(open.status).toBe("open");
});

test("the trend equals the stored totals: mean, min and max per period", async () => {
  const d = await dashboard(cookies.reviewerA);
  const trend = d.charts.trend!;
  expect(trend.table.rows).toHaveLength(2);
  for (const row of trend.table.rows) {
    const period = await db
      .selectFrom("period")
      .select("id")
      .where("organisation_id", "=", a.organisationId)
      .where("year", "=", Number(row.period))
      .executeTakeFirstOrThrow();
    const totals = (await storedFinals(a.organisationId, period.id)).map((s) => Number(s.total));
    expect(row.units).toBe(25);
    expect(row.mean as number).toBeCloseTo(totals.reduce((x, y) => x + y, 0) / totals.length, 9);
    expect(row.min).toBe(Math.min(...totals));
    expect(row.max).toBe(Math.max(...totals));
  }
  expect(trend.meta.lines).toEqual([
    { label: "WBK", value: 75 },
    { label: "WBBM", value: 85 },
  ]);
});

test("area indices are Σ value / Σ max of the stored area nodes, this period beside the last", async () => {
  const d = await dashboard(cookies.reviewerA);
  const rows = d.charts.areas!.table.rows;
  expect(rows).toHaveLength(15);
  const finals = await storedFinals(a.organisationId, d.period!.id);
  const nodes = await db
    .selectFrom("score_snapshot_node")
    .selectAll()
    .where("node_id", "=", "A.I.3")
    .where(
      "snapshot_id",
      "in",
      finals.map((f) => f.id),
    )
    .execute();
  const expected = (nodes.reduce((s, n) => s + n.value, 0) / nodes.reduce((s, n) => s + n.max, 0)) * 100;
  const row = rows.find((r) => r.node === "A.I.3")!;
  expect(row.current as number).toBeCloseTo(expected, 9);
  expect(typeof row.previous).toBe("number");
});

test("unit comparison lists every unit's stored total, best first", async () => {
  const d = await dashboard(cookies.reviewerA);
  const rows = d.charts.units!.table.rows;
  const finals = await storedFinals(a.organisationId, d.period!.id);
  expect(rows).toHaveLength(25);
  expect(rows.map((r) => r.total)).toEqual(finals.map((f) => Number(f.total)).sort((x, y) => y - x));
});

test("ZI readiness computed in SQL equals the engine's stored verdicts (score criteria)", async () => {
  const d = await dashboard(cookies.reviewerA);
  const finals = await storedFinals(a.organisationId, d.period!.id);
  const rows = d.charts.readiness!.table.rows;
  for (const id of ["wbk", "wbbm"]) {
    const verdicts = finals.map((f) => (JSON.parse(f.result_json) as { zi: Record<string, VerdictResult> }).zi[id]!);
    const failing = verdicts.map((v) => v.criteria.filter((c) => c.status === "fail").length);
    const row = rows.find((r) => r.verdict === id.toUpperCase())!;
    expect(row.pass).toBe(verdicts.filter((v) => v.scorePass).length);
    expect(row.missByOne).toBe(failing.filter((n) => n === 1).length);
    expect(row.units).toBe(25);
  }
});

test("filling progress covers the open period's assessments: confirmed + answered + empty = items", async () => {
  const d = await dashboard(cookies.reviewerA);
  const progress = d.charts.progress!;
  expect(progress.table.rows).toHaveLength(25);
  for (const r of progress.table.rows) expect((r.confirmed as number) + (r.answered as number) + (r.empty as number)).toBe(113);
  // Each unit's row leads to what is missing: the overview's readiness check, its items linked (issue #27).
  expect(progress.table.hrefKey).toBe("_href");
  for (const r of progress.table.rows) expect(r._href).toMatch(/^\/assessments\/[0-9a-f-]{36}#readiness$/);
  const ratio = (r: (typeof progress.table.rows)[number]) => (r.confirmed as number) / 113;
  const ratios = progress.table.rows.map(ratio);
  expect(ratios).toEqual([...ratios].sort((x, y) => x - y));
  const stored = await db
    .selectFrom("answer as x")
    .innerJoin("assessment as s", "s.id", "x.assessment_id")
    .innerJoin("period as p", "p.id", "s.period_id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("s.organisation_id", "=", a.organisationId)
    .where("p.status", "=", "open")
    .where("x.layer", "=", "self")
    .where("x.value_json", "is not", null)
    .executeTakeFirstOrThrow();
  const shown = progress.table.rows.reduce((s, r) => s + (r.confirmed as number) + (r.answered as number), 0);
  expect(shown).toBe(Number(stored.n));
});

test("self vs evaluator uses released layers only; a revoked release disappears", async () => {
  const d = await dashboard(cookies.reviewerA);
  const layers = d.charts.layers!;
  expect(layers.table.rows.length).toBeGreaterThan(0);
  const first = layers.table.rows[0]!;
  const assessment = await db
    .selectFrom("assessment as x")
    .innerJoin("unit as u", "u.id", "x.unit_id")
    .select("x.id")
    .where("u.name", "=", first.unit as string)
    .where("x.period_id", "=", d.period!.id)
    .executeTakeFirstOrThrow();
  await db
    .updateTable("layer_release")
    .set({ revoked_at: new Date().toISOString(), revoke_reason: "uji" })
    .where("assessment_id", "=", assessment.id)
    .execute();
  const after = await dashboard(cookies.reviewerA);
  expect(after.charts.layers!.table.rows.map((r) => r.unit)).not.toContain(first.unit);
  // A coordinator may not read evaluations: no evaluator chart at all.
  const coordinator = await dashboard(cookies.coordinatorA);
  expect(coordinator.charts.layers).toBeNull();
});

test("a reviewer of one organisation never sees another's numbers, pages or CSV", async () => {
  const mine = await dashboard(cookies.reviewerB);
  expect(mine.organisation.id).toBe(b.organisationId);
  expect(mine.charts.units!.table.rows.every((r) => r.unit === "B-unit")).toBe(true);
  const other = await callLoader(dashboardRoute, { path: `/dashboard?org=${a.organisationId}`, cookie: cookies.reviewerB });
  expect(other.status).toBe(404);
  const otherUnit = await callLoader(dashboardRoute, { path: `/dashboard?unit=${directorate2.id}`, cookie: cookies.reviewerB });
  expect(otherUnit.status).toBe(404);
  for (const chart of ["trend", "areas", "units", "progress", "layers", "readiness"]) {
    const csv = await callLoader(csvRoute, {
      path: `/dashboard/csv/${chart}?org=${a.organisationId}`,
      cookie: cookies.reviewerB,
      params: { chart },
    });
    expect(csv.status, chart).toBe(404);
  }
  const drill = await callLoader(unitRoute, {
    path: `/dashboard/units/${a.unitIds[0]}`,
    cookie: cookies.reviewerB,
    params: { unitId: a.unitIds[0]! },
  });
  expect(drill.status).toBe(404);
  const drillCsv = await callLoader(csvRoute, {
    path: `/dashboard/csv/unit-trend?unit=${a.unitIds[0]}`,
    cookie: cookies.reviewerB,
    params: { chart: "unit-trend" },
  });
  expect(drillCsv.status).toBe(404);
  const own = await callLoader(csvRoute, { path: "/dashboard/csv/units", cookie: cookies.reviewerB, params: { chart: "units" } });
  expect(own.status).toBe(200);
  const lines = (own.data as string)
    .replace(/^\uFEFF/, "")
    .trim()
    .split("\r\n");
  expect(lines.slice(1).every((l) => l.startsWith("B-unit;"))).toBe(true);
});

test("a unit-scoped coordinator sees only their subtree; the unit filter narrows further", async () => {
  const d = await dashboard(cookies.coordinatorA);
  const units = d.charts.units!.table.rows.map((r) => r.unit as string);
  const inSubtree = await db
    .selectFrom("unit")
    .select("name")
    .where("path", "like", `${directorate2.path}%`)
    .where("kind", "=", "unit_layanan")
    .execute();
  expect(units.sort()).toEqual(inSubtree.map((u) => u.name).sort());
  const outside = await callLoader(dashboardRoute, { path: `/dashboard?unit=${a.unitIds[0]}`, cookie: cookies.coordinatorA });
  expect(outside.status).toBe(404);
  const narrowed = await dashboard(cookies.reviewerA, `?unit=${directorate2.id}`);
  expect(narrowed.charts.units!.table.rows).toHaveLength(inSubtree.length);
});

test("CSV holds exactly the chart's table: rounded as shown, then the unrounded stored numbers (Indonesian convention)", async () => {
  const d = await dashboard(cookies.reviewerA);
  const out = await callLoader(csvRoute, { path: "/dashboard/csv/units", cookie: cookies.reviewerA, params: { chart: "units" } });
  expect(out.status).toBe(200);
  expect(out.headers.get("content-disposition")).toMatch(/^attachment; filename="cermin-units-/);
  const lines = (out.data as string)
    .replace(/^\uFEFF/, "")
    .trim()
    .split("\r\n");
  expect(lines[0]).toBe("Unit;Nilai total;Nilai total (presisi penuh)");
  const rows = d.charts.units!.table.rows;
  const comma = (s: string) => s.replace(".", ",");
  expect(lines.slice(1)).toEqual(rows.map((r) => `${r.unit};${comma((r.total as number).toFixed(2))};${comma(String(r.total))}`));
  const unknown = await callLoader(csvRoute, { path: "/dashboard/csv/nope", cookie: cookies.reviewerA, params: { chart: "nope" } });
  expect(unknown.status).toBe(404);
});

test("drill-down: unit → area → sub-area → items with answers and evidence counts, equal to the snapshot", async () => {
  const unitId = a.unitIds[3]!;
  const top = await callLoader(unitRoute, { path: `/dashboard/units/${unitId}`, cookie: cookies.assessorA, params: { unitId } });
  expect(top.status).toBe(404);
  const root = await callLoader(unitRoute, { path: `/dashboard/units/${unitId}`, cookie: cookies.reviewerA, params: { unitId } });
  expect(root.status).toBe(200);
  const data = root.data as {
    chosen: { assessmentId: string; periodId: string };
    snapshot: { total: number };
    nodes: Chart;
    crumbs: unknown[];
  };
  const snap = await db
    .selectFrom("score_snapshot")
    .selectAll()
    .where("assessment_id", "=", data.chosen.assessmentId)
    .where("layer", "=", "self")
    .executeTakeFirstOrThrow();
  expect(data.snapshot.total).toBe(snap.total);
  expect(data.nodes.table.rows).toHaveLength(15);
  const area = await callLoader(unitRoute, {
    path: `/dashboard/units/${unitId}?period=${data.chosen.periodId}&node=A.I.1`,
    cookie: cookies.reviewerA,
    params: { unitId },
  });
  const areaData = area.data as { nodes: Chart; crumbs: { label: string }[] };
  expect(areaData.nodes.table.rows.map((r) => r.node)).toEqual(["A.I.1.i", "A.I.1.ii", "A.I.1.iii", "A.I.1.iv"]);
  const stored = await db
    .selectFrom("score_snapshot_node")
    .selectAll()
    .where("snapshot_id", "=", snap.id)
    .where("node_id", "=", "A.I.1.ii")
    .executeTakeFirstOrThrow();
  expect(areaData.nodes.table.rows[1]!.value).toBe(stored.value);
  await insertLinkEvidence(db, {
    id: "ev-1",
    assessmentId: data.chosen.assessmentId,
    itemId: "A.I.1.ii.b",
    url: "https://example.go.id/sk",
    name: "SK",
    at: "2025-01-01",
  });
  const sub = await callLoader(unitRoute, {
    path: `/dashboard/units/${unitId}?period=${data.chosen.periodId}&node=A.I.1.ii`,
    cookie: cookies.reviewerA,
    params: { unitId },
  });
  const subData = sub.data as { items: Chart; crumbs: { label: string }[] };
  expect(subData.crumbs.map((c) => c.label.split(" ")[0])).toEqual(["Dasbor", "Kantor", "A.I.1", "A.I.1.ii"]);
  const items = subData.items.table.rows;
  expect(items.map((r) => r.item)).toEqual(["A.I.1.ii.a", "A.I.1.ii.b", "A.I.1.ii.c"]);
  expect(items.find((r) => r.item === "A.I.1.ii.b")!.evidence).toBe(1);
  const answers = JSON.parse(snap.answers_json) as Record<string, string>;
  // The answer as the other pages read it (components/evaluation/answer-text): the option, a dash, its criterion.
  expect(String(items[0]!.answer).startsWith(`${answers["A.I.1.ii.a"]} — `)).toBe(true);
  const itemNode = await db
    .selectFrom("score_snapshot_node")
    .select("value")
    .where("snapshot_id", "=", snap.id)
    .where("node_id", "=", "A.I.1.ii.a")
    .executeTakeFirstOrThrow();
  expect(items[0]!.value).toBe(itemNode.value);
  const bad = await callLoader(unitRoute, { path: `/dashboard/units/${unitId}?node=Z.9`, cookie: cookies.reviewerA, params: { unitId } });
  expect(bad.status).toBe(404);
});

test("anonymous visitors are sent to log in; users without any assessment scope get 403", async () => {
  const anon = await callLoader(dashboardRoute, { path: "/dashboard" });
  expect(anon.status).toBe(302);
  const nobody = await makeUser(db, {});
  const out = await callLoader(dashboardRoute, { path: "/dashboard", cookie: await sessionCookie(db, nobody.id) });
  expect(out.status).toBe(403);
});

test("one unit final in a newer period (issue #28, acceptance 4): the point carries its unit count and the mark; the default view is the period before, said in words", async () => {
  const c = await seedScale(db, { units: 5, periods: 2, seed: 9, name: "Lembaga C" });
  const reviewerC = await sessionCookie(db, (await makeUser(db, { role: "reviewer", organisationId: c.organisationId })).id);
  const open = await db
    .selectFrom("assessment as x")
    .innerJoin("period as p", "p.id", "x.period_id")
    .innerJoin("unit as u", "u.id", "x.unit_id")
    .select(["x.id", "x.instrument_hash", "p.id as periodId", "p.year", "u.name"])
    .where("x.organisation_id", "=", c.organisationId)
    .where("p.status", "=", "open")
    .orderBy("u.name")
    .executeTakeFirstOrThrow();
  // Finalised as the workflow does it: the answers scored into a stored snapshot.
  await storeSnapshot(db, {
    assessmentId: open.id,
    instrumentHash: open.instrument_hash,
    instrument: await getFrozenInstrument(db, open.instrument_hash),
    layer: "self",
    answers: answersObject(await loadAnswers(db, open.id)),
    actorId: null,
    now: new Date().toISOString(),
  });
  await db.updateTable("assessment").set({ status: "final" }).where("id", "=", open.id).execute();

  const out = await callLoader(dashboardRoute, { path: "/dashboard", cookie: reviewerC });
  expect(out.status).toBe(200);
  const d = out.data as DashboardData & { periodNote: string };
  const rows = d.charts.trend!.table.rows;
  expect(rows.map((r) => [r.period, r.units, r._fewer])).toEqual([
    [String(open.year - 2), 5, null],
    [String(open.year - 1), 5, null],
    [String(open.year), 1, 1],
  ]);
  expect(rows[2]!.note).toBe(`▲ lebih sedikit unit final daripada ${open.year - 1} (5)`);
  expect(rows[2]!.mean).toBe(rows[2]!.min);
  expect(d.charts.trend!.table.columns.map((col) => col.key)).toContain("units");
  expect((d.charts.trend as unknown as { notes: string[] }).notes).toContain(
    `${open.year}: hanya 1 unit final, lebih sedikit daripada ${open.year - 1} (5 unit); rata-rata, terendah, dan tertinggi ${open.year} belum sebanding dengan periode sebelumnya.`,
  );
  // The default view: the previous period (1 of 5 is under MEANINGFUL_SHARE), and the page says why.
  expect(MEANINGFUL_SHARE).toBe(0.5);
  expect(d.period!.year).toBe(open.year - 1);
  expect(d.charts.units!.table.rows).toHaveLength(5);
  expect(d.periodNote).toBe(
    `Menampilkan ${open.year - 1} (5 unit final), bukan periode yang lebih baru (${open.year}): ${open.year} baru memiliki 1 unit final, kurang dari 50 % dari 5 unit final pada ${open.year - 1}. Pilih periode pada filter untuk melihatnya.`,
  );
  // Chosen in the filter, the newer period is shown, its one unit said.
  const chosen = (await callLoader(dashboardRoute, { path: `/dashboard?period=${open.periodId}`, cookie: reviewerC }))
    .data as DashboardData & {
    periodNote: string;
  };
  expect(chosen.period!.year).toBe(open.year);
  expect(chosen.charts.units!.table.rows.map((r) => r.unit)).toEqual([open.name]);
  expect(chosen.periodNote).toBe(`Menampilkan ${open.year} sesuai pilihan filter (1 unit final).`);
});
