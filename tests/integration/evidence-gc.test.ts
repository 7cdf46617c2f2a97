import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import { applyEvidenceGc, formatDuration, parseDuration, planEvidenceGc } from "~/services/evidence/gc.server";
import { writeBlob } from "~/services/evidence/store.server";
import { addFileEvidence, detachEvidence, removeEvidence } from "~/services/evidence/evidence.server";
import { pdf } from "../fixtures/evidence/files";
import { freshDb } from "../helpers/db";
import { buildWorld, withTempDataDir, type World } from "../helpers/world";

// The collector against the database (SQLite, or PostgreSQL with TEST_DATABASE_URL); the CLI in evidence-gc-cli.test.ts.
const dataDir = withTempDataDir();
const dir = path.join(dataDir, "evidence");
const HOUR = 3_600_000;

let db: Db;
let w: World;
const system = () => ({ id: w.users.admin.id, isAdmin: true, memberships: [] });
const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const ageFile = (file: string, ms: number) => fs.utimesSync(file, new Date(Date.now() - ms), new Date(Date.now() - ms));
const exists = (name: string) => fs.existsSync(path.join(dir, name));

/** A blob file no evidence row names, `ageMs` old. */
function orphan(body: string, ageMs = 2 * HOUR): string {
  const bytes = pdf(body);
  const hash = sha(bytes);
  fs.writeFileSync(path.join(dir, hash), bytes);
  ageFile(path.join(dir, hash), ageMs);
  return hash;
}

/** Uploads a PDF as evidence of an item and makes its blob old. */
async function upload(body: string, itemId = "A.I.1.i.a") {
  const e = await addFileEvidence(
    db,
    system(),
    w.assessmentId,
    itemId,
    new File([pdf(body)], `${body}.pdf`, { type: "application/pdf" }),
    null,
  );
  ageFile(path.join(dir, e.sha256!), 2 * HOUR);
  return e;
}

let live: string, detached: string, removed: string, oldOrphan: string, oldOrphan2: string, young: string;
const strangers = ["notes.txt", ".tmp-upload", "A".repeat(64), "a".repeat(63), `${"b".repeat(64)}.pdf`];

beforeAll(async () => {
  db = await freshDb();
  w = await buildWorld(db);
  live = (await upload("live")).sha256!;
  // Detached from its only item (the row is kept) and removed evidence: their history can still name them.
  const d = await upload("detached");
  await detachEvidence(db, system(), w.assessmentId, d.id, "A.I.1.i.a");
  detached = d.sha256!;
  const r = await upload("removed");
  await removeEvidence(db, system(), w.assessmentId, r.id);
  removed = r.sha256!;
  oldOrphan = orphan("orphan one");
  oldOrphan2 = orphan("orphan two");
  young = orphan("young orphan", 10 * 60_000);
  // Never blobs: other names, a directory and a symlink named like one (the symlink's target must survive).
  for (const name of strangers) {
    fs.writeFileSync(path.join(dir, name), "not a blob");
    ageFile(path.join(dir, name), 48 * HOUR);
  }
  fs.mkdirSync(path.join(dir, "c".repeat(64)));
  fs.writeFileSync(path.join(dataDir, "elsewhere.txt"), "keep me");
  fs.symlinkSync(path.join(dataDir, "elsewhere.txt"), path.join(dir, "d".repeat(64)));
});

test("the plan lists only unreferenced blobs past the grace period, and changes nothing", async () => {
  const before = fs.readdirSync(dir).sort();
  const plan = await planEvidenceGc(db, { minAgeMs: HOUR });
  // The world's own PDF, live, detached, removed: referenced; two old orphans; one young orphan.
  expect(plan).toMatchObject({ blobs: 7, referenced: 4, databaseHasFiles: true });
  expect(plan.unreferenced.map((b) => b.sha256)).toEqual([oldOrphan, oldOrphan2].sort());
  expect(plan.unreferencedBytes).toBe(pdf("orphan one").length + pdf("orphan two").length);
  expect(plan.young.map((b) => b.sha256)).toEqual([young]);
  expect(fs.readdirSync(dir).sort()).toEqual(before);
});

test("a blob touched or referenced again after the plan is spared", async () => {
  const plan = await planEvidenceGc(db, { minAgeMs: HOUR });
  // Uploading the same bytes again only touches the stored blob (writeBlob), then references it.
  await writeBlob({ bytes: pdf("orphan one"), sha256: oldOrphan, name: "again.pdf", mime: "application/pdf" });
  expect(Date.now() - fs.statSync(path.join(dir, oldOrphan)).mtimeMs).toBeLessThan(HOUR);
  const result = await applyEvidenceGc(db, plan);
  expect(result.spared).toEqual([oldOrphan]);
  expect(result.deleted.map((b) => b.sha256)).toEqual([oldOrphan2]);
  expect(exists(oldOrphan)).toBe(true);
  expect(exists(oldOrphan2)).toBe(false);

  ageFile(path.join(dir, oldOrphan), 2 * HOUR);
  const again = await planEvidenceGc(db, { minAgeMs: HOUR });
  expect(again.unreferenced.map((b) => b.sha256)).toEqual([oldOrphan]);
  const e = await addFileEvidence(
    db,
    system(),
    w.assessmentId,
    "A.I.1.i.b",
    new File([pdf("orphan one")], "again.pdf", { type: "application/pdf" }),
    null,
  );
  expect(e.sha256).toBe(oldOrphan);
  ageFile(path.join(dir, oldOrphan), 2 * HOUR); // only the database can tell now
  expect((await applyEvidenceGc(db, again)).spared).toEqual([oldOrphan]);
  expect(exists(oldOrphan)).toBe(true);
});

test("apply deletes old unreferenced blobs only and logs the run", async () => {
  const gone = orphan("orphan three");
  const plan = await planEvidenceGc(db, { minAgeMs: HOUR });
  expect(plan.unreferenced.map((b) => b.sha256)).toEqual([gone]);
  const result = await applyEvidenceGc(db, plan);
  expect(result).toMatchObject({ deletedBytes: pdf("orphan three").length, spared: [] });
  expect(exists(gone)).toBe(false);
  // Every blob an evidence row names is still there, whatever the row's state.
  for (const hash of [live, detached, removed, oldOrphan, young]) expect(exists(hash)).toBe(true);
  const rows = await db.selectFrom("evidence").select("blob_sha256").where("blob_sha256", "is not", null).execute();
  for (const r of rows) expect(exists(r.blob_sha256!)).toBe(true);
  // Nothing that is not a blob was touched.
  for (const name of strangers) expect(fs.readFileSync(path.join(dir, name), "utf8")).toBe("not a blob");
  expect(fs.statSync(path.join(dir, "c".repeat(64))).isDirectory()).toBe(true);
  expect(fs.readFileSync(path.join(dir, "d".repeat(64)), "utf8")).toBe("keep me");
  expect(fs.readdirSync(dir).filter((n) => n.startsWith(".gc-"))).toEqual([]);

  const logged = await db.selectFrom("audit_log").selectAll().where("action", "=", "evidence.gc").orderBy("at").execute();
  expect(logged).toHaveLength(3);
  expect(logged.at(-1)).toMatchObject({ actor_user_id: null, entity_type: "evidence_blob" });
  expect(JSON.parse(logged.at(-1)!.after_json!)).toMatchObject({
    deleted: 1,
    deletedBytes: pdf("orphan three").length,
    spared: 0,
    sha256: [gone],
  });
});

test("a blob a crashed run left in quarantine is moved back and judged again", async () => {
  fs.renameSync(path.join(dir, live), path.join(dir, `.gc-${live}`));
  const plan = await planEvidenceGc(db, { minAgeMs: HOUR });
  expect(exists(live)).toBe(true);
  expect(exists(`.gc-${live}`)).toBe(false);
  expect(plan.unreferenced).toEqual([]);
});

test("a grace period of zero also collects the young", async () => {
  const plan = await planEvidenceGc(db, { minAgeMs: 0 });
  expect(plan.unreferenced.map((b) => b.sha256)).toEqual([young]);
});

test("durations", () => {
  expect(parseDuration("1h")).toBe(HOUR);
  expect(parseDuration("90")).toBe(90_000);
  expect(parseDuration("30m")).toBe(30 * 60_000);
  expect(parseDuration("2d")).toBe(48 * HOUR);
  expect(parseDuration("0")).toBe(0);
  for (const bad of ["", "1w", "-1h", "1.5h", "h"]) expect(parseDuration(bad)).toBeNull();
  expect([HOUR, 90_000, 30 * 60_000, 48 * HOUR, 0].map(formatDuration)).toEqual(["1h", "90s", "30m", "2d", "0s"]);
});
