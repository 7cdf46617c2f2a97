import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createDb, type Db } from "#db/client.server";
import { migrateToLatest } from "#db/migrate";
import { pdf } from "../fixtures/evidence/files";
import { buildWorld, withTempDataDir } from "../helpers/world";
import { runMain as run } from "../helpers/cli";

// `cermin evidence gc` on the default SQLite database of a throwaway DATA_DIR (like cli.test.ts);
// the collector itself runs on both engines in evidence-gc.test.ts.
const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL };
const dataDir = withTempDataDir();
delete process.env.DATABASE_URL;
const dir = path.join(dataDir, "evidence");
const HOUR = 3_600_000;

let db: Db;
let referenced: string;
type Planted = { hash: string; size: number };
const orphans = {} as Record<"a" | "b" | "young", Planted>;
const stranger = "e".repeat(63);

function plant(body: string, ageMs: number): Planted {
  const bytes = pdf(body);
  const hash = createHash("sha256").update(bytes).digest("hex");
  const file = path.join(dir, hash);
  fs.writeFileSync(file, bytes);
  fs.utimesSync(file, new Date(Date.now() - ageMs), new Date(Date.now() - ageMs));
  return { hash, size: bytes.length };
}


beforeAll(async () => {
  db = createDb();
  await migrateToLatest(db);
  const w = await buildWorld(db);
  referenced = (await db.selectFrom("evidence").select("blob_sha256").where("id", "=", w.evidenceId).executeTakeFirstOrThrow())
    .blob_sha256!;
  fs.utimesSync(path.join(dir, referenced), new Date(Date.now() - 2 * HOUR), new Date(Date.now() - 2 * HOUR));
  orphans.a = plant("cli orphan a", 2 * HOUR);
  orphans.b = plant("cli orphan b", 3 * HOUR);
  orphans.young = plant("cli orphan young", 5 * 60_000);
  fs.writeFileSync(path.join(dir, stranger), "not a blob");
  fs.utimesSync(path.join(dir, stranger), new Date(0), new Date(0));
});

afterAll(async () => {
  await db.destroy();
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const present = () => fs.readdirSync(dir).sort();
const gcRuns = async () =>
  (await db.selectFrom("audit_log").select("after_json").where("action", "=", "evidence.gc").execute()).map((r) =>
    JSON.parse(r.after_json!),
  );

test("evidence gc is a dry run by default: it lists unreferenced old blobs with sizes and deletes nothing", async () => {
  const before = present();
  const r = await run("evidence", "gc");
  expect(r.code).toBe(0);
  expect(r.out).toContain("4 blob(s), 1 referenced, 1 unreferenced but younger than 1h (kept)");
  const total = orphans.a.size + orphans.b.size;
  expect(r.out).toContain(`Unreferenced blobs older than 1h: 2, ${total} bytes`);
  for (const o of [orphans.a, orphans.b]) expect(r.out).toContain(`  ${o.hash}  ${o.size}`);
  expect(r.out).not.toContain(orphans.young.hash);
  expect(r.out).not.toContain(referenced);
  expect(r.out).toMatch(/Dry run: nothing deleted/);
  expect(present()).toEqual(before);
  expect(await gcRuns()).toEqual([]);
});

test("--apply deletes them, keeps referenced, young and non-blob files, and logs one audit row", async () => {
  const r = await run("evidence", "gc", "--apply");
  expect(r.code).toBe(0);
  expect(r.out).toContain(`Deleted 2 blob(s), ${orphans.a.size + orphans.b.size} bytes`);
  expect(present()).toEqual([referenced, orphans.young.hash, stranger].sort());
  expect(await gcRuns()).toEqual([
    expect.objectContaining({ deleted: 2, minAgeSeconds: 3600, sha256: [orphans.a.hash, orphans.b.hash].sort() }),
  ]);
  // --min-age shortens the grace period.
  expect((await run("evidence", "gc", "--min-age", "1m", "--apply")).out).toContain("Deleted 1 blob(s)");
  expect(present()).toEqual([referenced, stranger].sort());
  expect(await gcRuns()).toHaveLength(2);
});

test("bad arguments and a missing database are refused", async () => {
  expect((await run("evidence", "gc", "--min-age", "soon")).code).toBe(2);
  expect((await run("evidence", "gc", "extra")).code).toBe(2);
  expect((await run("evidence", "gc", "--force")).code).toBe(2);
  expect((await run("evidence", "purge")).code).toBe(2);
  process.env.DATABASE_URL = `sqlite:${path.join(dataDir, "missing.db")}`;
  try {
    const r = await run("evidence", "gc", "--apply");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/No database at/);
    expect(fs.existsSync(path.join(dataDir, "missing.db"))).toBe(false);
  } finally {
    delete process.env.DATABASE_URL;
  }
});

test("a database without any file evidence is not trusted to judge stored blobs", async () => {
  const emptyDb = path.join(dataDir, "empty.db");
  process.env.DATABASE_URL = `sqlite:${emptyDb}`;
  try {
    expect((await run("db", "migrate")).code).toBe(0);
    const r = await run("evidence", "gc", "--apply", "--min-age", "0");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/is DATABASE_URL the right database\? Nothing deleted/);
    expect(present()).toEqual([referenced, stranger].sort());
  } finally {
    delete process.env.DATABASE_URL;
  }
});

test("help lists the command", async () => {
  expect((await run("help")).out).toContain("cermin evidence gc [--apply] [--min-age 1h]");
});
