/** HTTP hardening rules, pure so they can be unit-tested apart from the server. */
import { INSTRUMENT_MAX_BYTES } from "~/utils/constants";

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * Evidence shown inline in the evaluator's viewer (`/evidence/:id/download?inline=1`) may be framed by
 * Cermin's own pages; it still runs nothing: no scripts, no subresources from anywhere.
 */
export function isFramableEvidence(path: string, inline: boolean): boolean {
  return inline && /^\/evidence\/[^/]+\/download$/.test(path);
}

export function securityHeaders(nonce: string, https: boolean, framable = false): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Security-Policy": framable ? "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'" : contentSecurityPolicy(nonce),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": framable ? "SAMEORIGIN" : "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
  };
  if (https) headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains";
  return headers;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF guard for state-changing requests: a browser always sends Origin (or at least Sec-Fetch-Site)
 * on a cross-site POST, so either one naming another site is refused. Requests with neither come
 * from non-browser clients, which carry no ambient cookies worth forging.
 */
export function isCrossOriginWrite(input: {
  method: string;
  origin: string | undefined;
  secFetchSite: string | undefined;
  expectedOrigins: string[];
}): boolean {
  if (SAFE_METHODS.has(input.method.toUpperCase())) return false;
  if (input.origin !== undefined) {
    if (input.origin === "null") return true;
    return !input.expectedOrigins.includes(input.origin.toLowerCase());
  }
  return input.secFetchSite === "cross-site";
}

export type BodyCheck = "ok" | "too_large" | "length_required";

/** Requests must declare their size so oversized bodies are refused before anything is read. */
export function checkBodySize(input: { method: string; contentLength: string | undefined; chunked: boolean; limit: number }): BodyCheck {
  if (SAFE_METHODS.has(input.method.toUpperCase())) return "ok";
  if (input.contentLength === undefined) return input.chunked ? "length_required" : "ok";
  const n = Number(input.contentLength);
  if (!Number.isFinite(n) || n < 0) return "length_required";
  return n > input.limit ? "too_large" : "ok";
}

/** Evidence uploads may carry files up to EVIDENCE_MAX_BYTES (default 25 MiB) plus form overhead; everything else stays small. */
export function bodyLimitFor(path: string, defaults: { body: number; evidence: number; workbook?: number }): number {
  if (/^\/assessments\/[^/]+\/evidence(\.data)?\/?$/.test(path)) return defaults.evidence + 1024 * 1024;
  // LKE workbooks (one, or a zip of a roll-out's workbooks) are checked again, unpacked, by the importer.
  if (/^\/assessments\/[^/]+\/lke(\.data)?\/?$/.test(path) || /^\/assessments\/lke-bulk(\.data)?\/?$/.test(path)) {
    return (defaults.workbook ?? DEFAULT_WORKBOOK_MAX_BYTES) + 1024 * 1024;
  }
  // A Rencana Aksi workbook (issue #29; the importer refuses one above its own 512 KB limit with a message, and the
  // apply step posts it back base64-encoded): room for that message instead of the server's bare 413.
  if (/^\/renaksi\/[^/]+\/excel(\.data)?\/?$/.test(path)) return 4 * 1024 * 1024;
  // The planning page also takes a target's bukti dukung (issue #29): the same allowance as assessment evidence.
  if (/^\/renaksi\/[^/]+\/rencana(\.data)?\/?$/.test(path)) return defaults.evidence + 1024 * 1024;
  // An instrument YAML and its item mapping, each up to INSTRUMENT_MAX_BYTES; the action answers a readable error above that.
  if (/^\/admin\/instruments(\.data)?\/?$/.test(path)) return 2 * INSTRUMENT_MAX_BYTES + 1024 * 1024;
  return defaults.body;
}

/** The largest LKE upload (a bulk zip of a roll-out's workbooks): LKE_MAX_BYTES, default 100 MiB. */
export const DEFAULT_WORKBOOK_MAX_BYTES = 100 * 1024 * 1024;
