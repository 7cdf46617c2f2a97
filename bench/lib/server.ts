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

export interface BenchServer {
  baseUrl: string;
  dataDir: string;
  /** Where the benchmark reads the database afterwards: `sqlite:<file>` or the postgres:// URL. */
  dbUrl: string;
  pid: number;
  logins: DemoLogin[];
  /** Server stderr so far (the app logs errors there). */
  errors(): string;
  /** SIGTERM (graceful: profiles get written), SIGKILL after 10 s. Leaves DATA_DIR in place. */
  stop(): Promise<void>;
}

/** `databaseUrl`: a postgres:// URL (an empty database) instead of SQLite in DATA_DIR. */
export async function startBenchServer(opts: { nodeArgs?: string[]; databaseUrl?: string; workers?: number } = {}): Promise<BenchServer> {
  const dataDir = tempDir("cermin-bench-");
  const dbEnv: Record<string, string> = opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {};
  const seeded = await runCli(["db", "seed", "--demo"], dataDir, dbEnv);
  if (seeded.code !== 0) throw new Error(`cermin db seed --demo failed (exit ${seeded.code}):\n${seeded.stdout}\n${seeded.stderr}`);
  const logins = parseDemoLogins(fs.readFileSync(path.join(dataDir, "demo-logins.txt"), "utf8"));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), CLI, "serve"], {
    cwd: ROOT,
    env: cliEnv(dataDir, { PORT: String(port), HOST: "127.0.0.1", ...dbEnv, ...(opts.workers ? { CERMIN_WORKERS: String(opts.workers) } : {}) }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const kill = () => child.kill("SIGKILL");
  process.on("exit", kill);
  let out = "";
  let err = "";
  child.stdout.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr.on("data", (b: Buffer) => ((out += b.toString()), (err += b.toString())));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(kill, 10_000);
      await exited;
      clearTimeout(timer);
    }
    process.off("exit", kill);
  };
  try {
    await waitForHealth(baseUrl, child, () => out, 30_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { baseUrl, dataDir, dbUrl: opts.databaseUrl ?? `sqlite:${path.join(dataDir, "cermin.db")}`, pid: child.pid!, logins, errors: () => err, stop };
}
