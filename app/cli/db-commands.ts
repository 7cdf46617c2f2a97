import fs from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { createDb, dataDir, resolveDbTarget } from "#db/client.server";
import { migrateToLatest } from "#db/migrate";
import { parseScale, seedScale } from "~/services/scale-seed.server";
import { demoLoginsText, isDatabaseEmpty, seedDemo, writeDemoLogins } from "~/services/demo-seed.server";
import { type CliIo, parseArgs, UsageError } from "./io";

export async function dbMigrate(io: CliIo): Promise<number> {
  const db = createDb();
  try {
    const result = await migrateToLatest(db);
    const applied = result.results?.filter((r) => r.status === "Success") ?? [];
    io.out(applied.length ? `Applied ${applied.length} migration(s): ${applied.map((r) => r.migrationName).join(", ")}` : "Database is up to date.");
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
  const { opts } = parseArgs(args, { demo: "boolean", scale: "string" });
  if (opts.scale !== undefined) {
    const scale = parseScale(String(opts.scale));
    if (!scale) throw new UsageError("--scale needs UNITSxPERIODS, e.g. 1000x5");
    const db = createDb();
    try {
      await migrateToLatest(db);
      const started = Date.now();
      const result = await seedScale(db, scale);
      io.out(`Seeded ${JSON.stringify(result)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return 0;
    } finally {
      await db.destroy();
    }
  }
  if (!opts.demo) throw new UsageError("db seed needs --demo or --scale UNITSxPERIODS");
  const outcome = await seedDemoIfEmpty(io, { force: true });
  return outcome === "seeded" ? 0 : 1;
}

/** A consistent copy while the server runs: SQLite's VACUUM INTO reads one snapshot; PostgreSQL uses pg_dump. */
export async function backup(args: string[], io: CliIo): Promise<number> {
  const { positional } = parseArgs(args, {});
  const file = positional[0];
  if (!file || positional.length > 1) throw new UsageError("usage: cermin backup <file>");
  const target = resolveDbTarget();
  if (target.kind === "postgres") {
    io.out("PostgreSQL: run pg_dump, which takes a consistent snapshot while the server runs:");
    io.out(`  pg_dump --format=custom --file=${JSON.stringify(file)} "$DATABASE_URL"`);
    return 0;
  }
  const out = path.resolve(file);
  if (fs.existsSync(out)) {
    io.err(`Refusing to overwrite ${out}: choose a new file name.`);
    return 1;
  }
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
