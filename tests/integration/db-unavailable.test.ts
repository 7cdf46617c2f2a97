/**
 * Issue #15: a request whose database is unreachable, dropped its connection, or stayed locked
 * answers 503 with Retry-After and a readable message — for pages, `.data` requests (fetchers, client
 * navigations), resource routes — never a 500 page and never a hang; the server recovers by itself.
 *
 * SQLite: another process holds the write lock past the server's busy timeout (5 s).
 * PostgreSQL (TEST_DATABASE_URL, the DB suite under .ci/pg.sh): the server reaches its database through
 * a TCP proxy in this test; closing the proxy drops every connection (in-flight queries included) and
 * refuses new ones, as a stopped database would, without stopping the cluster other test files use.
 * Then its backends are terminated with pg_terminate_backend while it serves.
 */
import SQLite from "better-sqlite3";
import crypto from "node:crypto";
import net from "node:net";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "#db/client.server";
import { outlineOf } from "~/domain/instrument/outline";
import { itemsWithGroups } from "~/domain/instrument/tree";
import { demoDraftAssessment } from "../helpers/demo";
import { childrenOf } from "../helpers/proc";
import { loginFor, startServer, type TestServer } from "../helpers/server";

const pgUrl = process.env.TEST_DATABASE_URL;
const ID_MESSAGE = "Basis data sedang tidak dapat dihubungi";

async function logIn(server: TestServer, role = "assessor"): Promise<string> {
  const who = loginFor(server.logins, role);
  const res = await fetch(`${server.baseUrl}/login`, {
    method: "POST",
    body: new URLSearchParams({ email: who.email, password: who.password, redirectTo: "/" }),
    redirect: "manual",
  });
  expect(res.status).toBe(302);
  return /^cermin_session=[^;]+/.exec(res.headers.get("set-cookie") ?? "")![0];
}

/** The demo draft, an option item nobody answered and the first area: what the requests below write to. */
async function target(db: Db) {
  const assessment = await demoDraftAssessment(db);
  const answered = new Set(
    (await db.selectFrom("answer").select("item_id").where("assessment_id", "=", assessment.id).execute()).map((r) => r.item_id),
  );
  const rows = itemsWithGroups(assessment.instrument);
  const item = rows.find(({ item }) => (item.options?.length ?? 0) >= 2 && !answered.has(item.id))!.item;
  const area = outlineOf(assessment.instrument).areaOfItem.get(item.id)!;
  return { id: assessment.id, itemId: item.id, code: item.options![0]!.code, area };
}

type Target = Awaited<ReturnType<typeof target>>;

/** One request of each kind; each answers within `timeoutMs` or fails the test. */
function requests(server: TestServer, cookie: string, t: Target, timeoutMs = 20_000) {
  const opts = (init: RequestInit = {}): RequestInit => ({
    redirect: "manual",
    signal: AbortSignal.timeout(timeoutMs),
    ...init,
    headers: { Cookie: cookie, Origin: server.baseUrl, ...init.headers },
  });
  const form = (fields: Record<string, string>) => new URLSearchParams(fields);
  const areaPath = `/assessments/${t.id}/areas/${encodeURIComponent(t.area)}`;
  return {
    /** Resource route (the autosave endpoint, JSON). */
    save: () =>
      fetch(
        `${server.baseUrl}/assessments/${t.id}/answers`,
        opts({ method: "POST", body: form({ itemId: t.itemId, baseVersion: "0", value: t.code }) }),
      ),
    /** A UI route's action through single fetch, as a fetcher or a form with JavaScript posts it. */
    dataAction: () =>
      fetch(
        `${server.baseUrl}${areaPath}.data`,
        opts({ method: "POST", body: form({ intent: "comment", itemId: t.itemId, body: "Komentar uji" }) }),
      ),
    /** The same as a plain HTML form post (no JavaScript): a document request. */
    documentPost: () =>
      fetch(
        `${server.baseUrl}${areaPath}`,
        opts({
          method: "POST",
          body: form({ intent: "comment", itemId: t.itemId, body: "Komentar uji" }),
          headers: { Accept: "text/html", "Sec-Fetch-Mode": "navigate" },
        }),
      ),
    /** A page. */
    page: () => fetch(`${server.baseUrl}/assessments/${t.id}`, opts({ headers: { Accept: "text/html" } })),
    /** Loader data as a client navigation reads it. */
    dataLoader: () => fetch(`${server.baseUrl}/assessments.data`, opts()),
  };
}

async function expect503(res: Response, what: string) {
  const body = await res.text();
  expect(res.status, `${what}: ${body.slice(0, 300)}`).toBe(503);
  expect(res.headers.get("retry-after"), what).toBe("2");
  return body;
}

describe("SQLite: the write lock held by another process past the busy timeout", () => {
  let server: TestServer;
  let t: Target;
  let cookie: string;

  beforeAll(async () => {
    server = await startServer();
    const db = createDb(`sqlite:${path.join(server.dataDir, "cermin.db")}`);
    t = await target(db);
    await db.destroy();
    cookie = await logIn(server);
  }, 120_000);
  afterAll(() => server?.stop());

  it("writes answer 503 + Retry-After with the message (resource route, .data action, document post); 200 once the lock is gone", async () => {
    const lock = new SQLite(path.join(server.dataDir, "cermin.db"));
    lock.exec("begin immediate");
    const r = requests(server, cookie, t);
    try {
      // Each request gives up after the busy timeout (5 s per waiting statement; one process's statements
      // wait in turn behind it), not a hang: `requests` aborts any that takes 20 s.
      const [save, dataAction, documentPost] = await Promise.all([r.save(), r.dataAction(), r.documentPost()]);
      expect(await expect503(save, "save")).toBe("error.dbUnavailable");
      await expect503(dataAction, "dataAction");
      const page = await expect503(documentPost, "documentPost");
      expect(page).toContain(ID_MESSAGE);
      expect(page).toMatch(/\((<!-- -->)?503(<!-- -->)?\)/);
    } finally {
      lock.exec("rollback");
      lock.close();
    }
    expect((await r.save()).status).toBe(200);
    expect((await r.page()).status).toBe(200);
    expect(server.errors()).not.toMatch(/Server worker \d+ stopped/);
  }, 60_000);
});

/** A TCP proxy to PostgreSQL that can be closed (every connection dropped, new ones refused) and opened again on its port. */
function pgProxy(to: URL) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;
  const open = () =>
    new Promise<number>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(to.port || 5432), to.hostname);
        for (const [a, b] of [
          [client, upstream],
          [upstream, client],
        ] as const) {
          sockets.add(a);
          a.on("error", () => b.destroy());
          a.on("close", () => (sockets.delete(a), b.destroy()));
        }
        client.pipe(upstream).pipe(client);
      });
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve(port);
      });
    });
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = null;
    });
  return { open, close };
}

describe.skipIf(!pgUrl)("PostgreSQL: the database goes away and comes back", () => {
  let admin: Db;
  let db: Db;
  let name: string;
  let server: TestServer;
  let t: Target;
  let cookie: string;
  const proxy = pgProxy(new URL(pgUrl ?? "postgres://127.0.0.1"));

  beforeAll(async () => {
    name = `cermin_unavail_${crypto.randomBytes(5).toString("hex")}`;
    admin = createDb(pgUrl!);
    await sql.raw(`CREATE DATABASE ${name}`).execute(admin);
    const direct = new URL(pgUrl!);
    direct.pathname = `/${name}`;
    const viaProxy = new URL(direct);
    // This test's own connection is named, so terminating the server's backends spares it.
    direct.searchParams.set("application_name", "cermin-test");
    db = createDb(direct.toString());
    viaProxy.port = String(await proxy.open());
    server = await startServer({ env: { DATABASE_URL: viaProxy.toString() } });
    t = await target(db);
    cookie = await logIn(server);
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await proxy.close();
    await db?.destroy();
    if (admin) {
      await sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).execute(admin);
      await admin.destroy();
    }
  });

  it("in-flight and new requests answer 503 + Retry-After at once (pages, .data, resource routes); the server recovers by itself", async () => {
    const r = requests(server, cookie, t);
    // Saves in flight while every connection is dropped: each answers 200 (done before) or 503.
    const inFlight = Array.from({ length: 20 }, () => r.save().then((res) => res.status));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await proxy.close();
    for (const status of await Promise.all(inFlight)) expect([200, 409, 503]).toContain(status);

    const started = performance.now();
    const [save, dataAction, documentPost, page, dataLoader] = await Promise.all([
      r.save(),
      r.dataAction(),
      r.documentPost(),
      r.page(),
      r.dataLoader(),
    ]);
    expect(await expect503(save, "save")).toBe("error.dbUnavailable");
    await expect503(dataAction, "dataAction");
    await expect503(dataLoader, "dataLoader");
    expect(await expect503(documentPost, "documentPost")).toContain(ID_MESSAGE);
    const html = await expect503(page, "page");
    expect(html).toContain(ID_MESSAGE);
    expect(html).toMatch(/\((<!-- -->)?503(<!-- -->)?\)/);
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(503);
    // Refused connections fail fast: no request waits for a timeout.
    expect(performance.now() - started).toBeLessThan(10_000);

    await proxy.open();
    const deadline = Date.now() + 15_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await r.page()).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).toBe(200);
    expect([200, 409]).toContain((await r.save()).status);
    expect((await r.dataLoader()).status).toBe(200);
    expect(childrenOf(server.pid).length).toBeGreaterThanOrEqual(1);
    expect(server.errors()).not.toMatch(/Server worker \d+ stopped/);
    expect(server.errors()).toMatch(/Database unavailable/);
  }, 60_000);

  it("connections terminated with pg_terminate_backend: requests keep answering (200, or 503 for one caught mid-query), never 500", async () => {
    const r = requests(server, cookie, t);
    const statuses: number[] = [];
    for (let round = 0; round < 3; round++) {
      const burst = Array.from({ length: 10 }, () => r.dataLoader().then((res) => statuses.push(res.status)));
      await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${name} AND application_name <> 'cermin-test'`.execute(
        admin,
      );
      await Promise.all(burst);
      const after = await r.page();
      statuses.push(after.status);
    }
    expect(
      statuses.every((s) => s === 200 || s === 503),
      statuses.join(","),
    ).toBe(true);
    expect((await r.page()).status).toBe(200);
    expect(server.errors()).not.toMatch(/Server worker \d+ stopped/);
  }, 60_000);
});
