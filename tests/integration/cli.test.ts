import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { expect, test } from "vitest";
import { cliDataDir, runMain as run } from "../helpers/cli";

const dataDir = cliDataDir("cermin-cli-");


test("db migrate, then the demo seed writes logins once and refuses a second time", async () => {
  expect((await run("db", "migrate")).out).toMatch(/Applied \d+ migration\(s\)/);
  expect((await run("db", "migrate")).out).toMatch(/up to date/);
  const seeded = await run("db", "seed", "--demo");
  expect(seeded.code).toBe(0);
  const file = fs.readFileSync(path.join(dataDir(), "demo-logins.txt"), "utf8");
  expect(file).toMatch(/admin@cermin\.test\s+\S{20}/);
  expect((fs.statSync(path.join(dataDir(), "demo-logins.txt")).mode & 0o777).toString(8)).toBe("600");
  const db = new SQLite(path.join(dataDir(), "cermin.db"), { readonly: true });
  expect(db.prepare("select count(*) n from unit").get()).toEqual({ n: 16 }); // with the regency's Sekretariat Daerah and its Bagian Organisasi
  expect(db.prepare("select count(*) n from period").get()).toEqual({ n: 8 });
  expect(db.prepare("select count(*) n from user").get()).toEqual({ n: 8 });
  db.close();
  const again = await run("db", "seed", "--demo");
  expect(again.code).toBe(1);
  expect(again.err).toMatch(/only seeded into an empty database/);
});

test("user create prints a one-time link and validates its arguments", async () => {
  const ok = await run("user", "create", "--email", "baru@kemendemo.test", "--role", "assessor", "--unit", "KLP-SBY", "--name", "Asesor Baru");
  expect(ok.code).toBe(0);
  expect(ok.out).toMatch(/\/set-password\/[\w-]{40,}/);
  const admin = await run("user", "create", "--email", "root2@cermin.test", "--role", "admin");
  expect(admin.code).toBe(0);
  expect((await run("user", "create", "--email", "baru@kemendemo.test", "--role", "assessor", "--unit", "KLP-SBY")).err).toMatch(/already exists/);
  const badRole = await run("user", "create", "--email", "x@y.id", "--role", "raja", "--unit", "KLP-SBY");
  expect(badRole.code).toBe(2);
  expect(badRole.err).toMatch(/--role must be one of/);
  expect((await run("user", "create", "--email", "bukan-email", "--role", "assessor")).err).toMatch(/valid email/);
  expect((await run("user", "create", "--email", "x@y.id", "--role", "assessor")).err).toMatch(/--unit/);
  expect((await run("user", "create", "--email", "x@y.id", "--role", "assessor", "--unit", "TIDAK-ADA")).err).toMatch(/no unit/);
  expect((await run("user", "create", "--bogus")).code).toBe(2);
});

test("backup writes a copy that passes integrity_check and never overwrites", async () => {
  const target = path.join(dataDir(), "backups", "cermin-backup.db");
  const out = await run("backup", target);
  expect(out.code).toBe(0);
  const copy = new SQLite(target, { readonly: true });
  expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
  expect((copy.prepare("select count(*) n from user").get() as { n: number }).n).toBe(10);
  copy.close();
  const again = await run("backup", target);
  expect(again.code).toBe(1);
  expect(again.err).toMatch(/Refusing to overwrite/);
  expect((await run("backup")).code).toBe(2);
});

test("unknown commands exit non-zero with usage help", async () => {
  const r = await run("terbang");
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/unknown command "terbang"/);
  expect((await run("db", "drop")).code).toBe(2);
  expect((await run("help")).out).toMatch(/cermin start/);
});

test("cermin verify: the demo's sealed assessments verify; a changed answer is named; a receipt checks offline", async () => {
  const { clearKeyCache } = await import("~/services/seal/keys.server");
  clearKeyCache(); // DATA_DIR is this test's directory: the key the demo seed generated there
  const db = new SQLite(path.join(dataDir(), "cermin.db"));
  const finals = db.prepare("select id from assessment where status = 'final'").pluck().all() as string[];
  expect(finals.length).toBeGreaterThan(0);
  for (const id of finals) {
    const ok = await run("verify", id);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/OK — unchanged since the seal/);
  }
  const id = finals[0]!;
  const row = db.prepare("select item_id, value_json from answer where assessment_id = ? and layer = 'self' and value_json is not null limit 1").get(id) as { item_id: string; value_json: string };
  db.prepare("update answer set note = 'diubah di basis data' where assessment_id = ? and layer = 'self' and item_id = ?").run(id, row.item_id);
  const changed = await run("verify", id);
  expect(changed.code).toBe(1);
  expect(changed.out).toContain(`✗ answer ${row.item_id}: note changed: null → "diubah di basis data"`);
  db.prepare("update answer set note = null where assessment_id = ? and layer = 'self' and item_id = ?").run(id, row.item_id);
  expect((await run("verify", id)).code).toBe(0);

  const receipt = db.prepare("select receipt_json from seal where assessment_id = ? order by seq desc limit 1").pluck().get(id) as string;
  db.close();
  const file = path.join(dataDir(), "receipt.json");
  fs.writeFileSync(file, receipt);
  const key = path.join(dataDir(), "seal", "ed25519-public.pem");
  const offline = await run("verify", "--receipt", file, "--public-key", key);
  expect(offline.code, offline.out).toBe(0);
  expect(offline.out).toMatch(/^OK: receipt of assessment/);
  fs.writeFileSync(file, receipt.replace(/"seq":(\d+)/, (_m, n: string) => `"seq":${Number(n) + 1}`));
  const forged = await run("verify", "--receipt", file, "--public-key", key);
  expect(forged.code).toBe(1);
  expect(forged.out).toContain("signature does not match");
  expect((await run("verify")).code).toBe(2);
  expect((await run("verify", "no-such-id")).code).toBe(1);
});
