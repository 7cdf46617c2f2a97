/** The scenarios of `npm run bench:reliability` (bench/reliability.ts): each returns one row of the report. */
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { isMessageKey } from "~/i18n";
import { runCli, tempDir } from "../../tests/helpers/server";
import { pdf } from "../../tests/fixtures/evidence/files";
import { percentile, runPhase } from "./load";
import {
  ackedSoFar,
  bump,
  checkSaves,
  countsText,
  createPgDatabase,
  dropPgDatabase,
  evidenceDir,
  fmtMs,
  HANG_MS,
  healthy,
  integrity,
  listDir,
  liveWorkers,
  logIn,
  median,
  sleep,
  tableChecksums,
  waitFor,
  withDb,
  type Counts,
  type Installation,
  type SaveCheck,
  type Savers,
} from "./reliability-env";
import { buildRoutes, fuzzRequest, personaName, realIds, rng, send } from "./reliability-fuzz";
import { pgCluster, pgRestore, terminateBackends } from "./reliability-pg";
import { startBenchServer } from "./server";

export interface Row {
  scenario: string;
  done: string;
  figures: string;
  verdict: "OK" | "FAIL" | "n/a" | "skipped";
  problems: string[];
}

export interface Ctx {
  inst: Installation;
  savers: Savers;
  short: boolean;
  /** PostgreSQL: the URL of the server's maintenance database (new databases are made there). */
  pgAdminUrl?: string;
  seed: number;
  allowSkip: boolean;
  /** Paced scenarios: every client starts one save per this many ms. */
  paceMs: number;
  /** Databases and directories to remove at the end. */
  cleanup: (() => Promise<void>)[];
  log(line: string): void;
}

const dbEnv = (ctx: Ctx): Record<string, string> => (ctx.inst.dialect === "postgres" ? { DATABASE_URL: ctx.inst.dbUrl } : {});
const pct = (n: number) => (Number.isFinite(n) ? `${Math.round(n)} ms` : "–");
const saveFigures = (c: SaveCheck) =>
  `${c.acked.toLocaleString("en")} acknowledged saves (all so far), ${c.lost} lost; ${c.itemsOk}/${c.items} items hold their last acknowledged value; ` +
  `${c.auditRows.toLocaleString("en")} answer.save audit rows${c.torn ? `; ${c.torn} items with torn writes` : ""}`;
const saveProblems = (c: SaveCheck) => [...(c.lost || c.torn || c.itemsOk < c.items ? c.problems : []).slice(0, 8)];
const savesOk = (c: SaveCheck) => c.lost === 0 && c.torn === 0 && c.itemsOk === c.items && c.problems.length === 0;

/** Statuses a client may see while something fails: refusals and cut connections (no reply: not acknowledged), 409, 503. */
const CONNECTION_ERRORS = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "socket hang up", "ECONNABORTED"]);
function unexpected(statuses: Counts, allowed: (s: string) => boolean): string[] {
  return [...statuses].filter(([s]) => !allowed(s)).map(([s, n]) => `${s} ×${n}`);
}
const workerStops = (stderr: string) => (stderr.match(/Server worker \d+ stopped/g) ?? []).length;

// ── 1. load ────────────────────────────────────────────────────────────────────────────────────

export async function loadScenario(ctx: Ctx): Promise<Row> {
  const { inst, savers } = ctx;
  const clients = inst.items.length;
  const seconds = ctx.short ? 5 : 60;
  savers.reset();
  const stopsBefore = workerStops(inst.stderr());
  const result = await runPhase(clients, 0, seconds, 1e9, async (c) => ((await savers.save(c)) === "200" ? "ok" : "error"));
  const check = await checkSaves(inst);
  const integ = await integrity(inst.dialect, inst.dbUrl);
  const errors = unexpected(savers.statuses, (s) => s === "200");
  const stops = workerStops(inst.stderr()) - stopsBefore;
  const ok = errors.length === 0 && savesOk(check) && integ.ok && stops === 0;
  const p = (q: number) => pct(percentile(result.latencies, q));
  return {
    scenario: "load",
    done: `${clients} clients (own session, keep-alive connection and item each) saving in a closed loop for ${seconds} s; ${inst.workers} server workers`,
    figures:
      `${result.requests.toLocaleString("en")} saves (${Math.round(result.requests / result.seconds)}/s), errors ${errors.length ? errors.join(", ") : "0"}; ` +
      `p50 ${p(50)}, p95 ${p(95)}, p99 ${p(99)}; ${saveFigures(check)}; ${integ.detail}`,
    verdict: ok ? "OK" : "FAIL",
    problems: [...saveProblems(check), ...(stops ? [`${stops} worker stops`] : [])],
  };
}

// ── 2. crash ───────────────────────────────────────────────────────────────────────────────────

/** The primary shuts down after 5 worker stops within 60 s (app/cli/start.ts): more kills than that per server lifetime need a restart. */
const KILLS_PER_PRIMARY = 4;

export async function crashScenario(ctx: Ctx): Promise<Row> {
  const { inst, savers } = ctx;
  const workerKills = ctx.short ? 3 : 20;
  const serverKills = ctx.short ? 3 : 20;
  const r = rng(ctx.seed + 2);
  savers.reset();
  const problems: string[] = [];
  const integrityFails: string[] = [];
  let lost = 0;
  let checks = 0;
  const checkNow = async (live: boolean) => {
    const upTo = ackedSoFar(inst.items);
    const integ = await integrity(inst.dialect, inst.dbUrl);
    const c = await checkSaves(inst, inst.dbUrl, live ? upTo : undefined);
    checks++;
    if (!integ.ok) integrityFails.push(integ.detail);
    lost += c.lost;
    if (c.lost) problems.push(...c.problems.slice(0, 3));
  };
  const running = savers.run(ctx.paceMs);
  const forked: number[] = [];
  const ackGap: number[] = [];
  let graceful = 0;
  try {
    await sleep(1000);
    for (let i = 0; i < workerKills; i++) {
      if (i > 0 && i % KILLS_PER_PRIMARY === 0) {
        await inst.restart();
        graceful++;
      }
      // Kill one at random once both run and the younger has had time to start serving.
      await waitFor(() => liveWorkers(inst.server.pid).length === inst.workers, 10_000);
      await sleep(1500 + r.int(1000));
      const workers = liveWorkers(inst.server.pid);
      const victim = workers[r.int(workers.length)]!;
      const t = performance.now();
      process.kill(victim, "SIGKILL");
      // The replacement: a new live worker process (its start-up, loading the build, follows).
      const back = await waitFor(
        () => {
          const now = liveWorkers(inst.server.pid);
          return !now.includes(victim) && now.length === inst.workers;
        },
        10_000,
        5,
      );
      if (back === null) problems.push(`worker ${victim} was not replaced within 10 s`);
      else forked.push(back);
      await sleep(300);
      const gap = savers.firstAckAfter(t);
      if (gap !== null) ackGap.push(gap);
      await checkNow(true);
    }
    const backTimes: number[] = [];
    for (let i = 0; i < serverKills; i++) {
      await sleep(800 + r.int(1200));
      backTimes.push(await inst.crashAndRestart(() => checkNow(true)));
    }
    await sleep(1000);
    await running.stop();
    const final = await checkSaves(inst);
    const integ = await integrity(inst.dialect, inst.dbUrl);
    if (!integ.ok) integrityFails.push(integ.detail);
    const bad = unexpected(savers.statuses, (s) => s === "200" || s === "409" || s === "503" || CONNECTION_ERRORS.has(s));
    const ok =
      lost === 0 &&
      integrityFails.length === 0 &&
      savesOk(final) &&
      bad.length === 0 &&
      problems.length === 0 &&
      backTimes.length === serverKills;
    return {
      scenario: "crash",
      done:
        `kill -9 of one server worker ×${workerKills} (the primary forks a new one; a graceful restart after every ${KILLS_PER_PRIMARY} kills, ×${graceful}, ` +
        `to stay under its crash-loop guard), then kill -9 of the whole server (primary and workers at once) and restart ×${serverKills}; ` +
        `${inst.items.length} clients saving every ${ctx.paceMs} ms throughout`,
      figures:
        `integrity OK ${checks + 1 - integrityFails.length}/${checks + 1} checks (${integ.detail}); acknowledged saves lost: ${lost} (checked after every kill); ` +
        `replacement worker forked after median ${fmtMs(median(forked))} / max ${fmtMs(Math.max(...forked))}, saves went on meanwhile (next acknowledged save median ${fmtMs(median(ackGap))} / max ${fmtMs(Math.max(...ackGap))}); ` +
        `whole server back (kill → /healthz 200) median ${fmtMs(median(backTimes))} / max ${fmtMs(Math.max(...backTimes))}; ` +
        `replies: ${countsText(savers.statuses)}; final: ${saveFigures(final)}`,
      verdict: ok ? "OK" : "FAIL",
      problems: [...problems, ...integrityFails, ...saveProblems(final), ...(bad.length ? [`unexpected replies: ${bad.join(", ")}`] : [])],
    };
  } finally {
    await running.stop();
  }
}

// ── 3. database faults (PostgreSQL) ──────────────────────────────────────────────────────────────

export async function dbFaultScenario(ctx: Ctx): Promise<Row> {
  const { inst, savers } = ctx;
  if (inst.dialect !== "postgres")
    return {
      scenario: "database faults",
      done: "PostgreSQL restart, pg_terminate_backend",
      figures: "n/a (SQLite)",
      verdict: "n/a",
      problems: [],
    };
  const terminations = ctx.short ? 3 : 10;
  const cluster = pgCluster();
  savers.reset();
  const stopsBefore = workerStops(inst.stderr());
  const problems: string[] = [];
  const running = savers.run(ctx.paceMs);
  let restartFigure = "";
  let skippedRestart = false;
  const recover: number[] = [];
  try {
    await sleep(1500);
    if (cluster) {
      const t = performance.now();
      const res = await cluster.restart();
      const restarted = performance.now();
      if (res.code !== 0) problems.push(`pg_ctl restart failed (exit ${res.code}): ${res.output.trim().slice(0, 300)}`);
      await waitFor(() => savers.firstAckAfter(restarted) !== null, 20_000);
      const back = savers.firstAckAfter(restarted);
      restartFigure = `restart took ${fmtMs(restarted - t)}, first acknowledged save ${fmtMs(back === null ? null : restarted - t + back)} after it began`;
      if (back === null) problems.push("no acknowledged save within 20 s of the restart");
    } else {
      skippedRestart = true;
      restartFigure = "restart skipped: TEST_PG_DATA/TEST_PG_BIN not set (run under .ci/pg.sh)";
    }
    let terminated = 0;
    for (let i = 0; i < terminations; i++) {
      await sleep(1000);
      const t = performance.now();
      terminated += await terminateBackends(inst.dbUrl);
      await waitFor(() => savers.firstAckAfter(t) !== null, 20_000);
      const back = savers.firstAckAfter(t);
      if (back === null) problems.push(`no acknowledged save within 20 s of termination ${i + 1}`);
      else recover.push(back);
    }
    await sleep(1500);
    await running.stop();
    const check = await checkSaves(inst);
    const integ = await integrity(inst.dialect, inst.dbUrl);
    const bad = unexpected(savers.statuses, (s) => s === "200" || s === "409" || s === "503");
    const stops = workerStops(inst.stderr()) - stopsBefore;
    if (stops) problems.push(`${stops} server workers stopped`);
    const ok = problems.length === 0 && bad.length === 0 && savesOk(check) && integ.ok && (!skippedRestart || ctx.allowSkip);
    return {
      scenario: "database faults",
      done:
        `${cluster ? "pg_ctl restart -m fast of the cluster" : "(no restart)"}, then pg_terminate_backend of every connection of the database ×${terminations} ` +
        `(${terminated} backends in all); ${inst.items.length} clients saving every ${ctx.paceMs} ms`,
      figures:
        `${restartFigure}; after a termination the next acknowledged save came in median ${fmtMs(median(recover))} / max ${fmtMs(Math.max(...recover))}; ` +
        `replies: ${countsText(savers.statuses)} (allowed: 200/409/503 with Retry-After; any 500, cut connection or reply slower than ${HANG_MS / 1000} s fails)` +
        `${bad.length ? `; unexpected: ${bad.join(", ")}` : ""}; ${saveFigures(check)}; ${integ.detail}`,
      verdict: ok ? "OK" : "FAIL",
      problems: [...problems, ...saveProblems(check)],
    };
  } finally {
    await running.stop();
  }
}

// ── 4. backup while serving ────────────────────────────────────────────────────────────────────

/** The backup file restored into a fresh database; its URL. */
async function restore(ctx: Ctx, file: string): Promise<{ url: string; dataDir: string }> {
  const dataDir = tempDir("cermin-restored-");
  ctx.cleanup.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
  fs.copyFileSync(path.join(ctx.inst.dataDir, "demo-logins.txt"), path.join(dataDir, "demo-logins.txt"));
  if (ctx.inst.dialect === "sqlite") {
    // Restoring a SQLite backup is copying the file into place (with the server stopped).
    fs.copyFileSync(file, path.join(dataDir, "cermin.db"));
    return { url: `sqlite:${path.join(dataDir, "cermin.db")}`, dataDir };
  }
  const db = await createPgDatabase(ctx.pgAdminUrl!, "cermin_restored");
  ctx.cleanup.push(() => dropPgDatabase(ctx.pgAdminUrl!, db.name));
  const res = await pgRestore(file, db.url);
  if (res.code !== 0) throw new Error(`pg_restore failed (exit ${res.code}): ${res.output.trim().slice(0, 500)}`);
  return { url: db.url, dataDir };
}

export async function backupScenario(ctx: Ctx): Promise<Row> {
  const { inst, savers } = ctx;
  const dir = tempDir("cermin-backups-");
  ctx.cleanup.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  const ext = inst.dialect === "sqlite" ? "db" : "dump";
  const problems: string[] = [];
  savers.reset();

  // A: under load — writers (the autosave clients) and readers (assessment pages).
  const running = savers.run(ctx.paceMs);
  let reads = 0;
  let readErrors = 0;
  let reading = true;
  const readers = Array.from({ length: 4 }, async (_, i) => {
    while (reading) {
      const s = inst.items[i % inst.items.length]!;
      const res = await fetch(`${inst.server.baseUrl}/assessments/${s.assessmentId}`, {
        headers: { Cookie: inst.cookies[i % inst.cookies.length]! },
      }).catch(() => null);
      await res?.arrayBuffer();
      reads++;
      if (!res || res.status !== 200) readErrors++;
    }
  });
  await sleep(1500);
  const mustHave = ackedSoFar(inst.items);
  const fileA = path.join(dir, `under-load.${ext}`);
  const t = performance.now();
  const a = await runCli(["backup", fileA], inst.dataDir, dbEnv(ctx));
  const backupMs = performance.now() - t;
  await sleep(500);
  reading = false;
  await Promise.all(readers);
  await running.stop();
  if (a.code !== 0) problems.push(`backup under load failed (exit ${a.code}): ${(a.stderr || a.stdout).trim().slice(0, 300)}`);
  const savesDuring = savers.statuses.get("200") ?? 0;
  let figuresA = "";
  let okA = false;
  if (a.code === 0) {
    const restoredA = await restore(ctx, fileA);
    const integ = await integrity(inst.dialect, restoredA.url);
    const c = await checkSaves(inst, restoredA.url, mustHave);
    okA = integ.ok && c.lost === 0 && c.torn === 0;
    figuresA =
      `A (under load: ${savesDuring.toLocaleString("en")} saves and ${reads} page reads${readErrors ? `, ${readErrors} failed` : ""} around it; backup ${fmtMs(backupMs)}, ${fs.statSync(fileA).size.toLocaleString("en")} bytes): ` +
      `restored copy ${integ.detail}; all ${c.acked.toLocaleString("en")} saves acknowledged before the backup started are in it (${c.lost} missing); ` +
      `every item's version steps match its audit rows (${c.torn} torn: a copy that was not one snapshot would show some)`;
    if (!okA) problems.push(...c.problems.slice(0, 5));
  }
  if (readErrors) problems.push(`${readErrors} page reads failed during the backup`);

  // B: writers and readers paused — the copy must equal the source, table by table.
  const before = await tableChecksums(inst.dbUrl, inst.dialect);
  const fileB = path.join(dir, `paused.${ext}`);
  const b = await runCli(["backup", fileB], inst.dataDir, dbEnv(ctx));
  const after = await tableChecksums(inst.dbUrl, inst.dialect);
  let figuresB = "";
  let okB = false;
  if (b.code !== 0) problems.push(`paused backup failed (exit ${b.code}): ${(b.stderr || b.stdout).trim().slice(0, 300)}`);
  else {
    const moved = [...before].filter(([k, v]) => after.get(k)?.sha !== v.sha).map(([k]) => k);
    const restoredB = await restore(ctx, fileB);
    const copy = await tableChecksums(restoredB.url, inst.dialect);
    const differ = [...after].filter(([k, v]) => copy.get(k)?.sha !== v.sha || copy.get(k)?.rows !== v.rows).map(([k]) => k);
    const extra = [...copy.keys()].filter((k) => !after.has(k));
    const rows = [...after.values()].reduce((n, v) => n + v.rows, 0);
    // The restored copy serves: a fresh server on it, a log-in and the assessment page.
    let serves = "not checked";
    const srv = await startBenchServer({
      dataDir: restoredB.dataDir,
      seed: false,
      databaseUrl: inst.dialect === "postgres" ? restoredB.url : undefined,
      workers: 1,
      root: inst.root,
    });
    try {
      const { Client } = await import("./load");
      const client = new Client(new URL(srv.baseUrl), 1);
      const cookie = await logIn(client, srv.logins.find((l) => l.role === "assessor")!);
      client.close();
      const page = cookie
        ? await fetch(`${srv.baseUrl}/assessments/${inst.items[0]!.assessmentId}`, { headers: { Cookie: cookie } })
        : null;
      serves =
        cookie && page?.status === 200
          ? "serves (log-in and the assessment page: 200)"
          : `does not serve (log-in ${cookie ? "ok" : "refused"}, page ${page?.status})`;
      if (!(cookie && page?.status === 200)) problems.push(`the restored copy ${serves}`);
    } finally {
      await srv.stop();
    }
    okB = moved.length === 0 && differ.length === 0 && extra.length === 0 && serves.startsWith("serves");
    figuresB =
      `B (writers and readers paused): ${after.size} tables, ${rows.toLocaleString("en")} rows — restored copy equal in row count and SHA-256 of its content for ${after.size - differ.length}/${after.size} tables` +
      `${differ.length ? ` (differ: ${differ.join(", ")})` : ""}${moved.length ? `; source changed during the backup: ${moved.join(", ")}` : ""}; the restored copy ${serves}`;
    if (moved.length || differ.length) problems.push(`tables differing: ${[...differ, ...moved].join(", ")}`);
  }
  const how =
    inst.dialect === "sqlite"
      ? "`cermin backup` (VACUUM INTO), restored by copying the file"
      : "`cermin backup` (pg_dump --format=custom), restored with pg_restore into a new database";
  return {
    scenario: "backup",
    done: `${how}: A while ${inst.items.length} clients save every ${ctx.paceMs} ms and 4 readers load pages; B with the load paused`,
    figures: [figuresA, figuresB].filter(Boolean).join("; "),
    verdict: okA && okB && problems.length === 0 ? "OK" : "FAIL",
    problems,
  };
}

// ── 5. disk full for evidence ────────────────────────────────────────────────────────────────────

function mountTmpfs(dir: string, size: string): string | null {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0750`, "tmpfs", dir], { stdio: ["ignore", "pipe", "pipe"] });
    return null;
  } catch (e) {
    return ((e as { stderr?: Buffer }).stderr?.toString() || (e as Error).message).trim();
  }
}

export async function diskFullScenario(ctx: Ctx): Promise<Row> {
  const { inst, savers } = ctx;
  const dir = evidenceDir(inst);
  fs.mkdirSync(dir, { recursive: true });
  const failure = mountTmpfs(dir, "2m");
  if (failure) {
    return {
      scenario: "disk full",
      done: "uploads to DATA_DIR/evidence on a 2 MiB tmpfs",
      figures: `skipped: cannot mount tmpfs (needs root): ${failure}`,
      verdict: ctx.allowSkip ? "skipped" : "FAIL",
      problems: [],
    };
  }
  const problems: string[] = [];
  const keep = tempDir("cermin-evidence-keep-");
  savers.reset();
  try {
    const target = inst.items[0]!;
    const cookie = inst.cookies[0]!;
    const started = new Date(Date.now() - 1000).toISOString();
    const running = savers.run(ctx.paceMs);
    const statuses: Counts = new Map();
    /** Outcome per upload: "200 stored", "507 evidence.storageFull", "200 refused: …" (a refusal with a success status), or the network error. */
    const upload = async (bytes: Uint8Array, name: string) => {
      const form = new FormData();
      form.set("intent", "upload");
      form.set("itemId", target.itemId);
      form.append("file", new File([new Uint8Array(bytes)], name, { type: "application/pdf" }));
      // Serialised by fetch's own multipart encoder, sent over a fresh connection (no keep-alive reuse to blame).
      const encoded = new Response(form);
      const body = Buffer.from(await encoded.arrayBuffer());
      let outcome: string;
      try {
        const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
          const url = new URL(`${inst.server.baseUrl}/assessments/${target.assessmentId}/evidence`);
          const req = http.request(
            {
              host: url.hostname,
              port: url.port,
              path: url.pathname,
              method: "POST",
              agent: false,
              headers: {
                Cookie: cookie,
                Accept: "application/json",
                Origin: url.origin,
                "Content-Type": encoded.headers.get("content-type")!,
                "Content-Length": String(body.length),
              },
            },
            (r) => {
              let text = "";
              r.setEncoding("utf8");
              r.on("data", (c: string) => (text += c));
              r.on("end", () => resolve({ status: r.statusCode ?? 0, text }));
              r.on("error", reject);
            },
          );
          req.setTimeout(HANG_MS, () => req.destroy(Object.assign(new Error("timeout"), { code: "timeout" })));
          req.on("error", reject);
          req.end(body);
        });
        let reply: { ok?: boolean; formError?: unknown } = {};
        try {
          reply = JSON.parse(res.text) as typeof reply;
        } catch {
          // plain text
        }
        const message = isMessageKey(reply.formError) ? reply.formError : JSON.stringify(res.text.slice(0, 60));
        if (res.status === 200 && reply.ok) outcome = "200 stored";
        else if (res.status < 400) outcome = `${res.status} refused (${message}) with a success status`;
        else outcome = `${res.status} ${message}`;
      } catch (e) {
        outcome = `no reply (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
      }
      bump(statuses, outcome);
    };
    // Unique ~450 KB PDFs until the 2 MiB are gone, then one larger than the whole file system.
    const files = 8;
    for (let i = 0; i < files; i++)
      await upload(pdf(`keandalan ${i} ${crypto.randomBytes(225_000).toString("hex")}`), `keandalan-${i}.pdf`);
    await upload(pdf(crypto.randomBytes(1_600_000).toString("hex")), "keandalan-besar.pdf");
    await sleep(500);
    await running.stop();

    const names = listDir(dir);
    const temps = names.filter((n) => n.startsWith(".tmp"));
    const rows = await withDb(inst.dbUrl, (db) =>
      db
        .selectFrom("evidence")
        .leftJoin("evidence_blob as b", "b.sha256", "evidence.blob_sha256")
        .select(["evidence.name", "evidence.blob_sha256 as sha", "evidence.size", "b.size as blobSize"])
        .where("evidence.assessment_id", "=", target.assessmentId)
        .where("evidence.created_at", ">=", started)
        .execute(),
    );
    const withoutFile = rows.filter((r) => !r.sha || !names.includes(r.sha) || fs.statSync(path.join(dir, r.sha)).size !== Number(r.size));
    const blobsWithoutRow = names.filter((n) => /^[0-9a-f]{64}$/.test(n) && !rows.some((r) => r.sha === n));
    const accepted = statuses.get("200 stored") ?? 0;
    const refused = [...statuses].filter(([s]) => s !== "200 stored").reduce((n, [, v]) => n + v, 0);
    // A full disk must be answered with a 4xx/507 and a message key; a 5xx, a success status or no reply at all is not that.
    const unclear = [...statuses].filter(([s]) => s !== "200 stored" && !/^(4\d\d|507) /.test(s));
    const saveBad = unexpected(savers.statuses, (s) => s === "200" || s === "409");
    if (unclear.length)
      problems.push(
        `uploads past the space: ${unclear.map(([s, n]) => `${s} ×${n}`).join(", ")} (a full disk must be a 4xx/507 with a message)`,
      );
    if (refused === 0) problems.push("the disk never filled: no upload was refused");
    if (temps.length) problems.push(`${temps.length} temporary files left: ${temps.slice(0, 3).join(", ")}`);
    if (withoutFile.length)
      problems.push(`${withoutFile.length} evidence rows without their file: ${withoutFile.map((r) => r.name).join(", ")}`);
    if (saveBad.length) problems.push(`answer saves failed meanwhile: ${saveBad.join(", ")}`);
    return {
      scenario: "disk full",
      done: `DATA_DIR/evidence on a 2 MiB tmpfs: ${files} unique ~450 KB PDF uploads and one of 3.2 MB through POST /assessments/:id/evidence, while ${inst.items.length} clients save every ${ctx.paceMs} ms`,
      figures:
        `uploads: ${countsText(statuses)}; left in the evidence dir: ${names.length} files, ${temps.length} temporary; ` +
        `${rows.length} new evidence rows, ${withoutFile.length} without their file, ${blobsWithoutRow.length} stored files without a row; ` +
        `answer saves meanwhile: ${countsText(savers.statuses)}`,
      verdict: problems.length === 0 && accepted > 0 ? "OK" : "FAIL",
      problems,
    };
  } finally {
    // Keep what was stored (the rows point at it) on the real disk after unmounting.
    for (const n of listDir(dir)) fs.copyFileSync(path.join(dir, n), path.join(keep, n));
    try {
      execFileSync("umount", [dir]);
    } catch (e) {
      problems.push(`umount failed: ${(e as Error).message}`);
    }
    for (const n of listDir(keep)) if (!n.startsWith(".tmp")) fs.copyFileSync(path.join(keep, n), path.join(dir, n));
    fs.rmSync(keep, { recursive: true, force: true });
  }
}

// ── 6. fuzz ──────────────────────────────────────────────────────────────────────────────────────

export async function fuzzScenario(ctx: Ctx): Promise<Row> {
  const { inst } = ctx;
  const total = ctx.short ? 1000 : 10_000;
  const concurrency = 6;
  const routes = await buildRoutes(inst.root);
  const ids = await withDb(inst.dbUrl, realIds);
  const base = new URL(inst.server.baseUrl);
  const loginClient = new (await import("./load")).Client(base, 2);
  const logins = inst.logins;
  const cookies: (string | null)[] = [];
  for (const l of logins) cookies.push(await logIn(loginClient, l));
  const dirty = new Set<number>();
  const r = rng(ctx.seed);
  // A fresh connection per request and no cap on sockets: a request refused before its body was sent
  // (413, 405) can leave its socket busy for a few seconds, and a capped pool would queue the next
  // requests behind it (client-side stalls, not the server's).
  const agent = new http.Agent({ keepAlive: false });
  const statuses: Counts = new Map();
  const perPersona: Counts = new Map();
  const failures: string[] = [];
  let slowest = 0;
  const slow: [number, string][] = [];
  let sent = 0;
  const stopsBefore = workerStops(inst.stderr());
  const next = async (): Promise<void> => {
    while (sent < total) {
      const i = sent++;
      if (i % 100 === 0 && dirty.size) {
        for (const p of [...dirty]) {
          dirty.delete(p);
          cookies[p] = (await logIn(loginClient, logins[p]!).catch(() => null)) ?? cookies[p]!;
        }
      }
      const req = fuzzRequest(r, routes, ids, logins.length, base.origin);
      // Huge bodies are costly to build and send: keep the 26 MB ones rare.
      if (req.body && req.body.length > 20 * 1024 * 1024 && r.chance(0.8)) req.body = req.body.subarray(0, 2 * 1024 * 1024 + 7);
      const cookie = req.persona >= 0 ? cookies[req.persona]! : null;
      const reply = await send(agent, base, req, cookie, HANG_MS);
      slowest = Math.max(slowest, reply.ms);
      slow.push([reply.ms, `${req.method} ${req.path.slice(0, 80)} (${req.body?.length ?? 0} bytes) → ${reply.status}`]);
      slow.sort((a, b) => b[0] - a[0]).splice(3);
      const status = String(reply.status);
      bump(statuses, status);
      bump(perPersona, personaName(logins, req.persona));
      if (req.method === "POST" && req.persona >= 0 && /^\/(logout|account|admin\/users)/.test(req.path)) dirty.add(req.persona);
      if (typeof reply.status === "number" ? reply.status >= 500 : status === "timeout") {
        if (failures.length < 10)
          failures.push(
            `${req.method} ${req.path.slice(0, 120)} as ${personaName(logins, req.persona)} → ${status} ${reply.body.slice(0, 160).replace(/\s+/g, " ")}`,
          );
      }
    }
  };
  const f0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, next));
  agent.destroy();
  loginClient.close();
  const server5xx = [...statuses].filter(([s]) => /^5\d\d$/.test(s) || s === "timeout").reduce((n, [, v]) => n + v, 0);
  const stops = workerStops(inst.stderr()) - stopsBefore;
  const up = await healthy(inst.server.baseUrl).catch(() => false);
  const problems = [...failures, ...(stops ? [`${stops} server workers stopped`] : []), ...(up ? [] : ["/healthz no longer answers"])];
  const actions = routes.filter((x) => x.action).length;
  return {
    scenario: "fuzz",
    done:
      `${total.toLocaleString("en")} malformed requests (seed ${ctx.seed}) over all ${routes.length} routes of the build with a loader or action (${actions} actions; random methods, fields, ` +
      `types, huge and broken bodies, bad encodings, broken multipart, wrong content types, .data requests), as anonymous and ${logins.length} demo users, ${concurrency} at a time`,
    figures:
      `statuses: ${countsText(statuses)}; 5xx: ${server5xx}; ${Math.round(total / ((performance.now() - f0) / 1000))} requests/s; slowest: ${slow.map(([ms, what]) => `${fmtMs(ms)} ${what}`).join("; ")}; ` +
      `requests per persona: ${countsText(perPersona)}`,
    verdict: server5xx === 0 && problems.length === 0 ? "OK" : "FAIL",
    problems,
  };
}
