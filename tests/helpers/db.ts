import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll } from "vitest";
import { createDb, type Db } from "#db/client.server";
import { migrateToLatest } from "#db/migrate";
import { setDb } from "~/db.server";

/**
 * A freshly migrated database for one test file: a temporary SQLite file by default, or a new
 * PostgreSQL database on the server named by TEST_DATABASE_URL (dropped afterwards).
 */
export async function freshDb(): Promise<Db> {
  const pgUrl = process.env.TEST_DATABASE_URL;
  let db: Db;
  let cleanup: () => Promise<void>;
  if (pgUrl) {
    const name = `cermin_test_${crypto.randomBytes(6).toString("hex")}`;
    const admin = createDb(pgUrl);
    await sql.raw(`CREATE DATABASE ${name}`).execute(admin);
    const url = new URL(pgUrl);
    url.pathname = `/${name}`;
    db = createDb(url.toString());
    cleanup = async () => {
      await db.destroy();
      await sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).execute(admin);
      await admin.destroy();
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cermin-test-"));
    db = createDb(`sqlite:${path.join(dir, "test.db")}`);
    cleanup = async () => {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  }
  await migrateToLatest(db);
  setDb(db);
  afterAll(async () => {
    setDb(undefined);
    await cleanup();
  });
  return db;
}

export function dialectName(): "postgres" | "sqlite" {
  return process.env.TEST_DATABASE_URL ? "postgres" : "sqlite";
}
