import { PostgresAdapter, type DialectAdapter } from "kysely";

/**
 * Whether a database (or its adapter) is PostgreSQL — by class and by class name. A server process can hold
 * two copies of kysely: the CLI's (loaded through tsx) and the server build's. app/db.server.ts keeps one
 * database per process, created by whichever side asks first (the notification worker or a request), so
 * `instanceof PostgresAdapter` alone is false in the other copy, and SQLite SQL would reach PostgreSQL.
 */
export function isPostgresAdapter(adapter: DialectAdapter): boolean {
  return adapter instanceof PostgresAdapter || adapter.constructor.name === "PostgresAdapter";
}

export function isPostgres(db: { getExecutor(): { readonly adapter: DialectAdapter } }): boolean {
  return isPostgresAdapter(db.getExecutor().adapter);
}
