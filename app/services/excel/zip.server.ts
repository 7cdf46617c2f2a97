import zlib from "node:zlib";

/*
 * A small ZIP reader that trusts nothing in the file: it walks the central directory, inflates
 * every entry with a hard output limit (the sizes a file declares can lie), and stops at the
 * first limit crossed. Used to vet an .xlsx before ExcelJS sees it, and to unpack a bulk upload.
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

export class ZipError extends Error {
  constructor(
    readonly reason: "not_zip" | "too_large" | "too_many" | "unsupported" | "corrupt",
    message: string,
  ) {
    super(message);
  }
}

const EOCD = 0x06054b50;
const CEN = 0x02014b50;
const LOC = 0x04034b50;

export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** Every entry of the archive, inflated within the limits. Directory entries are skipped. */
export function readZip(input: Uint8Array, limits: ZipLimits, filter: (name: string) => boolean = () => true): ZipEntry[] {
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (!looksLikeZip(buf)) throw new ZipError("not_zip", "bukan arsip ZIP");
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError("corrupt", "arsip ZIP tidak punya direktori pusat (berkas terpotong?)");
  const count = buf.readUInt16LE(eocd + 10);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) throw new ZipError("unsupported", "arsip ZIP64 tidak diterima");
  if (count > limits.entries) throw new ZipError("too_many", `arsip berisi ${count} bagian (paling banyak ${limits.entries})`);
  const out: ZipEntry[] = [];
  let total = 0;
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CEN) throw new ZipError("corrupt", "direktori pusat ZIP rusak");
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString("utf8");
    p += 46 + nameLen + extraLen + commentLen;
    if (name.endsWith("/")) continue;
    if (flags & 1) throw new ZipError("unsupported", `"${name}" terenkripsi`);
    if (!filter(name)) continue;
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== LOC) throw new ZipError("corrupt", `"${name}": header lokal rusak`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + compressed);
    if (raw.length !== compressed) throw new ZipError("corrupt", `"${name}" terpotong`);
    const room = Math.min(limits.entryBytes, limits.totalBytes - total);
    let data: Buffer;
    if (method === 0) {
      if (raw.length > room) throw tooLarge(name, limits);
      data = Buffer.from(raw);
    } else if (method === 8) {
      try {
        data = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, room) });
      } catch (e) {
        if (e instanceof RangeError || (e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw tooLarge(name, limits);
        throw new ZipError("corrupt", `"${name}" tidak dapat didekompresi`);
      }
    } else {
      throw new ZipError("unsupported", `"${name}" memakai metode kompresi ZIP ${method} yang tidak didukung`);
    }
    total += data.length;
    if (total > limits.totalBytes) throw tooLarge(name, limits);
    out.push({ name, data });
  }
  return out;
}

function tooLarge(name: string, limits: ZipLimits): ZipError {
  return new ZipError(
    "too_large",
    `"${name}" membengkak melebihi batas saat dibuka (${Math.round(limits.entryBytes / 1048576)} MiB per bagian, ${Math.round(limits.totalBytes / 1048576)} MiB seluruhnya): bom zip atau sheet terlalu besar`,
  );
}
