import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDatabase, type SqliteDialectConfig } from "kysely";
import pg from "pg";
import { checkpointInBackground } from "./checkpoint.server";
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

export interface CreateDbOptions {
  /**
   * SQLite files only: checkpoint the WAL on a worker thread instead of inside a commit (see
   * db/checkpoint.server.ts). For the long-running server; short CLI runs and tests keep SQLite's default.
   */
  backgroundCheckpoints?: boolean;
}

/** The only place that knows the SQL dialect. */
export function createDb(url: string | undefined = process.env.DATABASE_URL, opts: CreateDbOptions = {}): Db {
  const target = resolveDbTarget(url);
  if (target.kind === "postgres") {
    const pool = new pg.Pool({ connectionString: target.url, max: Number(process.env.PG_POOL_MAX || 10) });
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  if (target.file !== ":memory:") fs.mkdirSync(path.dirname(target.file), { recursive: true });
  const sqlite = new SQLite(target.file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  // Waiting for the write lock happens in ConcurrentSqliteDriver, without blocking the process.
  sqlite.pragma("busy_timeout = 0");
  sqlite.pragma("synchronous = NORMAL");
  const checkpoints = opts.backgroundCheckpoints && target.file !== ":memory:" ? checkpointInBackground(sqlite, target.file) : null;
  const database = withStatementCache(sqlite);
  const close = database.close;
  database.close = () => {
    void checkpoints?.stop();
    close();
  };
  return new Kysely<Database>({ dialect: new ConcurrentSqliteDialect({ database }) });
}

/** How long a statement keeps trying to get SQLite's write lock before it fails with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

const isBusy = (e: unknown) => typeof (e as { code?: unknown })?.code === "string" && (e as { code: string }).code.startsWith("SQLITE_BUSY");

/** Waits before the next attempt: the next turn of the event loop at first, then 1, 2, 4 … 16 ms. */
function pause(attempt: number): Promise<void> {
  if (attempt < 16) return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => setTimeout(resolve, Math.min(2 ** (attempt - 16), 16)));
}

/**
 * SQLite with several writing processes (server workers, a CLI command next to the server):
 *
 * - Transactions start with `BEGIN IMMEDIATE`: they take the write lock up front. With Kysely's plain
 *   `BEGIN` a transaction that reads and then writes fails at once with SQLITE_BUSY when another
 *   process committed in between; SQLite does not wait or retry in that case.
 * - Waiting for the lock does not block the process. SQLite's own busy handler (busy_timeout) sleeps
 *   on the calling thread — for better-sqlite3 the only JavaScript thread, so every request of the
 *   process would stop. Here the connection has busy_timeout 0, and a `BEGIN` or a statement outside a
 *   transaction that finds the database busy is tried again on a later turn of the event loop, for
 *   up to BUSY_TIMEOUT_MS, while the process goes on with other work. (Inside a transaction the write
 *   lock is already held.)
 *
 * Within one process nothing else changes: Kysely runs one statement or transaction at a time on its
 * single connection.
 */
class ConcurrentSqliteDriver extends SqliteDriver {
  #inTransaction = false;
  /** Kysely's one SQLite connection, wrapped once (acquireConnection runs for every query). */
  #connection: DatabaseConnection | null = null;

  override async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await super.acquireConnection();
    this.#connection ??= {
      executeQuery: async <R>(query: CompiledQuery) => {
        let deadline = 0;
        for (let attempt = 0; ; attempt++) {
          try {
            return await inner.executeQuery<R>(query);
          } catch (e) {
            if (this.#inTransaction || !isBusy(e)) throw e;
            deadline ||= performance.now() + BUSY_TIMEOUT_MS;
            if (performance.now() > deadline) throw e;
          }
          await pause(attempt);
        }
      },
      streamQuery: <R>(query: CompiledQuery, chunkSize?: number) => inner.streamQuery<R>(query, chunkSize),
    };
    return this.#connection;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
    this.#inTransaction = true;
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    // A COMMIT that finds the database busy leaves the transaction open and may be retried.
    this.#inTransaction = false;
    await connection.executeQuery(CompiledQuery.raw("commit"));
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    this.#inTransaction = false;
    await connection.executeQuery(CompiledQuery.raw("rollback"));
  }
}

class ConcurrentSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ConcurrentSqliteDriver(this.#config);
  }
}

export const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver prepares every query afresh; preparing costs more than running most of our
 * point queries. This keeps the last `max` prepared statements by SQL text (a statement still busy
 * iterating is never handed out twice; SQLite re-prepares a cached statement itself after a schema
 * change).
 */
export function withStatementCache(sqlite: SQLite.Database, max = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare: (sql: string) => {
      const hit = cache.get(sql);
      if (hit && !hit.busy) {
        // Refresh its place: the Map's insertion order is the eviction order.
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const stmt = sqlite.prepare(sql);
      if (!hit) {
        cache.set(sql, stmt);
        if (cache.size > max) cache.delete(cache.keys().next().value as string);
      }
      return stmt;
    },
  };
}
