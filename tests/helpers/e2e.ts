/**
 * The lifecycle every browser test file shares: one production server on demo data and one Chromium
 * per file, browser sessions closed after each test, both stopped after the last test.
 */
import path from "node:path";
import type SQLite from "better-sqlite3";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll } from "vitest";
import { createDb, type Db } from "#db/client.server";
import { closeSessions, launchBrowser } from "./browser";
import { startServer, withServerDb, type TestServer } from "./server";

export interface E2eWorld {
  server: TestServer;
  browser: Browser;
  /** A Kysely handle on the server's SQLite file, opened on first use and closed after the last test. */
  readonly db: Db;
  /** Runs `fn` on a read-only better-sqlite3 handle of the server's database. */
  withDb<T>(fn: (db: SQLite.Database) => T): T;
  /** The id of the demo's draft 2025 assessment of KLP-JKT (looked up on first use). */
  readonly demoDraftId: string;
}

/**
 * Registers the server-and-browser hooks of an e2e file. `started` receives both once they run (so
 * the file can keep its own `server` and `browser` variables); later `beforeAll` hooks of the file run
 * after it.
 */
export function withServerAndBrowser(started: (world: E2eWorld) => void, opts: Parameters<typeof startServer>[0] = {}): void {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  let db: Db | undefined;
  beforeAll(async () => {
    const s = (server = await startServer(opts));
    const b = (browser = await launchBrowser());
    started({
      server: s,
      browser: b,
      withDb: (fn) => withServerDb(s, fn),
      get demoDraftId() {
        return demoDraftId(s);
      },
      get db() {
        return (db ??= createDb(`sqlite:${path.join(s.dataDir, "cermin.db")}`));
      },
    });
  });
  afterEach(closeSessions);
  afterAll(async () => {
    await db?.destroy();
    await browser?.close();
    await server?.stop();
  });
}

/** The id of the demo's draft 2025 assessment of KLP-JKT, the one most browser tests fill in. */
function demoDraftId(server: Pick<TestServer, "dataDir">): string {
  const id = withServerDb(server, (db) =>
    db
      .prepare(
        `SELECT a.id FROM assessment a JOIN unit u ON u.id = a.unit_id JOIN period p ON p.id = a.period_id
         WHERE u.code = 'KLP-JKT' AND p.year = 2025 AND a.status = 'draft'`,
      )
      .pluck()
      .get(),
  );
  if (typeof id !== "string") throw new Error("the demo seeds a draft 2025 assessment for KLP-JKT, but none was found");
  return id;
}

/** The Indonesian display of a number with two decimals (1.234,56), as the pages show scores. */
export const idNumber = (n: number) => new Intl.NumberFormat("id-ID", { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n);
