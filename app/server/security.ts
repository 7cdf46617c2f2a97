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
 * Why a state-changing request is refused, or null when it may go on:
 * - `cross_site`: its `Origin` (or `Sec-Fetch-Site`) names another site;
 * - `unverified`: it carries a cookie (so, possibly, a session) but neither `Origin` nor `Sec-Fetch-Site`,
 *   so where it came from cannot be told. Every current browser sends `Origin` on a POST; an old one that
 *   sends neither could be made to post a signed-in user's form by another site (SameSite=Lax is then the
 *   only guard), and a script with a stolen cookie can add the header anyway. So such a request is refused
 *   outright rather than trusted: non-browser clients that use a session (tests, benchmarks, scripts) send
 *   `Origin: <the server's origin>`. Requests without any cookie (a log-in form, `/healthz`) carry no
 *   ambient authority to forge and pass.
 */
export function originRefusal(input: {
  method: string;
  origin: string | undefined;
  secFetchSite: string | undefined;
  expectedOrigins: string[];
  hasCookie?: boolean;
}): "cross_site" | "unverified" | null {
  if (SAFE_METHODS.has(input.method.toUpperCase())) return null;
  if (input.origin !== undefined) {
    if (input.origin === "null") return "cross_site";
    return input.expectedOrigins.includes(input.origin.toLowerCase()) ? null : "cross_site";
  }
  if (input.secFetchSite !== undefined) return input.secFetchSite === "cross-site" ? "cross_site" : null;
  return input.hasCookie ? "unverified" : null;
}

/** CSRF guard for state-changing requests (see originRefusal): true when the request is refused. */
export function isCrossOriginWrite(input: {
  method: string;
  origin: string | undefined;
  secFetchSite: string | undefined;
  expectedOrigins: string[];
  hasCookie?: boolean;
}): boolean {
  return originRefusal(input) !== null;
}

/** The readable 403 body for a refused write. */
export function originRefusalMessage(reason: "cross_site" | "unverified"): string {
  return reason === "cross_site"
    ? "Permintaan dari situs lain ditolak. / Cross-origin request refused."
    : "Permintaan ditolak: asal permintaan tidak diketahui (tanpa header Origin). Kirim formulir dari halaman Cermin, atau sertakan header Origin. / " +
        "Request refused: its origin is unknown (no Origin header). Submit the form from a Cermin page, or send an Origin header.";
}

/**
 * `TRUST_PROXY` as express's `trust proxy` setting means it: a whole number is a hop count (`1`: the one
 * reverse proxy in front of the app), `true`/`false`, anything else a comma-separated list of addresses,
 * subnets or express's names (`loopback`, `uniquelocal`, …). Handing express the string `"1"` would make it
 * an address list naming no proxy: `X-Forwarded-For` would be ignored and every user would share the
 * proxy's address (one throttle counter for the whole installation).
 */
export function parseTrustProxy(value: string | undefined): boolean | number | string[] | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^true$/i.test(v)) return true;
  if (/^false$/i.test(v)) return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Sets the server's default security headers on a response so that one a route sets itself (a resource
 * route's `X-Content-Type-Options`, the evidence download's sandboxing CSP and `Referrer-Policy`) replaces
 * the default instead of being sent as a second copy. `append` is what Remix's express adapter uses to
 * copy a route's headers.
 */
export function setDefaultHeaders(
  res: { setHeader(name: string, value: string): unknown; append(name: string, value?: string | string[]): unknown },
  headers: Record<string, string>,
): void {
  const pending = new Set<string>();
  for (const [k, v] of Object.entries(headers)) {
    res.setHeader(k, v);
    pending.add(k.toLowerCase());
  }
  const append = res.append.bind(res);
  res.append = (name: string, value?: string | string[]) => {
    if (typeof name === "string" && pending.delete(name.toLowerCase()) && value !== undefined) {
      res.setHeader(name, Array.isArray(value) ? value.join(", ") : value);
      return res;
    }
    return append(name, value);
  };
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
