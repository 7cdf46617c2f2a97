import { expect, test } from "vitest";
import { INSTRUMENT_MAX_BYTES } from "~/utils/constants";
import { DEFAULT_WORKBOOK_MAX_BYTES, isFramableEvidence, bodyLimitFor, checkBodySize, contentSecurityPolicy, isCrossOriginWrite, securityHeaders } from "~/server/security";

const own = ["http://localhost:3000"];

test("cross-origin writes are refused, same-origin and reads pass", () => {
  expect(isCrossOriginWrite({ method: "POST", origin: "http://evil.example", secFetchSite: undefined, expectedOrigins: own })).toBe(true);
  expect(isCrossOriginWrite({ method: "POST", origin: "null", secFetchSite: undefined, expectedOrigins: own })).toBe(true);
  expect(isCrossOriginWrite({ method: "POST", origin: "http://localhost:3000", secFetchSite: "same-origin", expectedOrigins: own })).toBe(false);
  expect(isCrossOriginWrite({ method: "GET", origin: "http://evil.example", secFetchSite: "cross-site", expectedOrigins: own })).toBe(false);
  expect(isCrossOriginWrite({ method: "DELETE", origin: undefined, secFetchSite: "cross-site", expectedOrigins: own })).toBe(true);
  expect(isCrossOriginWrite({ method: "POST", origin: undefined, secFetchSite: undefined, expectedOrigins: own })).toBe(false);
  expect(isCrossOriginWrite({ method: "POST", origin: "HTTP://LOCALHOST:3000", secFetchSite: undefined, expectedOrigins: own })).toBe(false);
});

test("the CSP allows only nonce'd inline scripts and forbids framing", () => {
  const csp = contentSecurityPolicy("abc");
  expect(csp).toContain("script-src 'self' 'nonce-abc'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain("unsafe-eval");
  expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
});

test("security headers: nosniff, referrer policy; HSTS only over HTTPS", () => {
  const h = securityHeaders("n", false);
  expect(h["X-Content-Type-Options"]).toBe("nosniff");
  expect(h["Referrer-Policy"]).toBe("strict-origin-when-cross-origin");
  expect(h["Strict-Transport-Security"]).toBeUndefined();
  expect(securityHeaders("n", true)["Strict-Transport-Security"]).toMatch(/max-age=/);
});

test("body size: over the limit is refused, chunked bodies must declare a length", () => {
  expect(checkBodySize({ method: "POST", contentLength: "1025", chunked: false, limit: 1024 })).toBe("too_large");
  expect(checkBodySize({ method: "POST", contentLength: "1024", chunked: false, limit: 1024 })).toBe("ok");
  expect(checkBodySize({ method: "POST", contentLength: undefined, chunked: true, limit: 1024 })).toBe("length_required");
  expect(checkBodySize({ method: "POST", contentLength: "-5", chunked: false, limit: 1024 })).toBe("length_required");
  expect(checkBodySize({ method: "GET", contentLength: "99999", chunked: false, limit: 1024 })).toBe("ok");
});

test("only the evidence upload path gets the large body limit", () => {
  const d = { body: 1_000, evidence: 50_000 };
  expect(bodyLimitFor("/assessments/abc/evidence", d)).toBe(50_000 + 1024 * 1024);
  expect(bodyLimitFor("/assessments/abc/evidence.data", d)).toBe(50_000 + 1024 * 1024);
  expect(bodyLimitFor("/assessments/abc/answers", d)).toBe(1_000);
  expect(bodyLimitFor("/assessments/abc/evidence/../answers", d)).toBe(1_000);
  expect(bodyLimitFor("/login", d)).toBe(1_000);
});

test("LKE workbook uploads (one, or a bulk zip) get the workbook limit; nothing else does", () => {
  const d = { body: 1_000, evidence: 50_000, workbook: 200_000 };
  expect(bodyLimitFor("/assessments/abc/lke", d)).toBe(200_000 + 1024 * 1024);
  expect(bodyLimitFor("/assessments/lke-bulk", d)).toBe(200_000 + 1024 * 1024);
  expect(bodyLimitFor("/assessments/abc/lke.xlsx", d)).toBe(1_000);
  expect(bodyLimitFor("/assessments/abc/lke/../answers", d)).toBe(1_000);
  expect(bodyLimitFor("/assessments/abc/lke", { body: 1_000, evidence: 50_000 })).toBe(DEFAULT_WORKBOOK_MAX_BYTES + 1024 * 1024);
});

test("instrument uploads (a YAML file and a mapping) get room for two files; the release pages do not", () => {
  const d = { body: 1_000, evidence: 50_000, workbook: 200_000 };
  expect(bodyLimitFor("/admin/instruments", d)).toBe(2 * INSTRUMENT_MAX_BYTES + 1024 * 1024);
  expect(bodyLimitFor("/admin/instruments.data", d)).toBe(2 * INSTRUMENT_MAX_BYTES + 1024 * 1024);
  expect(bodyLimitFor("/admin/instruments/abc", d)).toBe(1_000);
  expect(bodyLimitFor("/admin/instruments/../users", d)).toBe(1_000);
});

test("only inline evidence may be framed, and only by Cermin itself", () => {
  expect(isFramableEvidence("/evidence/abc/download", true)).toBe(true);
  expect(isFramableEvidence("/evidence/abc/download", false)).toBe(false);
  expect(isFramableEvidence("/assessments/abc", true)).toBe(false);
  const h = securityHeaders("n", false, true);
  expect(h["Content-Security-Policy"]).toContain("frame-ancestors 'self'");
  expect(h["Content-Security-Policy"]).toContain("default-src 'none'");
  expect(h["Content-Security-Policy"]).not.toContain("script-src");
  expect(h["X-Frame-Options"]).toBe("SAMEORIGIN");
});
