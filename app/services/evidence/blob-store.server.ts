import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";

/*
 * The contract every evidence store keeps (content-addressed blobs named by their sha256) and the
 * temporary files uploads stream into. The stores themselves: LocalEvidenceStore and the selection
 * from EVIDENCE_STORE in stores.server.ts, S3EvidenceStore in store-s3.server.ts.
 */
export const BLOB_NAME = /^[0-9a-f]{64}$/;

export interface BlobInfo {
  sha256: string;
  size: number;
  lastModified: Date;
}

export interface StoredBlob {
  stream: Readable;
  size: number;
}

/** An upload's temporary file, being written. */
export interface TempFile {
  readonly path: string;
  /** Writes all of the chunk (a full disk rejects with ENOSPC, EDQUOT or EFBIG). */
  write(chunk: Uint8Array): Promise<void>;
  /** Flushes it to disk (fsync) and closes it. */
  finish(): Promise<void>;
  /** Closes and deletes it; no error when it is already gone. */
  discard(): Promise<void>;
}

export interface EvidenceStore {
  readonly kind: "file" | "s3";
  /** Where the objects are, for messages: a directory or s3://bucket/prefix. */
  readonly location: string;
  /**
   * Stores the bytes under their hash (the caller computed it). A stream needs meta.size. Storing an
   * object that is already there refreshes its last-modified time, which garbage collection reads as
   * "in use" (see gc.server.ts).
   */
  put(sha256: string, body: Uint8Array | Readable, meta: { size: number; mime?: string }): Promise<void>;
  /** The directory of upload temporary files (see the comment at the top). */
  tempDir(): string;
  createTempFile(): Promise<TempFile>;
  /**
   * Stores a complete local file (an upload's finished temporary file) under its hash, like put;
   * the file itself is left where it is, for the caller to delete.
   */
  putFile(sha256: string, file: string, meta: { size: number; mime?: string }): Promise<void>;
  /** The object's bytes as a stream, or null when it is not stored. */
  get(sha256: string): Promise<StoredBlob | null>;
  head(sha256: string): Promise<BlobInfo | null>;
  has(sha256: string): Promise<boolean>;
  /** Deletes the object; no error when it is already gone. */
  delete(sha256: string): Promise<void>;
  /** Every object named by a sha256 (nothing else under the directory or prefix). */
  list(): AsyncIterable<BlobInfo>;
}

export function checkSha(sha256: string): string {
  if (!BLOB_NAME.test(sha256)) throw new Error("evidence: not a sha256");
  return sha256;
}

export const isMissing = (e: unknown) => (e as NodeJS.ErrnoException | null)?.code === "ENOENT";
export const errorCode = (e: unknown) => (e as NodeJS.ErrnoException | null)?.code;

export const TEMP_PREFIX = ".tmp-";
/** Temporary files older than this are a crashed process's leftovers, deleted when the directory is next used. */
const STALE_TEMP_MS = 24 * 3_600_000;
const swept = new Set<string>();

/** Once per process and directory: deletes temporary files a crashed process left behind. */
async function sweepStaleTemps(dir: string): Promise<void> {
  if (swept.has(dir)) return;
  swept.add(dir);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith(TEMP_PREFIX))) {
    const file = path.join(dir, name);
    const stat = await fs.lstat(file).catch(() => null);
    if (stat?.isFile() && Date.now() - stat.mtimeMs > STALE_TEMP_MS) await fs.rm(file, { force: true });
  }
}

/** A new temporary file `.tmp-<uuid>` in dir (created if need be), mode 0640. */
export async function openTempFile(dir: string): Promise<TempFile> {
  await fs.mkdir(dir, { recursive: true });
  await sweepStaleTemps(dir);
  const file = path.join(dir, `${TEMP_PREFIX}${randomUUID()}`);
  const handle = await fs.open(file, "wx", 0o640);
  let open = true;
  const close = async () => {
    if (!open) return;
    open = false;
    await handle.close();
  };
  return {
    path: file,
    async write(chunk) {
      // A write may store fewer bytes than asked (a nearly full disk): the rest goes in the next one.
      for (let at = 0; at < chunk.length; ) at += (await handle.write(chunk, at, chunk.length - at)).bytesWritten;
    },
    async finish() {
      try {
        await handle.sync();
      } finally {
        await close();
      }
    },
    async discard() {
      await close().catch(() => {});
      await fs.rm(file, { force: true });
    },
  };
}

/** SHA-256 of a stream's bytes, consuming it. */
export async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
