/**
 * Starts the real production server (`cermin serve` on `build/`) for one end-to-end test file:
 * a fresh DATA_DIR with the demo seeded, a free loopback port, and a stop() that kills it.
 */
import SQLite from "better-sqlite3";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const CLI = path.join(ROOT, "bin", "cermin.js");
export const RESULTS_DIR = path.join(ROOT, "test-results");

export interface DemoLogin {
  role: string;
  email: string;
  password: string;
  scope: string;
}

export interface TestServer {
  baseUrl: string;
  dataDir: string;
  /** The `cermin serve` process (with several workers: the cluster's primary). */
  pid: number;
  logins: DemoLogin[];
  /** Everything the server printed so far (stdout and stderr), for failure messages. */
  output(): string;
  /** What the server wrote to stderr: the app logs errors there, so tests can require it empty. */
  errors(): string;
  stop(): Promise<void>;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment for a child process bound to one DATA_DIR and SQLite, whatever the caller's shell has set. */
export function cliEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // Nothing inherited picks the database or the secret; `extra` may (e.g. a benchmark on PostgreSQL).
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, NODE_ENV: "production" };
  delete env.DATABASE_URL;
  delete env.SESSION_SECRET;
  delete env.VITEST;
  delete env.VITEST_POOL_ID;
  delete env.VITEST_WORKER_ID;
  delete env.NODE_OPTIONS;
  return { ...env, ...extra };
}

/** Runs `node bin/cermin.js …` to completion. */
export function runCli(args: string[], dataDir: string, extraEnv: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: cliEnv(dataDir, extraEnv), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Builds once when `npm test` did not (e.g. `vitest run --project e2e` on a fresh checkout). */
export function ensureBuild(): void {
  if (fs.existsSync(path.join(ROOT, "build", "server", "index.js"))) return;
  const bin = path.join(ROOT, "node_modules", ".bin", "remix");
  const r = spawnSync(bin, ["vite:build"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  if (r.status !== 0) throw new Error(`remix vite:build failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Parses demo-logins.txt: `role  email  password   (scope)` per line after the header. */
export function parseDemoLogins(text: string): DemoLogin[] {
  const out: DemoLogin[] = [];
  for (const line of text.split("\n")) {
    const m = /^(\w+)\s+(\S+@\S+)\s+(\S+)\s+\((.*)\)\s*$/.exec(line);
    if (m) out.push({ role: m[1]!, email: m[2]!, password: m[3]!, scope: m[4]! });
  }
  return out;
}

/** The demo login for a role; `emailPart` picks between the two org admins (e.g. "kabdemo"). */
export function loginFor(logins: DemoLogin[], role: string, emailPart?: string): DemoLogin {
  const found = logins.find((l) => l.role === role && (!emailPart || l.email.includes(emailPart)));
  if (!found) throw new Error(`no demo login for ${role}${emailPart ? ` (${emailPart})` : ""} in ${logins.map((l) => l.email).join(", ")}`);
  return found;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// Process-wide, not per module: the e2e project runs every test file in one fork, and each file
// loads this module afresh (one exit listener per file would pile up).
const shared = globalThis as unknown as { __cerminTestServers?: Set<ChildProcess> };
const running = (shared.__cerminTestServers ??= new Set<ChildProcess>());
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled || process.listeners("exit").some((l) => l.name === "killTestServers")) return;
  exitHookInstalled = true;
  // Last resort when a test file crashes before its afterAll: never leave a server holding a port.
  process.on("exit", function killTestServers() {
    for (const child of running) child.kill("SIGKILL");
  });
}

/** Polls GET /healthz until it answers 200; throws when the process exits first or time runs out. */
export async function waitForHealth(baseUrl: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`cermin serve exited early (${child.exitCode ?? child.signalCode}):\n${output()}`);
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`cermin serve did not answer /healthz within ${timeoutMs} ms (${last}):\n${output()}`);
}

/** Fresh DATA_DIR → `db seed --demo` → `serve` on a free port → wait for /healthz. */
/**
 * Seeds a demo database into a fresh DATA_DIR and starts `cermin serve` on it. With `seed: false`
 * the server joins a database that is already seeded (another app server of the same installation,
 * DATABASE_URL in `env`) and reuses its logins.
 */
export async function startServer(opts: { env?: Record<string, string>; seed?: false; logins?: DemoLogin[] } = {}): Promise<TestServer> {
  ensureBuild();
  const dataDir = tempDir("cermin-e2e-");
  let logins = opts.logins ?? [];
  if (opts.seed !== false) {
    const seeded = await runCli(["db", "seed", "--demo"], dataDir, opts.env);
    if (seeded.code !== 0) throw new Error(`cermin db seed --demo failed (exit ${seeded.code}):\n${seeded.stdout}\n${seeded.stderr}`);
    logins = parseDemoLogins(fs.readFileSync(path.join(dataDir, "demo-logins.txt"), "utf8"));
    if (logins.length < 7) throw new Error(`expected 7 demo logins, parsed ${logins.length}:\n${seeded.stdout}`);
  }

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  installExitHook();
  // `node bin/cermin.js` directly (not npx) so the pid we hold is the server itself.
  const child = spawn(process.execPath, [CLI, "serve"], {
    cwd: ROOT,
    env: cliEnv(dataDir, { PORT: String(port), HOST: "127.0.0.1", ...opts.env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr!.on("data", (b: Buffer) => {
    out += b.toString();
    err += b.toString();
  });
  const output = () => out;
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  child.on("exit", () => running.delete(child));

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await waitForHealth(baseUrl, child, output, 30_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { baseUrl, dataDir, pid: child.pid!, logins, output, errors: () => err, stop };
}

/** Runs `fn` on a read-only connection to a test server's SQLite database (what a browser test checks against). */
export function withServerDb<T>(server: Pick<TestServer, "dataDir">, fn: (db: SQLite.Database) => T): T {
  const db = new SQLite(path.join(server.dataDir, "cermin.db"), { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
