import { PostgresAdapter, SqliteAdapter } from "kysely";
import { describe, expect, it } from "vitest";
import { isPostgres, isPostgresAdapter } from "#db/dialect";

describe("isPostgres", () => {
  it("knows kysely's adapters", () => {
    expect(isPostgresAdapter(new PostgresAdapter())).toBe(true);
    expect(isPostgresAdapter(new SqliteAdapter())).toBe(false);
  });

  it("knows a PostgreSQL adapter from another copy of kysely (the CLI's through tsx beside the server build's)", () => {
    // What the reliability fuzz met on PostgreSQL: the database was created by the other copy, `instanceof` said
    // no, and the roll-up's SQLite branch (json_each) reached PostgreSQL as a 500.
    // Classes named as kysely's, not kysely's (named through object keys: this file imports the real ones).
    const copy = { PostgresAdapter: class {}, SqliteAdapter: class {} };
    const other = new copy.PostgresAdapter() as never;
    expect(isPostgresAdapter(other)).toBe(true);
    expect(isPostgresAdapter(new copy.SqliteAdapter() as never)).toBe(false);
    expect(isPostgres({ getExecutor: () => ({ adapter: other }) } as never)).toBe(true);
  });
});
