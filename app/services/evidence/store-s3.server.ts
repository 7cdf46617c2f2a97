import { createReadStream } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import type * as S3Sdk from "@aws-sdk/client-s3";
import type { S3Client } from "@aws-sdk/client-s3";
import { dataDir } from "#db/client.server";
import {
  BLOB_NAME,
  type BlobInfo,
  checkSha,
  type EvidenceStore,
  openTempFile,
  type StoredBlob,
  type TempFile,
} from "./blob-store.server";

/**
 * The S3 evidence store (EVIDENCE_STORE=s3://bucket/prefix): PutObject, GetObject, HeadObject,
 * DeleteObject and ListObjectsV2 only (the subset MinIO, SeaweedFS, Ceph RGW and AWS S3 all
 * implement), with the SDK's newer default checksum headers off (WHEN_REQUIRED), which not every
 * implementation accepts.
 *
 * @aws-sdk/client-s3 is loaded on first use (a dynamic import), so installations that keep evidence
 * on local disk never load it (nor see its Node-version deprecation warning). This module itself
 * only refers to the SDK's types.
 *
 * Configuration: S3_ENDPOINT (e.g. http://minio:9000; unset for AWS), S3_REGION (default
 * us-east-1), S3_FORCE_PATH_STYLE=true for most self-hosted servers; credentials come from the AWS
 * SDK's standard chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE…).
 */

type Sdk = typeof S3Sdk;
let sdkPromise: Promise<Sdk> | null = null;

/** The SDK, imported once per process when an S3 store is first used. */
export function loadS3Sdk(): Promise<Sdk> {
  sdkPromise ??= import("@aws-sdk/client-s3");
  return sdkPromise;
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

const notFoundError = (sdk: Sdk, e: unknown) =>
  e instanceof sdk.S3ServiceException && (e.name === "NoSuchKey" || e.name === "NotFound" || e.$metadata.httpStatusCode === 404);

const NETWORK_ERRORS = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNREFUSED", "EAI_AGAIN"]);

function transient(e: unknown): boolean {
  const status = (e as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429;
  return NETWORK_ERRORS.has((e as NodeJS.ErrnoException | null)?.code ?? "");
}

function s3ClientFromEnv(sdk: Sdk): S3Client {
  const pathStyle = (process.env.S3_FORCE_PATH_STYLE ?? "").toLowerCase();
  return new sdk.S3Client({
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
  private clientPromise: Promise<S3Client> | null = null;

  /** client: for tests; by default one is made from the environment when the store is first used. */
  constructor(
    private readonly where: S3Location,
    private readonly fixedClient?: S3Client,
  ) {
    this.location = `s3://${where.bucket}${where.prefix ? `/${where.prefix}` : ""}`;
  }

  private async sdk(): Promise<{ sdk: Sdk; client: S3Client }> {
    const sdk = await loadS3Sdk();
    this.clientPromise ??= Promise.resolve(this.fixedClient ?? s3ClientFromEnv(sdk));
    return { sdk, client: await this.clientPromise };
  }

  private key(sha256: string): string {
    return this.where.prefix ? `${this.where.prefix}/${checkSha(sha256)}` : checkSha(sha256);
  }

  /** Uploads are staged on local disk first (DATA_DIR/tmp), then sent as one object. */
  tempDir(): string {
    return path.join(dataDir(), "tmp");
  }

  createTempFile(): Promise<TempFile> {
    return openTempFile(this.tempDir());
  }

  async put(sha256: string, body: Uint8Array | Readable, meta: { size: number; mime?: string }): Promise<void> {
    // A plain PutObject with a known length (evidence is at most EVIDENCE_MAX_BYTES, 25 MB by
    // default); no multipart upload, which not every S3 implementation handles alike.
    const { sdk, client } = await this.sdk();
    await client.send(
      new sdk.PutObjectCommand({
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

  /**
   * Streams the staged file as the object's body (PutObject with its ContentLength); the file stays
   * for the caller. The SDK cannot retry a streamed body, so a transient failure (a 5xx, 429 or a
   * dropped connection) is retried here, twice, reading the file afresh.
   */
  async putFile(sha256: string, file: string, meta: { size: number; mime?: string }): Promise<void> {
    checkSha(sha256);
    for (let attempt = 1; ; attempt++) {
      const stream = createReadStream(file);
      try {
        await this.put(sha256, stream, meta);
        return;
      } catch (e) {
        if (attempt >= 3 || !transient(e)) throw e;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      } finally {
        stream.destroy();
      }
    }
  }

  async get(sha256: string): Promise<StoredBlob | null> {
    const { sdk, client } = await this.sdk();
    try {
      const r = await client.send(new sdk.GetObjectCommand({ Bucket: this.where.bucket, Key: this.key(sha256) }));
      if (!(r.Body instanceof Readable)) throw new Error("evidence store: unexpected S3 response body");
      return { stream: r.Body, size: Number(r.ContentLength ?? 0) };
    } catch (e) {
      if (notFoundError(sdk, e)) return null;
      throw e;
    }
  }

  async head(sha256: string): Promise<BlobInfo | null> {
    const { sdk, client } = await this.sdk();
    try {
      const r = await client.send(new sdk.HeadObjectCommand({ Bucket: this.where.bucket, Key: this.key(sha256) }));
      return { sha256, size: Number(r.ContentLength ?? 0), lastModified: r.LastModified ?? new Date(0) };
    } catch (e) {
      if (notFoundError(sdk, e)) return null;
      throw e;
    }
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.head(sha256)) !== null;
  }

  async delete(sha256: string): Promise<void> {
    const { sdk, client } = await this.sdk();
    await client.send(new sdk.DeleteObjectCommand({ Bucket: this.where.bucket, Key: this.key(sha256) }));
  }

  async *list(): AsyncIterable<BlobInfo> {
    const { sdk, client } = await this.sdk();
    const prefix = this.where.prefix ? `${this.where.prefix}/` : "";
    let token: string | undefined;
    do {
      const r = await client.send(
        new sdk.ListObjectsV2Command({ Bucket: this.where.bucket, Prefix: prefix || undefined, ContinuationToken: token }),
      );
      for (const o of r.Contents ?? []) {
        const name = (o.Key ?? "").slice(prefix.length);
        if (BLOB_NAME.test(name)) yield { sha256: name, size: Number(o.Size ?? 0), lastModified: o.LastModified ?? new Date(0) };
      }
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
  }
}
