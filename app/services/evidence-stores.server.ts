import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { dataDir } from "#db/client.server";
import { parseS3Url, S3EvidenceStore } from "./evidence-store-s3.server";

export { parseS3Url, S3EvidenceStore, type S3Location } from "./evidence-store-s3.server";

/**
 * Where evidence bytes live, behind one interface: content-addressed objects named by their sha256.
 * Local disk (DATA_DIR/evidence) is the default; EVIDENCE_STORE=s3://bucket/prefix stores the same
 * objects in an S3-compatible object store (evidence-store-s3.server.ts, which loads the AWS SDK
 * only then), so several app servers can serve one installation's evidence.
 *
 * Uploads stream into a temporary file of the store's temp area first (tempDir: the evidence
 * directory itself for local disk, so that storing is a link and rename on one file system;
 * DATA_DIR/tmp for S3), hashed and sniffed on the way (evidence-upload.server.ts); putFile then
 * stores that file under its hash. Temporary files are named `.tmp-…`: never a blob name, so
 * listing and garbage collection pass them by.
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
   * "in use" (see evidence-gc.server.ts).
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

const isMissing = (e: unknown) => (e as NodeJS.ErrnoException | null)?.code === "ENOENT";
const errorCode = (e: unknown) => (e as NodeJS.ErrnoException | null)?.code;

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

/** Hard links may be unsupported (some network and FAT file systems): storing copies instead. */
const NO_LINK = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EXDEV", "EMLINK"]);

export class LocalEvidenceStore implements EvidenceStore {
  readonly kind = "file" as const;
  /** dir defaults to DATA_DIR/evidence, read at each call (DATA_DIR may change in tests). */
  constructor(private readonly fixedDir?: string) {}

  get location(): string {
    return this.dir();
  }

  dir(): string {
    return this.fixedDir ?? path.join(dataDir(), "evidence");
  }

  path(sha256: string): string {
    return path.join(this.dir(), checkSha(sha256));
  }

  tempDir(): string {
    return this.dir();
  }

  createTempFile(): Promise<TempFile> {
    return openTempFile(this.tempDir());
  }

  /**
   * An existing blob of the same size is only touched, so `cermin evidence gc` sees it in use; if
   * the collector moved it away meanwhile (evidence-gc.server.ts), the touch fails and the bytes are
   * written afresh.
   */
  private async touchIfStored(target: string, size: number): Promise<boolean> {
    const existing = await fs.stat(target).catch(() => null);
    return (
      existing?.size === size &&
      fs.utimes(target, new Date(), new Date()).then(
        () => true,
        () => false,
      )
    );
  }

  /** Temp file in the same directory, fsync, atomic rename; an existing blob of the same size is only touched. */
  async put(sha256: string, body: Uint8Array | Readable, meta: { size: number }): Promise<void> {
    const target = this.path(sha256);
    if (await this.touchIfStored(target, meta.size)) {
      if (body instanceof Readable) body.destroy();
      return;
    }
    const tmp = await this.createTempFile();
    try {
      if (body instanceof Readable) for await (const chunk of body) await tmp.write(chunk as Buffer);
      else await tmp.write(body);
      await tmp.finish();
      await fs.rename(tmp.path, target);
    } catch (e) {
      await tmp.discard();
      throw e;
    }
  }

  /**
   * The staged file (in this directory, already fsynced) becomes the blob by a hard link under a
   * second temporary name and an atomic rename, so the staged file stays for the caller (who may
   * need to store it again, see addStagedEvidences) and no reader ever sees a partial blob. Where
   * hard links are not supported it is copied instead.
   */
  async putFile(sha256: string, file: string, meta: { size: number }): Promise<void> {
    const target = this.path(sha256);
    if (await this.touchIfStored(target, meta.size)) return;
    await fs.mkdir(this.dir(), { recursive: true });
    const linked = path.join(this.dir(), `${TEMP_PREFIX}${randomUUID()}`);
    try {
      try {
        await fs.link(file, linked);
      } catch (e) {
        if (!NO_LINK.has(errorCode(e) ?? "")) throw e;
        await fs.copyFile(file, linked);
        const handle = await fs.open(linked, "r+");
        await handle.sync().finally(() => handle.close());
      }
      await fs.rename(linked, target);
    } catch (e) {
      await fs.rm(linked, { force: true });
      throw e;
    }
  }

  async get(sha256: string): Promise<StoredBlob | null> {
    const file = this.path(sha256);
    const handle = await fs.open(file, "r").catch((e: unknown) => {
      if (isMissing(e)) return null;
      throw e;
    });
    if (!handle) return null;
    const stat = await handle.stat();
    if (!stat.isFile()) {
      await handle.close();
      return null;
    }
    // The stream owns the handle and closes it when done or destroyed.
    return { stream: handle.createReadStream(), size: stat.size };
  }

  async head(sha256: string): Promise<BlobInfo | null> {
    const stat = await fs.lstat(this.path(sha256)).catch(() => null);
    return stat?.isFile() ? { sha256, size: stat.size, lastModified: stat.mtime } : null;
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.head(sha256)) !== null;
  }

  async delete(sha256: string): Promise<void> {
    await fs.unlink(this.path(sha256)).catch((e: unknown) => {
      if (!isMissing(e)) throw e;
    });
  }

  async *list(): AsyncIterable<BlobInfo> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir());
    } catch (e) {
      if (isMissing(e)) return;
      throw e;
    }
    for (const name of names.filter((n) => BLOB_NAME.test(n)).sort()) {
      const info = await this.head(name);
      if (info) yield info;
    }
  }
}

/** One client per store URL and S3 settings, so connections are reused across requests. */
const s3Stores = new Map<string, S3EvidenceStore>();

/** The store a spec names: "file" (DATA_DIR/evidence) or "s3://bucket/prefix". */
export function storeFor(spec: string): EvidenceStore {
  const s = spec.trim();
  if (s === "" || s === "file") return new LocalEvidenceStore();
  const where = parseS3Url(s);
  if (!where) throw new Error(`EVIDENCE_STORE must be "file" or s3://bucket/prefix, not "${spec}"`);
  const cacheKey = [s, process.env.S3_ENDPOINT, process.env.S3_REGION, process.env.S3_FORCE_PATH_STYLE].join("\n");
  let store = s3Stores.get(cacheKey);
  if (!store) s3Stores.set(cacheKey, (store = new S3EvidenceStore(where)));
  return store;
}

let override: EvidenceStore | null = null;

/** Replaces the configured store (tests: a store whose writes fail); null restores EVIDENCE_STORE. */
export function setEvidenceStore(store: EvidenceStore | null): void {
  override = store;
}

/** The installation's store, from EVIDENCE_STORE (read at each call; unset means local disk). */
export function evidenceStore(): EvidenceStore {
  return override ?? storeFor(process.env.EVIDENCE_STORE ?? "file");
}

/** SHA-256 of a stream's bytes, consuming it. */
export async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
