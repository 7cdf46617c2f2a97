import { describe, expect, it, vi } from "vitest";
import { pgPoolConfig } from "#db/client.server";
import {
  asDbUnavailable,
  asRequestError,
  DbUnavailableResponse,
  isDbUnavailable,
  isInvalidText,
  logDbUnavailable,
  RETRY_AFTER_SECONDS,
} from "#db/unavailable";
import { isMessageKey } from "~/i18n";

const withCode = (code: string, message = "x") => Object.assign(new Error(message), { code });

describe("isDbUnavailable", () => {
  it.each([
    ["connection refused", withCode("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432")],
    ["connection reset", withCode("ECONNRESET", "read ECONNRESET")],
    ["broken pipe", withCode("EPIPE", "write EPIPE")],
    ["host unreachable", withCode("EHOSTUNREACH")],
    ["pg: connection terminated", new Error("Connection terminated unexpectedly")],
    ["pg: connection terminated (ending)", new Error("Connection terminated")],
    ["pg: connect timeout", new Error("Connection terminated due to connection timeout")],
    ["pg-pool: connect timeout", new Error("timeout exceeded when trying to connect")],
    ["pg: read timeout", new Error("Query read timeout")],
    ["pg: client not queryable", new Error("Client has encountered a connection error and is not queryable")],
    ["SQLSTATE 08006 connection_failure", withCode("08006")],
    ["SQLSTATE 08P01 protocol_violation", withCode("08P01")],
    ["SQLSTATE 57P01 admin_shutdown (pg_terminate_backend)", withCode("57P01", "terminating connection due to administrator command")],
    ["SQLSTATE 57P02 crash_shutdown", withCode("57P02")],
    ["SQLSTATE 57P03 cannot_connect_now", withCode("57P03", "the database system is starting up")],
    ["SQLSTATE 57014 statement timeout", withCode("57014", "canceling statement due to statement timeout")],
    ["SQLSTATE 53300 too many connections", withCode("53300")],
    ["SQLite busy", withCode("SQLITE_BUSY", "database is locked")],
    ["SQLite busy snapshot", withCode("SQLITE_BUSY_SNAPSHOT")],
    ["localhost connect (AggregateError)", new AggregateError([withCode("ECONNREFUSED"), withCode("ECONNREFUSED")], "")],
    ["wrapped in a cause", new Error("save failed", { cause: withCode("ECONNRESET") })],
    ["already a 503", new DbUnavailableResponse(new Error("gone"))],
  ])("%s → unavailable", (_name, error) => {
    expect(isDbUnavailable(error)).toBe(true);
  });

  it.each([
    ["unique violation", withCode("23505", "duplicate key value violates unique constraint")],
    ["syntax error", withCode("42601")],
    ["undefined column", withCode("42703")],
    ["SQLite constraint", withCode("SQLITE_CONSTRAINT_UNIQUE")],
    ["SQLite corrupt", withCode("SQLITE_CORRUPT")],
    ["a bug", new TypeError("Cannot read properties of undefined (reading 'id')")],
    ["a message that only mentions a connection", new Error("Connection terminated unexpectedly, said the user")],
    ["a 404 Response", new Response("error.notFound", { status: 404 })],
    ["no error", undefined],
    ["a string", "ECONNREFUSED"],
    ["mixed AggregateError", new AggregateError([withCode("ECONNREFUSED"), new TypeError("bug")], "")],
  ])("%s → not unavailable", (_name, error) => {
    expect(isDbUnavailable(error)).toBe(false);
  });
});

describe("asDbUnavailable", () => {
  it("turns an unavailable error into a 503 Response with Retry-After and a message key, and logs once per burst", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const cause = withCode("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432");
    const out = asDbUnavailable(cause);
    expect(out).toBeInstanceOf(Response);
    const res = out as DbUnavailableResponse;
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe(String(RETRY_AFTER_SECONDS));
    expect(res.cause).toBe(cause);
    expect(res.message).toMatch(/ECONNREFUSED/);
    const body = await res.text();
    expect(isMessageKey(body)).toBe(true);
    asDbUnavailable(cause);
    asDbUnavailable(cause);
    expect(log.mock.calls.length).toBeLessThanOrEqual(1);
    log.mockRestore();
  });

  it("leaves every other error as it is", () => {
    const bug = new TypeError("bug");
    expect(asDbUnavailable(bug)).toBe(bug);
    const notFound = new Response("error.notFound", { status: 404 });
    expect(asDbUnavailable(notFound)).toBe(notFound);
  });

  it("logs the first error of an outage, then at most one line per 30 s with the count in between", () => {
    vi.useFakeTimers();
    try {
      vi.setSystemTime(Date.now() + 3_600_000); // past any earlier line of this file
      const lines: string[] = [];
      for (let i = 0; i < 5; i++)
        logDbUnavailable(withCode("57P01", "terminating connection due to administrator command"), (l) => lines.push(l));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/57P01 terminating connection.*503/);
      vi.advanceTimersByTime(31_000);
      logDbUnavailable(new Error("Connection terminated unexpectedly"), (l) => lines.push(l));
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(/4 more since the last message/);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("asRequestError", () => {
  it("text PostgreSQL cannot store (a NUL from the request: 22021; a \\u0000 in JSON: 22P05) is the client's 400", async () => {
    for (const code of ["22021", "22P05"]) {
      const e = withCode(code, 'invalid byte sequence for encoding "UTF8": 0x00');
      expect(isInvalidText(e)).toBe(true);
      expect(isDbUnavailable(e)).toBe(false);
      const out = asRequestError(e) as Response;
      expect(out).toBeInstanceOf(Response);
      expect(out.status).toBe(400);
      expect(await out.text()).toBe("error.badRequest");
    }
  });
  it("an unavailable database is still the 503; anything else is left as it is", () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    expect((asRequestError(withCode("ECONNREFUSED")) as Response).status).toBe(503);
    const bug = withCode("23505");
    expect(asRequestError(bug)).toBe(bug);
  });
});

describe("pgPoolConfig", () => {
  const url = "postgres://u@h/db";
  it("keeps PG_POOL_MAX; CLI pools get no time limits", () => {
    expect(pgPoolConfig(url, false, { PG_POOL_MAX: "7" })).toEqual({ connectionString: url, max: 7, keepAlive: true });
  });
  it("the server's pool gives up connecting after 3 s and cancels a statement after 15 s", () => {
    expect(pgPoolConfig(url, true, {})).toMatchObject({
      max: 10,
      connectionTimeoutMillis: 3000,
      statement_timeout: 15_000,
      query_timeout: 17_000,
    });
  });
  it("PG_STATEMENT_TIMEOUT_MS and PG_CONNECT_TIMEOUT_MS override the limits; 0 means none", () => {
    expect(pgPoolConfig(url, true, { PG_STATEMENT_TIMEOUT_MS: "500", PG_CONNECT_TIMEOUT_MS: "1000" })).toMatchObject({
      connectionTimeoutMillis: 1000,
      statement_timeout: 500,
      query_timeout: 2500,
    });
    const none = pgPoolConfig(url, true, { PG_STATEMENT_TIMEOUT_MS: "0" });
    expect(none).not.toHaveProperty("statement_timeout");
    expect(none).not.toHaveProperty("query_timeout");
    expect(() => pgPoolConfig(url, true, { PG_STATEMENT_TIMEOUT_MS: "15s" })).toThrow(/PG_STATEMENT_TIMEOUT_MS/);
  });
});
