import { createHash } from "node:crypto";
import fs from "node:fs";
import { readFormData } from "~/utils/forms";
import { MultipartError, multipartBoundary, readMultipart, type MultipartStats } from "~/utils/multipart.server";
import { EvidenceError, plainSize } from "./rules";
import { type ByteSource, type Sniffed, StreamSniffer } from "./sniff";
import { evidenceMaxBytes, MAX_FILES_PER_UPLOAD, type PreparedFile, type StagedFile, writeBlob } from "./store.server";
import type { EvidenceStore, TempFile } from "./blob-store.server";
import { evidenceStore } from "./stores.server";

/**
 * Evidence uploads, streamed: each file part of the request goes chunk by chunk into a temporary
 * file in the evidence store's temp area (EvidenceStore.tempDir: DATA_DIR/evidence for the local
 * store, DATA_DIR/tmp for S3) while its SHA-256 is computed and its type sniffed (StreamSniffer) on
 * the same chunks. No file is ever held in memory whole: the request holds one chunk of the body at a
 * time, and a ZIP or compound document, whose type shows only in structures throughout the file,
 * is judged by reading the finished temporary file in pages.
 *
 * Refusals found while streaming (over EVIDENCE_MAX_BYTES, a full disk) stop the writing: the file's
 * temporary file is deleted at once and the rest of its part is skipped, so the form's other fields
 * are still read and the refusal is shown in the form with the user's input. The refusal is thrown
 * later, in the same order as every other check (permissions, item, date, count, then each file),
 * by addStagedEvidences. The caller disposes the upload, which deletes every temporary file; storing
 * links or copies them, so nothing half-written is ever a blob, and no evidence row names a file that
 * was not fully stored.
 */

/** A full disk or quota: the user learns the evidence store is full (507), not "server error". */
const STORAGE_FULL = new Set(["ENOSPC", "EDQUOT", "EFBIG"]);

export const isStorageFull = (e: unknown) => STORAGE_FULL.has((e as NodeJS.ErrnoException | null)?.code ?? "");

/**
 * The readable refusal for a full evidence store, logged for the operator; any other error is
 * thrown as it is.
 */
export function storageFullRefusal(e: unknown, name: string): EvidenceError {
  if (!isStorageFull(e)) throw e;
  console.error(`Evidence store full (${(e as NodeJS.ErrnoException).code}): ${(e as Error).message}`);
  return new EvidenceError("evidence.storageFull", "file", { name: name.slice(0, 200) }, 507);
}

/**
 * Stores one checked file from its temporary file; a full evidence store becomes a readable refusal
 * (logged once). The stores link and rename, or upload whole objects, so a failed write leaves no
 * half-written blob, and no evidence row exists yet (the rows come after every blob is stored).
 */
export async function storeStaged(store: EvidenceStore, p: PreparedFile): Promise<void> {
  try {
    await writeBlob(p, store);
  } catch (e) {
    throw storageFullRefusal(e, p.name);
  }
}

/** Random access to a finished temporary file, read in pages of 64 KiB (at most 8 held). */
class FileBytes implements ByteSource {
  private static readonly PAGE = 64 * 1024;
  private readonly pages = new Map<number, Buffer>();
  private lastIndex = -1;
  private last: Buffer | null = null;

  constructor(
    private readonly fd: number,
    readonly length: number,
  ) {}

  at(i: number): number | undefined {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) return undefined;
    const n = Math.floor(i / FileBytes.PAGE);
    if (n !== this.lastIndex) {
      this.last = this.pages.get(n) ?? this.load(n);
      this.lastIndex = n;
    }
    return this.last![i - n * FileBytes.PAGE];
  }

  private load(n: number): Buffer {
    const start = n * FileBytes.PAGE;
    const page = Buffer.alloc(Math.min(FileBytes.PAGE, this.length - start));
    for (let got = 0; got < page.length; ) {
      const read = fs.readSync(this.fd, page, got, page.length - got, start + got);
      if (read === 0) throw new Error("evidence upload: temporary file shorter than written");
      got += read;
    }
    if (this.pages.size >= 8) this.pages.delete(this.pages.keys().next().value!);
    this.pages.set(n, page);
    return page;
  }
}

const NO_BYTES: ByteSource = { length: 0, at: () => undefined };

/**
 * The verdict on a finished temporary file. Reads synchronously (a few pages of a file just
 * written, so from the page cache): only ZIP and compound documents need it, and only their
 * directories are read.
 */
function sniffFile(file: string, size: number, sniffer: StreamSniffer): Sniffed {
  const fd = fs.openSync(file, "r");
  try {
    return sniffer.finish(new FileBytes(fd, size));
  } finally {
    fs.closeSync(fd);
  }
}

/** The files of one upload, staged; dispose() deletes their temporary files (call it in a finally). */
export class EvidenceUpload {
  readonly files: StagedFile[] = [];
  /** The multipart reader's figures, when the upload came from a request. */
  stats: MultipartStats | null = null;
  private readonly temps = new Set<string>();
  /** After the store was found full, later files are not written (and not logged again). */
  private full: EvidenceError | null = null;

  constructor(
    readonly store: EvidenceStore = evidenceStore(),
    readonly maxBytes: number = evidenceMaxBytes(),
  ) {}

  /**
   * Streams one file into a temporary file. Stops reading early when the file is refused (the
   * multipart reader skips the rest of the part); a file input left empty (no name, no bytes) is
   * not counted. Errors other than a full disk are thrown, with the temporary file deleted.
   */
  async add(name: string, data: AsyncIterable<Uint8Array>): Promise<void> {
    const keep = this.files.length < MAX_FILES_PER_UPLOAD;
    const hash = createHash("sha256");
    const sniffer = new StreamSniffer();
    let size = 0;
    let tmp: TempFile | null = null;
    let error: EvidenceError | null = keep ? this.full : null;
    const drop = async () => {
      if (tmp) await this.discard(tmp);
      tmp = null;
    };
    try {
      for await (const chunk of data) {
        if (chunk.length === 0) continue;
        size += chunk.length;
        // Past the count limit or already refused: enough is known (the file is not empty).
        if (!keep || error) break;
        if (size > this.maxBytes) {
          error = new EvidenceError("evidence.tooLarge", "file", { name: name.slice(0, 200), max: plainSize(this.maxBytes) });
          await drop();
          break;
        }
        hash.update(chunk);
        sniffer.push(chunk);
        try {
          if (!tmp) {
            tmp = await this.store.createTempFile();
            this.temps.add(tmp.path);
          }
          await tmp.write(chunk);
        } catch (e) {
          error = this.full = storageFullRefusal(e, name);
          await drop();
          break;
        }
      }
      if (tmp && !error) {
        try {
          await (tmp as TempFile).finish();
        } catch (e) {
          error = this.full = storageFullRefusal(e, name);
          await drop();
        }
      }
    } catch (e) {
      await drop();
      throw e;
    }
    if (size === 0 && name === "") return;
    let sniffed: Sniffed | null = null;
    const staged: TempFile | null = tmp;
    if (keep && !error) sniffed = staged && sniffer.needsWholeFile ? sniffFile(staged.path, size, sniffer) : sniffer.finish(NO_BYTES);
    this.files.push({ name, size, sha256: hash.digest("hex"), path: staged?.path ?? null, sniffed, error });
  }

  private async discard(tmp: TempFile): Promise<void> {
    await tmp.discard();
    this.temps.delete(tmp.path);
  }

  /** Deletes every temporary file of this upload (a stored blob is a link or copy of its own). */
  async dispose(): Promise<void> {
    const paths = [...this.temps];
    this.temps.clear();
    await Promise.all(paths.map((p) => fs.promises.rm(p, { force: true })));
  }
}

async function* fileChunks(file: File): AsyncGenerator<Uint8Array> {
  const reader = file.stream().getReader();
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) return;
      yield r.value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** Stages File objects (the service API, imports and tests) through the same stream as a request. */
export async function stageFiles(files: File[], store: EvidenceStore = evidenceStore()): Promise<EvidenceUpload> {
  const upload = new EvidenceUpload(store);
  try {
    for (const f of files) await upload.add(f.name, fileChunks(f));
  } catch (e) {
    await upload.dispose();
    throw e;
  }
  return upload;
}

/** Plain fields are short (a link is at most 4,000 characters): each at most 64 KiB, all together 1 MiB. */
const MAX_FIELDS_BYTES = 1024 * 1024;
const MAX_FIELD_BYTES = 64 * 1024;

async function fieldText(data: AsyncIterable<Buffer>, budget: { left: number }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of data) {
    size += chunk.length;
    budget.left -= chunk.length;
    if (size > MAX_FIELD_BYTES || budget.left < 0) throw new MultipartError("a form field is too large", "tooLarge");
    chunks.push(chunk);
  }
  // UTF-8 without a BOM, invalid bytes replaced: as request.formData() decodes fields.
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/**
 * A post to the evidence route: its plain fields as FormData, and the files of its "file" field
 * staged (the caller must dispose the upload). Multipart bodies are streamed; other bodies (the
 * link, attach and remove forms) are read as before. A malformed body, or one whose stream fails (a
 * client that went away), is a 400 Response; a body past EVIDENCE_MAX_BYTES plus 1 MiB, an
 * EvidenceError "evidence.requestTooLarge" (413). Temporary files are deleted on every failure.
 */
export async function readEvidencePost(
  request: Request,
  opts: { maxBytes?: number; store?: EvidenceStore } = {},
): Promise<{ formData: FormData; upload: EvidenceUpload }> {
  const maxBytes = opts.maxBytes ?? evidenceMaxBytes();
  const upload = new EvidenceUpload(opts.store ?? evidenceStore(), maxBytes);
  const boundary = multipartBoundary(request.headers.get("content-type"));
  if (!boundary || !request.body) return { formData: await readFormData(request), upload };
  const formData = new FormData();
  const budget = { left: MAX_FIELDS_BYTES };
  try {
    upload.stats = await readMultipart(
      request.body,
      boundary,
      async (part, data) => {
        if (part.filename === null) formData.append(part.name, await fieldText(data, budget));
        else if (part.name === "file") await upload.add(part.filename, data);
        // Files of any other field are skipped unread, as before.
      },
      { maxBodyBytes: maxBytes + 1024 * 1024 },
    );
  } catch (e) {
    await upload.dispose();
    if (!(e instanceof MultipartError)) throw e;
    if (e.reason === "tooLarge") throw new EvidenceError("evidence.requestTooLarge", null, { max: plainSize(maxBytes) }, 413);
    throw new Response("error.badRequest", { status: 400, statusText: "Bad Request" });
  }
  return { formData, upload };
}
