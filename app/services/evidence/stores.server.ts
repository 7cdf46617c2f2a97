import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { dataDir } from "#db/client.server";
import {
  BLOB_NAME,
  type BlobInfo,
  checkSha,
  errorCode,
  type EvidenceStore,
  isMissing,
  openTempFile,
  type StoredBlob,
  TEMP_PREFIX,
  type TempFile,
} from "./blob-store.server";
import { parseS3Url, S3EvidenceStore } from "./store-s3.server";


/**
 * Where evidence bytes live, behind one interface: content-addressed objects named by their sha256.
 * Local disk (DATA_DIR/evidence) is the default; EVIDENCE_STORE=s3://bucket/prefix stores the same
 * objects in an S3-compatible object store (evidence/store-s3.server.ts, which loads the AWS SDK
 * only then), so several app servers can serve one installation's evidence.
 *
 * Uploads stream into a temporary file of the store's temp area first (tempDir: the evidence
 * directory itself for local disk, so that storing is a link and rename on one file system;
 * DATA_DIR/tmp for S3), hashed and sniffed on the way (upload.server.ts); putFile then
 * stores that file under its hash. Temporary files are named `.tmp-…`: never a blob name, so
 * listing and garbage collection pass them by.
 */
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
   * the collector moved it away meanwhile (evidence/gc.server.ts), the touch fails and the bytes are
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
