/**
 * Issue #31, the probe's HTTP findings, against the production server (run `npx remix vite:build` first):
 * - a state-changing request with a cookie but neither `Origin` nor `Sec-Fetch-Site` is refused (403,
 *   readable); browsers (which send `Origin`), clients without a cookie and reads are not;
 * - each security header is sent once on every route family (pages, `.data`, resource routes, evidence
 *   downloads, static files, health check, 404), a route's own value replacing the server's default;
 * - behind one proxy hop (`TRUST_PROXY=1`), distinct `X-Forwarded-For` clients are distinct addresses to
 *   the log-in throttle.
 */
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "#db/client.server";
import { itemsWithGroups } from "~/domain/instrument/tree";
import { pdf } from "../fixtures/evidence/files";
import { demoDraftAssessment } from "../helpers/demo";
import { loginFor, ROOT, startServer, withServerDb, type TestServer } from "../helpers/server";

let server: TestServer;
let admin = "";
let assessor = "";

async function logIn(role: string, headers: Record<string, string> = {}): Promise<string> {
  const who = loginFor(server.logins, role);
  const res = await fetch(`${server.baseUrl}/login`, {
    method: "POST",
    headers: { Origin: server.baseUrl, ...headers },
    body: new URLSearchParams({ email: who.email, password: who.password, redirectTo: "/" }),
    redirect: "manual",
  });
  expect(res.status, `log-in as ${role}`).toBe(302);
  return /^cermin_session=[^;]+/.exec(res.headers.get("set-cookie") ?? "")![0];
}

beforeAll(async () => {
  server = await startServer({ env: { TRUST_PROXY: "1" } });
  admin = await logIn("admin");
  assessor = await logIn("assessor");
}, 120_000);
afterAll(() => server?.stop());

/** node:http, so repeated headers are seen as sent (fetch joins them into one). */
function raw(method: string, target: string, headers: Record<string, string> = {}, body?: string) {
  return new Promise<{ status: number; rawHeaders: string[]; body: string }>((resolve, reject) => {
    const url = new URL(server.baseUrl);
    const req = http.request({ host: url.hostname, port: url.port, method, path: target, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("a cookie-only POST without Origin or Sec-Fetch-Site", () => {
  const form = "intent=read-all";
  const post = (headers: Record<string, string>) =>
    raw("POST", "/inbox", { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(form.length), ...headers }, form);

  it("is refused with a readable 403", async () => {
    const res = await post({ Cookie: admin });
    expect(res.status).toBe(403);
    expect(res.body).toContain("Origin");
    expect(res.body).toMatch(/ditolak/);
  });

  it("from a browser (Origin, or only Sec-Fetch-Site: same-origin) still goes through", async () => {
    expect((await post({ Cookie: admin, Origin: server.baseUrl })).status).toBe(302);
    expect((await post({ Cookie: admin, "Sec-Fetch-Site": "same-origin" })).status).toBe(302);
    expect((await post({ Cookie: admin, Origin: "https://evil.example" })).status).toBe(403);
  });

  it("without a cookie (a non-browser log-in), and reads and the health check, are not affected", async () => {
    const who = loginFor(server.logins, "reviewer");
    const body = new URLSearchParams({ email: who.email, password: who.password }).toString();
    const res = await raw("POST", "/login", { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(body.length) }, body);
    expect(res.status).toBe(302);
    expect((await raw("GET", "/inbox", { Cookie: admin })).status).toBe(200);
    expect((await raw("GET", "/healthz")).status).toBe(200);
  });
});

const ONCE = ["content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options", "cross-origin-opener-policy", "permissions-policy"];

function countsOf(rawHeaders: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

const valueOf = (rawHeaders: string[], name: string) => rawHeaders[rawHeaders.findIndex((h, i) => i % 2 === 0 && h.toLowerCase() === name) + 1];

describe("security headers", () => {
  it("each is sent once on every route family", async () => {
    const ids = withServerDb(server, (db) => ({
      draft: (
        db
          .prepare("select a.id from assessment a join unit u on u.id = a.unit_id where u.code = 'KLP-JKT' and a.status = 'draft'")
          .get() as { id: string }
      ).id,
      sealed: (db.prepare("select assessment_id as id from seal limit 1").get() as { id: string }).id,
    }));
    // Evidence: upload one file as the assessor, then download it (attachment and inline).
    const db = createDb(`sqlite:${path.join(server.dataDir, "cermin.db")}`);
    let evidenceId: string | undefined;
    try {
      const draft = await demoDraftAssessment(db);
      const itemId = itemsWithGroups(draft.instrument)[0]!.item.id;
      const form = new FormData();
      form.set("intent", "upload");
      form.set("itemId", itemId);
      form.append("file", new File([Buffer.from(pdf("Bukti header"))], "bukti-header.pdf", { type: "application/pdf" }));
      const up = await fetch(`${server.baseUrl}/assessments/${draft.id}/evidence`, {
        method: "POST",
        headers: { Cookie: assessor, Origin: server.baseUrl },
        body: form,
        redirect: "manual",
      });
      expect(up.status).toBeLessThan(400);
      evidenceId = (await db.selectFrom("evidence").select("id").where("name", "=", "bukti-header.pdf").executeTakeFirst())?.id;
    } finally {
      await db.destroy();
    }
    expect(evidenceId, "an evidence file to download").toBeTruthy();
    const dashboard = await (await fetch(`${server.baseUrl}/dashboard`, { headers: { Cookie: admin } })).text();
    const csv = /href="(\/dashboard\/csv\/[^"]+)"/.exec(dashboard)?.[1]?.replaceAll("&amp;", "&");
    const asset = fs.readdirSync(path.join(ROOT, "build", "client", "assets")).find((f) => f.endsWith(".js"));

    const targets: [string, string, string][] = [
      ["page", "/", admin],
      ["page, signed out", "/login", ""],
      [".data", "/assessments.data", admin],
      ["404", "/tidak-ada-halaman-ini", admin],
      ["health check", "/healthz", ""],
      ["static asset", `/assets/${asset}`, ""],
      ["LKE workbook", `/assessments/${ids.draft}/lke.xlsx`, admin],
      ["receipt.json", `/assessments/${ids.sealed}/receipt.json`, admin],
      ["evidence download", `/evidence/${evidenceId}/download`, assessor],
      ["evidence inline", `/evidence/${evidenceId}/download?inline=1`, assessor],
    ];
    if (csv) {
      targets.push(["chart CSV", csv, admin]);
      targets.push(["chart xlsx", csv.replace("/dashboard/csv/", "/dashboard/xlsx/"), admin]);
    }
    expect(csv, "a chart CSV link on the dashboard").toBeTruthy();
    for (const [family, target, cookie] of targets) {
      const res = await raw("GET", target, cookie ? { Cookie: cookie } : {});
      expect(res.status, `${family} ${target}`).toBeLessThan(500);
      if (family !== "404") expect(res.status, `${family} ${target}`).toBe(200);
      const counts = countsOf(res.rawHeaders);
      for (const name of ONCE) expect(counts.get(name) ?? 0, `${name} on ${family} (${target})`).toBe(1);
    }
    // The evidence download's own stricter values replace the defaults.
    const download = await raw("GET", `/evidence/${evidenceId}/download`, { Cookie: assessor });
    expect(valueOf(download.rawHeaders, "content-security-policy")).toBe("sandbox; default-src 'none'");
    expect(valueOf(download.rawHeaders, "referrer-policy")).toBe("no-referrer");
  });
});

describe("behind one proxy hop (TRUST_PROXY=1)", () => {
  it("distinct X-Forwarded-For clients are distinct addresses to the throttle", async () => {
    const fail = (client: string, i: number) => {
      const body = new URLSearchParams({ email: `tamu-${i}@contoh.go.id`, password: "salah" }).toString();
      return raw(
        "POST",
        "/login",
        { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(body.length), "X-Forwarded-For": client },
        body,
      );
    };
    // One client fails 20 times: it is locked; a colleague behind the same proxy is not.
    for (let i = 0; i < 20; i++) expect((await fail("10.20.30.40", i)).status).toBe(401);
    expect((await fail("10.20.30.40", 99)).status).toBe(429);
    await logIn("coordinator", { "X-Forwarded-For": "10.20.30.41" });
    const keys = withServerDb(server, (db) => (db.prepare("select key from login_throttle where key like 'ip:%'").all() as { key: string }[]).map((r) => r.key));
    expect(keys).toContain("ip:10.20.30.40");
    expect(keys.some((k) => k.startsWith("ip:127.") || k.startsWith("ip:::"))).toBe(false);
  });
});
