/** PostgreSQL faults for the reliability harness: restarting the cluster, dropping connections, restoring a dump. */
import { spawn } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { findPgTool } from "~/cli/db-commands";

export interface CommandResult {
  code: number | null;
  output: string;
}

export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (b: Buffer) => (output += b.toString()));
    child.stderr.on("data", (b: Buffer) => (output += b.toString()));
    child.on("error", (e) => resolve({ code: null, output: e.message }));
    child.on("close", (code) => resolve({ code, output }));
  });
}

/**
 * The cluster behind TEST_DATABASE_URL when .ci/pg.sh started it (TEST_PG_DATA, TEST_PG_BIN); as root
 * pg_ctl runs as the cluster's owner (TEST_PG_USER, postgres). null elsewhere: a server the harness
 * does not own is not restarted.
 */
export function pgCluster(env: NodeJS.ProcessEnv = process.env): { restart(): Promise<CommandResult>; describe: string } | null {
  const data = env.TEST_PG_DATA;
  const bin = env.TEST_PG_BIN;
  if (!data || !bin) return null;
  const asOwner = process.getuid?.() === 0 ? ["runuser", "-u", env.TEST_PG_USER || "postgres", "--"] : [];
  const pgCtl = `${bin}/pg_ctl`;
  return {
    describe: `pg_ctl -D ${data} restart -m fast`,
    // -m fast: every session is terminated (57P01) and the server restarts with its previous options (postmaster.opts).
    restart: () => {
      // -l: the server's output to the cluster's log, not to pg_ctl's stdout (which the harness reads to its end).
      const log = path.join(path.dirname(data), "server.log");
      const [cmd, ...args] = [...asOwner, pgCtl, "-D", data, "-l", log, "-m", "fast", "-w", "-t", "60", "restart"];
      return run(cmd!, args);
    },
  };
}

/** `SELECT pg_terminate_backend(pid) …` on the database of `url` (one short connection of its own); how many were terminated. */
export async function terminateBackends(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on("error", () => {});
  await client.connect();
  try {
    const r = await client.query<{ n: string }>(
      "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
    );
    return Number(r.rows[0]?.n ?? 0);
  } finally {
    await client.end().catch(() => {});
  }
}

/** pg_restore of a custom-format dump into an empty database. */
export async function pgRestore(file: string, url: string): Promise<CommandResult> {
  const bin = findPgTool("pg_restore");
  if (!bin) return { code: null, output: "pg_restore not found" };
  return run(bin, ["--no-owner", "--exit-on-error", `--dbname=${url}`, file]);
}
