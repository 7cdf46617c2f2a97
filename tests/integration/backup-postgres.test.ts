/**
 * `cermin backup <file>` on PostgreSQL runs pg_dump --format=custom (issue #15); the archive restores
 * with pg_restore. Runs where PostgreSQL is (TEST_DATABASE_URL: the DB suite under .ci/pg.sh).
 */
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "#db/client.server";
import { migrateToLatest } from "#db/migrate";
import { findPgTool } from "~/cli/db-commands";
import { runMain as run } from "../helpers/cli";

const pgUrl = process.env.TEST_DATABASE_URL;

describe.skipIf(!pgUrl)("cermin backup on PostgreSQL", () => {
  let admin: Db;
  const names = [`cermin_backup_${crypto.randomBytes(5).toString("hex")}`, `cermin_restored_${crypto.randomBytes(5).toString("hex")}`];
  const urlOf = (name: string) => {
    const url = new URL(pgUrl!);
    url.pathname = `/${name}`;
    return url.toString();
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cermin-pg-backup-"));
  const saved = process.env.DATABASE_URL;

  beforeAll(async () => {
    admin = createDb(pgUrl!);
    for (const n of names) await sql.raw(`CREATE DATABASE ${n}`).execute(admin);
    const db = createDb(urlOf(names[0]!));
    await migrateToLatest(db);
    await db.destroy();
    process.env.DATABASE_URL = urlOf(names[0]!);
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
    for (const n of names) await sql.raw(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`).execute(admin);
    await admin.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });


  it("writes a pg_dump custom archive that pg_restore restores, and never overwrites", async () => {
    const file = path.join(dir, "nested", "cermin.dump");
    const first = await run("backup", file);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/pg_dump custom format/);
    expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe("PGDMP");

    const restore = spawnSync(findPgTool("pg_restore")!, ["--no-owner", "--exit-on-error", `--dbname=${urlOf(names[1]!)}`, file], {
      encoding: "utf8",
    });
    expect(restore.status, restore.stderr).toBe(0);
    const count = async (url: string) => {
      const db = createDb(url);
      try {
        return Number((await sql<{ n: string }>`select count(*) as n from kysely_migration`.execute(db)).rows[0]!.n);
      } finally {
        await db.destroy();
      }
    };
    expect(await count(urlOf(names[1]!))).toBe(await count(urlOf(names[0]!)));
    expect(await count(urlOf(names[1]!))).toBeGreaterThan(10);

    const again = await run("backup", file);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/Refusing to overwrite/);
  });
});
