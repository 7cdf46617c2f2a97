/**
 * npm run bench:reliability — issue #15: does the server lose nothing and recover by itself?
 *
 * One seeded installation served by the production build (`cermin serve`, CERMIN_WORKERS=2), on
 * SQLite by default or on a fresh database of the PostgreSQL server given by --database-url; the 2025
 * ZI worksheet rolled out to four units so every client has its own option item; one session and one
 * keep-alive connection per client. Scenarios, in this order (later ones build on the same data):
 *   load             N clients save in a closed loop (full: 200 clients, 60 s; --short: 50, 5 s)
 *   crash            kill -9 of a worker ×20 (the primary replaces it), then kill -9 of the whole server
 *                    ×20 with a restart (--short: 3 + 3), saving throughout; integrity and every
 *                    acknowledged save checked after each kill, time until service is back
 *   database faults  PostgreSQL only: pg_ctl restart -m fast (needs TEST_PG_DATA/TEST_PG_BIN, which
 *                    .ci/pg.sh exports) and pg_terminate_backend ×10 (--short ×3) under load: only
 *                    200/409/503+Retry-After allowed, nothing acknowledged lost
 *   backup           `cermin backup` under load and with the load paused, restored into a fresh database
 *                    and compared (see the row's text for the method)
 *   disk full        DATA_DIR/evidence on a 2 MiB tmpfs (root): uploads past it must fail with a clear
 *                    4xx/507, leave nothing half-written, and saves go on
 *   fuzz             10,000 malformed requests (--short 1,000) over every route with a loader or
 *                    action, seeded (--seed): no 5xx
 * Prints one table (scenario | what was done | result | verdict) and exits 1 when any scenario failed.
 *
 * A save counts as acknowledged when it got its 200 with the new version; one without a reply (cut
 * connection, 5xx, timeout) may or may not be stored, and the checks allow exactly that.
 *
 * Flags: --short, --database-url URL (BENCH_DATABASE_URL; the maintenance database of a PostgreSQL
 * server, e.g. `.ci/pg.sh sh -c 'npm run bench:reliability -- --database-url "$TEST_DATABASE_URL"'`),
 * --clients N, --seed N (fuzz and timings), --only load,crash,… , --allow-skip (a scenario that cannot
 * run here — no root for tmpfs, no cluster to restart — does not fail the run), --keep (keep data),
 * --no-build.
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { build, buildState, snapshotBuild } from "./lib/server";
import { baseline, dropPgDatabase, Savers, setUp } from "./lib/reliability-env";
import {
  backupScenario,
  crashScenario,
  dbFaultScenario,
  diskFullScenario,
  fuzzScenario,
  loadScenario,
  type Ctx,
  type Row,
} from "./lib/reliability-scenarios";
import fs from "node:fs";

const { values: args } = parseArgs({
  options: {
    short: { type: "boolean", default: false },
    "database-url": { type: "string", default: process.env.BENCH_DATABASE_URL ?? "" },
    clients: { type: "string" },
    seed: { type: "string" },
    only: { type: "string" },
    "allow-skip": { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    "no-build": { type: "boolean", default: false },
  },
});

const SCENARIOS: [string, (ctx: Ctx) => Promise<Row>][] = [
  ["load", loadScenario],
  ["crash", crashScenario],
  ["faults", dbFaultScenario],
  ["backup", backupScenario],
  ["diskfull", diskFullScenario],
  ["fuzz", fuzzScenario],
];
const only = args.only ? new Set(args.only.split(",").map((s) => s.trim())) : null;
if (only)
  for (const o of only)
    if (!SCENARIOS.some(([n]) => n === o)) throw new Error(`--only: unknown scenario "${o}" (${SCENARIOS.map(([n]) => n).join(", ")})`);
const short = args.short;
const clients = args.clients ? Number(args.clients) : short ? 50 : 200;
if (!Number.isInteger(clients) || clients < 1 || clients > 400) throw new Error("--clients must be a whole number from 1 to 400");
const seed = args.seed ? Number(args.seed) : Math.floor(Math.random() * 2 ** 31);
if (!Number.isInteger(seed)) throw new Error("--seed must be a whole number");
const pgAdminUrl = args["database-url"] || undefined;
if (pgAdminUrl && !/^postgres(ql)?:\/\//.test(pgAdminUrl))
  throw new Error("--database-url must be a postgres:// URL (SQLite is the default)");
const WORKERS = 2;

const state = buildState();
if (state === "missing" || (state === "stale" && !args["no-build"])) {
  console.error(`build ${state}: running remix vite:build…`);
  build();
}

// The servers of this run serve a copy: a rebuild elsewhere during the run must not change or remove it.
const snapshot = snapshotBuild();
process.on("exit", () => snapshot.remove());
const startedAt = new Date();
const t0 = performance.now();
const log = (line: string) => console.error(`[${((performance.now() - t0) / 1000).toFixed(1)} s] ${line}`);
log(`setting up: ${pgAdminUrl ? "PostgreSQL" : "SQLite"}, ${clients} clients, ${WORKERS} workers, seed ${seed}`);
const inst = await setUp({ clients, workers: WORKERS, pgAdminUrl, root: snapshot.root });
await baseline(inst);
const savers = new Savers(inst);
const ctx: Ctx = {
  inst,
  savers,
  short,
  pgAdminUrl,
  seed,
  allowSkip: args["allow-skip"],
  // Paced scenarios: 200 saves/s in all (full: 200 clients × 1/s; short: 50 × 4/s).
  paceMs: Math.round((clients / 200) * 1000),
  cleanup: [],
  log,
};
const rows: Row[] = [];
try {
  for (const [name, scenario] of SCENARIOS) {
    if (only && !only.has(name)) continue;
    const s0 = performance.now();
    log(`${name}…`);
    try {
      rows.push(await scenario(ctx));
    } catch (e) {
      rows.push({
        scenario: name,
        done: "(did not finish)",
        figures: e instanceof Error ? (e.stack ?? e.message) : String(e),
        verdict: "FAIL",
        problems: [],
      });
    }
    log(`${name}: ${rows.at(-1)!.verdict} (${((performance.now() - s0) / 1000).toFixed(1)} s)`);
  }
} finally {
  savers.close();
  await inst.server.stop();
  if (!args.keep) {
    for (const c of ctx.cleanup) await c().catch(() => {});
    if (inst.pgName) await dropPgDatabase(pgAdminUrl!, inst.pgName).catch(() => {});
    fs.rmSync(inst.dataDir, { recursive: true, force: true });
  }
}

// ── report ──────────────────────────────────────────────────────────────────────────────────────
const cpu = os.cpus();
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
console.log(`Cermin reliability (issue #15), ${startedAt.toISOString()}${short ? ", SHORT run (--short)" : ", full run"}`);
console.log(
  `machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, node ${process.version}; load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
console.log(
  `setup: production build, ${inst.dialect === "postgres" ? "PostgreSQL" : "SQLite (WAL)"}, demo database + 2025 ZI drafts for 4 units, ${clients} clients, ${WORKERS} server workers, fuzz seed ${seed}; ` +
    `total ${((performance.now() - t0) / 1000).toFixed(0)} s${args.keep ? `; data kept in ${inst.dataDir}` : ""}`,
);
console.log("");
console.log("| scenario | what was done | result | verdict |");
console.log("|---|---|---|---|");
for (const r of rows) console.log(`| ${r.scenario} | ${cell(r.done)} | ${cell(r.figures)} | ${r.verdict} |`);
const failed = rows.filter((r) => r.verdict === "FAIL");
for (const r of rows) {
  if (r.problems.length === 0) continue;
  console.log(`\n${r.scenario}: ${r.verdict === "FAIL" ? "problems" : "notes"}`);
  for (const p of r.problems.slice(0, 12)) console.log(`  - ${p}`);
}
const stderr = inst.stderr().trim();
if (stderr) {
  // Expected lines (worker stops during the crash scenario, the outage notices) are summarised; anything else is shown.
  const lines = stderr.split("\n");
  const expected = /Server worker \d+ stopped|Starting a new worker|Database unavailable/;
  const other = new Map<string, number>();
  for (const l of lines.filter((l) => !expected.test(l) && !/^\s+at /.test(l))) other.set(l, (other.get(l) ?? 0) + 1);
  console.log(
    `\nserver stderr: ${lines.length} lines, ${lines.filter((l) => expected.test(l)).length} of them worker restarts and "Database unavailable" notices` +
      `${other.size ? "; the others without stack frames, distinct (first 30):" : ""}`,
  );
  for (const [l, n] of [...other].slice(0, 30)) console.log(`  ${n > 1 ? `×${n} ` : ""}${l.slice(0, 240)}`);
}
console.log(`\n${failed.length === 0 ? "RESULT OK" : `RESULT FAIL: ${failed.map((r) => r.scenario).join(", ")}`}`);
if (failed.length > 0) process.exitCode = 1;
