/**
 * The production server as a benchmark target: build if missing or stale, seed the demo into a
 * fresh DATA_DIR, run `node bin/cermin.js serve` as its own process on a free loopback port.
 * Unlike tests/helpers/server.ts, stop() keeps DATA_DIR so the database can be checked afterwards.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { buildState as cliBuildState } from "~/cli/start";
import { cliEnv, freePort, parseDemoLogins, ROOT, runCli, tempDir, waitForHealth, type DemoLogin } from "../../tests/helpers/server";

const CLI = path.join(ROOT, "bin", "cermin.js");

/** Same rule as `cermin start`: no build, or a source newer than it. */
export const buildState = (): "missing" | "stale" | "fresh" => cliBuildState(ROOT);

export function build(): void {
  const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "remix"), ["vite:build"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`remix vite:build failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
}

/**
 * A private copy of the production build for a long run: `remix vite:build` elsewhere (another
 * terminal, a test run) replaces build/ in place, and a server restarted meanwhile would find it
 * missing or changed. Under node_modules/.cache, so the build's imports still resolve from the
 * project's node_modules; `content` links to the project's instruments. Serve it with `root`.
 */
export function snapshotBuild(): { root: string; remove(): void } {
  const cache = path.join(ROOT, "node_modules", ".cache");
  // A fresh `npm ci` has no node_modules/.cache yet.
  fs.mkdirSync(cache, { recursive: true });
  const root = fs.mkdtempSync(path.join(cache, "cermin-build-"));
  fs.cpSync(path.join(ROOT, "build"), path.join(root, "build"), { recursive: true });
  fs.symlinkSync(path.join(ROOT, "content"), path.join(root, "content"));
  return { root, remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}

export interface BenchServer {
  baseUrl: string;
  port: number;
  dataDir: string;
  /** Where the benchmark reads the database afterwards: `sqlite:<file>` or the postgres:// URL. */
  dbUrl: string;
  /** The `cermin serve` process (with several workers: the cluster's primary). */
  pid: number;
  logins: DemoLogin[];
  /** Server stderr so far (the app logs errors there). */
  errors(): string;
  /** SIGTERM (graceful: profiles get written), SIGKILL after 10 s. Leaves DATA_DIR in place. */
  stop(): Promise<void>;
  /** Sends `signal` (default SIGKILL: the whole server at once, as a crash) and waits until the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface BenchServerOptions {
  nodeArgs?: string[];
  /** A postgres:// URL (an empty database, or with `seed: false` one already seeded) instead of SQLite in DATA_DIR. */
  databaseUrl?: string;
  workers?: number;
  /** Serve this DATA_DIR (default: a fresh temporary one). */
  dataDir?: string;
  /** `false`: the database is seeded already (a restart); the logins come from DATA_DIR/demo-logins.txt. */
  seed?: boolean;
  /** Listen here (default: a free port); a restart keeps its port so clients reconnect to the same address. */
  port?: number;
  /** More environment for the server process. */
  env?: Record<string, string>;
  /** Serve the build (and content) under this directory (CERMIN_ROOT; see snapshotBuild) instead of the project's. */
  root?: string;
}

/** Seeds the demo (unless `seed: false`) and runs `node bin/cermin.js serve` until /healthz answers. */
export async function startBenchServer(opts: BenchServerOptions = {}): Promise<BenchServer> {
  const dataDir = opts.dataDir ?? tempDir("cermin-bench-");
  const dbEnv: Record<string, string> = opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {};
  if (opts.seed !== false) {
    const seeded = await runCli(["db", "seed", "--demo"], dataDir, dbEnv);
    if (seeded.code !== 0) throw new Error(`cermin db seed --demo failed (exit ${seeded.code}):\n${seeded.stdout}\n${seeded.stderr}`);
  }
  const loginsFile = path.join(dataDir, "demo-logins.txt");
  const logins = fs.existsSync(loginsFile) ? parseDemoLogins(fs.readFileSync(loginsFile, "utf8")) : [];
  const port = opts.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), CLI, "serve"], {
    cwd: ROOT,
    env: cliEnv(dataDir, {
      PORT: String(port),
      HOST: "127.0.0.1",
      ...dbEnv,
      ...(opts.workers ? { CERMIN_WORKERS: String(opts.workers) } : {}),
      ...(opts.root ? { CERMIN_ROOT: opts.root } : {}),
      ...opts.env,
    }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const killHard = () => child.kill("SIGKILL");
  process.on("exit", killHard);
  let out = "";
  let err = "";
  child.stdout.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr.on("data", (b: Buffer) => ((out += b.toString()), (err += b.toString())));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (running()) {
      child.kill("SIGTERM");
      const timer = setTimeout(killHard, 10_000);
      await exited;
      clearTimeout(timer);
    }
    process.off("exit", killHard);
  };
  const kill = async (signal: NodeJS.Signals = "SIGKILL") => {
    if (running()) child.kill(signal);
    await exited;
    process.off("exit", killHard);
  };
  try {
    await waitForHealth(baseUrl, child, () => out, 30_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    baseUrl,
    port,
    dataDir,
    dbUrl: opts.databaseUrl ?? `sqlite:${path.join(dataDir, "cermin.db")}`,
    pid: child.pid!,
    logins,
    errors: () => err,
    stop,
    kill,
  };
}
