/**
 * What the reliability harness (bench/reliability.ts) builds on: one seeded installation (SQLite in
 * DATA_DIR, or a fresh PostgreSQL database) served by the production build, drafts with enough
 * option items for every client, one session per client, the autosave clients themselves and the
 * checks run after every fault: every acknowledged save present, the database consistent.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { sql } from "kysely";
import { createDb, type Db } from "#db/client.server";
import { itemsWithGroups } from "~/domain/instrument/tree";
import { parseInstrument } from "~/domain/instrument/parse";
import { childrenOf } from "../../tests/helpers/proc";
import { loginFor, type DemoLogin } from "../../tests/helpers/server";
import { Client, percentile } from "./load";
import { startBenchServer, type BenchServer } from "./server";

export type Dialect = "sqlite" | "postgres";

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `everyMs` until it is true; the ms it took, or null after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 25): Promise<number | null> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    try {
      if (await check()) return performance.now() - t0;
    } catch {
      // not yet
    }
    await sleep(everyMs);
  }
  return null;
}

export const healthy = async (baseUrl: string) => (await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) })).status === 200;

// ── PostgreSQL databases of the run ────────────────────────────────────────────────────────────

/** A URL for another database on the same PostgreSQL server. */
export function pgDatabaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createPgDatabase(adminUrl: string, prefix: string): Promise<{ name: string; url: string }> {
  const name = `${prefix}_${crypto.randomBytes(5).toString("hex")}`;
  const admin = createDb(adminUrl);
  try {
    await sql.raw(`CREATE DATABASE ${name}`).execute(admin);
  } finally {
    await admin.destroy();
  }
  return { name, url: pgDatabaseUrl(adminUrl, name) };
}

export async function dropPgDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = createDb(adminUrl);
  try {
    await sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).execute(admin);
  } finally {
    await admin.destroy();
  }
}

/** Runs `fn` on a short-lived handle (no pool left open across a fault: its dropped connections would only add noise). */
export async function withDb<T>(url: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = createDb(url);
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

// ── the installation under test ────────────────────────────────────────────────────────────────

export interface Tracked {
  assessmentId: string;
  itemId: string;
  codes: [string, string];
  /** Version the next save starts from. */
  version: number;
  /** Stored version and audit rows before the harness's first save. */
  startVersion: number;
  auditBefore: number;
  /** Saves sent. */
  n: number;
  /** Last acknowledged save, and every acknowledged version (each must have its audit row). */
  acked: { version: number; value: string; note: string } | null;
  ackedVersions: number[];
  /** Saves without a definite answer (connection cut, 5xx, timeout): each may or may not have been stored. */
  ambiguous: number;
  ambiguousSinceAck: number;
}

export interface Installation {
  dialect: Dialect;
  /** Where the harness reads the database: `sqlite:<file>` or the postgres:// URL. */
  dbUrl: string;
  /** PostgreSQL: the database's name (for pg_terminate_backend, dropping). */
  pgName: string | null;
  dataDir: string;
  workers: number;
  /** CERMIN_ROOT of every server started: the build they serve (bench/lib/server.ts snapshotBuild). */
  root?: string;
  server: BenchServer;
  logins: DemoLogin[];
  items: Tracked[];
  /** One session (cookie) per client; client i saves items[i]. */
  cookies: string[];
  /** Server stderr of every server process started so far. */
  stderr(): string;
  /** SIGTERM and start again on the same port and data (no seeding). */
  restart(): Promise<void>;
  /** SIGKILL the primary and every worker at once (a crash), then `between()` with the server down, then start again; ms from the kill until /healthz answers. */
  crashAndRestart(between?: () => Promise<void>): Promise<number>;
}

export const SAVE_ACTIONS = ["answer.save", "answer.confirm"] as const;
const OPTION_TYPES = new Set(["yes_no", "abc", "abcd", "abcde"]);

/** Logs in over HTTP (a real session row, argon2 and all); `null` when refused. */
export async function logIn(http: Client, who: DemoLogin): Promise<string | null> {
  const r = await http.post("/login", new URLSearchParams({ email: who.email, password: who.password, redirectTo: "/" }).toString());
  const cookie = [r.headers["set-cookie"] ?? []]
    .flat()
    .map((c) => /^cermin_session=[^;]+/.exec(c)?.[0])
    .find(Boolean);
  return r.status === 302 && cookie ? cookie : null;
}

/**
 * Seeds the demo, serves it (CERMIN_WORKERS = workers), rolls the 2025 ZI worksheet out to the
 * ministry's other three service units as the system administrator (so there are enough option items:
 * one per client, never shared, so no save conflicts), and logs each client in: the coordinator for the
 * Ditjen Pelayanan Perizinan's two units, the administrator for the two Balai.
 */
export async function setUp(opts: { clients: number; workers: number; pgAdminUrl?: string; root?: string }): Promise<Installation> {
  const pg = opts.pgAdminUrl ? await createPgDatabase(opts.pgAdminUrl, "cermin_rel") : null;
  let server = await startBenchServer({ databaseUrl: pg?.url, workers: opts.workers, root: opts.root });
  let stderrBefore = "";
  const dataDir = server.dataDir;
  const dbUrl = server.dbUrl;
  const http = new Client(new URL(server.baseUrl), 8, 30_000);
  try {
    const admin = loginFor(server.logins, "admin");
    const adminCookie = await logIn(http, admin);
    if (!adminCookie) throw new Error("the demo administrator could not log in");
    const units = await withDb(dbUrl, async (db) => {
      const rows = await db
        .selectFrom("unit")
        .innerJoin("organisation as o", "o.id", "unit.organisation_id")
        .select(["unit.id", "unit.code", "o.id as orgId"])
        .where("unit.code", "in", ["KLP-SBY", "BP-MDN", "BP-MKS"])
        .execute();
      const period = await db
        .selectFrom("period")
        .select("id")
        .where("organisation_id", "=", rows[0]!.orgId)
        .where("year", "=", 2025)
        .executeTakeFirstOrThrow();
      return { ids: rows.map((r) => r.id), periodId: period.id };
    });
    const form = new URLSearchParams({ periodId: units.periodId, instrumentId: "zi-2021" });
    for (const id of units.ids) form.append("unitIds", id);
    const rolled = await http.post("/assessments?index", form.toString(), { Cookie: adminCookie, Accept: "text/html" });
    if (rolled.status !== 200) throw new Error(`roll-out failed: HTTP ${rolled.status} ${rolled.body.slice(0, 200)}`);

    // Every option item of the four 2025 ZI drafts that no one answered yet, Jakarta first.
    const drafts = await withDb(dbUrl, (db) =>
      db
        .selectFrom("assessment as a")
        .innerJoin("unit as u", "u.id", "a.unit_id")
        .innerJoin("instrument_version as v", "v.hash", "a.instrument_hash")
        .innerJoin("period as p", "p.id", "a.period_id")
        .select(["a.id", "u.code", "v.content"])
        .where("u.code", "in", ["KLP-JKT", "KLP-SBY", "BP-MDN", "BP-MKS"])
        .where("a.status", "=", "draft")
        .where("p.year", "=", 2025)
        .execute(),
    );
    const order = ["KLP-JKT", "KLP-SBY", "BP-MDN", "BP-MKS"];
    drafts.sort((a, b) => order.indexOf(a.code ?? "") - order.indexOf(b.code ?? ""));
    const answered = await withDb(dbUrl, (db) =>
      db
        .selectFrom("answer")
        .select(["assessment_id", "item_id"])
        .where(
          "assessment_id",
          "in",
          drafts.map((d) => d.id),
        )
        .execute(),
    );
    const taken = new Set(answered.map((r) => `${r.assessment_id}:${r.item_id}`));
    const candidates: { assessmentId: string; unit: string; itemId: string; codes: [string, string] }[] = [];
    for (const d of drafts) {
      const instrument = parseInstrument(d.content, "frozen");
      for (const { item } of itemsWithGroups(instrument)) {
        const [a, b] = item.options ?? [];
        if (!OPTION_TYPES.has(item.type) || typeof a?.code !== "string" || typeof b?.code !== "string" || taken.has(`${d.id}:${item.id}`))
          continue;
        candidates.push({ assessmentId: d.id, unit: d.code ?? "", itemId: item.id, codes: [a.code, b.code] });
      }
    }
    if (candidates.length < opts.clients) throw new Error(`only ${candidates.length} unanswered option items for ${opts.clients} clients`);
    const chosen = candidates.slice(0, opts.clients);
    const items: Tracked[] = chosen.map((c) => ({
      assessmentId: c.assessmentId,
      itemId: c.itemId,
      codes: c.codes,
      version: 0,
      startVersion: 0,
      auditBefore: 0,
      n: 0,
      acked: null,
      ackedVersions: [],
      ambiguous: 0,
      ambiguousSinceAck: 0,
    }));
    const coordinator = loginFor(server.logins, "coordinator");
    const cookies: string[] = [];
    for (let i = 0; i < chosen.length; i += 4) {
      const batch = chosen.slice(i, i + 4).map((c) => logIn(http, c.unit.startsWith("KLP") ? coordinator : admin));
      for (const cookie of await Promise.all(batch)) {
        if (!cookie) throw new Error("a demo log-in failed");
        cookies.push(cookie);
      }
    }
    // The same installation again: its data directory and port, without seeding.
    const restartServer = () =>
      startBenchServer({ databaseUrl: pg?.url, workers: opts.workers, dataDir, seed: false, port: server.port, root: opts.root });
    const installation: Installation = {
      dialect: pg ? "postgres" : "sqlite",
      dbUrl,
      pgName: pg?.name ?? null,
      dataDir,
      workers: opts.workers,
      root: opts.root,
      get server() {
        return server;
      },
      logins: server.logins,
      items,
      cookies,
      stderr: () => stderrBefore + server.errors(),
      async restart() {
        await server.stop();
        stderrBefore += server.errors();
        server = await restartServer();
      },
      async crashAndRestart(between) {
        const pids = [server.pid, ...childrenOf(server.pid)];
        const t0 = performance.now();
        for (const pid of pids) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // already gone
          }
        }
        await server.kill("SIGKILL");
        await waitFor(() => pids.every((p) => !alive(p)), 5000, 10);
        stderrBefore += server.errors();
        const c0 = performance.now();
        await between?.();
        // The check in between is the harness's work, not the server's: left out of the time.
        const checkMs = performance.now() - c0;
        server = await restartServer();
        return performance.now() - t0 - checkMs;
      },
    };
    return installation;
  } catch (e) {
    await server.stop();
    throw e;
  } finally {
    http.close();
  }
}

/** The server's worker processes that are running (a killed one stays listed as a zombie until the primary reaps it). */
export const liveWorkers = (primary: number) => childrenOf(primary).filter(alive);

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return fs.existsSync(`/proc/${pid}`) && !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Reads the versions the harness starts from (after set-up; the saves so far are the set-up's). */
export async function baseline(inst: Installation): Promise<void> {
  const state = await readState(inst);
  for (const s of inst.items) {
    const row = state.answers.get(key(s));
    s.version = s.startVersion = row?.version ?? 0;
    s.auditBefore = state.audit.get(key(s))?.count ?? 0;
  }
}

const key = (s: Pick<Tracked, "assessmentId" | "itemId">) => `${s.assessmentId}:${s.itemId}`;

interface DbState {
  answers: Map<string, { version: number; value: string | null; note: string | null }>;
  audit: Map<string, { count: number; versions: Set<number> }>;
}

async function readState(inst: Pick<Installation, "dbUrl" | "items">): Promise<DbState> {
  const ids = [...new Set(inst.items.map((s) => s.assessmentId))];
  return withDb(inst.dbUrl, async (db) => {
    const rows = await db
      .selectFrom("answer")
      .select(["assessment_id", "item_id", "version", "value_json", "note"])
      .where("assessment_id", "in", ids)
      .where("layer", "=", "self")
      .execute();
    const answers = new Map(
      rows.map((r) => [`${r.assessment_id}:${r.item_id}`, { version: Number(r.version), value: r.value_json, note: r.note }]),
    );
    const audit = new Map<string, { count: number; versions: Set<number> }>();
    const logs = await db
      .selectFrom("audit_log")
      .select(["entity_id", "after_json"])
      .where("action", "in", [...SAVE_ACTIONS])
      .where("entity_type", "=", "answer")
      .execute();
    for (const l of logs) {
      if (!l.entity_id) continue;
      const entry = audit.get(l.entity_id) ?? { count: 0, versions: new Set<number>() };
      entry.count++;
      const version = (JSON.parse(l.after_json ?? "{}") as { version?: unknown }).version;
      if (typeof version === "number") entry.versions.add(version);
      audit.set(l.entity_id, entry);
    }
    return { answers, audit };
  });
}

export interface SaveCheck {
  /** Acknowledged saves in all (since set-up) and how many of them are missing (no audit row of that version, or the item behind it). */
  acked: number;
  lost: number;
  /** Items holding their last acknowledged value/note/version (or a later, unacknowledged one). */
  itemsOk: number;
  items: number;
  /** answer.save audit rows the harness's saves wrote. */
  auditRows: number;
  /** Items whose version steps and audit rows disagree (a torn transaction). */
  torn: number;
  problems: string[];
}

/**
 * Every acknowledged save is stored: its version has its `answer.save` audit row, and each item holds
 * its last acknowledged value, note and version — or a later version when a save without a reply
 * came after it. Every version step has exactly one audit row (the answer and its audit row are
 * written in one transaction, so a crash leaves both or neither).
 */
export async function checkSaves(
  inst: Pick<Installation, "dbUrl" | "items">,
  dbUrl = inst.dbUrl,
  upTo?: Map<Tracked, number[]>,
): Promise<SaveCheck> {
  const state = await readState({ dbUrl, items: inst.items });
  const out: SaveCheck = { acked: 0, lost: 0, itemsOk: 0, items: inst.items.length, auditRows: 0, torn: 0, problems: [] };
  for (const s of inst.items) {
    const row = state.answers.get(key(s));
    const audit = state.audit.get(key(s)) ?? { count: 0, versions: new Set<number>() };
    const stored = row?.version ?? 0;
    const auditRows = audit.count - s.auditBefore;
    out.auditRows += auditRows;
    // With `upTo` (a copy taken at some moment): only the saves acknowledged before it must be there.
    const mustHave = upTo ? (upTo.get(s) ?? []) : s.ackedVersions;
    out.acked += mustHave.length;
    const missing = mustHave.filter((v) => !audit.versions.has(v) || v > stored);
    out.lost += missing.length;
    if (missing.length)
      out.problems.push(`${key(s)}: acknowledged version(s) ${missing.slice(0, 5).join(", ")} missing (stored ${stored})`);
    if (stored - s.startVersion !== auditRows) {
      out.torn++;
      out.problems.push(`${key(s)}: version went ${s.startVersion} → ${stored} with ${auditRows} audit rows`);
    }
    if (upTo) {
      out.itemsOk++;
      continue;
    }
    const want = s.acked;
    let ok: boolean;
    if (!want) ok = stored - s.startVersion <= s.ambiguous;
    else if (stored === want.version) ok = row?.value === JSON.stringify(want.value) && row?.note === want.note;
    else ok = stored > want.version && stored - want.version <= s.ambiguousSinceAck;
    if (ok) out.itemsOk++;
    else
      out.problems.push(
        `${key(s)}: stored ${JSON.stringify(row)}, last acknowledged ${JSON.stringify(want)}, ${s.ambiguousSinceAck} unanswered since`,
      );
    if (auditRows < s.ackedVersions.length || auditRows > s.ackedVersions.length + s.ambiguous) {
      out.problems.push(
        `${key(s)}: ${auditRows} audit rows for ${s.ackedVersions.length} acknowledged and ${s.ambiguous} unanswered saves`,
      );
    }
  }
  return out;
}

/** The acknowledged versions so far, per item: what a copy taken from now on must contain. */
export const ackedSoFar = (items: Tracked[]) => new Map(items.map((s) => [s, [...s.ackedVersions]]));

/**
 * The database's own consistency check. SQLite: `PRAGMA integrity_check` and `foreign_key_check` on the
 * file. PostgreSQL (which enforces its foreign keys): no answer, evidence or audit row of a missing
 * assessment or user, no transaction left open by a killed server, and the catalog readable.
 */
export async function integrity(dialect: Dialect, dbUrl: string): Promise<{ ok: boolean; detail: string }> {
  if (dialect === "sqlite") {
    const file = dbUrl.replace(/^sqlite:/, "");
    const db = new SQLite(file);
    try {
      const result = db.pragma("integrity_check", { simple: true }) as string;
      const fk = db.pragma("foreign_key_check") as unknown[];
      return { ok: result === "ok" && fk.length === 0, detail: `integrity_check ${result}, foreign_key_check ${fk.length} rows` };
    } finally {
      db.close();
    }
  }
  return withDb(dbUrl, async (db) => {
    const { rows } = await sql<{ orphans: number | string; open_tx: number | string; tables: number | string }>`
      select
        (select count(*) from answer a left join assessment s on s.id = a.assessment_id where s.id is null)
        + (select count(*) from evidence e left join assessment s on s.id = e.assessment_id where s.id is null)
        + (select count(*) from session x left join "user" u on u.id = x.user_id where u.id is null) as orphans,
        (select count(*) from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'
           and xact_start < now() - interval '20 seconds') as open_tx,
        (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r') as tables
    `.execute(db);
    const r = rows[0]!;
    const ok = Number(r.orphans) === 0 && Number(r.open_tx) === 0;
    return { ok, detail: `${r.orphans} orphaned rows, ${r.open_tx} stale open transactions, ${r.tables} tables readable` };
  });
}

// ── the autosave clients ───────────────────────────────────────────────────────────────────────

export type Counts = Map<string, number>;
export const bump = (m: Counts, k: string, n = 1) => m.set(k, (m.get(k) ?? 0) + n);
export const countsText = (m: Counts) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ×${v}`)
    .join(", ") || "none";

/** Requests slower than this count as hanging. */
export const HANG_MS = 20_000;

/**
 * One save per call for client c: the next of two option values, a new note, the version of the last
 * reply. Outcomes: "200", "409" (the version moved: an earlier save without a reply was stored), the
 * status, or the network error ("ECONNRESET", "ECONNREFUSED", "timeout" …).
 */
export class Savers {
  readonly http: Client;
  readonly statuses: Counts = new Map();
  /** performance.now() of every acknowledged save's reply. */
  ackTimes: number[] = [];
  latencies: number[] = [];
  constructor(
    readonly inst: Installation,
    clients = inst.items.length,
  ) {
    this.http = new Client(new URL(inst.server.baseUrl), clients, HANG_MS);
  }

  reset(): void {
    this.statuses.clear();
    this.ackTimes = [];
    this.latencies = [];
  }

  async save(c: number): Promise<string> {
    const s = this.inst.items[c]!;
    const value = s.codes[s.n % 2]!;
    const note = `rel c${c} n${s.n}`;
    s.n++;
    const body = new URLSearchParams({ itemId: s.itemId, baseVersion: String(s.version), value, note }).toString();
    const t0 = performance.now();
    let outcome: string;
    try {
      const r = await this.http.post(`/assessments/${s.assessmentId}/answers`, body, { Cookie: this.inst.cookies[c]! });
      outcome = String(r.status);
      if (r.status === 200) {
        const reply = JSON.parse(r.body) as { ok?: boolean; version?: number };
        if (reply.ok && typeof reply.version === "number") {
          s.version = reply.version;
          s.acked = { version: reply.version, value, note };
          s.ackedVersions.push(reply.version);
          s.ambiguousSinceAck = 0;
          this.ackTimes.push(performance.now());
        } else outcome = "200 (unexpected body)";
      } else if (r.status === 409) {
        // An earlier save that got no reply was stored after all: continue from its version.
        const conflict = (JSON.parse(r.body) as { conflict?: { version?: number } }).conflict;
        if (typeof conflict?.version === "number") s.version = conflict.version;
      } else if (r.status >= 500) {
        s.ambiguous++;
        s.ambiguousSinceAck++;
        if (r.status === 503 && !r.headers["retry-after"]) outcome = "503 without Retry-After";
      }
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      outcome = err.code ?? (/^timeout/.test(err.message) ? "timeout" : err.message);
      // A refused connection never reached the server; anything else may have been stored.
      if (outcome !== "ECONNREFUSED") {
        s.ambiguous++;
        s.ambiguousSinceAck++;
      }
    }
    this.latencies.push(performance.now() - t0);
    bump(this.statuses, outcome);
    return outcome;
  }

  /**
   * Every client saves once per `paceMs` (staggered) until stop() is called; stop() waits for the
   * requests in flight.
   */
  run(paceMs: number, clients = this.inst.items.length): { stop(): Promise<void> } {
    let stopped = false;
    const loops = Array.from({ length: clients }, async (_, c) => {
      let next = performance.now() + (paceMs * c) / clients;
      while (!stopped) {
        const wait = next - performance.now();
        if (wait > 0) await sleep(wait);
        if (stopped) break;
        next = Math.max(next + paceMs, performance.now());
        await this.save(c);
      }
    });
    return {
      stop: async () => {
        stopped = true;
        await Promise.all(loops);
      },
    };
  }

  /** ms from `t` until the first acknowledged save after it (null: none). */
  firstAckAfter(t: number): number | null {
    const next = this.ackTimes.find((a) => a > t);
    return next === undefined ? null : next - t;
  }

  p95(): number {
    return percentile(Float64Array.from(this.latencies).sort(), 95);
  }

  close(): void {
    this.http.close();
  }
}

export const fmtMs = (ms: number | null | undefined) =>
  ms === null || ms === undefined || !Number.isFinite(ms) ? "–" : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
export const median = (xs: number[]) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
};

/** Per-table row counts and a content checksum (rows serialised with sorted keys, sorted, SHA-256). */
export async function tableChecksums(dbUrl: string, dialect: Dialect): Promise<Map<string, { rows: number; sha: string }>> {
  return withDb(dbUrl, async (db) => {
    const tables =
      dialect === "sqlite"
        ? (
            await sql<{
              name: string;
            }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db)
          ).rows.map((r) => r.name)
        : (
            await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = 'public' order by tablename`.execute(db)
          ).rows.map((r) => r.name);
    const out = new Map<string, { rows: number; sha: string }>();
    for (const t of tables) {
      const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(t)}`.execute(db);
      const lines = rows
        .map((r) =>
          JSON.stringify(
            Object.keys(r)
              .sort()
              .map((k) => [k, normalise(r[k])]),
          ),
        )
        .sort();
      out.set(t, { rows: rows.length, sha: crypto.createHash("sha256").update(lines.join("\n")).digest("hex") });
    }
    return out;
  });
}

function normalise(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "bigint") return v.toString();
  if (Buffer.isBuffer(v)) return v.toString("base64");
  return v;
}

/** Files in a directory (none when it is missing). */
export const listDir = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir) : []);
export const evidenceDir = (inst: Pick<Installation, "dataDir">) => path.join(inst.dataDir, "evidence");
