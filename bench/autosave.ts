/**
 * npm run bench:autosave — the answer-save action (POST /assessments/:id/answers) driven by 50
 * concurrent clients over loopback, next to a bare Remix action on the same server (POST /healthz:
 * no auth, no DB).
 *
 * A fresh DATA_DIR with the demo seeded; the production build served by `node bin/cermin.js serve`
 * as its own process(es): as deployed, one worker process per CPU (up to 4) unless --workers says. Each client has its own session (the demo assessor), its own keep-alive
 * connection and its own option item, and saves alternate values and new notes with the version
 * the previous reply returned, so no save conflicts. Four phases:
 *   1. bare action, closed loop (each client sends its next request as soon as the last answered):
 *      the server's saturation throughput for a request that does nothing;
 *   2. answer save, closed loop: saturation throughput of saves → the throughput target: ≥ 50 % of
 *      the bare action on SQLite (issue #5), ≥ 40 % on PostgreSQL (issue #15);
 *   3. answer save, paced: each client starts one save every --pace ms (default 100: ten saves a
 *      second per client, 500/s for 50 clients, seven times what the editor's 700 ms debounce lets
 *      one person send; issue #15 judges PostgreSQL at --pace 250, 200 saves/s), latency counted
 *      from the scheduled start → the p95 < 25 ms target;
 *   4. area page, closed loop: GET of the area page the bench items are on (the full document with
 *      the root loader), the other hot path; printed, not judged.
 * In a closed loop the mean latency is clients ÷ throughput (Little's law), so its p95 measures
 * throughput again; it is printed, with the bare action's for comparison, but not judged.
 * Afterwards the server is stopped and the database checked: every item holds its last acknowledged
 * value/note/version, and the `answer.save` audit rows equal the acknowledged saves, per item.
 * Exit 1 if that check fails.
 *
 * Flags (or env): --clients N (BENCH_CLIENTS, 50), --duration S (BENCH_DURATION, 10, per phase),
 * --warmup S (BENCH_WARMUP, 2), --pace MS (BENCH_PACE, 100; 0 skips phase 3), --max-requests N
 * (per phase, 1e6), --no-build (serve a stale build), --cpu-prof DIR (server runs with --cpu-prof;
 * .cpuprofile in DIR), --keep (keep DATA_DIR), --workers N (BENCH_WORKERS: the server's
 * CERMIN_WORKERS; default: the server's own default), --database-url URL (BENCH_DATABASE_URL: an empty
 * PostgreSQL database instead of SQLite, e.g. under `.ci/pg.sh`: `.ci/pg.sh sh -c 'npm run
 * bench:autosave -- --database-url "$TEST_DATABASE_URL"'`).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createDb, type Db } from "#db/client.server";
import { outlineOf } from "~/domain/instrument/outline";
import { itemsWithGroups } from "~/domain/instrument/tree";
import { demoDraftAssessment } from "../tests/helpers/demo";
import { loginFor } from "../tests/helpers/server";
import { Client, percentile, runPhase, type PhaseResult } from "./lib/load";
import { childrenOf, clusterCpuMsOf, localPostmaster, treeCpuMsOf } from "../tests/helpers/proc";
import { build, buildState, startBenchServer } from "./lib/server";

const { values: args } = parseArgs({
  options: {
    clients: { type: "string", default: process.env.BENCH_CLIENTS ?? "50" },
    duration: { type: "string", default: process.env.BENCH_DURATION ?? "10" },
    warmup: { type: "string", default: process.env.BENCH_WARMUP ?? "2" },
    "max-requests": { type: "string", default: "1000000" },
    "no-build": { type: "boolean", default: false },
    "cpu-prof": { type: "string" },
    keep: { type: "boolean", default: false },
    pace: { type: "string", default: process.env.BENCH_PACE ?? "100" },
    "database-url": { type: "string", default: process.env.BENCH_DATABASE_URL ?? "" },
    workers: { type: "string", default: process.env.BENCH_WORKERS ?? "" },
  },
});
const CLIENTS = Math.max(1, Math.floor(Number(args.clients)));
const DURATION = Number(args.duration);
const WARMUP = Number(args.warmup);
const MAX_REQUESTS = Math.floor(Number(args["max-requests"]));
const PACE = Number(args.pace);
if (
  ![CLIENTS, DURATION, WARMUP, MAX_REQUESTS, PACE].every((n) => Number.isFinite(n) && n >= 0) ||
  DURATION <= 0 ||
  DURATION > 600 ||
  WARMUP > 60
) {
  throw new Error("--clients, --duration (0 < s ≤ 600), --warmup (≤ 60) --max-requests and --pace must be numbers");
}

const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "–");
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
const startedAt = new Date();
const loadBefore = load();

// ── server ─────────────────────────────────────────────────────────────────────────────────────
const state = buildState();
if (state === "missing" || (state === "stale" && !args["no-build"])) {
  console.error(`build ${state}: running remix vite:build…`);
  build();
}
const cpuProfDir = args["cpu-prof"] ? path.resolve(args["cpu-prof"]) : null;
const databaseUrl = args["database-url"] || undefined;
if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
  throw new Error("--database-url must be a postgres:// URL (SQLite is the default)");
const workersArg = args.workers ? Number(args.workers) : undefined;
if (workersArg !== undefined && !(Number.isInteger(workersArg) && workersArg >= 1)) throw new Error("--workers must be a whole number ≥ 1");
const server = await startBenchServer({
  nodeArgs: cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${cpuProfDir}`] : [],
  databaseUrl,
  workers: workersArg,
});
/** A PostgreSQL on this machine: its CPU is counted beside the server's ("db CPU", "db ms/req"). */
const dbUrl = databaseUrl ? new URL(databaseUrl) : null;
const postmaster = dbUrl && ["127.0.0.1", "localhost"].includes(dbUrl.hostname) ? localPostmaster(Number(dbUrl.port || 5432)) : null;
const postmasters = postmaster === null ? [] : [postmaster];
const dbCpuMs = () => (postmaster === null ? NaN : (clusterCpuMsOf(postmaster) ?? NaN));
/** Cluster workers of the server (0: it serves in its one process). */
const serverWorkers = childrenOf(server.pid).length;
const http = new Client(new URL(server.baseUrl), CLIENTS);

// ── the demo assessment, its items, what is stored now ────────────────────────────────────────
interface ItemState {
  itemId: string;
  codes: [string, string];
  version: number;
  startVersion: number;
  n: number;
  acked: { version: number; value: string; note: string } | null;
  ackedCount: number;
  /** Requests whose outcome is unknown (network error, 5xx): the check then tolerates one more save. */
  ambiguous: number;
}
const SAVE_ACTIONS = ["answer.save", "answer.confirm"];
const auditCounts = async (db: Db, assessmentId: string) =>
  (
    await db
      .selectFrom("audit_log")
      .select(["action", "entity_id as entityId", (eb) => eb.fn.countAll<number | string>().as("n")])
      .where("action", "in", SAVE_ACTIONS)
      .where("entity_id", "like", `${assessmentId}:%`)
      .groupBy(["action", "entity_id"])
      .execute()
  ).map((r) => ({ action: r.action, entityId: r.entityId, n: Number(r.n) }));

const db0 = createDb(server.dbUrl);
const assessment = await demoDraftAssessment(db0);
const stored = new Map(
  (
    await db0
      .selectFrom("answer")
      .select(["item_id as itemId", "version", "carried_over as carried"])
      .where("assessment_id", "=", assessment.id)
      .where("layer", "=", "self")
      .execute()
  ).map((r) => [r.itemId, r]),
);
const auditRowsBefore = await auditCounts(db0, assessment.id);
const auditBefore = auditRowsBefore.reduce((s, r) => s + r.n, 0);
// The demo's own history (e.g. blind-round consensus saves) is there before the benchmark starts.
const savesBefore = auditRowsBefore.filter((r) => r.action === "answer.save").reduce((s, r) => s + r.n, 0);
await db0.destroy();
const OPTION_TYPES = new Set(["yes_no", "abc", "abcd", "abcde"]);
const items: ItemState[] = itemsWithGroups(assessment.instrument)
  .map(({ item }) => item)
  // carried-over items would log answer.confirm instead of answer.save on an unchanged value
  .filter((item) => OPTION_TYPES.has(item.type) && (item.options?.length ?? 0) >= 2 && !stored.get(item.id)?.carried)
  .slice(0, CLIENTS)
  .map((item) => {
    const version = stored.get(item.id)?.version ?? 0;
    return {
      itemId: item.id,
      codes: [item.options![0]!.code, item.options![1]!.code],
      version,
      startVersion: version,
      n: 0,
      acked: null,
      ackedCount: 0,
      ambiguous: 0,
    };
  });
if (items.length < CLIENTS) throw new Error(`only ${items.length} option items available for ${CLIENTS} clients`);

// ── sessions: one log-in per client, as the demo assessor ─────────────────────────────────────
const assessor = loginFor(server.logins, "assessor");
const cookies: string[] = [];
for (let i = 0; i < CLIENTS; i += 5) {
  const batch = await Promise.all(
    Array.from({ length: Math.min(5, CLIENTS - i) }, () =>
      http.post("/login", new URLSearchParams({ email: assessor.email, password: assessor.password, redirectTo: "/" }).toString()),
    ),
  );
  for (const r of batch) {
    const cookie = [r.headers["set-cookie"] ?? []]
      .flat()
      .map((c) => /^cermin_session=[^;]+/.exec(c)?.[0])
      .find(Boolean);
    if (r.status !== 302 || !cookie) throw new Error(`log-in failed: HTTP ${r.status} ${r.body.slice(0, 200)}`);
    cookies.push(cookie);
  }
}

// ── phases ────────────────────────────────────────────────────────────────────────────────────
const savePath = `/assessments/${assessment.id}/answers`;
const formOf = (s: ItemState, value: string, note: string) =>
  new URLSearchParams({ itemId: s.itemId, baseVersion: String(s.version), value, note }).toString();

type Step = Parameters<typeof runPhase>[4];
/**
 * CPU columns, warm-up included: share of one core used by the server's processes ("srv CPU"), server
 * CPU time per answered request ("ms/req": the cost of a request, little affected by other load on
 * the machine), share of one core used by this load generator ("gen CPU").
 */
async function phase(name: string, step: Step, paceMs = 0) {
  const [cpu0, own0, t0, db0] = [treeCpuMsOf(server.pid), process.cpuUsage(), performance.now(), dbCpuMs()];
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  const result = await runPhase(CLIENTS, WARMUP, DURATION, MAX_REQUESTS, step, paceMs);
  lag.disable();
  const [cpu1, own, wall, db1] = [treeCpuMsOf(server.pid), process.cpuUsage(own0), performance.now() - t0, dbCpuMs()];
  const serverMs = cpu0 === null || cpu1 === null ? NaN : cpu1 - cpu0;
  return {
    name,
    result,
    serverCpu: serverMs / wall,
    msPerReq: serverMs / result.completed,
    dbCpu: (db1 - db0) / wall,
    dbMsPerReq: (db1 - db0) / result.completed,
    clientCpu: (own.user + own.system) / 1000 / wall,
    /** The load generator's own event-loop delay: large values would mean the generator, not the server, was late. */
    genLagMs: lag.max / 1e6,
  };
}

const bare = await phase("bare action, closed loop  POST /healthz", async (c) => {
  const r = await http.post("/healthz", formOf(items[c]!, "A", "bare"), { Cookie: cookies[c]! });
  return r.status === 200 && r.body.includes('"ok"') ? "ok" : `HTTP ${r.status}`;
});
const saveStep: Step = async (c) => {
  const s = items[c]!;
  const value = s.codes[s.n % 2]!;
  const note = `bench client ${c} save ${s.n}`;
  s.n++;
  let r;
  try {
    r = await http.post(savePath, formOf(s, value, note), { Cookie: cookies[c]! });
  } catch (e) {
    s.ambiguous++;
    throw e;
  }
  if (r.status === 200) {
    const body = JSON.parse(r.body) as { ok?: boolean; version?: number };
    if (!body.ok || body.version !== s.version + 1) return "HTTP 200 with unexpected body";
    s.version = body.version;
    s.acked = { version: body.version, value, note };
    s.ackedCount++;
    return "ok";
  }
  if (r.status === 409) s.version = (JSON.parse(r.body) as { conflict: { version: number } }).conflict.version;
  if (r.status >= 500) s.ambiguous++;
  return `HTTP ${r.status}`;
};
const save = await phase("answer save, closed loop  POST …/answers", saveStep);
const phases = [bare, save];
const paced = PACE > 0 ? await phase(`answer save, paced: 1 per ${PACE} ms per client`, saveStep, PACE) : undefined;
if (paced) phases.push(paced);
// The page the saves come from (issue #15's other hot path): the whole document, root loader included.
const areaOfBenchItems = outlineOf(assessment.instrument).areaOfItem.get(items[0]!.itemId)!;
const areaPath = `/assessments/${assessment.id}/areas/${encodeURIComponent(areaOfBenchItems)}`;
const areaPage = await phase("area page, closed loop  GET …/areas/:area", async (c) => {
  const r = await http.get(areaPath, { Cookie: cookies[c]! });
  return r.status === 200 && r.body.includes("</html>") ? "ok" : `HTTP ${r.status}`;
});
phases.push(areaPage);
const connections = http.sockets.size;
http.close();
const loadAfter = load();
await server.stop();

// ── persistence: what the database holds after the server stopped ─────────────────────────────
const db = createDb(server.dbUrl);
const problems: string[] = [];
const audit = await auditCounts(db, assessment.id);
const acked = items.reduce((s, i) => s + i.ackedCount, 0);
const ambiguous = items.reduce((s, i) => s + i.ambiguous, 0);
const auditTotal = audit.reduce((s, r) => s + r.n, 0) - auditBefore;
const answerSaves = audit.filter((r) => r.action === "answer.save").reduce((s, r) => s + r.n, 0) - savesBefore;
const finalRows = new Map(
  (
    await db
      .selectFrom("answer")
      .select(["item_id", "value_json as value", "note", "version"])
      .where("assessment_id", "=", assessment.id)
      .where("layer", "=", "self")
      .execute()
  ).map((r) => [r.item_id, r]),
);
for (const s of items) {
  const got = finalRows.get(s.itemId);
  const want = s.acked;
  const perItem = audit.find((r) => r.action === "answer.save" && r.entityId === `${assessment.id}:${s.itemId}`)?.n ?? 0;
  if (perItem < s.ackedCount || perItem > s.ackedCount + s.ambiguous)
    problems.push(`${s.itemId}: ${perItem} answer.save audit rows, ${s.ackedCount} acknowledged`);
  if (!want) {
    if ((got?.version ?? 0) !== s.startVersion && s.ambiguous === 0) problems.push(`${s.itemId}: changed without an acknowledged save`);
    continue;
  }
  const exact = got && got.version === want.version && got.value === JSON.stringify(want.value) && got.note === want.note;
  if (!exact && !(s.ambiguous > 0 && got && got.version > want.version)) {
    problems.push(`${s.itemId}: stored ${JSON.stringify(got)}, last acknowledged ${JSON.stringify(want)}`);
  }
}
await db.destroy();
if (answerSaves !== auditTotal) problems.push(`${auditTotal - answerSaves} answer.confirm audit rows (expected none)`);
if (auditTotal < acked || auditTotal > acked + ambiguous)
  problems.push(`${auditTotal} answer.save audit rows for ${acked} acknowledged saves`);

// ── report ────────────────────────────────────────────────────────────────────────────────────
const errorCount = (r: PhaseResult) => [...r.errors.values()].reduce((a, b) => a + b, 0);
const errorText = (r: PhaseResult) =>
  errorCount(r) === 0 ? "0" : `${errorCount(r)} (${[...r.errors].map(([k, v]) => `${k} ×${v}`).join(", ")})`;
const rps = (r: PhaseResult) => r.requests / r.seconds;
const cpu = os.cpus();
console.log(`Cermin autosave benchmark, ${startedAt.toISOString()}`);
console.log(
  `machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, node ${process.version}`,
);
console.log(`load average (1/5/15 min): ${loadBefore} before, ${loadAfter} after`);
console.log(
  `note: the load generator (this process, one thread; "gen CPU") and the server (${serverWorkers ? `${serverWorkers} worker processes` : "one process"}; "srv CPU") share these ${cpu.length} cores.`,
);
console.log(
  `setup: production build (${state}${state === "stale" && args["no-build"] ? ", not rebuilt" : state === "fresh" ? "" : ", rebuilt"}), ${databaseUrl ? "PostgreSQL" : "SQLite WAL"}, demo database; ` +
    `${CLIENTS} clients × 1 request in flight over ${connections} keep-alive connections to 127.0.0.1; ${CLIENTS} sessions (${assessor.role}); ` +
    `one item per client; warm-up ${WARMUP} s, measured ${DURATION} s per phase`,
);
console.log("");
const head = [
  "requests",
  "req/s",
  "p50 ms",
  "p95 ms",
  "p99 ms",
  "max ms",
  "srv CPU",
  "ms/req",
  ...(postmasters.length ? ["db CPU", "db ms/req"] : []),
  "gen CPU",
  "gen lag",
];
console.log(`${"".padEnd(48)}${head.map((h) => h.padStart(9)).join("")}  errors`);
for (const p of phases) {
  const r = p.result;
  const ms = [50, 95, 99].map((q) => fmt(percentile(r.latencies, q)));
  const cols = [
    r.requests,
    fmt(rps(r), 0),
    ...ms,
    fmt(r.latencies.at(-1) ?? NaN),
    `${fmt(p.serverCpu * 100, 0)} %`,
    fmt(p.msPerReq, 2),
    ...(postmasters.length ? [`${fmt(p.dbCpu * 100, 0)} %`, fmt(p.dbMsPerReq, 2)] : []),
    `${fmt(p.clientCpu * 100, 0)} %`,
    fmt(p.genLagMs, 0),
  ];
  console.log(`${p.name.padEnd(48)}${cols.map((c) => String(c).padStart(9)).join("")}  ${errorText(r)}`);
}
console.log(
  `(srv CPU: share of one core used by the server, all its processes (100 % = one core); ms/req: server CPU per answered request; ${postmasters.length ? "db CPU / db ms/req: the same for the local PostgreSQL, all its processes; " : ""}gen CPU / gen lag: the load generator's CPU and its worst event-loop delay in ms)`,
);
const p95 = paced ? percentile(paced.result.latencies, 95) : NaN;
const closedP95 = percentile(save.result.latencies, 95);
const ratio = rps(save.result) / rps(bare.result);
const mark = (ok: boolean) => (ok ? "PASS" : "MISS");
console.log("");
console.log(
  paced
    ? `target  save p95 < 25 ms (paced phase)    ${mark(p95 < 25)}  (${fmt(p95)} ms; ${CLIENTS} clients, ${fmt(rps(paced.result), 0)} saves/s)`
    : "target  save p95 < 25 ms                  not measured (--pace 0)",
);
// SQLite's target dates from issue #5; PostgreSQL's (a network round trip per statement) from issue #15.
const ratioTarget = databaseUrl ? 0.4 : 0.5;
console.log(`target  save req/s ≥ ${ratioTarget * 100} % of bare action  ${mark(ratio >= ratioTarget)}  (${fmt(ratio * 100, 0)} %)`);
console.log(`target  0 errors                          ${mark(phases.every((p) => errorCount(p.result) === 0))}`);
console.log(
  `info    closed-loop p95: save ${fmt(closedP95)} ms, bare action ${fmt(percentile(bare.result.latencies, 95))} ms ` +
    `(mean latency ≈ ${CLIENTS} clients ÷ req/s; under 25 ms would take well over ${fmt(CLIENTS / 0.025, 0)} req/s)`,
);
console.log(
  `check   every acknowledged save present    ${problems.length === 0 ? "PASS" : "FAIL"}  (${acked} acknowledged saves incl. warm-up on ${items.length} items; ` +
    `${auditTotal} answer.save audit rows; every item holds its last acknowledged value, note and version${ambiguous ? `; ${ambiguous} outcomes unknown` : ""})`,
);
for (const p of problems.slice(0, 20)) console.log(`        ${p}`);
if (server.errors().trim()) console.log(`server stderr:\n${server.errors().trim().slice(0, 2000)}`);
if (cpuProfDir) console.log(`server CPU profile written to ${cpuProfDir}`);
if (args.keep) console.log(`data dir kept: ${server.dataDir}`);
else fs.rmSync(server.dataDir, { recursive: true, force: true });
if (problems.length > 0) process.exitCode = 1;
