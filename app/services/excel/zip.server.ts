import zlib from "node:zlib";
import { lkeMessage, type LkeIssueKey, type LkeMessage, type LkeParams } from "~/domain/lke/issues";
import { keyedMessage } from "~/i18n/keyed";

/*
 * A small ZIP reader that trusts nothing in the file: it walks the central directory, inflates
 * entries with a hard output limit (the sizes a file declares can lie), and stops at the first
 * limit crossed. `listZip` reads only the directory; `inflateEntry` streams one entry through a
 * callback in chunks (bounded memory, the event loop free between chunks), so a caller can vet an
 * .xlsx before ExcelJS sees it, or unpack a bulk upload one workbook at a time. `readZip` inflates
 * everything at once and is kept for small, trusted archives (tests, our own exports).
 */

export interface ZipLimits {
  /** Largest uncompressed entry. */
  entryBytes: number;
  /** Largest sum of uncompressed entries. */
  totalBytes: number;
  entries: number;
}

export interface ZipEntry {
  name: string;
  data: Buffer;
}

/** One file of the archive as its central directory describes it; nothing inflated yet. */
export interface ZipDirEntry {
  name: string;
  /** 0 stored, 8 deflated (anything else is refused by `listZip`). */
  method: number;
  compressedSize: number;
  /** What the directory claims; never trusted for limits. */
  declaredSize: number;
  /** Offset of the entry's data in the archive. */
  start: number;
}

export interface ListedZip {
  buf: Buffer;
  entries: ZipDirEntry[];
}

/** An archive refused: why (`reason`), and what to tell the user (`problem`, a message key; the message is its Indonesian rendering). */
export class ZipError extends Error {
  readonly problem: LkeMessage;
  constructor(
    readonly reason: "not_zip" | "too_large" | "too_many" | "unsupported" | "corrupt",
    key: LkeIssueKey,
    params: LkeParams = {},
  ) {
    const problem = lkeMessage(key, params);
    super(keyedMessage(problem, "id"));
    this.problem = problem;
  }
}

const EOCD = 0x06054b50;
const CEN = 0x02014b50;
const LOC = 0x04034b50;
/** Output chunk of the streaming inflate; a worksheet is scanned 64 KiB at a time. */
const CHUNK = 64 * 1024;

export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/**
 * The archive's directory: every file entry (directories skipped) that `filter` keeps, with its
 * local header checked, so each can be inflated later on its own. Refuses encrypted entries,
 * unknown compression methods, ZIP64 and more than `limits.entries` entries.
 */
export function listZip(input: Uint8Array, limits: Pick<ZipLimits, "entries">, filter: (name: string) => boolean = () => true): ListedZip {
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (!looksLikeZip(buf)) throw new ZipError("not_zip", "lke.issue.zip.notZip");
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError("corrupt", "lke.issue.zip.noDirectory");
  const count = buf.readUInt16LE(eocd + 10);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) throw new ZipError("unsupported", "lke.issue.zip.zip64");
  if (count > limits.entries) throw new ZipError("too_many", "lke.issue.zip.tooManyEntries", { count, max: limits.entries });
  const entries: ZipDirEntry[] = [];
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CEN) throw new ZipError("corrupt", "lke.issue.zip.badDirectory");
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const declaredSize = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString("utf8");
    p += 46 + nameLen + extraLen + commentLen;
    if (name.endsWith("/")) continue;
    if (flags & 1) throw new ZipError("unsupported", "lke.issue.zip.encrypted", { name });
    if (!filter(name)) continue;
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== LOC) throw new ZipError("corrupt", "lke.issue.zip.badLocalHeader", { name });
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    if (start + compressedSize > buf.length) throw new ZipError("corrupt", "lke.issue.zip.truncated", { name });
    if (method !== 0 && method !== 8) throw new ZipError("unsupported", "lke.issue.zip.method", { name, method: String(method) });
    entries.push({ name, method, compressedSize, declaredSize, start });
  }
  return { buf, entries };
}

/** Every entry of the archive, inflated within the limits, all at once. Directory entries are skipped. */
export function readZip(input: Uint8Array, limits: ZipLimits, filter: (name: string) => boolean = () => true): ZipEntry[] {
  const { buf, entries } = listZip(input, limits, filter);
  const out: ZipEntry[] = [];
  let total = 0;
  for (const e of entries) {
    const raw = buf.subarray(e.start, e.start + e.compressedSize);
    const room = Math.min(limits.entryBytes, limits.totalBytes - total);
    let data: Buffer;
    if (e.method === 0) {
      if (raw.length > room) throw tooLarge(e.name, limits);
      data = Buffer.from(raw);
    } else {
      try {
        data = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, room) });
      } catch (err) {
        if (err instanceof RangeError || (err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw tooLarge(e.name, limits);
        throw new ZipError("corrupt", "lke.issue.zip.inflate", { name: e.name });
      }
    }
    total += data.length;
    if (total > limits.totalBytes) throw tooLarge(e.name, limits);
    out.push({ name: e.name, data });
  }
  return out;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Inflates one entry as a stream, handing each chunk (at most 64 KiB) to `onChunk` as it comes, and
 * stops with a `too_large` ZipError the moment the output passes `room` bytes: nothing is held but
 * the chunk in hand. Whatever `onChunk` throws stops the inflate and is rethrown as is. The inflate
 * runs on libuv's thread pool and stored entries yield every chunk, so other requests run between
 * chunks. Returns the inflated size.
 */
export async function inflateEntry(
  zip: ListedZip,
  entry: ZipDirEntry,
  room: number,
  onChunk: (chunk: Buffer) => void | Promise<void>,
  tooBig: () => Error = () => new ZipError("too_large", "lke.issue.zip.swells", { name: entry.name }),
): Promise<number> {
  const raw = zip.buf.subarray(entry.start, entry.start + entry.compressedSize);
  let n = 0;
  if (entry.method === 0) {
    if (raw.length > room) throw tooBig();
    for (let i = 0; i < raw.length; i += CHUNK) {
      await onChunk(raw.subarray(i, Math.min(raw.length, i + CHUNK)));
      await yieldToLoop();
    }
    return raw.length;
  }
  const inflater = zlib.createInflateRaw({ chunkSize: CHUNK });
  const ours = new Set<unknown>();
  try {
    inflater.end(raw);
    for await (const chunk of inflater as AsyncIterable<Buffer>) {
      n += chunk.length;
      if (n > room) {
        const e = tooBig();
        ours.add(e);
        throw e;
      }
      try {
        await onChunk(chunk);
      } catch (e) {
        ours.add(e);
        throw e;
      }
      // Chunks already inflated would otherwise be handed over in one turn of the event loop.
      await yieldToLoop();
    }
  } catch (e) {
    if (ours.has(e)) throw e;
    throw new ZipError("corrupt", "lke.issue.zip.inflate", { name: entry.name });
  } finally {
    inflater.destroy();
  }
  return n;
}

/** One entry in memory, inflated streaming within `room` bytes (for the one workbook in hand). */
export async function readEntry(zip: ListedZip, entry: ZipDirEntry, room: number, tooBig?: () => Error): Promise<Buffer> {
  const parts: Buffer[] = [];
  const n = await inflateEntry(zip, entry, room, (chunk) => void parts.push(chunk), tooBig);
  return Buffer.concat(parts, n);
}

export function tooLarge(name: string, limits: Pick<ZipLimits, "entryBytes" | "totalBytes">): ZipError {
  return new ZipError("too_large", "lke.issue.zip.tooLarge", {
    name,
    entryMib: Math.round(limits.entryBytes / 1048576),
    totalMib: Math.round(limits.totalBytes / 1048576),
  });
}
