import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryCompiler,
  type QueryResult,
  type SqliteDatabase,
  type SqliteDialectConfig,
  type TransactionSettings,
} from "kysely";
import pg from "pg";
import { useNamedStatements } from "./pg-named";
import { checkpointInBackground } from "./checkpoint.server";
import { asRequestError, logDbUnavailable } from "./unavailable";
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
  /**
   * The HTTP server's database. A query error meaning the database is unreachable, dropped the
   * connection, is restarting or stayed locked past BUSY_TIMEOUT_MS (db/unavailable.ts) leaves every
   * query, connect and transaction as a thrown 503 Response with Retry-After, never a 500 (and text
   * PostgreSQL cannot store, a NUL from a request, as a 400). On
   * PostgreSQL, connecting (or waiting for a pooled connection) gives up after PG_CONNECT_TIMEOUT_MS
   * and a statement after PG_STATEMENT_TIMEOUT_MS, so no request hangs. CLI commands keep the plain
   * errors and no statement limit (a migration or a seed may run long).
   */
  serving?: boolean;
}

/** Defaults of the PostgreSQL limits for the server (`serving`), in ms; the env variables override them (0: no limit). */
export const PG_CONNECT_TIMEOUT_MS = 3000;
export const PG_STATEMENT_TIMEOUT_MS = 15_000;

function msFromEnv(name: string, fallback: number, env: Record<string, string | undefined>): number {
  const raw = (env[name] ?? "").trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number of milliseconds (got "${raw}")`);
  return n;
}

/**
 * The pool's settings: PG_POOL_MAX connections (10), TCP keep-alive; for the server also a connect
 * timeout and a statement timeout (PostgreSQL cancels the statement), with node-postgres's read
 * timeout 2 s later as a backstop for a server that does not answer at all.
 */
export function pgPoolConfig(url: string, serving = false, env: Record<string, string | undefined> = process.env): pg.PoolConfig {
  const config: pg.PoolConfig = { connectionString: url, max: Number(env.PG_POOL_MAX || 10), keepAlive: true };
  if (!serving) return config;
  const connect = msFromEnv("PG_CONNECT_TIMEOUT_MS", PG_CONNECT_TIMEOUT_MS, env);
  const statement = msFromEnv("PG_STATEMENT_TIMEOUT_MS", PG_STATEMENT_TIMEOUT_MS, env);
  if (connect > 0) config.connectionTimeoutMillis = connect;
  if (statement > 0) Object.assign(config, { statement_timeout: statement, query_timeout: statement + 2000 });
  return config;
}

/**
 * node-postgres emits "error" on the pool when an idle connection drops (a restart, pg_terminate_backend),
 * and on a checked-out client whose connection drops between two queries; an "error" event nobody
 * listens to would end the process. Both are logged (once per outage); the pool replaces an idle
 * connection, and the next query on a dropped checked-out one fails (→ 503) and the pool drops it.
 */
function survivesConnectionLoss(pool: pg.Pool, serving: boolean): void {
  pool.on("error", (e) => logDbUnavailable(e));
  pool.on("connect", (client) => {
    client.on("error", (e) => logDbUnavailable(e));
    if (serving) endOnReadTimeout(client);
  });
}

/**
 * After node-postgres's read timeout the connection still waits for the answer to the abandoned
 * query, and every later query on it would queue behind it: end it, so the pool drops it on release.
 */
function endOnReadTimeout(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: typeof query }).query = (...args: unknown[]) => {
    const result = query(...args);
    if (result instanceof Promise) {
      result.catch((e: unknown) => {
        // Not release(true): Kysely releases the client itself; an ended client is dropped then.
        if ((e as Error | null)?.message === "Query read timeout") (client as unknown as pg.Client).end().catch(() => {});
      });
    }
    return result;
  };
}

/** The only place that knows the SQL dialect. */
export function createDb(url: string | undefined = process.env.DATABASE_URL, opts: CreateDbOptions = {}): Db {
  const target = resolveDbTarget(url);
  if (target.kind === "postgres") {
    const pool = new pg.Pool(pgPoolConfig(target.url, opts.serving));
    pool.on("connect", useNamedStatements);
    survivesConnectionLoss(pool, opts.serving ?? false);
    return kysely(new PostgresDialect({ pool }), opts);
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
  return kysely(new ConcurrentSqliteDialect({ database }), opts);
}

function kysely(dialect: Dialect, opts: CreateDbOptions): Db {
  return new Kysely<Database>({ dialect: opts.serving ? responseErrors(dialect) : dialect });
}

/** The server's dialect: the same, with a query error of the "unavailable" class thrown as a 503 Response and one of text PostgreSQL cannot store as a 400 (db/unavailable.ts). */
function responseErrors(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => new ResponseErrorsDriver(dialect.createDriver()),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
  };
}

/**
 * Delegates to the dialect's own driver. Connecting and every statement (transactions' BEGIN, COMMIT
 * and ROLLBACK included: the drivers send them through the connection) pass their errors through
 * asRequestError (503 when the database is unavailable, 400 for text PostgreSQL cannot store).
 * Connections are the driver's own objects, guarded once, so it can release them.
 */
class ResponseErrorsDriver implements Driver {
  readonly #inner: Driver;
  readonly #guarded = new WeakSet<DatabaseConnection>();
  constructor(inner: Driver) {
    this.#inner = inner;
  }
  init(): Promise<void> {
    return this.#inner.init();
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    let connection: DatabaseConnection;
    try {
      connection = await this.#inner.acquireConnection();
    } catch (e) {
      throw asRequestError(e);
    }
    if (!this.#guarded.has(connection)) {
      const executeQuery = connection.executeQuery.bind(connection);
      const streamQuery = connection.streamQuery.bind(connection);
      connection.executeQuery = async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        try {
          return await executeQuery<R>(query);
        } catch (e) {
          throw asRequestError(e);
        }
      };
      connection.streamQuery = async function* <R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
        try {
          yield* streamQuery<R>(query, chunkSize);
        } catch (e) {
          throw asRequestError(e);
        }
      };
      this.#guarded.add(connection);
    }
    return connection;
  }
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.#inner.beginTransaction(connection, settings);
  }
  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.commitTransaction(connection);
  }
  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.rollbackTransaction(connection);
  }
  // Both dialects' drivers implement savepoints.
  savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]): Promise<void> {
    return this.#inner.savepoint!(connection, name, compile);
  }
  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]): Promise<void> {
    return this.#inner.rollbackToSavepoint!(connection, name, compile);
  }
  releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]): Promise<void> {
    return this.#inner.releaseSavepoint!(connection, name, compile);
  }
  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.#inner.releaseConnection(connection);
  }
  destroy(): Promise<void> {
    return this.#inner.destroy();
  }
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
