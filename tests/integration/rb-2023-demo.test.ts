/**
 * Issue #13, "fit the rest of Cermin": the demo's Evaluasi RB assessments (one per organisation and
 * year, of its kind: 2023 on the 2023 worksheet, 2024 and 2025 on the 2024 one, issue #29) through the
 * dashboard, movement, planner, report and LKE pages.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "#db/client.server";
import { seedDemo } from "#db/seed/demo.server";
import { freshDb } from "../helpers/db";
import { sessionCookie } from "../helpers/factories";
import { callLoader } from "../helpers/remix";
import { withTempDataDir } from "../helpers/world";
import { assessmentsWithUnit } from "#db/queries/joins";

let demo: Db;

beforeAll(async () => {
  withTempDataDir();
  demo = await freshDb();
  await seedDemo(demo);
});

describe("the demo's Evaluasi RB assessments through every page that shows them", () => {
  it("dashboard, movement, planner, report, LKE page and workbook answer 200 for the ministry's rb-2024-kl (and its rb-2023-kl past)", async () => {
    const adminRow = await demo.selectFrom("user").select("id").where("email", "=", "admin@cermin.test").executeTakeFirstOrThrow();
    const cookie = await sessionCookie(demo, adminRow.id);
    const rows = await assessmentsWithUnit(demo)
      .select(["a.id", "a.status", "a.organisation_id", "a.unit_id", "p.year", "u.code"])
      .select("a.instrument_id")
      .where("a.instrument_id", "in", ["rb-2023-kl", "rb-2023-kabkota", "rb-2024-kl", "rb-2024-kabkota"])
      .orderBy("p.year")
      .execute();
    // Each demo organisation: a 2023 final on the 2023 worksheet, a 2024 final and a 2025 draft on the 2024 one.
    expect(rows.map((r) => `${r.code} ${r.year} ${r.status} ${r.instrument_id}`).sort()).toEqual([
      "SETDA 2023 final rb-2023-kabkota",
      "SETDA 2024 final rb-2024-kabkota",
      "SETDA 2025 draft rb-2024-kabkota",
      "SETJEN 2023 final rb-2023-kl",
      "SETJEN 2024 final rb-2024-kl",
      "SETJEN 2025 draft rb-2024-kl",
    ]);
    const final = rows.find((r) => r.code === "SETJEN" && r.status === "final" && r.year === 2024)!;
    const draft = rows.find((r) => r.code === "SETJEN" && r.status === "draft")!;
    const snap = await demo.selectFrom("score_snapshot").select(["total", "predicate"]).where("assessment_id", "=", final.id).executeTakeFirstOrThrow();
    expect(Number(snap.total)).toBeGreaterThan(50);
    expect(snap.predicate).toMatch(/^(AA|A|A-|BB|B|CC|C|D)$/);

    const pages: Array<[string, Parameters<typeof callLoader>[0], Record<string, string>]> = [
      ["dashboard", await import("~/routes/dashboard._index"), {}],
      ["movement", await import("~/routes/dashboard.movement.$unitId"), { unitId: final.unit_id }],
      ["plan", await import("~/routes/dashboard.plan.$id"), { id: draft.id }],
      ["report", await import("~/routes/reports.$id"), { id: final.id }],
      ["lke", await import("~/routes/assessments.$id.lke"), { id: draft.id }],
      ["lke.xlsx", await import("~/routes/assessments.$id.lke[.]xlsx"), { id: final.id }],
    ];
    const data: Record<string, unknown> = {};
    for (const [name, route, params] of pages) {
      const query = name === "dashboard" ? `?org=${final.organisation_id}&instrument=rb-2024-kl` : name === "movement" ? "?instrument=rb-2024-kl" : "";
      const res = await callLoader(route, { path: `/x${query}`, params, cookie });
      expect(res.status, name).toBe(200);
      data[name] = res.data;
    }
    // The report of the final one carries the index breakdown and the stored total.
    const report = data.report as { index: { general: { applicable: number } } | null; total: { value: number } };
    expect(report.index?.general.applicable).toBe(100);
    expect(report.total.value).toBeCloseTo(Number(snap.total), 9);
  });

  it("the 2024 assessments' A101 and A102 are those of the organisation's 2024 Rencana Aksi (issue #29)", async () => {
    const { computePlan } = await import("~/services/renaksi/compute.server");
    const plans = await demo.selectFrom("renaksi_plan").selectAll().where("year", "=", 2024).execute();
    expect(plans).toHaveLength(2);
    for (const plan of plans) {
      const scores = await computePlan(demo, plan);
      const a = await assessmentsWithUnit(demo).select("a.id").where("a.organisation_id", "=", plan.organisation_id).where("p.year", "=", 2024).where("a.instrument_id", "like", "rb-2024-%").executeTakeFirstOrThrow();
      const answers = await demo.selectFrom("answer").select(["item_id", "value_json", "note"]).where("assessment_id", "=", a.id).where("item_id", "in", ["A101.a", "A102.a"]).execute();
      const by = Object.fromEntries(answers.map((r) => [r.item_id, r]));
      expect(JSON.parse(by["A101.a"]!.value_json!)).toBeCloseTo(scores.strategi!.value, 12);
      expect(JSON.parse(by["A102.a"]!.value_json!)).toBe(scores.implementation.score);
      expect(by["A102.a"]!.note).toContain("Dihitung dari Rencana Aksi 2024");
    }
    // The unit page of the dashboard shows the target-baik check behind the predicate, from the stored snapshot.
    const adminRow = await demo.selectFrom("user").select("id").where("email", "=", "admin@cermin.test").executeTakeFirstOrThrow();
    const setjen = await demo.selectFrom("unit").select("id").where("code", "=", "SETJEN").executeTakeFirstOrThrow();
    const unitPage = await callLoader(await import("~/routes/dashboard.units.$unitId"), {
      path: `/dashboard/units/${setjen.id}?instrument=rb-2024-kl`,
      params: { unitId: setjen.id },
      cookie: await sessionCookie(demo, adminRow.id),
    });
    expect(unitPage.status).toBe(200);
    const snapshot = (unitPage.data as { snapshot: { predicate: string; targets?: { checked: number; met: number; unmet: unknown[] } } }).snapshot;
    expect(snapshot.targets?.checked).toBe(25);
    expect(snapshot.targets!.met + snapshot.targets!.unmet.length).toBe(25);
  });
});
