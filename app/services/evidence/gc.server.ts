import fs from "node:fs/promises";
import path from "node:path";
import type { Db } from "#db/client.server";
import { writeAudit } from "~/services/admin/audit.server";
import type { EvidenceStore } from "./blob-store.server";
import { evidenceStore, LocalEvidenceStore } from "./stores.server";

/**
 * Garbage collection of evidence blobs (`cermin evidence gc`). A blob is referenced while any evidence
 * row or Rencana Aksi bukti dukung row (renaksi_evidence) names it, live or not: removed and detached
 * evidence keeps its row (item history, findings, carried-over copies), and the download routes serve
 * by evidence id, so only a blob no row names at all can never be downloaded again. evidence_blob rows
 * are kept: they are no reference, and deleting them could fail a concurrent upload's foreign key check.
 *
 * Only files named by a lower-case sha256 are considered (never temporary files, subdirectories or
 * anything else), and only when older than the grace period (mtime): an upload writes its blob before
 * it commits the evidence row, and writeBlob touches a blob it finds already stored. Each deletion
 * first moves the blob to `.gc-<sha256>`, then checks the moved file's mtime and the database again,
 * and moves it back if either changed: an upload that touched the blob just before is seen, one just
 * after finds no blob and writes it afresh. A run that dies in between leaves `.gc-<sha256>`, which
 * the next run (a dry run too) moves back first.
 *
 * On an object store (EVIDENCE_STORE=s3://…) there is no rename: each deletion first checks the
 * database again and the object's last-modified time (HeadObject; an upload re-puts an object it
 * finds stored, which refreshes it), then deletes. What an upload racing that last check may still
 * lose, addFileEvidences writes again after its commit, when it checks that every blob it references
 * is stored.
 */

const BLOB_NAME = /^[0-9a-f]{64}$/;
const QUARANTINE_PREFIX = ".gc-";
/** Hashes per `IN (…)` query: well below SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500;

export interface GcBlob {
  sha256: string;
  size: number;
  mtimeMs: number;
}

export interface GcPlan {
  /** The store's location: a directory or s3://bucket/prefix. */
  dir: string;
  store: EvidenceStore;
  minAgeMs: number;
  /** Blob files found (sha256 names only). */
  blobs: number;
  referenced: number;
  /** Unreferenced but younger than the grace period: kept. */
  young: GcBlob[];
  /** Unreferenced and old enough: what --apply deletes. */
  unreferenced: GcBlob[];
  unreferencedBytes: number;
  /** True when the database has file evidence rows at all (none with blobs on disk suggests the wrong database). */
  databaseHasFiles: boolean;
}

export interface GcResult {
  deleted: GcBlob[];
  deletedBytes: number;
  /** Referenced or touched again between the plan and the deletion: kept. */
  spared: string[];
}

const isMissing = (e: unknown) => (e as NodeJS.ErrnoException | null)?.code === "ENOENT";
/** For a failed file operation: a file gone meanwhile (another run moved it) is no error. */
const unlessMissing = (e: unknown): false => {
  if (!isMissing(e)) throw e;
  return false;
};
const lstatOrNull = (file: string) => fs.lstat(file).catch((e: unknown) => unlessMissing(e) || null);

/** The tables whose rows name blobs: assessment evidence, a Rencana Aksi's bukti dukung (issue #29) and appeal files (issue #30). */
const REFERENCING = ["evidence", "renaksi_evidence", "appeal_file"] as const;

async function referencedAmong(db: Db, hashes: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < hashes.length; i += CHUNK) {
    for (const table of REFERENCING) {
      const rows = await db
        .selectFrom(table)
        .select("blob_sha256")
        .distinct()
        .where("blob_sha256", "in", hashes.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) if (r.blob_sha256) found.add(r.blob_sha256);
    }
  }
  return found;
}

/** Moves blobs a crashed run left in quarantine back, so they are judged again like any other. */
async function recoverQuarantined(dir: string, names: string[]): Promise<void> {
  for (const name of names) {
    const sha = name.slice(QUARANTINE_PREFIX.length);
    if (!name.startsWith(QUARANTINE_PREFIX) || !BLOB_NAME.test(sha)) continue;
    await fs.rename(path.join(dir, name), path.join(dir, sha)).catch(unlessMissing);
  }
}

/** What a collection would delete now; changes nothing (beyond restoring a crashed run's quarantine). */
export async function planEvidenceGc(db: Db, opts: { minAgeMs: number; store?: EvidenceStore }): Promise<GcPlan> {
  const store = opts.store ?? evidenceStore();
  const dir = store.location;
  const now = Date.now();
  let databaseHasFiles = false;
  for (const table of REFERENCING) {
    databaseHasFiles ||=
      (await db.selectFrom(table).select("id").where("blob_sha256", "is not", null).limit(1).executeTakeFirst()) !== undefined;
  }
  const plan: GcPlan = {
    dir,
    store,
    minAgeMs: opts.minAgeMs,
    blobs: 0,
    referenced: 0,
    young: [],
    unreferenced: [],
    unreferencedBytes: 0,
    databaseHasFiles,
  };
  if (store instanceof LocalEvidenceStore) {
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch (e) {
      if (isMissing(e)) return plan;
      throw e;
    }
    await recoverQuarantined(dir, names);
  }
  const blobs: GcBlob[] = [];
  if (store instanceof LocalEvidenceStore) {
    // Sub-millisecond mtimes, compared exactly again in collect().
    for (const name of (await fs.readdir(dir)).filter((n) => BLOB_NAME.test(n)).sort()) {
      const stat = await lstatOrNull(path.join(dir, name));
      if (stat?.isFile()) blobs.push({ sha256: name, size: stat.size, mtimeMs: stat.mtimeMs });
    }
  } else for await (const b of store.list()) blobs.push({ sha256: b.sha256, size: b.size, mtimeMs: b.lastModified.getTime() });
  plan.blobs = blobs.length;
  const referenced = await referencedAmong(
    db,
    blobs.map((b) => b.sha256),
  );
  plan.referenced = referenced.size;
  for (const b of blobs) {
    if (referenced.has(b.sha256)) continue;
    if (now - b.mtimeMs < opts.minAgeMs) plan.young.push(b);
    else plan.unreferenced.push(b);
  }
  plan.unreferencedBytes = plan.unreferenced.reduce((n, b) => n + b.size, 0);
  return plan;
}

/** Deletes one planned blob unless it came into use since the plan (see the comment at the top). */
async function collect(db: Db, plan: GcPlan, blob: GcBlob, result: GcResult): Promise<void> {
  if (!(plan.store instanceof LocalEvidenceStore)) return collectObject(db, plan, blob, result);
  const file = path.join(plan.dir, blob.sha256);
  const quarantine = path.join(plan.dir, QUARANTINE_PREFIX + blob.sha256);
  if (!(await fs.rename(file, quarantine).then(() => true, unlessMissing))) return;
  const stat = await lstatOrNull(quarantine);
  if (!stat) return;
  const touched = stat.mtimeMs !== blob.mtimeMs || Date.now() - stat.mtimeMs < plan.minAgeMs;
  if (touched || (await referencedAmong(db, [blob.sha256])).size > 0) {
    // Back under its name; a copy an upload wrote meanwhile has the same bytes.
    await fs.rename(quarantine, file).catch(unlessMissing);
    result.spared.push(blob.sha256);
    return;
  }
  if (!(await fs.unlink(quarantine).then(() => true, unlessMissing))) return;
  result.deleted.push(blob);
  result.deletedBytes += blob.size;
}

/** collect() on an object store: database and last-modified time checked again, then deleted. */
async function collectObject(db: Db, plan: GcPlan, blob: GcBlob, result: GcResult): Promise<void> {
  if ((await referencedAmong(db, [blob.sha256])).size > 0) {
    result.spared.push(blob.sha256);
    return;
  }
  const now = await plan.store.head(blob.sha256);
  if (!now) return;
  // Object stores keep last-modified to the second in HeadObject (ListObjectsV2 may give milliseconds).
  const modified = now.lastModified.getTime();
  if (Math.floor(modified / 1000) > Math.floor(blob.mtimeMs / 1000) || Date.now() - modified < plan.minAgeMs) {
    result.spared.push(blob.sha256);
    return;
  }
  await plan.store.delete(blob.sha256);
  result.deleted.push(blob);
  result.deletedBytes += blob.size;
}

/** Deletes the plan's unreferenced blobs, re-checking each one, and logs the run in the audit log. */
export async function applyEvidenceGc(db: Db, plan: GcPlan): Promise<GcResult> {
  const result: GcResult = { deleted: [], deletedBytes: 0, spared: [] };
  try {
    for (const blob of plan.unreferenced) await collect(db, plan, blob, result);
  } finally {
    // Also after a failure part-way, so that what was deleted until then is on record.
    await writeAudit(db, {
      actorUserId: null,
      organisationId: null,
      action: "evidence.gc",
      entityType: "evidence_blob",
      entityId: null,
      after: {
        deleted: result.deleted.length,
        deletedBytes: result.deletedBytes,
        spared: result.spared.length,
        kept: { referenced: plan.referenced, young: plan.young.length },
        minAgeSeconds: Math.round(plan.minAgeMs / 1000),
        sha256: result.deleted.map((b) => b.sha256),
      },
    });
  }
  return result;
}

const UNITS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "90s", "30m", "1h", "2d" (or plain seconds) → milliseconds; null when malformed. */
export function parseDuration(s: string): number | null {
  const m = /^(\d{1,9})([smhd]?)$/.exec(s.trim());
  if (!m) return null;
  return Number(m[1]) * UNITS[(m[2] || "s") as keyof typeof UNITS];
}

export function formatDuration(ms: number): string {
  for (const unit of ["d", "h", "m"] as const) if (ms >= UNITS[unit] && ms % UNITS[unit] === 0) return `${ms / UNITS[unit]}${unit}`;
  return `${Math.round(ms / 1000)}s`;
}
