/**
 * Requests the reliability fuzzer (bench/reliability.ts, issue #15) found answered 500 by the
 * production server: a path that is not valid percent-encoded UTF-8, and methods Remix does not
 * serve (TRACE; OPTIONS on a `.data` request of a signed-in user), and on PostgreSQL a NUL (`%00`)
 * in an id, which PostgreSQL cannot store in text. Client errors: 400, 404 and 405.
 */
import http from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loginFor, startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let cookie = "";

beforeAll(async () => {
  server = await startServer();
  const who = loginFor(server.logins, "admin");
  const res = await fetch(`${server.baseUrl}/login`, {
    method: "POST",
    body: new URLSearchParams({ email: who.email, password: who.password, redirectTo: "/" }),
    redirect: "manual",
  });
  cookie = /^cermin_session=[^;]+/.exec(res.headers.get("set-cookie") ?? "")![0];
}, 120_000);
afterAll(() => server?.stop());

/** node:http, not fetch: fetch refuses to send TRACE. */
const send = (method: string, path: string, withCookie = true) =>
  new Promise<{ status: number; allow: string | undefined }>((resolve, reject) => {
    const url = new URL(server.baseUrl);
    const req = http.request({ host: url.hostname, port: url.port, method, path, headers: withCookie ? { Cookie: cookie } : {} }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, allow: res.headers.allow }));
    });
    req.on("error", reject);
    req.end();
  });

it("a path with invalid percent-encoding is 400, not 500", async () => {
  for (const method of ["GET", "HEAD", "POST"]) {
    const res = await fetch(`${server.baseUrl}/reports/%EF%BF%BD%ED%A0%80`, {
      method,
      headers: { Cookie: cookie, Origin: server.baseUrl },
      redirect: "manual",
    });
    expect(res.status, method).toBe(400);
  }
});

it("methods Remix does not serve are 405 with Allow, signed in or not, pages and .data alike", async () => {
  for (const method of ["OPTIONS", "TRACE", "PROPFIND"]) {
    for (const path of ["/units", "/units.data", "/_root.data", "/healthz", "/assessments"]) {
      for (const withCookie of [true, false]) {
        const res = await send(method, path, withCookie);
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.allow).toBe("GET, HEAD, POST");
      }
    }
  }
  expect((await send("GET", "/healthz")).status).toBe(200);
  expect(server.errors()).not.toMatch(/Invalid request method|TRACE/);
});

it("a NUL in an id or a form field is a client error (PostgreSQL refuses such text), never 500", async () => {
  const paths = [
    "/assessments/%00",
    "/admin/users/%00",
    "/evaluations/samples/%00",
    "/assessments/%00/lke.xlsx",
    "/assessments.data?x=%00",
  ];
  for (const path of paths) {
    const res = await fetch(`${server.baseUrl}${path}`, { headers: { Cookie: cookie }, redirect: "manual" });
    expect(res.status, path).toBeLessThan(500);
  }
  const post = await fetch(`${server.baseUrl}/admin/users/%00`, {
    method: "POST",
    headers: { Cookie: cookie, Origin: server.baseUrl },
    body: new URLSearchParams({ intent: "rename", name: "a\u0000b" }),
    redirect: "manual",
  });
  expect(post.status).toBeGreaterThanOrEqual(400);
  expect(post.status).toBeLessThan(500);
});
