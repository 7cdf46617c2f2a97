import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { dataDir } from "#db/client.server";

/**
 * Where evidence bytes live, behind one interface: content-addressed objects named by their sha256.
 * Local disk (DATA_DIR/evidence) is the default; EVIDENCE_STORE=s3://bucket/prefix stores the same
 * objects in an S3-compatible object store, so several app servers can serve one installation's
 * evidence. The S3 store uses only PutObject, GetObject, HeadObject, DeleteObject and ListObjectsV2
 * (the subset MinIO, SeaweedFS, Ceph RGW and AWS S3 all implement) and turns the SDK's newer
 * default checksum headers off (WHEN_REQUIRED), which not every implementation accepts.
 *
 * Configuration: S3_ENDPOINT (e.g. http://minio:9000; unset for AWS), S3_REGION (default
 * us-east-1), S3_FORCE_PATH_STYLE=true for most self-hosted servers; credentials come from the AWS
 * SDK's standard chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE…).
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
  /** The object's bytes as a stream, or null when it is not stored. */
  get(sha256: string): Promise<StoredBlob | null>;
  head(sha256: string): Promise<BlobInfo | null>;
  has(sha256: string): Promise<boolean>;
  /** Deletes the object; no error when it is already gone. */
  delete(sha256: string): Promise<void>;
  /** Every object named by a sha256 (nothing else under the directory or prefix). */
  list(): AsyncIterable<BlobInfo>;
}

function checkSha(sha256: string): string {
  if (!BLOB_NAME.test(sha256)) throw new Error("evidence: not a sha256");
  return sha256;
}

const isMissing = (e: unknown) => (e as NodeJS.ErrnoException | null)?.code === "ENOENT";

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

  /** Temp file in the same directory, fsync, atomic rename; an existing blob of the same size is only touched. */
  async put(sha256: string, body: Uint8Array | Readable, meta: { size: number }): Promise<void> {
    const dir = this.dir();
    await fs.mkdir(dir, { recursive: true });
    const target = this.path(sha256);
    const existing = await fs.stat(target).catch(() => null);
    // An existing blob is touched, so `cermin evidence gc` sees it in use; if the collector moved it
    // away meanwhile (evidence-gc.server.ts), the touch fails and the bytes are written afresh.
    if (
      existing?.size === meta.size &&
      (await fs.utimes(target, new Date(), new Date()).then(
        () => true,
        () => false,
      ))
    ) {
      if (body instanceof Readable) body.destroy();
      return;
    }
    const tmp = path.join(dir, `.tmp-${randomUUID()}`);
    const handle = await fs.open(tmp, "wx", 0o640);
    try {
      try {
        if (body instanceof Readable) for await (const chunk of body) await handle.write(chunk as Buffer);
        else await handle.writeFile(body);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tmp, target);
    } catch (e) {
      await fs.rm(tmp, { force: true });
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

export interface S3Location {
  bucket: string;
  prefix: string;
}

/** "s3://bucket/some/prefix" → { bucket, prefix: "some/prefix" }; null when malformed. */
export function parseS3Url(url: string): S3Location | null {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url.trim());
  if (!m) return null;
  const prefix = (m[2] ?? "").replace(/^\/+|\/+$/g, "");
  return { bucket: m[1]!, prefix };
}

const notFoundError = (e: unknown) =>
  e instanceof S3ServiceException && (e.name === "NoSuchKey" || e.name === "NotFound" || e.$metadata.httpStatusCode === 404);

function s3ClientFromEnv(): S3Client {
  const pathStyle = (process.env.S3_FORCE_PATH_STYLE ?? "").toLowerCase();
  return new S3Client({
    endpoint: process.env.S3_ENDPOINT || undefined,
    region: process.env.S3_REGION || process.env.AWS_REGION || "us-east-1",
    forcePathStyle: pathStyle === "true" || pathStyle === "1",
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

export class S3EvidenceStore implements EvidenceStore {
  readonly kind = "s3" as const;
  readonly location: string;

  constructor(
    private readonly where: S3Location,
    private readonly client: S3Client = s3ClientFromEnv(),
  ) {
    this.location = `s3://${where.bucket}${where.prefix ? `/${where.prefix}` : ""}`;
  }

  private key(sha256: string): string {
    return this.where.prefix ? `${this.where.prefix}/${checkSha(sha256)}` : checkSha(sha256);
  }

  async put(sha256: string, body: Uint8Array | Readable, meta: { size: number; mime?: string }): Promise<void> {
    // A plain PutObject with a known length (evidence is at most EVIDENCE_MAX_BYTES, 25 MB by
    // default); no multipart upload, which not every S3 implementation handles alike.
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.where.bucket,
        Key: this.key(sha256),
        Body: body,
        ContentLength: meta.size,
        // Never served from the bucket directly: the download route sets the real type.
        ContentType: "application/octet-stream",
        Metadata: { sha256 },
      }),
    );
  }

  async get(sha256: string): Promise<StoredBlob | null> {
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.where.bucket, Key: this.key(sha256) }));
      if (!(r.Body instanceof Readable)) throw new Error("evidence store: unexpected S3 response body");
      return { stream: r.Body, size: Number(r.ContentLength ?? 0) };
    } catch (e) {
      if (notFoundError(e)) return null;
      throw e;
    }
  }

  async head(sha256: string): Promise<BlobInfo | null> {
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.where.bucket, Key: this.key(sha256) }));
      return { sha256, size: Number(r.ContentLength ?? 0), lastModified: r.LastModified ?? new Date(0) };
    } catch (e) {
      if (notFoundError(e)) return null;
      throw e;
    }
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.head(sha256)) !== null;
  }

  async delete(sha256: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.where.bucket, Key: this.key(sha256) }));
  }

  async *list(): AsyncIterable<BlobInfo> {
    const prefix = this.where.prefix ? `${this.where.prefix}/` : "";
    let token: string | undefined;
    do {
      const r = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.where.bucket, Prefix: prefix || undefined, ContinuationToken: token }),
      );
      for (const o of r.Contents ?? []) {
        const name = (o.Key ?? "").slice(prefix.length);
        if (BLOB_NAME.test(name)) yield { sha256: name, size: Number(o.Size ?? 0), lastModified: o.LastModified ?? new Date(0) };
      }
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
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

/** The installation's store, from EVIDENCE_STORE (read at each call; unset means local disk). */
export function evidenceStore(): EvidenceStore {
  return storeFor(process.env.EVIDENCE_STORE ?? "file");
}

/** SHA-256 of a stream's bytes, consuming it. */
export async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
