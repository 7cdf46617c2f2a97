import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { createDb, dataDir, resolveDbTarget } from "#db/client.server";
import { migrateToLatest } from "#db/migrate";
import { parseScale, seedScale } from "#db/seed/scale.server";
import { seedOrganisationsScale } from "#db/seed/scale-orgs.server";
import { demoLoginsText, isDatabaseEmpty, seedDemo, writeDemoLogins } from "#db/seed/demo.server";
import { type CliIo, parseArgs, UsageError } from "./io";

export async function dbMigrate(io: CliIo): Promise<number> {
  const db = createDb();
  try {
    const result = await migrateToLatest(db);
    const applied = result.results?.filter((r) => r.status === "Success") ?? [];
    io.out(
      applied.length
        ? `Applied ${applied.length} migration(s): ${applied.map((r) => r.migrationName).join(", ")}`
        : "Database is up to date.",
    );
    return 0;
  } finally {
    await db.destroy();
  }
}

/** Seeds the demo on an empty database only; prints the generated logins once. */
export async function seedDemoIfEmpty(io: CliIo, { force = false } = {}): Promise<"seeded" | "skipped"> {
  const db = createDb();
  try {
    await migrateToLatest(db);
    if (!(await isDatabaseEmpty(db))) {
      if (force) io.err("The database already has users: the demo is only seeded into an empty database.");
      return "skipped";
    }
    const logins = await seedDemo(db);
    const file = writeDemoLogins(dataDir(), logins);
    io.out(demoLoginsText(logins));
    io.out(`Demo logins saved to ${file}`);
    return "seeded";
  } finally {
    await db.destroy();
  }
}

export async function dbSeed(args: string[], io: CliIo): Promise<number> {
  const { opts } = parseArgs(args, { demo: "boolean", scale: "string", organisations: "boolean" });
  if (opts.scale !== undefined) {
    const scale = parseScale(String(opts.scale));
    if (!scale)
      throw new UsageError(
        opts.organisations ? "--scale needs ORGANISATIONSxCYCLES, e.g. 600x3" : "--scale needs UNITSxPERIODS, e.g. 1000x5",
      );
    const db = createDb();
    try {
      await migrateToLatest(db);
      const started = Date.now();
      // --organisations: many organisations (regencies under provinces) with yearly Evaluasi RB results, for the roll-ups.
      const result = opts.organisations
        ? await seedOrganisationsScale(db, { organisations: scale.units, cycles: scale.periods })
        : await seedScale(db, scale);
      const summary =
        "provinces" in result
          ? {
              ...result,
              organisationIds: result.organisationIds.length,
              provinces: result.provinces.length,
              regencies: result.regencies.length,
              ministries: result.ministries.length,
            }
          : result;
      io.out(`Seeded ${JSON.stringify(summary)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return 0;
    } finally {
      await db.destroy();
    }
  }
  if (!opts.demo) throw new UsageError("db seed needs --demo or --scale UNITSxPERIODS");
  const outcome = await seedDemoIfEmpty(io, { force: true });
  return outcome === "seeded" ? 0 : 1;
}

/** pg_dump on PATH, else the newest under /usr/lib/postgresql/<version>/bin (Debian's layout); null when there is none. */
export function findPgTool(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  const root = "/usr/lib/postgresql";
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => /^\d+(\.\d+)?$/.test(v)) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const candidate = path.join(root, v, "bin", name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * pg_dump --format=custom: one transaction's snapshot (repeatable read) while the server keeps
 * serving; restore with pg_restore. The password goes in the environment (PGPASSWORD), not on the
 * command line where `ps` would show it. Without pg_dump the command is printed and the exit code is
 * 1: no backup was written.
 */
function pgDump(url: string, out: string, io: CliIo): Promise<number> {
  const bin = findPgTool("pg_dump");
  if (!bin) {
    io.err("pg_dump not found (on PATH or under /usr/lib/postgresql/*/bin); install the PostgreSQL client and run:");
    io.err(`  pg_dump --format=custom --file=${JSON.stringify(out)} "$DATABASE_URL"`);
    return Promise.resolve(1);
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const dbname = new URL(url);
  const password = decodeURIComponent(dbname.password);
  dbname.password = "";
  return new Promise((resolve) => {
    const child = spawn(bin, ["--format=custom", `--file=${out}`, "--no-password", `--dbname=${dbname.toString()}`], {
      env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
      stdio: ["ignore", "inherit", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("error", (e) => {
      io.err(`pg_dump could not run: ${e.message}`);
      resolve(1);
    });
    child.on("close", (code) => {
      if (code !== 0) {
        fs.rmSync(out, { force: true });
        io.err(`pg_dump failed (exit ${code}):\n${stderr.trim()}`);
        return resolve(1);
      }
      io.out(`Backup written to ${out} (${fs.statSync(out).size} bytes, pg_dump custom format; restore with pg_restore).`);
      resolve(0);
    });
  });
}

/** A consistent copy while the server runs: SQLite's VACUUM INTO reads one snapshot; PostgreSQL uses pg_dump. */
export async function backup(args: string[], io: CliIo): Promise<number> {
  const { positional } = parseArgs(args, {});
  const file = positional[0];
  if (!file || positional.length > 1) throw new UsageError("usage: cermin backup <file>");
  const target = resolveDbTarget();
  const out = path.resolve(file);
  if (fs.existsSync(out)) {
    io.err(`Refusing to overwrite ${out}: choose a new file name.`);
    return 1;
  }
  if (target.kind === "postgres") return pgDump(target.url, out, io);
  if (!fs.existsSync(target.file)) {
    io.err(`No database at ${target.file}.`);
    return 1;
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const db = createDb();
  try {
    await sql`VACUUM INTO ${out}`.execute(db);
  } finally {
    await db.destroy();
  }
  io.out(`Backup written to ${out} (${fs.statSync(out).size} bytes).`);
  return 0;
}
