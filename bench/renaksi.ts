/**
 * npm run bench:renaksi — the Rencana Aksi pages and writes (issue #29) on a full-size plan: a ministry
 * that adopted every indicator of its kind (29), three actions per indicator and three outputs per action
 * (261 RB General outputs), four quarters reported, the LKE Renaksi graded, five Tematik themes with a chain
 * and nine outputs each, and the year's RB assessment that receives A101/A102. Loaders are called in-process
 * with a real Request and the coordinator's session cookie; writes through the services (each re-scores the
 * assessment in its transaction). Prints p50/p95/max per case; the plan workbook's export and import preview too.
 *
 * Flags (or env): --runs N (BENCH_RUNS, 40 per case), --database-url URL (BENCH_DATABASE_URL: postgres://
 * instead of a fresh SQLite file; never dropped).
 */
import fs from "node:fs";
import { register } from "node:module";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { createDb } from "#db/client.server";
import { migrateToLatest } from "#db/migrate";
import type { Actor } from "~/auth/permissions";
import { loadActor } from "~/auth/require.server";
import { setDb } from "~/db.server";
import { renaksiCriteria } from "~/domain/renaksi/grade";
import { renaksiContentFor } from "~/services/renaksi/content.server";
import { exportPlanWorkbook, previewPlanImport } from "~/services/renaksi/excel.server";
import { addAction, addOutput, createPlan, saveGrade, saveMonev, saveTarget } from "~/services/renaksi/plans.server";
import { addTematikNode } from "~/services/renaksi/tematik.server";
import { createAssessments } from "~/services/workbench/rollout.server";
import { makeOrg, makePeriod, makeUnit, makeUser, sessionCookie } from "../tests/helpers/factories";
import { percentile } from "./lib/load";

// Route modules import their stylesheet as `…css?url` (a Vite feature): outside Vite it becomes a plain string.
register(
  `data:text/javascript,${encodeURIComponent(
    `export async function load(url, context, next) { return url.split("?")[0].endsWith(".css") ? { format: "module", source: "export default '/bench.css';", shortCircuit: true } : next(url, context); }`,
  )}`,
);

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: process.env.BENCH_RUNS ?? "40" },
    "database-url": { type: "string", default: process.env.BENCH_DATABASE_URL ?? "" },
  },
});

type Loader = (args: LoaderFunctionArgs) => unknown;

async function timed(runs: number, fn: () => Promise<unknown>): Promise<{ p50: number; p95: number; max: number }> {
  for (let i = 0; i < 3; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  const sorted = Float64Array.from(times).sort();
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1]! };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cermin-bench-renaksi-"));
  process.env.DATA_DIR = dir;
  const pgUrl = args["database-url"] || null;
  const db = createDb(pgUrl ?? `sqlite:${path.join(dir, "renaksi.db")}`);
  await migrateToLatest(db);
  setDb(db);

  const t0 = performance.now();
  const org = await makeOrg(db, `Kementerian Bench ${Date.now()}`, "kementerian_lembaga");
  const unit = await makeUnit(db, org.id, null, "Sekretariat Jenderal");
  const periodId = await makePeriod(db, org.id, 2024);
  const coordinator = await makeUser(db, { role: "coordinator", organisationId: org.id, password: null });
  const evaluatorUser = await makeUser(db, { role: "evaluator", organisationId: org.id, password: null });
  const actorOf = async (id: string): Promise<Actor> => loadActor(db, await db.selectFrom("user").selectAll().where("id", "=", id).executeTakeFirstOrThrow());
  const team = await actorOf(coordinator.id);
  const evaluator = await actorOf(evaluatorUser.id);
  const system: Actor = { id: (await makeUser(db, { role: "admin", password: null })).id, isAdmin: true, memberships: [] };
  await createAssessments(db, system, { unitIds: [unit.id], periodId, instrumentId: "rb-2024-kl", carryForward: false });

  const content = renaksiContentFor(2024)!;
  const planId = await createPlan(db, team, org.id, 2024);
  const indicators = content.general.indicators.filter((i) => (i.kinds as string[]).includes("kementerian_lembaga"));
  let outputs = 0;
  let firstOutput = "";
  for (const [k, ind] of indicators.entries()) {
    await saveTarget(db, team, planId, { indicatorCode: ind.code, baselineYear: 2023, baselineValue: 50 + k, target: 60 + k, unit: "nilai", note: null });
    const target = await db.selectFrom("renaksi_target").select("id").where("plan_id", "=", planId).where("indicator_code", "=", ind.code).executeTakeFirstOrThrow();
    for (let a = 0; a < 3; a++) {
      const actionId = await addAction(db, team, planId, { targetId: target.id }, `Aksi ${a + 1} untuk ${ind.name}`);
      for (let o = 0; o < 3; o++) {
        const id = await addOutput(db, team, planId, actionId, { indicator: `Output ${o + 1}`, unit: "dokumen", targetTw: [1, 1, 1, 1], budgetTotal: 10_000_000, implementer: "Biro", coordinator: "Sekjen", focus: null });
        firstOutput ||= id;
        outputs++;
        for (let q = 1; q <= 4; q++) await saveMonev(db, team, planId, id, { quarter: q as 1 | 2 | 3 | 4, realisation: (k + a + o + q) % 5 === 0 ? 0 : 1, budgetRealisation: 2_000_000, note: null });
      }
    }
  }
  for (const [i, c] of renaksiCriteria(content.lke).entries()) await saveGrade(db, evaluator, planId, { criterion: c.code, grade: c.answer === "yes_no" ? "YA" : ["A", "B", "C"][i % 3]!, note: "Catatan", recommendation: null });
  for (const th of content.tematik.themes) {
    for (let p = 0; p < 3; p++) {
      const problem = await addTematikNode(db, team, planId, { theme: th.code, kind: "permasalahan", parentId: null, name: `Permasalahan ${p + 1}`, goal: "Sasaran", target: null, unit: null });
      await addTematikNode(db, team, planId, { theme: th.code, kind: "indikator_permasalahan", parentId: problem, name: "Indikator", goal: null, target: 90, unit: "%" });
      const actionId = await addAction(db, team, planId, { tematikNodeId: problem }, "Aksi tematik");
      for (let o = 0; o < 3; o++) {
        const id = await addOutput(db, team, planId, actionId, { indicator: `Output ${o + 1}`, unit: "dokumen", targetTw: [0, 1, 0, 1], budgetTotal: null, implementer: null, coordinator: null, focus: content.tematik.fokus_intervensi[o]!.code });
        await saveMonev(db, team, planId, id, { quarter: 2, realisation: 1, budgetRealisation: null, note: null });
      }
    }
  }
  const seedMs = performance.now() - t0;
  console.log(`seeded in ${(seedMs / 1000).toFixed(1)} s: ${indicators.length} targets, ${outputs} RB General outputs, ${content.tematik.themes.length * 9} Tematik outputs (${pgUrl ? "PostgreSQL" : "SQLite"})`);

  const cookie = await sessionCookie(db, coordinator.id);
  const runs = Number(args.runs);
  const pages: [string, () => Promise<{ loader: Loader }>, string][] = [
    ["summary", () => import("~/routes/renaksi.$planId._index"), ""],
    ["planning", () => import("~/routes/renaksi.$planId.rencana"), "/rencana"],
    ["monitoring TW II", () => import("~/routes/renaksi.$planId.monev"), "/monev?tw=2"],
    ["LKE Renaksi", () => import("~/routes/renaksi.$planId.penilaian"), "/penilaian"],
    ["RB Tematik", () => import("~/routes/renaksi.$planId.tematik"), "/tematik"],
  ];
  const rows: [string, { p50: number; p95: number; max: number }][] = [];
  for (const [name, load, suffix] of pages) {
    const mod = await load();
    rows.push([
      `page: ${name}`,
      await timed(runs, async () => {
        const out = await mod.loader({ request: new Request(`http://bench.local/renaksi/${planId}${suffix}`, { headers: { cookie } }), params: { planId }, context: {} });
        if (out instanceof Response && out.status !== 200) throw new Error(`${name}: HTTP ${out.status}`);
      }),
    ]);
  }
  let flip = 0;
  rows.push([
    "write: one quarter's realisation (+ audit, re-score A102)",
    await timed(runs, () => saveMonev(db, team, planId, firstOutput, { quarter: 3, realisation: flip++ % 2, budgetRealisation: null, note: null })),
  ]);
  rows.push(["write: one LKE Renaksi grade (+ re-score A101)", await timed(runs, () => saveGrade(db, evaluator, planId, { criterion: renaksiCriteria(content.lke)[0]!.code, grade: flip++ % 2 ? "A" : "B", note: null, recommendation: null }))]);
  const workbook = await exportPlanWorkbook(db, team, planId);
  rows.push(["Excel: export the plan workbook", await timed(Math.min(runs, 10), () => exportPlanWorkbook(db, team, planId))]);
  rows.push(["Excel: import preview of it (unchanged)", await timed(Math.min(runs, 10), () => previewPlanImport(db, team, planId, new Uint8Array(workbook)))]);

  console.log(`\n${"case".padEnd(60)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"max ms".padStart(8)}`);
  for (const [name, r] of rows) console.log(`${name.padEnd(60)} ${r.p50.toFixed(1).padStart(8)} ${r.p95.toFixed(1).padStart(8)} ${r.max.toFixed(1).padStart(8)}`);
  console.log(`\nworkbook ${(workbook.length / 1024).toFixed(0)} KiB; ${runs} runs per case (10 for Excel); load ${os.loadavg()[0]!.toFixed(2)}, ${os.cpus().length} cores, ${new Date().toISOString().slice(0, 10)}`);
  await db.destroy();
  if (!pgUrl) fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
