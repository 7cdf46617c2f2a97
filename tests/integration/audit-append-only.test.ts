import { sql } from "kysely";
import { beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import * as appendOnly from "#db/migrations/2026_11_23_1300_audit_append_only";
import { writeAudit } from "~/services/admin/audit.server";
import { dialectName, freshDb } from "../helpers/db";

// Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set: both refuse with the same message.
let db: Db;

const entry = (action: string) => ({ actorUserId: null, organisationId: null, action, entityType: "test", entityId: null });
const actions = async () => (await db.selectFrom("audit_log").select("action").orderBy("action").execute()).map((r) => r.action);

beforeAll(async () => {
  db = await freshDb();
  await writeAudit(db, entry("test.first"));
});

test("UPDATE and DELETE on audit_log are refused by the database, with a clear message", async () => {
  await expect(db.updateTable("audit_log").set({ reason: "rewritten" }).execute()).rejects.toThrow(
    /audit_log is append-only: UPDATE is not allowed/,
  );
  await expect(db.deleteFrom("audit_log").where("action", "=", "test.first").execute()).rejects.toThrow(
    /audit_log is append-only: DELETE is not allowed/,
  );
  // Raw SQL and a refused statement inside a transaction fare no better; the row is untouched.
  await expect(sql`DELETE FROM audit_log`.execute(db)).rejects.toThrow(/append-only/);
  await expect(
    db.transaction().execute(async (trx) => {
      await writeAudit(trx, entry("test.rolledBack"));
      await trx.updateTable("audit_log").set({ action: "test.forged" }).execute();
    }),
  ).rejects.toThrow(/append-only/);
  const rows = await db.selectFrom("audit_log").selectAll().execute();
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ action: "test.first", reason: null });
});

test("INSERT still works, also inside a transaction", async () => {
  await writeAudit(db, entry("test.second"));
  await db.transaction().execute((trx) => writeAudit(trx, entry("test.third")));
  expect(await actions()).toEqual(["test.first", "test.second", "test.third"]);
});

test.runIf(dialectName() === "postgres")("TRUNCATE is refused on PostgreSQL", async () => {
  await expect(sql`TRUNCATE audit_log`.execute(db)).rejects.toThrow(/audit_log is append-only: TRUNCATE is not allowed/);
  expect(await actions()).toHaveLength(3);
});

test("down removes the triggers and up restores them", async () => {
  await appendOnly.down(db);
  await db.updateTable("audit_log").set({ reason: "allowed without the triggers" }).where("action", "=", "test.third").execute();
  await appendOnly.up(db);
  await expect(db.deleteFrom("audit_log").execute()).rejects.toThrow(/append-only/);
  expect(await actions()).toEqual(["test.first", "test.second", "test.third"]);
});
