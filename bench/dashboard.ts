/**
 * npm run bench:dashboard — every dashboard loader, called in-process with a real Request and the
 * session cookie of a reviewer (head of the organisation bureau, whole organisation), against a large
 * generated organisation (`seedScale`, default 1000×5: 1,000 service units, 5 closed periods with final
 * snapshots and evaluator layers, and an open period being filled). Prints p50/p95/max per loader.
 *
 * Flags (or env): --scale UNITSxPERIODS (BENCH_SCALE, 1000x5), --runs N (BENCH_RUNS, 60 per loader),
 * --db FILE (reuse a database seeded by an earlier run with --keep; skips seeding), --keep,
 * --sqlite-cache-mib N (BENCH_SQLITE_CACHE_MIB: PRAGMA cache_size for the run; default: the app's),
 * --database-url URL (BENCH_DATABASE_URL: a postgres:// database instead of a fresh SQLite file; it is
 * migrated, seeded (then VACUUM ANALYZE) unless it holds a scale organisation already, and never dropped — e.g.
 * `.ci/pg.sh sh -c 'npm run bench:dashboard -- --database-url "$TEST_DATABASE_URL"'` on a throwaway cluster).
 * Target (issue #6): p95 < 100 ms for each loader.
 *
 * Roll-ups across organisations (issue #30): --rollup ORGANISATIONSxCYCLES (BENCH_ROLLUP, 600x3) seeds that
 * many organisations (`seedOrganisationsScale`: ministries, provinces, regencies under them, yearly Evaluasi RB
 * results with evaluator layers) unless the database holds them already, and times the roll-up loaders as a
 * system admin, a province's reviewer and a regency's org admin. --only dashboard|rollup times one group.
 */
import fs from "node:fs";
import { register } from "node:module";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { sql } from "kysely";
import { createDb, type Db } from "#db/client.server";
import { migrateToLatest } from "#db/migrate";
import { setDb } from "~/db.server";
import { parseScale, seedScale } from "#db/seed/scale.server";
import { ORG_SCALE_CODE_PREFIX, seedOrganisationsScale } from "#db/seed/scale-orgs.server";
import { makeUser, sessionCookie } from "../tests/helpers/factories";
import { percentile } from "./lib/load";

// Route modules import their stylesheet as `…css?url` (a Vite feature): outside Vite it becomes a plain string.
register(
  `data:text/javascript,${encodeURIComponent(
    `export async function load(url, context, next) { return url.split("?")[0].endsWith(".css") ? { format: "module", source: "export default '/bench.css';", shortCircuit: true } : next(url, context); }`,
  )}`,
);

const { values: args } = parseArgs({
  options: {
    scale: { type: "string", default: process.env.BENCH_SCALE ?? "1000x5" },
    runs: { type: "string", default: process.env.BENCH_RUNS ?? "60" },
    db: { type: "string" },
    keep: { type: "boolean", default: false },
    "sqlite-cache-mib": { type: "string", default: process.env.BENCH_SQLITE_CACHE_MIB ?? "" },
    "database-url": { type: "string", default: process.env.BENCH_DATABASE_URL ?? "" },
    rollup: { type: "string", default: process.env.BENCH_ROLLUP ?? "600x3" },
    only: { type: "string", default: "" },
  },
});
const timeDashboard = args.only !== "rollup";
const timeRollup = args.only !== "dashboard";

type Loader = (args: LoaderFunctionArgs) => unknown;
interface Case {
  name: string;
  route: string;
  path: string;
  params?: Record<string, string>;
  /** Another viewer's session (default: the organisation's reviewer). */
  cookie?: string;
}

const ROUTES: Record<string, () => Promise<{ loader: Loader }>> = {
  "dashboard._index": () => import("~/routes/dashboard._index"),
  "dashboard.units.$unitId": () => import("~/routes/dashboard.units.$unitId"),
  "dashboard.csv.$chart": () => import("~/routes/dashboard.csv.$chart"),
  "dashboard.movement.$unitId": () => import("~/routes/dashboard.movement.$unitId"),
  "dashboard.plan.$id": () => import("~/routes/dashboard.plan.$id"),
  "reports.$id": () => import("~/routes/reports.$id"),
  "rollup._index": () => import("~/routes/rollup._index"),
  "rollup.organisations.$orgId": () => import("~/routes/rollup.organisations.$orgId"),
  "rollup[.]csv": () => import("~/routes/rollup[.]csv"),
};

async function prepare(): Promise<{
  db: Db;
  file: string;
  dir: string;
  orgId: string | null;
  seededMs: number | null;
  rollupSeededMs: number | null;
}> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cermin-bench-dashboard-"));
  process.env.DATA_DIR = dir;
  const pgUrl = args["database-url"] || null;
  if (pgUrl && !/^postgres(ql)?:\/\//.test(pgUrl)) throw new Error("--database-url must be a postgres:// URL (SQLite is the default)");
  const file = pgUrl ? "PostgreSQL" : args.db ? path.resolve(args.db) : path.join(dir, "scale.db");
  const db = createDb(pgUrl ?? `sqlite:${file}`);
  if (args["sqlite-cache-mib"] && !pgUrl) await sql.raw(`PRAGMA cache_size = -${Number(args["sqlite-cache-mib"]) * 1024}`).execute(db);
  await migrateToLatest(db);
  let seededMs: number | null = null;
  let org = await db
    .selectFrom("organisation")
    .select("id")
    .where("code", "like", "SKALA-%")
    .orderBy("created_at", "desc")
    .executeTakeFirst();
  if (!org && timeDashboard) {
    const scale = parseScale(args.scale!);
    if (!scale) throw new Error(`--scale must look like 1000x5, got ${args.scale}`);
    process.stdout.write(`seeding ${scale.units}×${scale.periods} into ${file} … `);
    const r = await seedScale(db, scale);
    seededMs = r.ms;
    console.log(
      `${(r.ms / 1000).toFixed(1)} s: ${r.assessments} assessments, ${r.snapshots} snapshots, ${r.nodeRows} node rows, ${r.answerRows} answers`,
    );
    org = { id: r.organisationId };
    // After a bulk load PostgreSQL has no table statistics yet and no visibility map (index-only scans
    // still read the table), and autovacuum would start on the same cores while loaders are timed:
    // do its work now, as a running installation would have it done.
    if (pgUrl) await sql`VACUUM ANALYZE`.execute(db);
  }
  let rollupSeededMs: number | null = null;
  const hasOrgs = await db.selectFrom("organisation").select("id").where("code", "like", `${ORG_SCALE_CODE_PREFIX}%`).executeTakeFirst();
  if (timeRollup && !hasOrgs) {
    const scale = parseScale(args.rollup!);
    if (!scale) throw new Error(`--rollup must look like 600x3, got ${args.rollup}`);
    process.stdout.write(`seeding ${scale.units} organisations × ${scale.periods} cycles into ${file} … `);
    const r = await seedOrganisationsScale(db, { organisations: scale.units, cycles: scale.periods });
    rollupSeededMs = r.ms;
    console.log(`${(r.ms / 1000).toFixed(1)} s: ${r.assessments} assessments, ${r.snapshots} snapshots, ${r.nodeRows} node rows`);
    if (pgUrl) await sql`VACUUM ANALYZE`.execute(db);
  }
  return { db, file, dir, orgId: org?.id ?? null, seededMs, rollupSeededMs };
}

/** The roll-up cases: an admin over every regency and every ministry, a province's reviewer, a regency's own page. */
async function rollupCases(db: Db): Promise<Case[]> {
  const first = (kind: "pemda_provinsi" | "pemda_kabkota") =>
    db
      .selectFrom("organisation")
      .select("id")
      .where("code", "like", `${ORG_SCALE_CODE_PREFIX}%`)
      .where("kind", "=", kind)
      .orderBy("code")
      .executeTakeFirstOrThrow();
  const province = await first("pemda_provinsi");
  const regency = await db
    .selectFrom("organisation")
    .select("id")
    .where("parent_id", "=", province.id)
    .orderBy("code")
    .executeTakeFirstOrThrow();
  const years = await db.selectFrom("period").select("year").distinct().orderBy("year", "desc").execute();
  const previous = years[1]?.year ?? years[0]!.year;
  const cookieOf = async (role: "admin" | "reviewer" | "org_admin", organisationId?: string) =>
    sessionCookie(db, (await makeUser(db, { role, organisationId, unitId: null, password: null })).id);
  const admin = await cookieOf("admin");
  const provinceReviewer = await cookieOf("reviewer", province.id);
  const regencyAdmin = await cookieOf("org_admin", regency.id);
  return [
    { name: "rollup: admin, regencies, latest year", route: "rollup._index", path: "/rollup?kind=pemda_kabkota", cookie: admin },
    {
      name: "rollup: admin, regencies, with year before",
      route: "rollup._index",
      path: "/rollup?kind=pemda_kabkota&compare=1",
      cookie: admin,
    },
    {
      name: "rollup: admin, ministries, year before",
      route: "rollup._index",
      path: `/rollup?kind=kementerian_lembaga&year=${previous}`,
      cookie: admin,
    },
    { name: "rollup: province reviewer, regencies", route: "rollup._index", path: "/rollup?kind=pemda_kabkota", cookie: provinceReviewer },
    {
      name: "rollup: province page with its regencies",
      route: "rollup.organisations.$orgId",
      path: `/rollup/organisations/${province.id}`,
      params: { orgId: province.id },
      cookie: provinceReviewer,
    },
    {
      name: "rollup: a regency's own page (org admin)",
      route: "rollup.organisations.$orgId",
      path: `/rollup/organisations/${regency.id}`,
      params: { orgId: regency.id },
      cookie: regencyAdmin,
    },
    { name: "rollup: csv, every regency (admin)", route: "rollup[.]csv", path: "/rollup.csv?kind=pemda_kabkota", cookie: admin },
  ];
}

async function main() {
  const { db, file, dir, orgId, seededMs, rollupSeededMs } = await prepare();
  setDb(db);
  const cases: Case[] = [];
  let cookie = "";
  if (timeDashboard && orgId) {
    // The head of the organisation bureau: a reviewer of the whole organisation, signed in.
    const reviewer = await makeUser(db, { role: "reviewer", organisationId: orgId, unitId: null, password: null });
    cookie = await sessionCookie(db, reviewer.id);
    cases.push(...(await dashboardCases(db, orgId)));
  }
  if (timeRollup) cases.push(...(await rollupCases(db)));

  const runs = Number(args.runs);
  const results: { name: string; p50: number; p95: number; max: number }[] = [];
  for (const c of cases) {
    const mod = await ROUTES[c.route]!();
    const call = async () => {
      const request = new Request(`http://bench.local${c.path}`, { headers: { cookie: c.cookie ?? cookie } });
      const t0 = performance.now();
      const out = await mod.loader({ request, params: c.params ?? {}, context: {} });
      if (out instanceof Response) {
        if (out.status !== 200) throw new Error(`${c.name}: HTTP ${out.status}`);
        await out.text();
      }
      return performance.now() - t0;
    };
    for (let i = 0; i < 3; i++) await call();
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await call());
    const sorted = Float64Array.from(times).sort();
    results.push({ name: c.name, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1]! });
  }
  report(results, runs, seededMs, rollupSeededMs);
  await db.destroy();
  if (args["database-url"]) console.log("PostgreSQL database left as it is");
  else if (args.keep || args.db) console.log(`database kept: ${file}`);
  else fs.rmSync(dir, { recursive: true, force: true });
}

async function dashboardCases(db: Db, orgId: string): Promise<Case[]> {
  const periods = await db.selectFrom("period").select(["id", "year"]).where("organisation_id", "=", orgId).orderBy("year").execute();
  const firstPeriod = periods[0]!.id;
  const firstUnit = (kind: "eselon1" | "unit_layanan") =>
    db
      .selectFrom("unit")
      .select("id")
      .where("organisation_id", "=", orgId)
      .where("kind", "=", kind)
      .orderBy("name")
      .executeTakeFirstOrThrow();
  const directorate = await firstUnit("eselon1");
  const unit = await firstUnit("unit_layanan");
  const lastClosed = periods[periods.length - 2]!.id;
  const assessmentOf = async (periodId: string) =>
    (
      await db
        .selectFrom("assessment")
        .select("id")
        .where("unit_id", "=", unit.id)
        .where("period_id", "=", periodId)
        .executeTakeFirstOrThrow()
    ).id;
  const finalId = await assessmentOf(lastClosed);
  const openId = await assessmentOf(periods[periods.length - 1]!.id);

  return [
    { name: "dashboard (organisation, latest period)", route: "dashboard._index", path: "/dashboard" },
    { name: "dashboard (first period)", route: "dashboard._index", path: `/dashboard?period=${firstPeriod}` },
    { name: "dashboard (echelon-I subtree)", route: "dashboard._index", path: `/dashboard?unit=${directorate.id}` },
    { name: "csv: units", route: "dashboard.csv.$chart", path: "/dashboard/csv/units", params: { chart: "units" } },
    { name: "csv: readiness", route: "dashboard.csv.$chart", path: "/dashboard/csv/readiness", params: { chart: "readiness" } },
    {
      name: "unit drill-down: areas",
      route: "dashboard.units.$unitId",
      path: `/dashboard/units/${unit.id}?period=${lastClosed}`,
      params: { unitId: unit.id },
    },
    {
      name: "unit drill-down: sub-areas",
      route: "dashboard.units.$unitId",
      path: `/dashboard/units/${unit.id}?period=${lastClosed}&node=A.I.3`,
      params: { unitId: unit.id },
    },
    {
      name: "unit drill-down: items",
      route: "dashboard.units.$unitId",
      path: `/dashboard/units/${unit.id}?period=${lastClosed}&node=A.I.3.iii`,
      params: { unitId: unit.id },
    },
    {
      name: "why it moved (waterfall)",
      route: "dashboard.movement.$unitId",
      path: `/dashboard/movement/${unit.id}`,
      params: { unitId: unit.id },
    },
    { name: "what would raise it (planner, WBK)", route: "dashboard.plan.$id", path: `/dashboard/plan/${openId}`, params: { id: openId } },
    { name: "printable report", route: "reports.$id", path: `/reports/${finalId}`, params: { id: finalId } },
  ];
}

function report(
  results: { name: string; p50: number; p95: number; max: number }[],
  runs: number,
  seededMs: number | null,
  rollupSeededMs: number | null,
) {
  const load = os.loadavg()[0]!.toFixed(2);
  const cache = args["database-url"]
    ? "PostgreSQL"
    : args["sqlite-cache-mib"]
      ? `SQLite, cache ${args["sqlite-cache-mib"]} MiB`
      : "SQLite, app's default cache";
  console.log(
    `\nDashboard and roll-up loaders, in-process, ${timeDashboard ? `reviewer session, ${args.scale}` : ""}${timeDashboard && timeRollup ? "; " : ""}${timeRollup ? `roll-ups ${args.rollup}` : ""} (${runs} runs each after 3 warm-up; ${cache}; load ${load}; ${os.cpus().length} CPUs)`,
  );
  console.log(`${"loader".padEnd(44)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"max ms".padStart(8)}`);
  for (const r of results)
    console.log(
      `${r.name.padEnd(44)} ${r.p50.toFixed(1).padStart(8)} ${r.p95.toFixed(1).padStart(8)} ${r.max.toFixed(1).padStart(8)}${r.p95 < 100 ? "" : "  (over target)"}`,
    );
  if (seededMs !== null) console.log(`seed: ${(seededMs / 1000).toFixed(1)} s`);
  if (rollupSeededMs !== null) console.log(`roll-up seed (${args.rollup}): ${(rollupSeededMs / 1000).toFixed(1)} s`);
  const worst = Math.max(...results.map((r) => r.p95));
  console.log(`worst p95 ${worst.toFixed(1)} ms — target p95 < 100 ms: ${worst < 100 ? "met" : "NOT met"}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
