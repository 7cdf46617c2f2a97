import { beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import type { DataTable } from "~/components/charts/table-data";
import * as csvRoute from "~/routes/dashboard.csv.$chart";
import * as movementRoute from "~/routes/dashboard.movement.$unitId";
import * as planRoute from "~/routes/dashboard.plan.$id";
import * as reportRoute from "~/routes/reports.$id";
import { scoreAssessment } from "~/domain/scoring/score";
import { getFrozenInstrument } from "~/services/instruments/frozen.server";
import { seedScale, type ScaleResult } from "#db/seed/scale.server";
import { freshDb } from "../helpers/db";
import { makeUser, sessionCookie } from "../helpers/factories";
import { callLoader } from "../helpers/remix";

let db: Db;
let a: ScaleResult;
let b: ScaleResult;
let reviewerA: string;
let reviewerB: string;
let unitId: string;
let finals: { id: string; periodId: string; total: number; snapshotId: string }[];
let openId: string;

beforeAll(async () => {
  db = await freshDb();
  a = await seedScale(db, { units: 3, periods: 2, seed: 11, evaluatorShare: 0 });
  b = await seedScale(db, { units: 2, periods: 1, seed: 12 });
  reviewerA = await sessionCookie(db, (await makeUser(db, { role: "reviewer", organisationId: a.organisationId })).id);
  reviewerB = await sessionCookie(db, (await makeUser(db, { role: "reviewer", organisationId: b.organisationId })).id);
  unitId = a.unitIds[1]!;
  const rows = await db
    .selectFrom("assessment as x")
    .innerJoin("period as p", "p.id", "x.period_id")
    .leftJoin("score_snapshot as s", (j) => j.onRef("s.assessment_id", "=", "x.id").on("s.layer", "=", "self"))
    .select(["x.id", "x.period_id", "x.status", "s.total", "s.id as snapshotId"])
    .where("x.unit_id", "=", unitId)
    .orderBy("p.year")
    .execute();
  finals = rows
    .filter((r) => r.status === "final")
    .map((r) => ({ id: r.id, periodId: r.period_id, total: Number(r.total), snapshotId: r.snapshotId! }));
  openId = rows.find((r) => r.status !== "final")!.id;
});

type Chart = { table: DataTable; csvHref: string; meta: Record<string, unknown> };

test("why the score moved: the waterfall runs from the stored total to the stored total, area by area", async () => {
  const out = await callLoader(movementRoute, { path: `/dashboard/movement/${unitId}`, cookie: reviewerA, params: { unitId } });
  expect(out.status).toBe(200);
  const d = out.data as { chart: Chart; explanation: { delta: number; ruleChange: unknown; realChange: { areas: { delta: number }[] } } };
  const rows = d.chart.table.rows;
  expect(rows[0]!.end).toBe(finals[0]!.total);
  expect(rows.at(-1)!.end).toBe(finals[1]!.total);
  expect(rows).toHaveLength(2 + 15);
  expect(d.explanation.ruleChange).toBeNull();
  const sum = rows.slice(1, -1).reduce((s, r) => s + (r.change as number), 0);
  expect(Math.abs(finals[0]!.total + sum - finals[1]!.total)).toBeLessThan(1e-9);
  for (let i = 1; i < rows.length - 1; i++) expect(rows[i]!.start).toBe(rows[i - 1]!.end);

  const csv = await callLoader(csvRoute, { path: d.chart.csvHref, cookie: reviewerA, params: { chart: "movement" } });
  expect(csv.status).toBe(200);
  const lines = (csv.data as string)
    .replace(/^\uFEFF/, "")
    .trim()
    .split("\r\n");
  expect(lines).toHaveLength(rows.length + 1);
  // The last column is the last decimal column at full precision, in the Indonesian convention.
  expect(Number(lines.at(-1)!.split(";").at(-1)!.replace(",", "."))).toBe(finals[1]!.total);

  const other = await callLoader(movementRoute, { path: `/dashboard/movement/${unitId}`, cookie: reviewerB, params: { unitId } });
  expect(other.status).toBe(404);
  const otherCsv = await callLoader(csvRoute, { path: d.chart.csvHref, cookie: reviewerB, params: { chart: "movement" } });
  expect(otherCsv.status).toBe(404);
});

test("what would raise it: applying the planned steps reaches the chosen total", async () => {
  const current = await callLoader(planRoute, {
    path: `/dashboard/plan/${openId}?target=total&value=70`,
    cookie: reviewerA,
    params: { id: openId },
  });
  expect(current.status).toBe(200);
  const d = current.data as {
    total: number;
    after: number;
    reached: boolean;
    reachable: boolean;
    steps: Chart;
    top: Chart;
    target: { kind: string; value: number };
  };
  expect(d.target).toEqual({ kind: "total", value: 70 });
  expect(d.top.table.rows.length).toBeGreaterThan(0);
  const gains = d.top.table.rows.map((r) => r.gain as number);
  expect(gains).toEqual([...gains].sort((x, y) => y - x));
  expect(d.reached).toBe(false);
  expect(d.reachable).toBe(true);
  expect(d.after).toBeGreaterThanOrEqual(70 - 1e-9);
  const answers = Object.fromEntries(
    (
      await db
        .selectFrom("answer")
        .select(["item_id", "value_json"])
        .where("assessment_id", "=", openId)
        .where("layer", "=", "self")
        .execute()
    ).map((r) => [r.item_id, JSON.parse(r.value_json!)]),
  );
  const assessment = await db.selectFrom("assessment").select("instrument_hash").where("id", "=", openId).executeTakeFirstOrThrow();
  const instrument = await getFrozenInstrument(db, assessment.instrument_hash);
  const before = scoreAssessment(instrument, answers).total;
  expect(d.total).toBeCloseTo(before, 9);
  expect(d.after - before).toBeCloseTo(
    d.steps.table.rows.reduce((s, r) => s + (r.gain as number), 0),
    6,
  );
  const wbk = await callLoader(planRoute, { path: `/dashboard/plan/${openId}?target=wbk`, cookie: reviewerA, params: { id: openId } });
  expect((wbk.data as { target: { kind: string } }).target.kind).toBe("wbk");
  const other = await callLoader(planRoute, { path: `/dashboard/plan/${openId}`, cookie: reviewerB, params: { id: openId } });
  expect(other.status).toBe(404);
  const otherCsv = await callLoader(csvRoute, {
    path: `/dashboard/csv/plan?assessment=${openId}`,
    cookie: reviewerB,
    params: { chart: "plan" },
  });
  expect(otherCsv.status).toBe(404);
});

test("the report recaps the stored snapshot: every node value and the total", async () => {
  const f = finals[1]!;
  const out = await callLoader(reportRoute, { path: `/reports/${f.id}`, cookie: reviewerA, params: { id: f.id } });
  expect(out.status).toBe(200);
  const r = out.data as {
    total: { value: number };
    recap: { id: string; value: number }[];
    assessment: { final: boolean };
    verdicts: unknown[];
  };
  expect(r.assessment.final).toBe(true);
  expect(r.total.value).toBe(f.total);
  const stored = new Map(
    (await db.selectFrom("score_snapshot_node").select(["node_id", "value"]).where("snapshot_id", "=", f.snapshotId).execute()).map((n) => [
      n.node_id,
      n.value,
    ]),
  );
  expect(r.recap.length).toBe(2 + 4 + 15 + 42);
  for (const row of r.recap) expect(row.value, row.id).toBe(stored.get(row.id));
  expect(r.verdicts).toHaveLength(2);
  // No evaluator layer released (evaluatorShare 0): the report has no layers section to print.
  expect((out.data as { layers: unknown }).layers).toBeNull();
  const draft = await callLoader(reportRoute, { path: `/reports/${openId}`, cookie: reviewerA, params: { id: openId } });
  expect((draft.data as { assessment: { final: boolean } }).assessment.final).toBe(false);
  const other = await callLoader(reportRoute, { path: `/reports/${f.id}`, cookie: reviewerB, params: { id: f.id } });
  expect(other.status).toBe(404);
  const csv = await callLoader(csvRoute, {
    path: `/dashboard/csv/report-areas?assessment=${f.id}`,
    cookie: reviewerA,
    params: { chart: "report-areas" },
  });
  expect(csv.status).toBe(200);
  const otherCsv = await callLoader(csvRoute, {
    path: `/dashboard/csv/report-areas?assessment=${f.id}`,
    cookie: reviewerB,
    params: { chart: "report-areas" },
  });
  expect(otherCsv.status).toBe(404);
});

test("hostile query strings never crash a dashboard loader (no 5xx; errors are message keys)", async () => {
  const nasty = ["", "%ZZ", "'; DROP TABLE unit; --", "../../etc", "x".repeat(500), "1e309", "-1", "NaN", "💥", "<script>"];
  const unit = a.unitIds[0]!;
  const routes: [Parameters<typeof callLoader>[0], string, Record<string, string>][] = [
    [await import("~/routes/dashboard._index"), "/dashboard", {}],
    [await import("~/routes/dashboard.units.$unitId"), `/dashboard/units/${unit}`, { unitId: unit }],
    [movementRoute, `/dashboard/movement/${unit}`, { unitId: unit }],
    [planRoute, `/dashboard/plan/${openId}`, { id: openId }],
    [reportRoute, `/reports/${finals[0]!.id}`, { id: finals[0]!.id }],
    [csvRoute, "/dashboard/csv/units", { chart: "units" }],
  ];
  for (const [mod, path, params] of routes) {
    for (const v of nasty) {
      const q = new URLSearchParams({
        org: v,
        unit: v,
        instrument: v,
        period: v,
        node: v,
        from: v,
        to: v,
        target: v,
        value: v,
        assessment: v,
      }).toString();
      const out = await callLoader(mod, { path: `${path}?${q}`, cookie: reviewerA, params });
      expect(out.status, `${path}?${q.slice(0, 80)}`).toBeLessThan(500);
      if (out.status >= 400) expect(["error.notFound", "error.forbidden"]).toContain(out.data);
    }
  }
});

test("the waterfall splits each area's change into better answers, worse answers and answers no longer given (issue #28)", async () => {
  // The later final of another unit loses two answers it had before: a gap, not a worse answer.
  const unit = a.unitIds[2]!;
  const rows = await db
    .selectFrom("assessment as x")
    .innerJoin("period as p", "p.id", "x.period_id")
    .innerJoin("score_snapshot as s", (j) => j.onRef("s.assessment_id", "=", "x.id").on("s.layer", "=", "self"))
    .select(["s.id", "s.answers_json", "p.year"])
    .where("x.unit_id", "=", unit)
    .where("x.status", "=", "final")
    .orderBy("p.year")
    .execute();
  const [earlier, later] = [rows[0]!, rows.at(-1)!];
  const before = JSON.parse(earlier.answers_json) as Record<string, unknown>;
  const after = JSON.parse(later.answers_json) as Record<string, unknown>;
  const gone = ["A.I.1.i.a", "A.II.2.i.a"].filter((id) => before[id] !== undefined);
  expect(gone).toHaveLength(2);
  for (const id of gone) delete after[id];
  await db
    .updateTable("score_snapshot")
    .set({ answers_json: JSON.stringify(after) })
    .where("id", "=", later.id)
    .execute();

  const out = await callLoader(movementRoute, { path: `/dashboard/movement/${unit}`, cookie: reviewerA, params: { unitId: unit } });
  expect(out.status).toBe(200);
  const d = out.data as { chart: Chart & { notes: string[] } };
  const table = d.chart.table;
  expect(table.columns.map((c) => c.key)).toEqual(["step", "label", "start", "better", "worse", "unanswered", "change", "end"]);
  const steps = table.rows.slice(1, -1);
  for (const r of steps) {
    expect(r.better as number).toBeGreaterThanOrEqual(0);
    expect(r.worse as number).toBeLessThanOrEqual(0);
    expect(r.unanswered as number).toBeLessThanOrEqual(0);
    expect(Math.abs((r.better as number) + (r.worse as number) + (r.unanswered as number) - (r.change as number))).toBeLessThan(1e-9);
  }
  // The two removed answers are the only ones counted as unanswered, in their areas.
  const unanswered = steps.filter((r) => (r.unanswered as number) < 0).map((r) => r.step);
  expect(unanswered.sort()).toEqual(["A.I.1", "A.II.2"]);
  expect(table.rows[0]!.better).toBeNull();
  expect(
    d.chart.notes.some((n) =>
      /^Seluruhnya: jawaban naik \+\d+,\d\d; jawaban turun (−\d+,\d\d|0,00); butir yang belum dijawab −\d+,\d\d\.$/.test(n),
    ),
  ).toBe(true);
});

test("the planner leaves out what the unit cannot act on (external surveys and indices) unless asked; labels are item names; one number format (issue #28)", async () => {
  type Plan = {
    top: Chart & { notes: string[] };
    steps: Chart;
    external: { included: boolean; count: number };
    targetText: string;
  };
  const load = async (query: string) => {
    const out = await callLoader(planRoute, { path: `/dashboard/plan/${openId}${query}`, cookie: reviewerA, params: { id: openId } });
    expect(out.status).toBe(200);
    return out.data as Plan;
  };
  // zi-2021: the IPAK and IPKP survey scores (survey_0_4) are set by an external survey.
  const surveys = ["B.I.1.a", "B.II.1.a"];
  const d = await load("?target=total&value=72,5");
  expect(d.external).toEqual({ included: false, count: 2 });
  expect(d.targetText).toBe("72,5");
  for (const chart of [d.top, d.steps]) {
    expect(chart.table.rows.map((r) => r.item).filter((id) => surveys.includes(id as string))).toEqual([]);
    for (const r of chart.table.rows) {
      expect(r._external).toBeNull();
      expect(r.source).toBe("Unit");
      // The chart's label is the item's name, not only its code.
      expect(r._label).toBe(`${r.item} ${r.question}`);
      // Numbers in answers read in the Indonesian format (3,89), never 3.11.
      expect(`${r.current} ${r.best}`).not.toMatch(/\d\.\d/);
    }
  }
  expect(d.top.notes.some((n) => n.startsWith("2 butir yang nilainya ditetapkan pihak lain"))).toBe(true);

  const all = await load("?target=total&value=72,5&external=1");
  expect(all.external.included).toBe(true);
  const marked = all.top.table.rows.filter((r) => r._external === 1);
  expect(marked.map((r) => r.item).sort()).toEqual(surveys.filter((id) => all.top.table.rows.some((r) => r.item === id)).sort());
  expect(marked.length).toBeGreaterThan(0);
  for (const r of marked) expect(r.source).toBe("Pihak lain (survei atau indeks eksternal)");
  expect(all.top.csvHref).toContain("external=1");
});
