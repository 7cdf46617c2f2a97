/**
 * "The database cannot be reached right now" — as opposed to "this request is wrong" or "this code is
 * wrong". A request that meets such an error answers 503 with Retry-After (the client may try again
 * in a moment), never a 500 page.
 *
 * The HTTP server's database (`createDb(…, { serving: true })`, see db/client.server.ts) turns every
 * query error of this class into a thrown `DbUnavailableResponse`: Remix renders a thrown Response
 * as an error response with its status (the root ErrorBoundary for pages, the Response itself for
 * resource routes), and app code that catches errors to answer 400/409 rethrows what it does not
 * know.
 */

/** Seconds a client is told to wait before trying again. */
export const RETRY_AFTER_SECONDS = 2;

/** The message key the 503 carries (translated by the ErrorBoundary, like the other error keys). */
export const DB_UNAVAILABLE_KEY = "error.dbUnavailable";

/**
 * SQLSTATEs: 57P01 admin_shutdown (pg_terminate_backend, a fast shutdown), 57P02 crash_shutdown,
 * 57P03 cannot_connect_now (starting up, shutting down, in recovery), 57014 query_canceled (our
 * statement_timeout), 53300 too_many_connections. Class 08 (connection exceptions) is matched by prefix.
 */
const PG_CODES = new Set(["57P01", "57P02", "57P03", "57014", "53300"]);
/** Socket errors while connecting to or talking with the database server. */
const NET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ECONNABORTED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);
/** node-postgres and pg-pool say these in words only. */
const PG_MESSAGES =
  /^(Connection terminated( unexpectedly| due to connection timeout)?|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error and is not queryable|Client was closed and is not queryable)$/;

function codeOf(e: object): string | undefined {
  const code = (e as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

/** True for errors that mean the database is unreachable, gone mid-query, restarting or locked past our wait. */
export function isDbUnavailable(error: unknown, depth = 0): boolean {
  if (error === null || typeof error !== "object" || depth > 4) return false;
  if (error instanceof DbUnavailableResponse) return true;
  const code = codeOf(error);
  if (code) {
    // SQLite: the write lock was not free within BUSY_TIMEOUT_MS (SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, …).
    if (code.startsWith("SQLITE_BUSY")) return true;
    if (PG_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code) || NET_CODES.has(code)) return true;
  }
  const message = (error as { message?: unknown }).message;
  if (typeof message === "string" && PG_MESSAGES.test(message)) return true;
  // Node's connect to several addresses (localhost: ::1 and 127.0.0.1) fails with an AggregateError.
  const inner = (error as { errors?: unknown }).errors;
  if (Array.isArray(inner) && inner.length > 0 && inner.every((e) => isDbUnavailable(e, depth + 1))) return true;
  return isDbUnavailable((error as { cause?: unknown }).cause, depth + 1);
}

/** The headers every "database unavailable" answer carries. */
export function dbUnavailableHeaders(): Record<string, string> {
  return { "Retry-After": String(RETRY_AFTER_SECONDS), "Cache-Control": "no-store" };
}

/**
 * 503 Service Unavailable with Retry-After, body the message key (as the app's other thrown
 * Responses). A Response, so Remix answers with it; `cause` and `message` keep the original error
 * for logs and for code that prints `.message`.
 */
export class DbUnavailableResponse extends Response {
  readonly cause: unknown;
  readonly message: string;
  constructor(cause: unknown) {
    super(DB_UNAVAILABLE_KEY, {
      status: 503,
      statusText: "Service Unavailable",
      headers: { ...dbUnavailableHeaders(), "Content-Type": "text/plain; charset=utf-8" },
    });
    this.cause = cause;
    this.message = `database unavailable: ${cause instanceof Error ? cause.message : String(cause)}`;
  }
}

/** The error as a thrown 503 when it is of this class, else unchanged (and the first of a burst logged). */
export function asDbUnavailable(error: unknown): unknown {
  if (error instanceof DbUnavailableResponse || !isDbUnavailable(error)) return error;
  logDbUnavailable(error);
  return new DbUnavailableResponse(error);
}

/**
 * PostgreSQL refuses text it cannot store: a NUL character (SQLSTATE 22021, e.g. `%00` in a path or
 * a form field) or an unsupported \u escape in JSON (22P05). Such a value can only come from the
 * request, so it is the client's error: 400, like the app's other malformed-input answers.
 */
export function isInvalidText(error: unknown): boolean {
  const code = error !== null && typeof error === "object" ? codeOf(error) : undefined;
  return code === "22021" || code === "22P05";
}

/** What the server's database driver throws instead of a query error: a 503 or a 400 Response for these two classes, else the error. */
export function asRequestError(error: unknown): unknown {
  if (isInvalidText(error))
    return new Response("error.badRequest", {
      status: 400,
      statusText: "Bad Request",
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  return asDbUnavailable(error);
}

const LOG_EVERY_MS = 30_000;
let lastLogged = 0;
let suppressed = 0;

/**
 * One stderr line per outage, not one per failed request or dropped pool connection: the first
 * error, then at most one line every 30 s with the number of errors in between.
 */
export function logDbUnavailable(error: unknown, log: (line: string) => void = console.error): void {
  const now = Date.now();
  if (now - lastLogged < LOG_EVERY_MS) {
    suppressed++;
    return;
  }
  const more = suppressed ? ` (${suppressed} more since the last message)` : "";
  lastLogged = now;
  suppressed = 0;
  const what = error instanceof Error ? `${codeOf(error) ? `${codeOf(error)} ` : ""}${error.message}` : String(error);
  log(`Database unavailable: ${what}${more}; requests answer 503 (Retry-After ${RETRY_AFTER_SECONDS} s) until it is back.`);
}
