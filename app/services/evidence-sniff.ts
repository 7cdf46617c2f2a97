/**
 * What an uploaded file really is, decided from its bytes alone: the browser's Content-Type and
 * the file name are never trusted. Pure (Uint8Array in, verdict out) so it runs anywhere.
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

export function sniff(bytes: Uint8Array): Sniffed {
  if (bytes.length === 0) return { ok: false, reason: "empty" };
  if (startsWith(bytes, PDF)) return { ok: true, type: "pdf" };
  if (startsWith(bytes, PNG)) return { ok: true, type: "png" };
  if (startsWith(bytes, JPEG)) return { ok: true, type: "jpeg" };
  if (startsWith(bytes, GIF87) || startsWith(bytes, GIF89)) return { ok: true, type: "gif" };
  if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) return { ok: true, type: "webp" };
  if (startsWith(bytes, ZIP)) return sniffZip(bytes);
  if (startsWith(bytes, CFB)) return sniffCompoundFile(bytes);
  const text = sniffText(bytes);
  if (text) return text;
  if (EXECUTABLES.some((sig) => startsWith(bytes, sig))) return { ok: false, reason: "executable" };
  return { ok: false, reason: "unknown" };
}

const MARKUP = /<\s*(script|html|svg|!doctype|\?xml|iframe|body|head|object|embed|meta|link|style|math|xsl)/i;

/** Plain text: valid UTF-8, no NUL or other control bytes except tab, line breaks and form feed; never markup or a script. */
function sniffText(bytes: Uint8Array): Sniffed | null {
  for (const b of bytes) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) return null;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  const head = text.replace(/^\uFEFF/, "").trimStart();
  if (head.startsWith("<") || MARKUP.test(head.slice(0, 4096))) return { ok: false, reason: "markup" };
  if (head.startsWith("#!")) return { ok: false, reason: "executable" };
  if (/^(@echo|<%|<\?php)/i.test(head)) return { ok: false, reason: "executable" };
  return { ok: true, type: "text" };
}

const u16 = (b: Uint8Array, at: number) => {
  if (at < 0 || at + 2 > b.length) throw new RangeError("out of bounds");
  return b[at]! | (b[at + 1]! << 8);
};
const u32 = (b: Uint8Array, at: number) => {
  if (at < 0 || at + 4 > b.length) throw new RangeError("out of bounds");
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
};
const latin1 = (b: Uint8Array, from: number, len: number) => {
  if (from < 0 || from + len > b.length) throw new RangeError("out of bounds");
  return String.fromCharCode(...b.subarray(from, from + len));
};

interface ZipEntry {
  name: string;
  method: number;
  size: number;
  localOffset: number;
}

/** The central directory's entry list (no decompression needed: the names tell the format). */
function zipEntries(b: Uint8Array): ZipEntry[] {
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
function sniffZip(b: Uint8Array): Sniffed {
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
function compoundFileNames(b: Uint8Array): string[] {
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
      const type = b[at + 0x42];
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
function sniffCompoundFile(b: Uint8Array): Sniffed {
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
