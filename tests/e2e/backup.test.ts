/**
 * `cermin backup` while the server is serving and writing: the copy must be a consistent,
 * self-contained SQLite database with the demo users in it.
 */
import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { afterAll, beforeAll, expect, test } from "vitest";
import { loginFor, runCli, startServer, tempDir, type TestServer } from "../helpers/server";

let server: TestServer;
let outDir: string;

beforeAll(async () => {
  server = await startServer();
  outDir = tempDir("cermin-backup-");
});

afterAll(async () => {
  await server?.stop();
  if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
});

interface Load {
  stop(): Promise<void>;
  done: number;
  failures: string[];
}

/** Keeps `workers` clients busy: log in (writes a session and an audit row), load a page, log out. */
function startLoad(workers: number): Load {
  const load: Load = { done: 0, failures: [], stop: async () => undefined };
  let running = true;
  const people = server.logins.filter((l) => l.role !== "admin");
  const one = async (n: number) => {
    const who = people[n % people.length]!;
    const res = await fetch(`${server.baseUrl}/login`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email: who.email, password: who.password }).toString(),
      redirect: "manual",
    });
    if (res.status !== 302) throw new Error(`login ${who.email}: HTTP ${res.status}`);
    const cookie = (res.headers.getSetCookie().find((c) => c.startsWith("cermin_session=")) ?? "").split(";")[0]!;
    const home = await fetch(`${server.baseUrl}/units`, { headers: { Cookie: cookie } });
    if (home.status !== 200) throw new Error(`/units: HTTP ${home.status}`);
    await home.text();
    const health = await fetch(`${server.baseUrl}/healthz`);
    if (health.status !== 200) throw new Error(`/healthz: HTTP ${health.status}`);
    const out = await fetch(`${server.baseUrl}/logout`, { method: "POST", headers: { Cookie: cookie, Origin: server.baseUrl }, redirect: "manual" });
    if (out.status !== 302) throw new Error(`logout: HTTP ${out.status}`);
  };
  const loops = Array.from({ length: workers }, async (_, w) => {
    for (let n = w; running; n += workers) {
      try {
        await one(n);
        load.done++;
      } catch (e) {
        load.failures.push(e instanceof Error ? e.message : String(e));
      }
    }
  });
  load.stop = async () => {
    running = false;
    await Promise.all(loops);
  };
  return load;
}

test("a backup taken while requests are running is a consistent copy with the demo users", async () => {
  const file = path.join(outDir, "nested", "cermin-backup.db");
  const load = startLoad(3);
  try {
    // Let the load get going so the backup overlaps writes.
    await expect.poll(() => load.done, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    const before = load.done;
    const result = await runCli(["backup", file], server.dataDir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Backup written to ${file}`);
    // Requests kept completing around the backup.
    await expect.poll(() => load.done, { timeout: 20_000 }).toBeGreaterThan(before + 2);
  } finally {
    await load.stop();
  }
  expect(load.failures).toEqual([]);

  expect(fs.existsSync(file)).toBe(true);
  expect(fs.existsSync(`${file}-wal`)).toBe(false);
  const copy = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(copy.pragma("foreign_key_check")).toEqual([]);
    const emails = (copy.prepare("SELECT email FROM user ORDER BY email").all() as { email: string }[]).map((r) => r.email);
    for (const l of server.logins) expect(emails).toContain(l.email);
    const orgs = copy.prepare("SELECT code FROM organisation ORDER BY code").all() as { code: string }[];
    expect(orgs.map((o) => o.code)).toEqual(["KABDEMO", "KEMENDEMO"]);
    const logins = copy.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'login'").get() as { n: number } | undefined;
    expect(logins?.n ?? 0).toBeGreaterThan(0);
  } finally {
    copy.close();
  }

  // The server is unaffected and still accepts logins.
  const admin = loginFor(server.logins, "admin");
  const res = await fetch(`${server.baseUrl}/login`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email: admin.email, password: admin.password }).toString(),
    redirect: "manual",
  });
  expect(res.status).toBe(302);
  expect(server.errors()).toBe("");
});

test("backup refuses to overwrite an existing file", async () => {
  const file = path.join(outDir, "existing.db");
  fs.writeFileSync(file, "not a database");
  const result = await runCli(["backup", file], server.dataDir);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("Refusing to overwrite");
  expect(fs.readFileSync(file, "utf8")).toBe("not a database");
});
