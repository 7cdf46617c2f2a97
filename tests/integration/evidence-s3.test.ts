/**
 * Issue #15: evidence in an S3-compatible object store (EVIDENCE_STORE=s3://bucket/prefix).
 *
 * The object store is a real S3 HTTP API server started by this test: `s3rver` (npm) on a free
 * port, keeping its objects in a temporary directory. MinIO, SeaweedFS and Ceph RGW are not
 * available on this machine (no package for them), so s3rver stands in; the store talks to it
 * through @aws-sdk/client-s3 exactly as to those (path-style, SigV4, PutObject/GetObject/
 * HeadObject/DeleteObject/ListObjectsV2 only).
 *
 * Like evidence-gc-cli.test.ts this runs on the default SQLite database of a throwaway DATA_DIR, so
 * the `cermin evidence …` commands see the same database as the services.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "#db/client.server";
import { migrateToLatest } from "#db/migrate";
import type { Actor } from "~/auth/permissions";
import { setDb } from "~/db.server";
import * as download from "~/routes/evidence.$id.download";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { applyEvidenceGc, planEvidenceGc } from "~/services/evidence/gc.server";
import { sha256Of } from "~/services/evidence/blob-store.server";
import type { S3EvidenceStore } from "~/services/evidence/store-s3.server";
import { LocalEvidenceStore, setEvidenceStore, storeFor } from "~/services/evidence/stores.server";
import { addFileEvidences } from "~/services/evidence/evidence.server";
import { verifyAssessment } from "~/services/seal/seal.server";
import { submitAssessment } from "~/services/workbench/workflow.server";
import { pdf } from "../fixtures/evidence/files";
import { makeRequest } from "../helpers/remix";
import { buildWorld, withTempDataDir, type World } from "../helpers/world";
import { runMain as run } from "../helpers/cli";

type S3rverInstance = { run(): Promise<AddressInfo>; close(): Promise<void> };
const S3rver = createRequire(import.meta.url)("s3rver") as new (opts: Record<string, unknown>) => S3rverInstance;

const ENV = [
  "DATA_DIR",
  "DATABASE_URL",
  "EVIDENCE_STORE",
  "S3_ENDPOINT",
  "S3_REGION",
  "S3_FORCE_PATH_STYLE",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
] as const;
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
const dataDir = withTempDataDir();
delete process.env.DATABASE_URL;
const s3Dir = fs.mkdtempSync(path.join(dataDir, "..", "cermin-s3rver-"));
const BUCKET = "cermin-evidence";
const S3_URL = `s3://${BUCKET}/installations/uji`;
const localDir = path.join(dataDir, "evidence");
// Uploads are staged here before they are sent to the bucket.
const tmpDir = path.join(dataDir, "tmp");
const sdkLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes("@aws-sdk/client-s3"));
const sdkLoadedAt: Record<string, boolean> = {};

let server: S3rverInstance;
let db: Db;
let w: World;
let s3: S3EvidenceStore;
const local = new LocalEvidenceStore();
const system = (): Actor => ({ id: w.users.admin.id, isAdmin: true, memberships: [] });
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function objectBytes(store: { get: S3EvidenceStore["get"] }, hash: string): Promise<Buffer | null> {
  const blob = await store.get(hash);
  if (!blob) return null;
  const chunks: Buffer[] = [];
  for await (const c of blob.stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function listed(store: S3EvidenceStore | LocalEvidenceStore): Promise<string[]> {
  const out: string[] = [];
  for await (const b of store.list()) out.push(b.sha256);
  return out.sort();
}

async function referenced(): Promise<string[]> {
  const rows = await db.selectFrom("evidence").select("blob_sha256").distinct().where("blob_sha256", "is not", null).execute();
  return rows.map((r) => r.blob_sha256!).sort();
}

beforeAll(async () => {
  server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: s3Dir, configureBuckets: [{ name: BUCKET }] });
  const { port } = await server.run();
  Object.assign(process.env, {
    EVIDENCE_STORE: S3_URL,
    S3_ENDPOINT: `http://127.0.0.1:${port}`,
    S3_REGION: "us-east-1",
    S3_FORCE_PATH_STYLE: "true",
    // s3rver checks SigV4 signatures against its fixed test credentials.
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
  });
  sdkLoadedAt.start = sdkLoaded();
  s3 = storeFor(S3_URL) as S3EvidenceStore;
  sdkLoadedAt.storeMade = sdkLoaded();
  db = createDb();
  await migrateToLatest(db);
  setDb(db);
  w = await buildWorld(db);
  sdkLoadedAt.firstUpload = sdkLoaded();
});

afterAll(async () => {
  await db?.destroy();
  await server?.close();
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(s3Dir, { recursive: true, force: true });
});

describe("evidence in an S3-compatible store", () => {
  it("loads the AWS SDK only when the S3 store is first used", () => {
    expect(sdkLoadedAt).toEqual({ start: false, storeMade: false, firstUpload: true });
  });

  it("uploads through the evidence service land in the bucket under the prefix, nothing on local disk", async () => {
    const bytes = pdf("Laporan di object store");
    const [e] = await addFileEvidences(
      db,
      system(),
      w.assessmentId,
      "A.I.1.i.a",
      [new File([bytes], "laporan.pdf", { type: "application/pdf" })],
      null,
    );
    expect(e!.sha256).toBe(sha(bytes));
    expect(await s3.has(sha(bytes))).toBe(true);
    expect((await s3.head(sha(bytes)))?.size).toBe(bytes.length);
    expect(await listed(s3)).toEqual(await referenced());
    expect(fs.existsSync(localDir)).toBe(false);
    // Streamed through a temporary file in DATA_DIR/tmp, deleted once stored.
    expect(fs.readdirSync(tmpDir)).toEqual([]);
    // The objects are files of s3rver's own directory, keyed by bucket and prefix: it really went over HTTP.
    expect(fs.readdirSync(s3Dir)).toContain(BUCKET);
  });

  it("an object store that refuses the upload: the error propagates, no row, no temporary file left", async () => {
    const before = (await db.selectFrom("evidence").select("id").execute()).length;
    setEvidenceStore(storeFor("s3://no-such-bucket/uji"));
    try {
      const bytes = pdf("ke bucket yang tidak ada");
      const upload = addFileEvidences(db, system(), w.assessmentId, "A.I.1.i.a", [new File([bytes], "hilang.pdf")], null);
      await expect(upload).rejects.toMatchObject({ name: "NoSuchBucket" });
      expect(await s3.has(sha(bytes))).toBe(false);
    } finally {
      setEvidenceStore(null);
    }
    expect((await db.selectFrom("evidence").select("id").execute()).length).toBe(before);
    expect(fs.readdirSync(tmpDir)).toEqual([]);
  });

  it("the download route streams the object's bytes with the same headers; HEAD sends none; others get 404", async () => {
    const bytes = pdf("unduh dari bucket");
    const [e] = await addFileEvidences(
      db,
      system(),
      w.assessmentId,
      "A.I.1.i.a",
      [new File([bytes], "unduh.pdf", { type: "application/pdf" })],
      null,
    );
    const res = (await download.loader({
      request: makeRequest({ path: `/evidence/${e!.id}/download`, cookie: w.cookies.assessor }),
      params: { id: e!.id },
      context: {},
    })) as Response;
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
    expect(Object.fromEntries(res.headers)).toMatchObject({
      "content-type": "application/pdf",
      "content-length": String(bytes.length),
      "content-disposition": `attachment; filename="unduh.pdf"; filename*=UTF-8''unduh.pdf`,
      "x-content-type-options": "nosniff",
      "content-security-policy": "sandbox; default-src 'none'",
      "cache-control": "private, no-store",
    });
    const head = (await download.loader({
      request: makeRequest({ path: `/evidence/${e!.id}/download`, cookie: w.cookies.assessor, method: "HEAD" }),
      params: { id: e!.id },
      context: {},
    })) as Response;
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(bytes.length));
    expect(await head.text()).toBe("");
    // Not logged in: the permission check comes before the store is asked.
    const anon = await download
      .loader({ request: makeRequest({ path: `/evidence/${e!.id}/download` }), params: { id: e!.id }, context: {} })
      .catch((r: unknown) => r);
    expect((anon as Response).status).not.toBe(200);
    // An object missing from the store is a 404, not a 500.
    await s3.delete(sha(bytes));
    const gone = await download
      .loader({
        request: makeRequest({ path: `/evidence/${e!.id}/download`, cookie: w.cookies.assessor }),
        params: { id: e!.id },
        context: {},
      })
      .catch((r: unknown) => r);
    expect((gone as Response).status).toBe(404);
    await s3.put(sha(bytes), bytes, { size: bytes.length });
  });

  it("gc on the S3 store lists and deletes only unreferenced objects, past the grace period", async () => {
    const orphan = pdf("yatim di bucket");
    const orphan2 = pdf("yatim kedua");
    await s3.put(sha(orphan), orphan, { size: orphan.length });
    await s3.put(sha(orphan2), orphan2, { size: orphan2.length });
    const refs = await referenced();
    // Objects not named by a sha256 under the prefix, and objects outside the prefix, are never considered.
    const other = storeFor(`s3://${BUCKET}/other-installation`);
    await other.put(sha(orphan), orphan, { size: orphan.length });

    const young = await planEvidenceGc(db, { minAgeMs: 3_600_000 });
    expect(young.dir).toBe(S3_URL);
    expect(young).toMatchObject({ blobs: refs.length + 2, referenced: refs.length, unreferenced: [] });
    expect(young.young.map((b) => b.sha256).sort()).toEqual([sha(orphan), sha(orphan2)].sort());

    const plan = await planEvidenceGc(db, { minAgeMs: 0 });
    expect(plan.unreferenced.map((b) => b.sha256).sort()).toEqual([sha(orphan), sha(orphan2)].sort());
    expect(plan.unreferencedBytes).toBe(orphan.length + orphan2.length);
    // Uploaded again after the plan (a later second: HeadObject has second precision): spared.
    await new Promise((r) => setTimeout(r, 1100));
    await s3.put(sha(orphan2), orphan2, { size: orphan2.length });
    const result = await applyEvidenceGc(db, plan);
    expect(result.deleted.map((b) => b.sha256)).toEqual([sha(orphan)]);
    expect(result.spared).toEqual([sha(orphan2)]);
    expect(await listed(s3)).toEqual([...refs, sha(orphan2)].sort());
    expect(await other.has(sha(orphan))).toBe(true);

    // The command line does the same on the configured store.
    const dry = await run("evidence", "gc", "--min-age", "0");
    expect(dry.code).toBe(0);
    expect(dry.out).toContain(`Evidence store ${S3_URL}: ${refs.length + 1} blob(s), ${refs.length} referenced`);
    expect(dry.out).toContain(`  ${sha(orphan2)}  ${orphan2.length}`);
    const applied = await run("evidence", "gc", "--apply", "--min-age", "0");
    expect(applied.code).toBe(0);
    expect(applied.out).toContain("Deleted 1 blob(s)");
    expect(await listed(s3)).toEqual(refs);
    await other.delete(sha(orphan));
  });

  it("migrate s3 → file copies every referenced object with progress and verified hashes, resumably", async () => {
    const refs = await referenced();
    const first = await run("evidence", "migrate", "--to", "file");
    expect(first.err).toBe("");
    expect(first.code).toBe(0);
    expect(first.out).toContain(`from ${S3_URL} to ${localDir}`);
    for (const [i, h] of refs.entries()) expect(first.out).toContain(`[${i + 1}/${refs.length}] ${h} copied`);
    expect(first.out).toContain(`${refs.length} blob(s): ${refs.length} copied`);
    for (const h of refs) expect(sha(fs.readFileSync(path.join(localDir, h)))).toBe(h);
    expect(await listed(local)).toEqual(refs);

    // Run again: nothing copied, each object verified in place.
    const again = await run("evidence", "migrate", "--to", "file");
    expect(again.code).toBe(0);
    expect(again.out).toContain(`${refs.length} blob(s): 0 copied`);
    for (const h of refs) expect(again.out).toContain(`${h} already in the target, hash verified`);

    // A target copy with wrong bytes of the same size is replaced, not trusted.
    const victim = path.join(localDir, refs[0]!);
    const bad = fs.readFileSync(victim);
    bad[bad.length - 2] = (bad[bad.length - 2]! + 1) % 256;
    fs.chmodSync(victim, 0o644);
    fs.writeFileSync(victim, bad);
    const fixed = await run("evidence", "migrate", "--to", "file");
    expect(fixed.code).toBe(0);
    expect(fixed.out).toContain(`${refs[0]} copied`);
    expect(sha(fs.readFileSync(victim))).toBe(refs[0]);
  });

  it("migrate file → s3 resumes after a partial copy and fails on a source hash mismatch", async () => {
    const refs = await referenced();
    expect(refs.length).toBeGreaterThanOrEqual(3);
    // A half-done earlier migration: two objects missing from the bucket.
    await s3.delete(refs[1]!);
    await s3.delete(refs[2]!);
    // And one of them corrupted on local disk (the source).
    const source = path.join(localDir, refs[2]!);
    const good = fs.readFileSync(source);
    const bad = Buffer.from(good);
    bad[10] = (bad[10]! + 1) % 256;
    fs.chmodSync(source, 0o644);
    fs.writeFileSync(source, bad);

    const broken = await run("evidence", "migrate", "--from", "file", "--to", S3_URL);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain(`${refs[1]} copied`);
    expect(broken.out).toContain(`${refs[2]} HASH MISMATCH`);
    expect(broken.err).toContain(`hash mismatch ${refs[2]}`);
    expect(await s3.has(refs[2]!)).toBe(false);
    for (const h of refs.filter((x) => x !== refs[1] && x !== refs[2]))
      expect(broken.out).toContain(`${h} already in the target, hash verified`);

    fs.writeFileSync(source, good);
    const ok = await run("evidence", "migrate", "--from", "file", "--to", S3_URL);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(`${refs.length} blob(s): 1 copied`);
    expect(ok.out).toContain(`Set EVIDENCE_STORE=${S3_URL} on every app server`);
    for (const h of refs) expect(sha((await objectBytes(s3, h))!)).toBe(h);

    // Same store twice, or a malformed one, is a usage error.
    expect((await run("evidence", "migrate", "--to", S3_URL)).code).toBe(2);
    expect((await run("evidence", "migrate", "--to", "ftp://x")).code).toBe(2);
    // A referenced blob in neither store: reported, exit 1.
    const kept = (await objectBytes(s3, refs[0]!))!;
    await s3.delete(refs[0]!);
    fs.rmSync(path.join(localDir, refs[0]!));
    const missing = await run("evidence", "migrate", "--to", "file");
    expect(missing.code).toBe(1);
    expect(missing.out).toContain(`${refs[0]} MISSING from the source store`);
    const back = await objectBytes(local, refs[1]!);
    expect(back && sha(back)).toBe(refs[1]);
    await s3.put(refs[0]!, kept, { size: kept.length });
  });

  it("gc finds the same orphans on both stores holding the same objects", async () => {
    // Both stores hold every referenced object (the previous test left one only in the bucket).
    expect((await run("evidence", "migrate", "--from", S3_URL, "--to", "file")).code).toBe(0);
    const orphans = [pdf("yatim bersama satu"), pdf("yatim bersama dua")];
    for (const store of [local, s3]) for (const o of orphans) await store.put(sha(o), o, { size: o.length });
    const onDisk = await planEvidenceGc(db, { minAgeMs: 0, store: local });
    const inBucket = await planEvidenceGc(db, { minAgeMs: 0, store: s3 });
    const shas = (plan: typeof onDisk) => plan.unreferenced.map((b) => b.sha256).sort();
    expect(shas(onDisk)).toEqual(orphans.map(sha).sort());
    expect(shas(inBucket)).toEqual(shas(onDisk));
    expect({ blobs: inBucket.blobs, referenced: inBucket.referenced, bytes: inBucket.unreferencedBytes }).toEqual({
      blobs: onDisk.blobs,
      referenced: onDisk.referenced,
      bytes: onDisk.unreferencedBytes,
    });
    expect((await applyEvidenceGc(db, onDisk)).deleted.map((b) => b.sha256).sort()).toEqual(shas(onDisk));
    expect((await applyEvidenceGc(db, inBucket)).deleted.map((b) => b.sha256).sort()).toEqual(shas(onDisk));
    expect(await listed(local)).toEqual(await listed(s3));
  });

  it("seal verification hashes the S3 object and names the file whose bytes changed there", async () => {
    const assessor: Actor = {
      id: w.users.assessor.id,
      isAdmin: false,
      memberships: [{ organisationId: w.ministry.id, unitId: w.service.id, unitPath: w.service.path, role: "assessor" }],
    };
    await submitAssessment(db, assessor, await requireAssessment(db, system(), w.assessmentId), null);
    expect((await verifyAssessment(db, w.assessmentId)).ok).toBe(true);

    const row = await db.selectFrom("evidence").select(["blob_sha256", "name"]).where("id", "=", w.evidenceId).executeTakeFirstOrThrow();
    const original = (await objectBytes(s3, row.blob_sha256!))!;
    const changed = Buffer.from(original);
    changed[changed.length - 2] = (changed[changed.length - 2]! + 1) % 256;
    await s3.put(row.blob_sha256!, changed, { size: changed.length });
    expect(await sha256Of((await s3.get(row.blob_sha256!))!.stream)).not.toBe(row.blob_sha256);
    const report = await verifyAssessment(db, w.assessmentId);
    expect(report.ok).toBe(false);
    expect(report.mismatches).toHaveLength(1);
    expect(report.mismatches[0]).toMatchObject({ kind: "evidence", at: row.name });
    expect(report.mismatches[0]!.message).toMatch(/content changed/);

    await s3.put(row.blob_sha256!, original, { size: original.length });
    expect((await verifyAssessment(db, w.assessmentId)).ok).toBe(true);
  });
});
