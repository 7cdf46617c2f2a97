/**
 * Requests the reliability fuzzer (bench/reliability.ts, issue #15) found answered 500 by the
 * production server: a path that is not valid percent-encoded UTF-8, and methods Remix does not
 * serve (TRACE; OPTIONS on a `.data` request of a signed-in user). Client errors: 400 and 405.
 */
import http from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loginFor, startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let cookie = "";

beforeAll(async () => {
  server = await startServer();
  const who = loginFor(server.logins, "coordinator");
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
