import type { EvidenceKey } from "~/i18n/evidence.id";
import { EVIDENCE_TYPES, type EvidenceType, type Sniffed } from "./sniff";

/** Pure rules of evidence (bukti dukung): names, links, download headers, readiness. Shared by server and browser. */

/** One live evidence row as the workbench shows it. */
export interface EvidenceView {
  id: string;
  kind: "file" | "link";
  name: string;
  mime: string | null;
  size: number | null;
  url: string | null;
  sha256: string | null;
  evidenceDate: string | null;
  uploadedBy: string | null;
  createdAt: string;
  itemIds: string[];
}

/**
 * Said with a successful upload or link that did not add a new row (issue #27): the content is already
 * on the item (`name`: as what), or was attached from other items (`items`: those the actor sees).
 */
export interface EvidenceNotice {
  key: Extract<
    EvidenceKey,
    "evidence.alreadyAttached" | "evidence.linkAlreadyAttached" | "evidence.reused" | "evidence.linkReused" | "evidence.duplicateInUpload"
  >;
  params: Record<string, string>;
}

/** What an upload or a link left on the item, and what to tell about it. */
export interface AddedEvidence {
  evidence: EvidenceView[];
  notices: EvidenceNotice[];
}

/** Evidence keys, generic form keys, and the workbench's editing-rule keys passed through from answers.server. */
export type ErrorKey = EvidenceKey | "error.required" | "error.tooLong" | "error.unknownIntent" | "error.tooLarge" | `workbench.${string}`;

/** A refusal the user can fix; `field` is the form field it belongs to, `params` fill the message. */
export class EvidenceError extends Error {
  constructor(
    public readonly key: ErrorKey,
    public readonly field: string | null = null,
    public readonly params: Record<string, string | number> = {},
    public readonly status: 400 | 403 | 413 | 507 = 400,
  ) {
    super(key);
  }
}

export const MAX_NAME_LENGTH = 150;
export const MAX_URL_LENGTH = 2000;
export const DEFAULT_FILE_STEM = "evidence";

/**
 * Extensions that name some other known type: a file whose bytes say PDF but whose name ends in one
 * of these is refused rather than silently renamed, so the uploader sees that something is off.
 */
const RISKY_EXTENSIONS = new Set(
  (
    "exe dll com scr msi msp bat cmd ps1 psm1 vbs vbe js jse mjs cjs wsf wsh hta cpl msc inf scf lnk reg url " +
    "html htm xhtml shtml mht mhtml svg svgz xml xsl xslt php phtml asp aspx jsp cgi jar class sh bash zsh py pl rb " +
    "docm dotm xlsm xltm xlam pptm potm ppsm xlsb swf zip rar 7z gz tgz tar iso img dmg apk app deb rpm"
  ).split(" "),
);
const KNOWN_EXTENSIONS = new Set([...RISKY_EXTENSIONS, ...Object.values(EVIDENCE_TYPES).flatMap((t) => t.exts)]);

const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

/**
 * A file name safe to store and show: only the last path component, NFC, no control, format
 * (bidi overrides, zero-width) or line-separator characters, none of `<>:"/\|?*`, no leading or
 * trailing dots/spaces, no Windows device names. May return "" (the caller supplies a default).
 */
export function sanitiseFileName(raw: string): string {
  let name = raw.normalize("NFC");
  name = name.split(/[/\\]/).pop() ?? "";
  name = name.replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, " ").replace(/\p{Cf}/gu, "");
  name = name.replace(/[<>:"|?*]/g, "_");
  name = name
    .replace(/\s+/g, " ")
    .replace(/^[\s.]+/, "")
    .replace(/[\s.]+$/, "");
  if (WINDOWS_DEVICE.test(name)) name = `_${name}`;
  return name;
}

/** The lower-case extension, when the name has a stem and a short alphanumeric suffix. */
export function extensionOf(name: string): string | null {
  const m = /^(.+)\.([A-Za-z0-9]{1,10})$/.exec(name);
  return m ? m[2]!.toLowerCase() : null;
}

function limitLength(name: string): string {
  const chars = [...name];
  if (chars.length <= MAX_NAME_LENGTH) return name;
  const ext = extensionOf(name);
  const suffix = ext ? `.${ext}` : "";
  const stem = chars
    .slice(0, MAX_NAME_LENGTH - suffix.length)
    .join("")
    .replace(/[\s.]+$/, "");
  return `${stem}${suffix}`;
}

export type NameDecision = { ok: true; name: string; type: EvidenceType } | { ok: false; ext: string };

/**
 * Reconciles the uploader's name with the sniffed type. Policy: a name ending in the type's own
 * extension is kept; a name ending in the extension of another known or risky type is REFUSED
 * (a PNG named .pdf, a PDF named .exe); a name with no or an unfamiliar extension gets the true
 * one appended ("scan" → "scan.pdf", "notes.log" → "notes.log.txt"). Text is CSV when named .csv.
 */
export function decideName(rawName: string, sniffed: Extract<Sniffed, { ok: true }>["type"]): NameDecision {
  const clean = sanitiseFileName(rawName);
  const ext = extensionOf(clean);
  const type: EvidenceType = sniffed === "text" ? (ext === "csv" ? "csv" : "txt") : sniffed;
  const exts: readonly string[] = EVIDENCE_TYPES[type].exts;
  if (ext && exts.includes(ext)) return { ok: true, name: limitLength(clean), type };
  if (ext && KNOWN_EXTENSIONS.has(ext)) return { ok: false, ext };
  const stem = limitLength(clean || DEFAULT_FILE_STEM);
  return { ok: true, name: limitLength(`${stem}.${exts[0]}`), type };
}

/** A display name for a link: one line, no control characters, bounded length; the host and path when empty. */
export function linkName(raw: string | null | undefined, url: string): string {
  const clean = (raw ?? "")
    .normalize("NFC")
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (clean) return [...clean].slice(0, 200).join("");
  const u = new URL(url);
  return [...`${u.host}${u.pathname === "/" ? "" : u.pathname}`].slice(0, 200).join("");
}

/**
 * An http(s) link or the reason it is refused. Control characters are refused before parsing:
 * the URL parser silently drops tabs and newlines, which would turn "java\nscript:" into "javascript:".
 */
export function parseEvidenceUrl(raw: string): { ok: true; url: string } | { ok: false; key: EvidenceKey } {
  const input = raw.trim();
  if (input.length > MAX_URL_LENGTH) return { ok: false, key: "evidence.linkTooLong" };
  if (/[\p{Cc}\p{Cf}]/u.test(input)) return { ok: false, key: "evidence.linkInvalid" };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(input)?.[1]?.toLowerCase();
  if (scheme && scheme !== "http" && scheme !== "https") return { ok: false, key: "evidence.linkScheme" };
  if (!/^https?:\/\/[^/]/i.test(input)) return { ok: false, key: "evidence.linkInvalid" };
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { ok: false, key: "evidence.linkInvalid" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { ok: false, key: "evidence.linkScheme" };
  if (url.username || url.password) return { ok: false, key: "evidence.linkCredentials" };
  if (!url.hostname) return { ok: false, key: "evidence.linkInvalid" };
  if (url.href.length > MAX_URL_LENGTH) return { ok: false, key: "evidence.linkTooLong" };
  return { ok: true, url: url.href };
}

/** Optional evidence date: "" → null; otherwise a real calendar date YYYY-MM-DD between 1900 and 2100. */
export function parseEvidenceDate(raw: string | null | undefined): { ok: true; value: string | null } | { ok: false } {
  const v = (raw ?? "").trim();
  if (v === "") return { ok: true, value: null };
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return { ok: false };
  const d = new Date(`${v}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v) return { ok: false };
  const year = Number(m[1]);
  return year >= 1900 && year <= 2100 ? { ok: true, value: v } : { ok: false };
}

/** RFC 6266 Content-Disposition: an ASCII fallback plus the exact name RFC 5987-encoded. */
export function contentDisposition(disposition: "attachment" | "inline", name: string): string {
  const fallback =
    name
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^\x20-\x7e]|["\\%;]/g, "_")
      .trim() || "download";
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** A size as people read it in messages, independent of locale ("25 MB", "900 KB", "512 B"). */
export function plainSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

/** The area of an item: its first three id segments ("A.I.3.ii.b" → "A.I.3"). */
export function areaOfItemId(itemId: string): string {
  return itemId.split(".").slice(0, 3).join(".");
}

export interface EvidenceReadiness {
  outsidePeriod: { evidenceId: string; name: string; date: string }[];
  spreadFiles: { name: string; items: string[]; evidenceIds: string[] }[];
}

/**
 * What in the evidence would weaken an assessment: evidence dated outside the period (from
 * 1 January of the period year to the end of the evaluation stage, or the end of the next year
 * when none is set) and one file (same sha256, same URL for links) backing ≥ `minItems` items
 * across ≥ `minAreas` areas — a catch-all upload rather than evidence for each item.
 */
export function evidenceReadiness(
  rows: readonly Pick<EvidenceView, "id" | "name" | "sha256" | "url" | "evidenceDate" | "itemIds">[],
  period: { year: number; evaluation_end?: string | null },
  opts: { minItems?: number; minAreas?: number; areaOf?: (itemId: string) => string | undefined } = {},
): EvidenceReadiness {
  const { minItems = 4, minAreas = 2, areaOf = areaOfItemId } = opts;
  const from = `${period.year}-01-01`;
  const until = period.evaluation_end ?? `${period.year + 1}-12-31`;
  const outsidePeriod: EvidenceReadiness["outsidePeriod"] = [];
  const groups = new Map<string, { name: string; items: Set<string>; evidenceIds: string[] }>();
  for (const r of rows) {
    if (r.itemIds.length === 0) continue;
    if (r.evidenceDate && (r.evidenceDate < from || r.evidenceDate > until))
      outsidePeriod.push({ evidenceId: r.id, name: r.name, date: r.evidenceDate });
    const key = r.sha256 ? `file:${r.sha256}` : r.url ? `link:${r.url}` : `evidence:${r.id}`;
    const g = groups.get(key) ?? { name: r.name, items: new Set<string>(), evidenceIds: [] };
    for (const i of r.itemIds) g.items.add(i);
    g.evidenceIds.push(r.id);
    groups.set(key, g);
  }
  const spreadFiles = [...groups.values()]
    .filter((g) => g.items.size >= minItems && new Set([...g.items].map((i) => areaOf(i) ?? i)).size >= minAreas)
    .map((g) => ({ name: g.name, items: [...g.items].sort(), evidenceIds: g.evidenceIds }));
  return { outsidePeriod, spreadFiles };
}

const ERROR_PARAM = "ev.error";
const NOTICE_PARAM = "ev.notice";
const ITEM_PARAM = "ev.item";
const PARAM_PREFIX = "ev.p.";

function withEvidenceMessage(
  redirectTo: string,
  param: string,
  e: { key: string; itemId: string | null; params: Record<string, string | number> },
): string {
  const url = new URL(redirectTo, "http://local");
  url.searchParams.set(param, e.key);
  if (e.itemId) url.searchParams.set(ITEM_PARAM, e.itemId);
  for (const [k, v] of Object.entries(e.params)) url.searchParams.set(`${PARAM_PREFIX}${k}`, String(v).slice(0, 300));
  return `${url.pathname}${url.search}${url.hash}`;
}

function evidenceMessageFrom(
  search: URLSearchParams,
  param: string,
  itemId: string,
): { key: string; params: Record<string, string> } | null {
  const key = search.get(param);
  if (!key || search.get(ITEM_PARAM) !== itemId || !/^(evidence|error|workbench)\.[A-Za-z]+$/.test(key)) return null;
  const params: Record<string, string> = {};
  for (const [k, v] of search) if (k.startsWith(PARAM_PREFIX)) params[k.slice(PARAM_PREFIX.length)] = v;
  return { key, params };
}

/** Without JavaScript a refused upload redirects back with the message in the query; the panel reads it. */
export function withEvidenceError(
  redirectTo: string,
  e: { key: string; itemId: string | null; params: Record<string, string | number> },
): string {
  return withEvidenceMessage(redirectTo, ERROR_PARAM, e);
}

/** The message carried by `withEvidenceError` for this item; only message-key-shaped values are honoured. */
export function evidenceErrorFrom(search: URLSearchParams, itemId: string): { key: string; params: Record<string, string> } | null {
  return evidenceMessageFrom(search, ERROR_PARAM, itemId);
}

/** Without JavaScript, an upload or link that reused evidence redirects back with its notice in the query. */
export function withEvidenceNotice(redirectTo: string, itemId: string, notice: EvidenceNotice): string {
  return withEvidenceMessage(redirectTo, NOTICE_PARAM, { key: notice.key, itemId, params: notice.params });
}

/** The notice carried by `withEvidenceNotice` for this item. */
export function evidenceNoticeFrom(search: URLSearchParams, itemId: string): { key: string; params: Record<string, string> } | null {
  return evidenceMessageFrom(search, NOTICE_PARAM, itemId);
}
