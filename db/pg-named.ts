/**
 * Named (server-side prepared) statements for the hot queries on PostgreSQL (issue #15).
 *
 * Kysely sends every query as an unnamed statement, so PostgreSQL parses and plans it on every
 * execution. For the few statements that run on every request (the session lookup, the assessment
 * context, the one-statement autosave) that is a large part of the database's work. A statement
 * registered here is sent with a name instead: each connection parses it once, and PostgreSQL's plan
 * cache takes over from there. Only registered texts are named, so the number of statements a
 * connection keeps is bounded by the code, not by the data (an `in` list of another length is another
 * text and is never registered).
 */
import type pg from "pg";

// On globalThis: the CLI (run from source) creates the server's pool and the Remix build (its own copy
// of this module) registers the statements; both must see one registry.
const holder = globalThis as unknown as { __cerminNamedStatements?: Map<string, string> };
const names = (holder.__cerminNamedStatements ??= new Map<string, string>());

/** Marks an SQL text (with $n placeholders) as worth preparing on the server. Idempotent. */
export function preferNamed(sqlText: string): void {
  if (!names.has(sqlText)) names.set(sqlText, `cermin_${names.size + 1}`);
}

type QueryFn = (...args: unknown[]) => unknown;

/** For `pool.on("connect", …)`: this connection sends registered texts as named statements. */
export function useNamedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as QueryFn;
  (client as unknown as { query: QueryFn }).query = (text: unknown, values?: unknown, callback?: unknown) => {
    const name = typeof text === "string" ? names.get(text) : undefined;
    if (name === undefined || typeof values === "function") return query(text, values, callback);
    return query({ name, text, values }, callback);
  };
}
