/**
 * What an uploaded file really is, decided from its bytes alone: the browser's Content-Type and
 * the file name are never trusted. Pure (bytes in, verdict out) so it runs anywhere; an upload is
 * judged chunk by chunk as it streams (StreamSniffer), never held in memory whole.
 */

export const EVIDENCE_TYPES = {
  pdf: { mime: "application/pdf", exts: ["pdf"], label: "PDF", inline: true },
  png: { mime: "image/png", exts: ["png"], label: "PNG", inline: true },
  jpeg: { mime: "image/jpeg", exts: ["jpg", "jpeg", "jpe", "jfif"], label: "JPEG", inline: true },
  gif: { mime: "image/gif", exts: ["gif"], label: "GIF", inline: true },
  webp: { mime: "image/webp", exts: ["webp"], label: "WebP", inline: true },
  docx: { mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", exts: ["docx"], label: "Word", inline: false },
  xlsx: { mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exts: ["xlsx"], label: "Excel", inline: false },
  pptx: {
    mime: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    exts: ["pptx"],
    label: "PowerPoint",
    inline: false,
  },
  odt: { mime: "application/vnd.oasis.opendocument.text", exts: ["odt"], label: "ODT", inline: false },
  ods: { mime: "application/vnd.oasis.opendocument.spreadsheet", exts: ["ods"], label: "ODS", inline: false },
  odp: { mime: "application/vnd.oasis.opendocument.presentation", exts: ["odp"], label: "ODP", inline: false },
  doc: { mime: "application/msword", exts: ["doc"], label: "Word 97-2003", inline: false },
  xls: { mime: "application/vnd.ms-excel", exts: ["xls"], label: "Excel 97-2003", inline: false },
  ppt: { mime: "application/vnd.ms-powerpoint", exts: ["ppt"], label: "PowerPoint 97-2003", inline: false },
  txt: { mime: "text/plain", exts: ["txt"], label: "TXT", inline: false },
  csv: { mime: "text/csv", exts: ["csv"], label: "CSV", inline: false },
} as const;

export type EvidenceType = keyof typeof EVIDENCE_TYPES;

/** For the file input's `accept`: a hint to the browser only; the server sniffs regardless. */
export const ACCEPT_ATTRIBUTE = Object.values(EVIDENCE_TYPES)
  .flatMap((t) => t.exts.map((e) => `.${e}`))
  .join(",");

export function typeOfMime(mime: string | null | undefined): EvidenceType | null {
  const bare = (mime ?? "").split(";")[0]!.trim().toLowerCase();
  for (const [key, t] of Object.entries(EVIDENCE_TYPES)) if (t.mime === bare) return key as EvidenceType;
  return null;
}

/** PDFs and images may be shown inline (still sandboxed); everything else is download-only. */
export function isInlineMime(mime: string | null | undefined): boolean {
  const type = typeOfMime(mime);
  return type !== null && EVIDENCE_TYPES[type].inline;
}

/** Why a file was refused; each reason has its own message. */
export type SniffRefusal = "empty" | "markup" | "executable" | "macro" | "unknown";
/** "text" is settled as txt or csv by the file name (bytes cannot tell them apart). */
export type Sniffed = { ok: true; type: Exclude<EvidenceType, "txt" | "csv"> | "text" } | { ok: false; reason: SniffRefusal };

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) => b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

const PDF = ascii("%PDF-");
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const GIF87 = ascii("GIF87a");
const GIF89 = ascii("GIF89a");
const RIFF = ascii("RIFF");
const WEBP = ascii("WEBP");
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const CFB = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const EXECUTABLES: number[][] = [
  ascii("MZ"), // Windows PE / DOS
  [0x7f, 0x45, 0x4c, 0x46], // ELF
  [0xfe, 0xed, 0xfa, 0xce],
  [0xfe, 0xed, 0xfa, 0xcf],
  [0xce, 0xfa, 0xed, 0xfe],
  [0xcf, 0xfa, 0xed, 0xfe], // Mach-O
  [0xca, 0xfe, 0xba, 0xbe], // Mach-O fat / Java class
  [0x00, 0x61, 0x73, 0x6d], // WebAssembly
];

/**
 * Random access to a file's bytes: a Uint8Array, or on the server an upload's temporary file read in
 * pages (upload.server.ts). ZIP and OLE containers are judged by structures anywhere in the
 * file (the central directory at the end, the sector chains), never by their first bytes alone.
 */
export interface ByteSource {
  readonly length: number;
  /** The byte at index i, undefined outside 0..length-1. */
  at(i: number): number | undefined;
}

/** The verdict on a whole file in memory. */
export function sniff(bytes: Uint8Array): Sniffed {
  const s = new StreamSniffer();
  s.push(bytes);
  return s.finish(bytes);
}

/** Enough of the start for every signature (WebP's is at offset 8). */
const HEAD_BYTES = 16;
/** The start of a text file that is searched for markup. */
const TEXT_HEAD_CHARS = 4096;

/**
 * sniff() fed chunk by chunk while an upload streams, holding at most HEAD_BYTES bytes and the first
 * TEXT_HEAD_CHARS characters of a text: the signatures are checked on the first bytes, plain text
 * (valid UTF-8, no control bytes, no markup or script at its start) on every byte as it passes, and
 * ZIP and compound files at the end through random access to the stored bytes. The same verdicts as
 * before for every input: sniff() itself is this class fed one chunk.
 */
export class StreamSniffer {
  private readonly head = new Uint8Array(HEAD_BYTES);
  private headLength = 0;
  private size = 0;
  /** undefined until the start is known; null when the signature settles the type without the text check. */
  private text: TextScan | null | undefined;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.size += chunk.length;
    if (this.text === undefined) {
      const take = Math.min(HEAD_BYTES - this.headLength, chunk.length);
      this.head.set(chunk.subarray(0, take), this.headLength);
      this.headLength += take;
      if (this.headLength < HEAD_BYTES) return;
      this.decide();
      chunk = chunk.subarray(take);
    }
    this.text?.push(chunk);
  }

  /** True once the verdict needs more than the start and the text check: a ZIP or compound file. */
  get needsWholeFile(): boolean {
    const b = this.start();
    return startsWith(b, ZIP) || startsWith(b, CFB);
  }

  /** The verdict, after every byte was pushed; `all` gives random access to the same bytes (read only for containers). */
  finish(all: ByteSource): Sniffed {
    if (this.size === 0) return { ok: false, reason: "empty" };
    if (this.text === undefined) this.decide();
    const b = this.start();
    const signature = signatureOf(b);
    if (signature) return { ok: true, type: signature };
    if (startsWith(b, ZIP)) return sniffZip(all);
    if (startsWith(b, CFB)) return sniffCompoundFile(all);
    const text = this.text?.verdict() ?? null;
    if (text) return text;
    if (EXECUTABLES.some((sig) => startsWith(b, sig))) return { ok: false, reason: "executable" };
    return { ok: false, reason: "unknown" };
  }

  private start(): Uint8Array {
    return this.head.subarray(0, this.headLength);
  }

  private decide(): void {
    const b = this.start();
    const settled = signatureOf(b) !== null || startsWith(b, ZIP) || startsWith(b, CFB);
    this.text = settled ? null : new TextScan();
    this.text?.push(b);
  }
}

function signatureOf(b: Uint8Array): "pdf" | "png" | "jpeg" | "gif" | "webp" | null {
  if (startsWith(b, PDF)) return "pdf";
  if (startsWith(b, PNG)) return "png";
  if (startsWith(b, JPEG)) return "jpeg";
  if (startsWith(b, GIF87) || startsWith(b, GIF89)) return "gif";
  if (startsWith(b, RIFF) && startsWith(b, WEBP, 8)) return "webp";
  return null;
}

const MARKUP = /<\s*(script|html|svg|!doctype|\?xml|iframe|body|head|object|embed|meta|link|style|math|xsl)/i;

/**
 * Plain text, checked as it streams: valid UTF-8, no NUL or other control bytes except tab, line
 * breaks and form feed; never markup or a script at its start (after a BOM and leading white space).
 */
class TextScan {
  private ok = true;
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });
  private started = false;
  private head = "";

  push(b: Uint8Array): void {
    if (!this.ok) return;
    for (let i = 0; i < b.length; i++) {
      const x = b[i]!;
      if (x < 0x20 && x !== 0x09 && x !== 0x0a && x !== 0x0d && x !== 0x0c) {
        this.ok = false;
        return;
      }
    }
    try {
      this.keep(this.decoder.decode(b, { stream: true }));
    } catch {
      this.ok = false;
    }
  }

  /** The first TEXT_HEAD_CHARS characters after leading white space (trimStart also drops U+FEFF, a BOM). */
  private keep(s: string): void {
    if (this.head.length >= TEXT_HEAD_CHARS) return;
    if (!this.started) {
      s = s.trimStart();
      if (!s) return;
      this.started = true;
    }
    this.head = (this.head + s.slice(0, TEXT_HEAD_CHARS)).slice(0, TEXT_HEAD_CHARS);
  }

  verdict(): Sniffed | null {
    if (!this.ok) return null;
    try {
      this.keep(this.decoder.decode());
    } catch {
      return null;
    }
    const head = this.head;
    if (head.startsWith("<") || MARKUP.test(head)) return { ok: false, reason: "markup" };
    if (head.startsWith("#!")) return { ok: false, reason: "executable" };
    if (/^(@echo|<%|<\?php)/i.test(head)) return { ok: false, reason: "executable" };
    return { ok: true, type: "text" };
  }
}

const u16 = (b: ByteSource, at: number) => {
  if (at < 0 || at + 2 > b.length) throw new RangeError("out of bounds");
  return b.at(at)! | (b.at(at + 1)! << 8);
};
const u32 = (b: ByteSource, at: number) => {
  if (at < 0 || at + 4 > b.length) throw new RangeError("out of bounds");
  return (b.at(at)! | (b.at(at + 1)! << 8) | (b.at(at + 2)! << 16) | (b.at(at + 3)! << 24)) >>> 0;
};
const latin1 = (b: ByteSource, from: number, len: number) => {
  if (from < 0 || from + len > b.length) throw new RangeError("out of bounds");
  let s = "";
  for (let i = from; i < from + len; i++) s += String.fromCharCode(b.at(i)!);
  return s;
};

interface ZipEntry {
  name: string;
  method: number;
  size: number;
  localOffset: number;
}

/** The central directory's entry list (no decompression needed: the names tell the format). */
function zipEntries(b: ByteSource): ZipEntry[] {
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
    if (u32(b, i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new RangeError("no end of central directory");
  const count = u16(b, eocd + 10);
  let at = u32(b, eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (u32(b, at) !== 0x02014b50) throw new RangeError("bad central directory");
    const nameLen = u16(b, at + 28);
    entries.push({ name: latin1(b, at + 46, nameLen), method: u16(b, at + 10), size: u32(b, at + 20), localOffset: u32(b, at + 42) });
    at += 46 + nameLen + u16(b, at + 30) + u16(b, at + 32);
  }
  return entries;
}

const ODF_TYPES: Record<string, EvidenceType> = {
  "application/vnd.oasis.opendocument.text": "odt",
  "application/vnd.oasis.opendocument.spreadsheet": "ods",
  "application/vnd.oasis.opendocument.presentation": "odp",
};

/** OOXML (Word, Excel, PowerPoint) and OpenDocument are zips; any other zip (archives, jar, apk) is refused. */
function sniffZip(b: ByteSource): Sniffed {
  let entries: ZipEntry[];
  try {
    entries = zipEntries(b);
  } catch {
    return { ok: false, reason: "unknown" };
  }
  const names = new Set(entries.map((e) => e.name));
  const lower = entries.map((e) => e.name.toLowerCase());
  if (names.has("[Content_Types].xml")) {
    if (lower.some((n) => n.endsWith("vbaproject.bin"))) return { ok: false, reason: "macro" };
    if (names.has("word/document.xml")) return { ok: true, type: "docx" };
    if (names.has("xl/workbook.xml")) return { ok: true, type: "xlsx" };
    if (names.has("ppt/presentation.xml")) return { ok: true, type: "pptx" };
    return { ok: false, reason: "unknown" };
  }
  const mimetype = entries.find((e) => e.name === "mimetype");
  if (mimetype && mimetype.method === 0 && mimetype.size < 100) {
    try {
      const at = mimetype.localOffset;
      if (u32(b, at) !== 0x04034b50) return { ok: false, reason: "unknown" };
      const value = latin1(b, at + 30 + u16(b, at + 26) + u16(b, at + 28), mimetype.size).trim();
      const type = ODF_TYPES[value];
      if (!type) return { ok: false, reason: "unknown" };
      if (lower.some((n) => n.startsWith("basic/") || n.startsWith("scripts/"))) return { ok: false, reason: "macro" };
      return { ok: true, type: type as "odt" | "ods" | "odp" };
    } catch {
      return { ok: false, reason: "unknown" };
    }
  }
  return { ok: false, reason: "unknown" };
}

const ENDOFCHAIN = 0xfffffffe;
const FREESECT = 0xffffffff;

/** Names of all directory entries of an OLE compound file (MS-CFB), following the FAT and DIFAT. */
function compoundFileNames(b: ByteSource): string[] {
  const shift = u16(b, 0x1e);
  if (shift !== 9 && shift !== 12) throw new RangeError("bad sector size");
  const size = 1 << shift;
  const sectors = Math.floor((b.length - size) / size) + 1;
  const offset = (s: number) => (s + 1) * size;
  const fatSectors: number[] = [];
  for (let i = 0; i < 109; i++) {
    const s = u32(b, 0x4c + i * 4);
    if (s === FREESECT || s === ENDOFCHAIN) break;
    fatSectors.push(s);
  }
  let difat = u32(b, 0x44);
  for (let guard = 0; difat !== ENDOFCHAIN && difat !== FREESECT; guard++) {
    if (guard > sectors) throw new RangeError("DIFAT loop");
    for (let i = 0; i < size / 4 - 1; i++) {
      const s = u32(b, offset(difat) + i * 4);
      if (s !== FREESECT && s !== ENDOFCHAIN) fatSectors.push(s);
    }
    difat = u32(b, offset(difat) + size - 4);
  }
  const perSector = size / 4;
  const next = (s: number) => {
    const fat = fatSectors[Math.floor(s / perSector)];
    if (fat === undefined) throw new RangeError("sector outside FAT");
    return u32(b, offset(fat) + (s % perSector) * 4);
  };
  const names: string[] = [];
  let dir = u32(b, 0x30);
  for (let guard = 0; dir !== ENDOFCHAIN; guard++) {
    if (guard > sectors || dir === FREESECT) throw new RangeError("directory chain broken");
    for (let e = 0; e < size / 128; e++) {
      const at = offset(dir) + e * 128;
      const len = u16(b, at + 0x40);
      const type = b.at(at + 0x42);
      if (type === 0 || len < 2 || len > 64) continue;
      let name = "";
      for (let i = 0; i < len / 2 - 1; i++) name += String.fromCharCode(u16(b, at + i * 2));
      names.push(name);
    }
    dir = next(dir);
  }
  return names;
}

/**
 * Legacy Office (Word/Excel/PowerPoint 97-2003) by their main stream. Other compound files
 * (MSI installers, Outlook messages, encrypted OOXML) are refused, as are Word and Excel files
 * whose VBA storage shows macros.
 */
function sniffCompoundFile(b: ByteSource): Sniffed {
  let names: Set<string>;
  try {
    names = new Set(compoundFileNames(b));
  } catch {
    return { ok: false, reason: "unknown" };
  }
  if (names.has("Macros") || names.has("_VBA_PROJECT_CUR") || names.has("VBA")) return { ok: false, reason: "macro" };
  if (names.has("WordDocument")) return { ok: true, type: "doc" };
  if (names.has("Workbook") || names.has("Book")) return { ok: true, type: "xls" };
  if (names.has("PowerPoint Document")) return { ok: true, type: "ppt" };
  return { ok: false, reason: "unknown" };
}
