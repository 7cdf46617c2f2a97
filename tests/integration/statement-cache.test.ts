import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect, sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { withStatementCache } from "#db/client.server";

describe("SQLite prepared-statement cache", () => {
  let raw: SQLite.Database;
  afterEach(() => {
    if (raw.open) raw.close();
  });

  it("hands out the same statement for the same SQL and prepares each text once", () => {
    raw = new SQLite(":memory:");
    let prepared = 0;
    const counting = new Proxy(raw, {
      get(target, key) {
        if (key === "prepare") return (s: string) => (prepared++, target.prepare(s));
        const v = Reflect.get(target, key) as unknown;
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const db = withStatementCache(counting, 3);
    const a = db.prepare("select 1 as x");
    expect(db.prepare("select 1 as x")).toBe(a);
    expect(prepared).toBe(1);
    db.prepare("select 2");
    db.prepare("select 3");
    db.prepare("select 1 as x"); // refreshed: now the newest
    db.prepare("select 4"); // evicts "select 2", the oldest
    expect(prepared).toBe(4);
    db.prepare("select 1 as x");
    expect(prepared).toBe(4);
    db.prepare("select 2");
    expect(prepared).toBe(5);
  });

  it("never hands out a statement that is still iterating", () => {
    raw = new SQLite(":memory:");
    const db = withStatementCache(raw);
    db.prepare("create table t (n integer)").run([]);
    for (let n = 1; n <= 3; n++) db.prepare("insert into t (n) values (?)").run([n]);
    const seen: number[] = [];
    for (const row of db.prepare("select n from t order by n").iterate([]) as Iterable<{ n: number }>) {
      // The same SQL while the first statement is mid-iteration: a fresh statement, not an error.
      seen.push(row.n, (db.prepare("select n from t order by n").all([]) as { n: number }[]).length);
    }
    expect(seen).toEqual([1, 3, 2, 3, 3, 3]);
  });

  it("keeps working through Kysely, after a schema change and with many distinct texts", async () => {
    raw = new SQLite(":memory:");
    const db = new Kysely<{ t: { n: number; m: number | null } }>({ dialect: new SqliteDialect({ database: withStatementCache(raw, 10) }) });
    await sql`create table t (n integer)`.execute(db);
    await db.insertInto("t").values({ n: 1 }).execute();
    const q = () => db.selectFrom("t").selectAll().execute();
    expect(await q()).toEqual([{ n: 1 }]);
    await sql`alter table t add column m integer`.execute(db);
    // `select *` prepared before the change sees the new column: SQLite re-prepares it.
    expect(await q()).toEqual([{ n: 1, m: null }]);
    for (let i = 0; i < 50; i++) expect(await db.selectFrom("t").select(sql<number>`${sql.lit(i)}`.as("k")).executeTakeFirst()).toEqual({ k: i });
    await db.destroy();
    expect(raw.open).toBe(false);
  });
});
