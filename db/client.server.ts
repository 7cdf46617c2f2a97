import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import type { Database } from "./schema";

export type Db = Kysely<Database>;

export function dataDir(): string {
  return path.resolve(process.env.DATA_DIR || "./data");
}

export function defaultSqlitePath(): string {
  return path.join(dataDir(), "cermin.db");
}

export type DbTarget = { kind: "sqlite"; file: string } | { kind: "postgres"; url: string };

/** Reads DATABASE_URL: unset or `sqlite:`/`file:` → SQLite; `postgres://`/`postgresql://` → PostgreSQL. */
export function resolveDbTarget(url: string | undefined = process.env.DATABASE_URL): DbTarget {
  if (!url) return { kind: "sqlite", file: defaultSqlitePath() };
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: "postgres", url };
  const m = /^(?:sqlite|file):(?:\/\/)?(.+)$/.exec(url);
  if (m?.[1]) return { kind: "sqlite", file: m[1] === ":memory:" ? ":memory:" : path.resolve(m[1]) };
  throw new Error(`DATABASE_URL must start with postgres://, postgresql://, sqlite: or file: (got "${url.slice(0, 20)}…")`);
}

/** The only place that knows the SQL dialect. */
export function createDb(url: string | undefined = process.env.DATABASE_URL): Db {
  const target = resolveDbTarget(url);
  if (target.kind === "postgres") {
    const pool = new pg.Pool({ connectionString: target.url, max: Number(process.env.PG_POOL_MAX || 10) });
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  if (target.file !== ":memory:") fs.mkdirSync(path.dirname(target.file), { recursive: true });
  const sqlite = new SQLite(target.file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}
