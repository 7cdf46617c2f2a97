import { spawnSync } from "node:child_process";
import cluster from "node:cluster";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { dataDir, resolveDbTarget } from "#db/client.server";
import { getSessionSecret } from "~/auth/secret.server";
import { seedDemoIfEmpty } from "./db-commands";
import type { CliIo } from "./io";
import { createServer } from "./server";
import { getDb } from "~/db.server";
import { startNotificationWorker } from "~/services/notifications/worker.server";

const ROOT = process.env.CERMIN_ROOT ?? process.cwd();
const BUILD_DIR = path.join(ROOT, "build");
const SOURCES = ["app", "db", "vite.config.ts", "package.json"];

function newestMtime(p: string): number {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/** The production build under `root`: missing, older than a source file, or fresh. */
export function buildState(root = ROOT): "missing" | "stale" | "fresh" {
  const built = fs.statSync(path.join(root, "build", "server", "index.js"), { throwIfNoEntry: false });
  if (!built) return "missing";
  return SOURCES.some((s) => newestMtime(path.join(root, s)) > built.mtimeMs) ? "stale" : "fresh";
}

/** True when there is no production build or a source file is newer than it. */
export function buildIsStale(): boolean {
  return buildState() !== "fresh";
}

export function runBuild(io: CliIo): void {
  io.out("Building the app (remix vite:build)…");
  const bin = path.join(ROOT, "node_modules", ".bin", "remix");
  const r = spawnSync(bin, ["vite:build"], { stdio: ["ignore", "ignore", "inherit"], env: process.env });
  if (r.status !== 0) throw new Error(`build failed (exit ${r.status})`);
}

/** Most server processes started without an explicit count: each holds a database connection and the app. */
export const DEFAULT_MAX_WORKERS = 4;

/**
 * How many server processes to run: `CERMIN_WORKERS` (or `WEB_CONCURRENCY`), else one per CPU up to
 * DEFAULT_MAX_WORKERS. A request is handled on one JavaScript thread (and better-sqlite3 runs its
 * queries there), so one process uses one core; several processes share the port and the database.
 * An in-memory SQLite database exists only inside one process, so it gets one.
 */
export function workerCount(env: Record<string, string | undefined> = process.env, cpus = os.availableParallelism()): number {
  const target = resolveDbTarget(env.DATABASE_URL);
  const inMemory = target.kind === "sqlite" && target.file === ":memory:";
  const name = env.CERMIN_WORKERS ? "CERMIN_WORKERS" : "WEB_CONCURRENCY";
  const raw = (env.CERMIN_WORKERS || env.WEB_CONCURRENCY || "").trim();
  if (!raw) return inMemory ? 1 : Math.max(1, Math.min(cpus, DEFAULT_MAX_WORKERS));
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`${name} must be a whole number from 1 to 64 (got "${raw}")`);
  if (n > 1 && inMemory) throw new Error(`${name}=${n}: an in-memory SQLite database cannot be shared by several processes; use 1`);
  return n;
}

/** `npm start`: build if needed, migrate, seed the demo into an empty database, serve. */
export async function start(io: CliIo, { build = true, seed = true } = {}): Promise<number> {
  // A cluster worker runs this same command: it only serves (the primary built and seeded).
  if (cluster.isWorker) return serve();
  const started = Date.now();
  process.env.SESSION_SECRET ||= getSessionSecret();
  const workers = workerCount();
  if (build && buildIsStale()) runBuild(io);
  if (seed) await seedDemoIfEmpty(io);
  const { port, host } = listenAddress();
  const ready = () => {
    const shown = host === "0.0.0.0" || host === "127.0.0.1" ? "localhost" : host;
    const target = resolveDbTarget();
    const procs = workers === 1 ? "1 process" : `${workers} worker processes`;
    io.out(`Cermin is running at http://${shown}:${port} (${procs}, ready in ${Date.now() - started} ms)`);
    io.out(`Database: ${target.kind === "sqlite" ? target.file : "PostgreSQL (DATABASE_URL)"}`);
    const logins = path.join(dataDir(), "demo-logins.txt");
    if (fs.existsSync(logins)) io.out(`Demo logins: ${logins}`);
  };
  return workers > 1 ? runCluster(io, workers, ready) : serve(ready);
}

const listenAddress = () => ({ port: Number(process.env.PORT || 3000), host: process.env.HOST || "127.0.0.1" });

/**
 * The HTTP server of this process, on PORT/HOST; SIGINT/SIGTERM close it after the open requests. In
 * a cluster worker the primary shares the listening socket, and a worker whose primary is gone exits.
 */
async function serve(onListening?: () => void): Promise<number> {
  const app = await createServer({ buildDir: BUILD_DIR });
  const { port, host } = listenAddress();
  const server = app.listen(port, host, onListening);
  // Every server process drains the mail outbox and runs the daily jobs; claims keep them from doubling up.
  const notifications = startNotificationWorker(getDb());
  const stop = () => {
    notifications.stop();
    server.close(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  if (cluster.isWorker) process.once("disconnect", () => process.exit(0));
  return new Promise<number>((resolve) => server.on("close", () => resolve(0)));
}

/** A worker that dies is replaced; this many deaths within CRASH_WINDOW_MS means something is broken. */
const CRASH_LIMIT = 5;
const CRASH_WINDOW_MS = 60_000;

/**
 * The primary process: forks the workers, replaces one that dies, and on SIGINT/SIGTERM stops them
 * all (each finishes its open requests) before exiting.
 */
function runCluster(io: CliIo, workers: number, ready: () => void): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    let listening = 0;
    const crashes: number[] = [];
    const stopAll = (code: number) => {
      if (stopping) return;
      stopping = true;
      const alive = Object.values(cluster.workers ?? {}).filter((w) => w && !w.isDead());
      if (alive.length === 0) return resolve(code);
      let left = alive.length;
      for (const w of alive) {
        w!.once("exit", () => --left === 0 && resolve(code));
        w!.process.kill("SIGTERM");
      }
    };
    cluster.on("listening", () => {
      if (++listening === workers) ready();
    });
    cluster.on("exit", (worker, code, signal) => {
      if (stopping) return;
      const now = Date.now();
      crashes.push(now);
      while (crashes.length && crashes[0]! < now - CRASH_WINDOW_MS) crashes.shift();
      io.err(`Server worker ${worker.process.pid} stopped (${signal ?? `exit code ${code}`}).`);
      if (crashes.length >= CRASH_LIMIT) {
        io.err(`${crashes.length} worker stops within ${CRASH_WINDOW_MS / 1000} s: shutting down.`);
        stopAll(1);
        return;
      }
      io.err("Starting a new worker.");
      cluster.fork();
    });
    process.once("SIGINT", () => stopAll(0));
    process.once("SIGTERM", () => stopAll(0));
    for (let i = 0; i < workers; i++) cluster.fork();
  });
}
