import { createHash } from "node:crypto";
import { Transform } from "node:stream";
import type { Db } from "#db/client.server";
import { type EvidenceStore, sha256Of } from "./blob-store.server";

/**
 * `cermin evidence migrate`: copies every blob an evidence row references from one store to another
 * (local disk ⇄ object store). Resumable: an object already in the target whose bytes hash to its
 * name is skipped, one with other bytes is replaced. Each copy is hashed while it streams from the
 * source and read back from the target and hashed again. The source is left as it was (delete it
 * after switching EVIDENCE_STORE on every app server; `evidence gc` never touches the other store).
 */

export interface MigrateResult {
  total: number;
  copied: number;
  skipped: number;
  copiedBytes: number;
  /** Referenced but not in the source store. */
  missing: string[];
  /** Source bytes or the copy read back did not hash to the name. */
  mismatched: string[];
}

async function targetHash(store: EvidenceStore, sha256: string): Promise<string | null> {
  const blob = await store.get(sha256);
  return blob ? sha256Of(blob.stream) : null;
}

export async function migrateEvidence(
  db: Db,
  from: EvidenceStore,
  to: EvidenceStore,
  progress: (line: string) => void,
): Promise<MigrateResult> {
  // Assessment evidence, a Rencana Aksi's bukti dukung (issue #29) and appeal files (issue #30) share the store.
  const named = new Set<string>();
  for (const table of ["evidence", "renaksi_evidence", "appeal_file"] as const) {
    const rows = await db.selectFrom(table).select("blob_sha256").distinct().where("blob_sha256", "is not", null).execute();
    for (const r of rows) if (r.blob_sha256) named.add(r.blob_sha256);
  }
  const hashes = [...named].sort();
  const result: MigrateResult = { total: hashes.length, copied: 0, skipped: 0, copiedBytes: 0, missing: [], mismatched: [] };
  for (const [i, sha] of hashes.entries()) {
    const at = `[${i + 1}/${hashes.length}] ${sha}`;
    const present = await targetHash(to, sha);
    if (present === sha) {
      result.skipped++;
      progress(`${at} already in the target, hash verified`);
      continue;
    }
    const src = await from.get(sha);
    if (!src) {
      result.missing.push(sha);
      progress(`${at} MISSING from the source store`);
      continue;
    }
    // Other bytes under this name (never a whole copy: puts are atomic): replaced, not just touched.
    if (present !== null) await to.delete(sha);
    const hash = createHash("sha256");
    const hashing = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    src.stream.on("error", (e) => hashing.destroy(e));
    await to.put(sha, src.stream.pipe(hashing), { size: src.size });
    const sourceHash = hash.digest("hex");
    const copyHash = await targetHash(to, sha);
    if (sourceHash !== sha || copyHash !== sha) {
      result.mismatched.push(sha);
      if (copyHash !== sha) await to.delete(sha);
      progress(`${at} HASH MISMATCH: source ${sourceHash}, copy ${copyHash ?? "absent"} (nothing kept in the target)`);
      continue;
    }
    result.copied++;
    result.copiedBytes += src.size;
    progress(`${at} copied, ${src.size} bytes, hash verified`);
  }
  return result;
}
