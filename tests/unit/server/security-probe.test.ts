/** Issue #31: the origin check refuses cookie-carrying writes of unknown origin; TRUST_PROXY as express means it; headers once. */
import { expect, test } from "vitest";
import { originRefusal, parseTrustProxy, setDefaultHeaders } from "~/server/security";

const own = ["http://localhost:3000"];

test("a write with a cookie but neither Origin nor Sec-Fetch-Site is refused as unverified; without a cookie it passes", () => {
  const base = { method: "POST", origin: undefined, secFetchSite: undefined, expectedOrigins: own };
  expect(originRefusal({ ...base, hasCookie: true })).toBe("unverified");
  expect(originRefusal({ ...base, hasCookie: false })).toBeNull();
  expect(originRefusal({ ...base, hasCookie: true, secFetchSite: "same-origin" })).toBeNull();
  expect(originRefusal({ ...base, hasCookie: true, secFetchSite: "cross-site" })).toBe("cross_site");
  expect(originRefusal({ ...base, hasCookie: true, origin: "http://localhost:3000" })).toBeNull();
  expect(originRefusal({ ...base, hasCookie: true, origin: "https://evil.example" })).toBe("cross_site");
  expect(originRefusal({ ...base, method: "GET", hasCookie: true })).toBeNull();
});

test("TRUST_PROXY: a whole number is a hop count, true/false booleans, anything else an address list", () => {
  expect(parseTrustProxy(undefined)).toBeUndefined();
  expect(parseTrustProxy(" ")).toBeUndefined();
  expect(parseTrustProxy("1")).toBe(1);
  expect(parseTrustProxy("2")).toBe(2);
  expect(parseTrustProxy("true")).toBe(true);
  expect(parseTrustProxy("FALSE")).toBe(false);
  expect(parseTrustProxy("loopback, 10.0.0.0/8")).toEqual(["loopback", "10.0.0.0/8"]);
  expect(parseTrustProxy("192.168.1.1")).toEqual(["192.168.1.1"]);
});

test("a header the route sets itself replaces the server's default instead of being sent twice", () => {
  const sent = new Map<string, string[]>();
  const res = {
    setHeader(name: string, value: string) {
      sent.set(name.toLowerCase(), [value]);
    },
    append(name: string, value?: string | string[]) {
      sent.set(name.toLowerCase(), [...(sent.get(name.toLowerCase()) ?? []), ...([] as string[]).concat(value ?? [])]);
      return res;
    },
  };
  setDefaultHeaders(res, { "X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin" });
  res.append("x-content-type-options", "nosniff");
  res.append("Referrer-Policy", "no-referrer");
  res.append("Set-Cookie", "a=1");
  res.append("Set-Cookie", "b=2");
  expect(sent.get("x-content-type-options")).toEqual(["nosniff"]);
  expect(sent.get("referrer-policy")).toEqual(["no-referrer"]);
  expect(sent.get("set-cookie")).toEqual(["a=1", "b=2"]);
});
