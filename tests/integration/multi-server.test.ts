/**
 * Issue #15 (part): two Cermin app servers — separate processes on separate ports and separate
 * DATA_DIRs, as separate hosts would be — on one PostgreSQL. A session started on one continues on
 * the other; a stale save on B after a save on A is refused; log-in throttling counts failures on
 * both; a file uploaded on A downloads from B (one S3 object store); a submission sealed on A
 * verifies on B (the installation key is shared through SEAL_KEY_DIR, the evidence bytes through the store).
 *
 * Runs where PostgreSQL is (TEST_DATABASE_URL: the DB suite under .ci/pg.sh); skipped on SQLite,
 * which one machine's processes share through a file and is covered by tests/e2e/cluster.test.ts.
 */
import crypto from "node:crypto";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "#db/client.server";
import { itemsWithGroups } from "~/domain/instrument/tree";
import { pdf } from "../fixtures/evidence/files";
import { demoDraftAssessment } from "../helpers/demo";
import { WINDOW_REMINDER_JOB } from "~/services/notifications/daily.server";
import { todayWib } from "~/services/workbench/rules";
import { loginFor, startServer, tempDir, type TestServer } from "../helpers/server";

const pgUrl = process.env.TEST_DATABASE_URL;
type S3rverInstance = { run(): Promise<AddressInfo>; close(): Promise<void> };
const S3rver = createRequire(import.meta.url)("s3rver") as new (opts: Record<string, unknown>) => S3rverInstance;

describe.skipIf(!pgUrl)("two app servers on one PostgreSQL", () => {
  let a: TestServer;
  let b: TestServer;
  let db: Db;
  let admin: Db;
  let name: string;
  let s3: S3rverInstance;
  let assessorCookie = "";

  beforeAll(async () => {
    name = `cermin_multi_${crypto.randomBytes(5).toString("hex")}`;
    admin = createDb(pgUrl!);
    await sql.raw(`CREATE DATABASE ${name}`).execute(admin);
    const url = new URL(pgUrl!);
    url.pathname = `/${name}`;
    // The object store: a real S3 HTTP API server (s3rver; MinIO and SeaweedFS are not available here).
    s3 = new S3rver({
      address: "127.0.0.1",
      port: 0,
      silent: true,
      directory: tempDir("cermin-s3rver-"),
      configureBuckets: [{ name: "cermin" }],
    });
    const { port } = await s3.run();
    // What every app server of one installation shares: the database, the session secret, the signing key, the evidence store.
    const env = {
      DATABASE_URL: url.toString(),
      SESSION_SECRET: crypto.randomBytes(32).toString("hex"),
      SEAL_KEY_DIR: tempDir("cermin-seal-key-"),
      EVIDENCE_STORE: "s3://cermin/evidence",
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_REGION: "us-east-1",
      S3_FORCE_PATH_STYLE: "true",
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
      // Every server's notification worker tries the day's jobs 2 s after it starts, whatever the hour.
      NOTIFY_DAILY_HOUR_WIB: "0",
    };
    a = await startServer({ env });
    b = await startServer({ env, seed: false, logins: a.logins });
    db = createDb(url.toString());
  }, 120_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await db?.destroy();
    await s3?.close();
    if (admin) {
      await sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).execute(admin);
      await admin.destroy();
    }
  });

  async function logIn(server: TestServer, password?: string): Promise<Response> {
    const assessor = loginFor(a.logins, "assessor");
    return fetch(`${server.baseUrl}/login`, {
      method: "POST",
      body: new URLSearchParams({ email: assessor.email, password: password ?? assessor.password, redirectTo: "/" }),
      redirect: "manual",
    });
  }
  const cookieOf = (res: Response) => /^cermin_session=[^;]+/.exec(res.headers.get("set-cookie") ?? "")![0];

  it("a session from server A works on server B; a stale save on B after A's save is refused", async () => {
    const res = await logIn(a);
    expect(res.status).toBe(302);
    const cookie = cookieOf(res);
    assessorCookie = cookie;
    const page = await fetch(`${b.baseUrl}/assessments`, { headers: { Cookie: cookie }, redirect: "manual" });
    expect(page.status).toBe(200);

    const assessment = await demoDraftAssessment(db);
    const answered = new Set(
      (await db.selectFrom("answer").select("item_id").where("assessment_id", "=", assessment.id).execute()).map((r) => r.item_id),
    );
    const item = itemsWithGroups(assessment.instrument).find(
      ({ item }) => (item.options?.length ?? 0) >= 2 && !answered.has(item.id),
    )!.item;
    const save = (server: TestServer, value: string, baseVersion: number) =>
      fetch(`${server.baseUrl}/assessments/${assessment.id}/answers`, {
        method: "POST",
        headers: { Cookie: cookie, Origin: server.baseUrl },
        body: new URLSearchParams({ itemId: item.id, baseVersion: String(baseVersion), value }),
      });
    const first = await save(a, item.options![0]!.code, 0);
    expect(first.status).toBe(200);
    const stale = await save(b, item.options![1]!.code, 0);
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { conflict: { value: string; version: number } }).conflict).toMatchObject({
      value: item.options![0]!.code,
      version: 1,
    });
    const next = await save(b, item.options![1]!.code, 1);
    expect(next.status).toBe(200);
  });

  it("a file uploaded on server A downloads from server B, byte for byte (one object store)", async () => {
    const assessment = await demoDraftAssessment(db);
    const item = itemsWithGroups(assessment.instrument)[0]!.item;
    const bytes = Buffer.from(pdf("Dokumen lintas server"));
    const form = new FormData();
    form.set("intent", "upload");
    form.set("itemId", item.id);
    form.append("file", new File([bytes], "lintas-server.pdf", { type: "application/pdf" }));
    const up = await fetch(`${a.baseUrl}/assessments/${assessment.id}/evidence`, {
      method: "POST",
      headers: { Cookie: assessorCookie, Origin: a.baseUrl },
      body: form,
      redirect: "manual",
    });
    expect(up.status).toBeLessThan(400);
    const row = await db
      .selectFrom("evidence")
      .select("id")
      .where("assessment_id", "=", assessment.id)
      .where("name", "=", "lintas-server.pdf")
      .executeTakeFirstOrThrow();
    const down = await fetch(`${b.baseUrl}/evidence/${row.id}/download`, { headers: { Cookie: assessorCookie } });
    expect(down.status).toBe(200);
    expect(Buffer.from(await down.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it("log-in throttling counts failures made on both servers", async () => {
    for (let i = 0; i < 5; i++) {
      const res = await logIn(i % 2 === 0 ? a : b, "salah-sekali");
      expect(res.status).toBe(401);
    }
    // The account is now locked on both, even with the right password.
    for (const server of [a, b]) {
      const res = await logIn(server);
      expect(res.status).toBe(429);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    }
  });

  it("a submission sealed on A verifies on B with the shared installation key", async () => {
    const coordinator = loginFor(a.logins, "coordinator");
    const res = await fetch(`${a.baseUrl}/login`, {
      method: "POST",
      body: new URLSearchParams({ email: coordinator.email, password: coordinator.password, redirectTo: "/" }),
      redirect: "manual",
    });
    const cookie = cookieOf(res);
    const assessment = await demoDraftAssessment(db);
    const submit = await fetch(`${a.baseUrl}/assessments/${assessment.id}`, {
      method: "POST",
      headers: { Cookie: cookie, Origin: a.baseUrl },
      body: new URLSearchParams({ intent: "submit", confirm: "1" }),
      redirect: "manual",
    });
    expect(submit.status).toBeLessThan(400);
    const keyOf = async (server: TestServer) =>
      /data-testid="key-id">([0-9a-f]+)</.exec(await (await fetch(`${server.baseUrl}/about`)).text())?.[1];
    expect(await keyOf(b)).toBe(await keyOf(a));
    const seal = await db.selectFrom("seal").select("seq").where("assessment_id", "=", assessment.id).executeTakeFirst();
    expect(seal?.seq).toBe(1);
    const verify = await fetch(`${b.baseUrl}/assessments/${assessment.id}/verify`, { headers: { Cookie: cookie } });
    expect(verify.status).toBe(200);
    const text = await verify.text();
    expect(text, text.slice(text.indexOf("<main"), text.indexOf("</main>"))).toContain("Utuh");
  });

  it("the day's jobs run once for the installation, not once per server", async () => {
    // Both servers' workers have tried by now (2 s after each start); one job_run row per job and day
    // is the claim, and the row is finished: the job ran to its end on exactly one of them.
    await expect
      .poll(
        async () =>
          (await db.selectFrom("job_run").select(["job", "day", "finished_at"]).execute()).filter((r) => r.finished_at !== null).length,
        { timeout: 15_000 },
      )
      .toBeGreaterThan(0);
    const rows = await db.selectFrom("job_run").select(["job", "day", "finished_at"]).execute();
    expect(rows.map((r) => r.job)).toEqual([WINDOW_REMINDER_JOB]);
    expect(rows[0]!.day).toBe(todayWib());
  });
});
