/**
 * `cermin serve` with two worker processes (as `npm start` runs on a multi-core machine): both serve
 * answer saves against one SQLite database, concurrently, without errors or lost saves; a worker
 * that dies is replaced while the other keeps answering; SIGTERM stops them all.
 */
import http from "node:http";
import { createDb } from "#db/client.server";
import { itemsWithGroups } from "~/domain/instrument/tree";
import { afterAll, beforeAll, expect, test } from "vitest";
import { demoDraftAssessment } from "../helpers/demo";
import { childrenOf, cpuMsOf } from "../helpers/proc";
import { loginFor, startServer, type TestServer } from "../helpers/server";

let server: TestServer;

async function until<T>(what: string, probe: () => T | Promise<T>, ms = 20_000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}:\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  server = await startServer({ env: { CERMIN_WORKERS: "2" } });
  await until("both workers listening", () => server.output().includes("(2 worker processes, ready in"));
});

afterAll(async () => {
  await server?.stop();
});

async function logIn(): Promise<string> {
  const assessor = loginFor(server.logins, "assessor");
  const res = await fetch(`${server.baseUrl}/login`, {
    method: "POST",
    body: new URLSearchParams({ email: assessor.email, password: assessor.password, redirectTo: "/" }),
    redirect: "manual",
  });
  expect(res.status).toBe(302);
  return /^cermin_session=[^;]+/.exec(res.headers.get("set-cookie") ?? "")![0];
}

test("two workers save answers concurrently into one SQLite database: no error, no lost save", async () => {
  const workers = childrenOf(server.pid);
  expect(workers).toHaveLength(2);
  const cpuBefore = workers.map((pid) => cpuMsOf(pid)!);

  const db = createDb(`sqlite:${server.dataDir}/cermin.db`);
  const assessment = await demoDraftAssessment(db);
  const answered = new Set(
    (await db.selectFrom("answer").select("item_id").where("assessment_id", "=", assessment.id).execute()).map((r) => r.item_id),
  );
  // Unanswered option items: each starts at version 0.
  const items = itemsWithGroups(assessment.instrument)
    .map(({ item }) => item)
    .filter((item) => (item.options?.length ?? 0) >= 2 && !answered.has(item.id))
    .slice(0, 12);
  expect(items.length).toBe(12);

  const cookie = await logIn();
  const SAVES = 15;
  const statuses: number[] = [];
  // One client per item, each saving in sequence from the version the last reply returned; the
  // clients run at once over their own connections, which the primary deals out to both workers.
  await Promise.all(
    items.map(async (item, c) => {
      let version = 0;
      for (let n = 0; n < SAVES; n++) {
        const res = await fetch(`${server.baseUrl}/assessments/${assessment.id}/answers`, {
          method: "POST",
          headers: { Cookie: cookie, Origin: server.baseUrl },
          body: new URLSearchParams({
            itemId: item.id,
            baseVersion: String(version),
            value: item.options![n % 2]!.code,
            note: `client ${c} save ${n}`,
          }),
        });
        statuses.push(res.status);
        if (res.status === 200) version = ((await res.json()) as { version: number }).version;
        else await res.text();
      }
    }),
  );
  expect(statuses.filter((s) => s !== 200)).toEqual([]);

  const rows = await db
    .selectFrom("answer")
    .select(["item_id", "version", "note"])
    .where("assessment_id", "=", assessment.id)
    .where(
      "item_id",
      "in",
      items.map((i) => i.id),
    )
    .execute();
  expect(rows).toHaveLength(items.length);
  for (const r of rows) {
    expect(r.version).toBe(SAVES);
    expect(r.note).toMatch(new RegExp(`save ${SAVES - 1}$`));
  }
  const audit = await db
    .selectFrom("audit_log")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("action", "=", "answer.save")
    .where(
      "entity_id",
      "in",
      items.map((i) => `${assessment.id}:${i.id}`),
    )
    .executeTakeFirstOrThrow();
  expect(Number(audit.n)).toBe(items.length * SAVES);
  await db.destroy();

  // Both workers did part of the work.
  const used = workers.map((pid, i) => cpuMsOf(pid)! - cpuBefore[i]!);
  expect(Math.min(...used)).toBeGreaterThan(20);
  expect(server.errors()).toBe("");
});

/** GET /healthz on a new connection (a kept-alive one may belong to the worker just killed). */
function healthz(): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(`${server.baseUrl}/healthz`, { agent: false, timeout: 5000 }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on("timeout", function (this: http.ClientRequest) {
        this.destroy(new Error("no answer within 5 s"));
      })
      .on("error", reject);
  });
}

test("a worker that dies is replaced while the other answers; SIGTERM stops every process", async () => {
  const [victim, survivor] = childrenOf(server.pid);
  process.kill(victim!, "SIGKILL");
  // Once the primary has seen the death (a connection dealt to the worker in the instant it died is
  // lost with it, as with any crashed server process), the survivor answers while a new one starts.
  await until("the primary to notice", () => server.output().includes(`Server worker ${victim} stopped (SIGKILL).`));
  expect(await healthz()).toBe(200);
  const replaced = await until("a new worker", () => {
    const now = childrenOf(server.pid);
    return now.length === 2 && !now.includes(victim!) && now.includes(survivor!) ? now : null;
  });
  await until("the replacement to start", () => server.output().includes("Starting a new worker."));
  for (let i = 0; i < 6; i++) expect(await healthz()).toBe(200);

  await server.stop();
  for (const pid of [server.pid, ...replaced]) expect(cpuMsOf(pid), `process ${pid} still running`).toBeNull();
});
