/**
 * Malformed requests for every action and resource route of the production build, over HTTP to the
 * running server (the in-process counterpart is tests/integration/fuzz.test.ts). Seeded: the same
 * seed sends the same requests.
 */
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Db } from "#db/client.server";
import { mulberry32 } from "~/utils/random";
import type { DemoLogin } from "../../tests/helpers/server";
import { ROOT } from "../../tests/helpers/server";

/** Deterministic PRNG (mulberry32), so a failure reproduces from the printed seed. */
export function rng(seed: number) {
  const next = mulberry32(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const bytes = (n: number) => {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = int(256);
    return b;
  };
  return { next, int, pick, bytes, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof rng>;

export interface FuzzRoute {
  id: string;
  /** Pattern with :params, e.g. /assessments/:id/areas/:area. */
  pattern: string;
  index: boolean;
  action: boolean;
  loader: boolean;
  ui: boolean;
}

/** Every route module of the build with an action or a loader, with its full path. */
export async function buildRoutes(root = ROOT): Promise<FuzzRoute[]> {
  const build = (await import(pathToFileURL(path.join(root, "build", "server", "index.js")).href)) as {
    routes: Record<string, { id: string; parentId?: string; path?: string; index?: boolean; module: Record<string, unknown> }>;
  };
  const full = (id: string | undefined): string => {
    const r = id ? build.routes[id] : undefined;
    if (!r) return "";
    return [full(r.parentId), r.path ?? ""].filter(Boolean).join("/");
  };
  return Object.values(build.routes)
    .filter((r) => r.module.action || r.module.loader)
    .map((r) => ({
      id: r.id,
      pattern: `/${full(r.id)}`,
      index: Boolean(r.index),
      action: Boolean(r.module.action),
      loader: Boolean(r.module.loader),
      ui: Boolean(r.module.default),
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** Real ids of the demo database, so some requests reach the checks behind "not found". */
export async function realIds(db: Db) {
  const col = async (table: "assessment" | "unit" | "user" | "organisation" | "evidence" | "sample" | "instrument_release") =>
    (
      await db
        .selectFrom(table as "assessment")
        .select("id")
        .limit(30)
        .execute()
    ).map((r) => String(r.id));
  const [assessments, units, users, orgs, evidence, samples, releases] = await Promise.all([
    col("assessment"),
    col("unit"),
    col("user"),
    col("organisation"),
    col("evidence").catch(() => []),
    col("sample").catch(() => []),
    col("instrument_release").catch(() => []),
  ]);
  const items = (await db.selectFrom("answer").select("item_id").distinct().limit(60).execute()).map((r) => r.item_id);
  return { assessments, units, users, orgs, evidence, samples, releases, items };
}
export type Ids = Awaited<ReturnType<typeof realIds>>;

const FIELDS = [
  "intent",
  "name",
  "kind",
  "code",
  "email",
  "password",
  "confirm",
  "current",
  "scope",
  "role",
  "unitId",
  "unitIds",
  "parentId",
  "periodId",
  "membershipId",
  "year",
  "fillStart",
  "fillEnd",
  "reviewEnd",
  "evaluationEnd",
  "locale",
  "redirectTo",
  "id",
  "emailMode",
  "itemId",
  "baseVersion",
  "value",
  "note",
  "overrideReason",
  "reason",
  "body",
  "nodeId",
  "userId",
  "evidenceId",
  "evidenceDate",
  "url",
  "title",
  "file",
  "layer",
  "instrumentId",
  "carryForward",
  "method",
  "size",
  "seed",
  "strata",
  "status",
  "verdict",
  "finding",
  "followUp",
  "releaseId",
  "mapping",
  "apply",
  "take",
  "raters",
  "areaId",
  "area",
  "target",
  "token",
  "assessmentId",
  "sampleId",
] as const;
const INTENTS = [
  "update-org",
  "add-unit",
  "rename-unit",
  "move-unit",
  "archive-unit",
  "restore-unit",
  "add-period",
  "update-period",
  "close-period",
  "reopen-period",
  "rename",
  "disable",
  "enable",
  "password-link",
  "add-membership",
  "remove-membership",
  "password",
  "read",
  "open",
  "read-all",
  "notifications",
  "save",
  "comment",
  "approve",
  "return",
  "assign",
  "unassign",
  "submit",
  "finalise",
  "reopen",
  "upload",
  "link",
  "attach",
  "detach",
  "remove",
  "publish",
  "discard",
  "preview",
  "apply",
  "export",
  "import",
  "draw",
  "release",
  "withdraw",
  "blind-start",
  "blind-finish",
  "reveal",
  "consensus",
  "override",
  "logout-all",
  "x",
] as const;
const NASTY = [
  "",
  " ",
  "\u0000",
  "null",
  "undefined",
  "-1",
  "0",
  "1",
  "1e309",
  "NaN",
  "Infinity",
  "0x10",
  "9".repeat(400),
  "x".repeat(5000),
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  "../../etc/passwd",
  "a/b/c",
  "/",
  "//evil.example",
  "https://evil.example/",
  "javascript:alert(1)",
  "2025-13-45",
  "2025-02-30",
  "💥🇮🇩",
  "\uFFFD\uD800",
  "%ZZ",
  '{"a":1}',
  "[]",
  "true",
  "A",
  "B",
  "Ya",
  "Tidak",
  "N/A",
  "on",
  "\r\n\r\n",
  "é".repeat(3000),
] as const;
const METHODS = [
  "GET",
  "GET",
  "GET",
  "POST",
  "POST",
  "POST",
  "POST",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "HEAD",
  "OPTIONS",
  "TRACE",
  "PROPFIND",
] as const;
const ACCEPTS = ["text/html", "application/json", "*/*", "text/x-script", "application/xml", ""] as const;

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | null;
  /** Send without Content-Length (chunked). */
  chunked: boolean;
  persona: number;
}

/** encodeURIComponent, which throws on a lone surrogate: that one becomes its (invalid) UTF-8 bytes. */
function enc(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return s.replace(/[\uD800-\uDFFF]/g, "%ED%A0%80").replace(/[^%\w.~-]/g, (c) => encodeURIComponent(c));
  }
}

function paramValue(r: Rng, name: string, ids: Ids): string {
  if (r.chance(0.25)) return enc(r.pick(NASTY)) || "x";
  switch (name) {
    case "id":
      return r.pick([...ids.assessments, ...ids.evidence, ...ids.samples, ...ids.units]);
    case "orgId":
      return r.pick(ids.orgs);
    case "userId":
      return r.pick(ids.users);
    case "unitId":
      return r.pick(ids.units);
    case "releaseId":
      return r.pick(ids.releases.length ? ids.releases : ids.assessments);
    case "area":
      return enc(r.pick(["A.I.1", "A", "B", "A.I", "R.1", ...ids.items.map((i) => i.split(".").slice(0, 2).join("."))]));
    case "instrument":
      return r.pick(["zi-2021", "pmprb-2014", "rb-2023-kl", "rb-2023-kabkota", "nope"]);
    case "chart":
      return r.pick(["units", "readiness", "areas", "nope"]);
    default:
      return r.pick([...ids.assessments, "bukan-id", "0"]);
  }
}

function fieldValue(r: Rng, name: string, ids: Ids): string {
  if (name === "intent" && r.chance(0.8)) return r.pick(INTENTS);
  if (name === "itemId" && r.chance(0.6)) return r.pick(ids.items);
  if (r.chance(0.3)) return r.pick([...ids.assessments, ...ids.units, ...ids.users, ...ids.evidence]);
  return r.pick(NASTY);
}

function randomFields(r: Rng, ids: Ids): [string, string][] {
  const out: [string, string][] = [];
  const n = r.int(8);
  for (let i = 0; i < n; i++) {
    const name = r.chance(0.9) ? r.pick(FIELDS) : r.pick(NASTY) || "x";
    out.push([name, fieldValue(r, name, ids)]);
  }
  return out;
}

const urlencoded = (fields: [string, string][]) => new URLSearchParams(fields).toString();

function multipart(r: Rng, fields: [string, string][], boundary: string): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of fields) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  const files = r.int(3);
  for (let i = 0; i < files; i++) {
    const size = r.pick([0, 1, 100, 5_000, 200_000, 900_000]);
    const content = r.chance(0.3) ? Buffer.concat([Buffer.from("%PDF-1.4\n"), r.bytes(size)]) : r.bytes(size);
    const name = r.pick(["bukti.pdf", "../../x.pdf", "a\u0000b.exe", "💥.png", "", "x".repeat(300) + ".docx", "lke.xlsx"]);
    const type = r.pick(["application/pdf", "application/octet-stream", "image/png", "text/html", ""]);
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${r.pick(["file", "workbook", "files", "x"])}"; filename="${name}"\r\n${type ? `Content-Type: ${type}\r\n` : ""}\r\n`,
      ),
      content,
      Buffer.from("\r\n"),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(parts);
}

/** One malformed (or merely odd) request. */
export function fuzzRequest(r: Rng, routes: FuzzRoute[], ids: Ids, personas: number, origin: string): FuzzRequest {
  const route = r.pick(routes);
  let p = route.pattern.replace(/:(\w+)/g, (_, name: string) => paramValue(r, name, ids));
  const method = route.action && r.chance(0.5) ? "POST" : r.pick(METHODS);
  const query: string[] = [];
  if (route.index && r.chance(0.7)) query.push("index");
  if (r.chance(0.15)) query.push(`${enc(r.pick(FIELDS))}=${enc(r.pick(NASTY))}`);
  if (r.chance(0.03)) query.push("_data=routes%2F_index");
  if (route.ui && r.chance(0.25)) p = `${p === "/" ? "/_root" : p}.data`;
  const headers: Record<string, string> = {};
  const accept = r.pick(ACCEPTS);
  if (accept) headers.Accept = accept;
  if (r.chance(0.2)) headers["Sec-Fetch-Mode"] = "navigate";
  if (method !== "GET" && method !== "HEAD") headers.Origin = r.chance(0.95) ? origin : "https://evil.example";
  let body: Buffer | null = null;
  let chunked = false;
  if (method !== "GET" && method !== "HEAD" && method !== "OPTIONS") {
    const fields = randomFields(r, ids);
    const kind = r.int(12);
    const boundary = `----cermin${r.int(1e9)}`;
    if (kind <= 3) {
      body = Buffer.from(urlencoded(fields));
      headers["Content-Type"] = "application/x-www-form-urlencoded";
    } else if (kind === 4) {
      body = r.pick([
        Buffer.from("%ZZ=%%&&=="),
        Buffer.from("a=%C3%28&b=%FF%FE"),
        Buffer.from([0x61, 0x3d, 0xff, 0xfe, 0x00, 0x26]),
        Buffer.from("=".repeat(10_000)),
      ]);
      headers["Content-Type"] = r.pick(["application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=latin1"]);
    } else if (kind <= 6) {
      body = multipart(r, fields, boundary);
      headers["Content-Type"] = `multipart/form-data; boundary=${boundary}`;
    } else if (kind === 7) {
      const good = multipart(r, fields, boundary);
      body = r.pick([good.subarray(0, Math.floor(good.length / 2)), Buffer.from(`--${boundary}\r\nbroken`), good]);
      headers["Content-Type"] = r.pick([
        `multipart/form-data; boundary=${boundary}x`,
        "multipart/form-data",
        `multipart/form-data; boundary=${boundary}`,
        "multipart/mixed",
      ]);
    } else if (kind === 8) {
      body = Buffer.from(JSON.stringify(Object.fromEntries(fields)));
      headers["Content-Type"] = r.pick(["application/json", "text/plain", "application/x-www-form-urlencoded"]);
    } else if (kind === 9) {
      body = r.bytes(r.pick([0, 10, 1000, 100_000]));
      headers["Content-Type"] = r.pick([
        "application/octet-stream",
        "text/plain; charset=utf-16",
        "image/png",
        "application/x-www-form-urlencoded",
      ]);
    } else if (kind === 10) {
      // Huge: past the body limits (1 MiB forms; 25 MiB evidence) or just under them.
      const size = r.pick([1024 * 1024 + 10, 2 * 1024 * 1024, 26 * 1024 * 1024]);
      body = Buffer.concat([Buffer.from("note="), Buffer.alloc(size, 0x61)]);
      headers["Content-Type"] = r.pick(["application/x-www-form-urlencoded", `multipart/form-data; boundary=${boundary}`]);
    } else {
      body = Buffer.from(urlencoded(fields));
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      chunked = true;
    }
  }
  return { method, path: query.length ? `${p}?${query.join("&")}` : p, headers, body, chunked, persona: r.int(personas + 1) - 1 };
}

export interface FuzzReply {
  status: number | string;
  body: string;
  ms: number;
}

export function send(agent: http.Agent, base: URL, req: FuzzRequest, cookie: string | null, timeoutMs: number): Promise<FuzzReply> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const headers: Record<string, string> = { ...req.headers };
    if (cookie) headers.Cookie = cookie;
    if (req.body && !req.chunked) headers["Content-Length"] = String(req.body.length);
    const r = http.request({ agent, host: base.hostname, port: base.port, path: req.path, method: req.method, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        if (body.length < 4000) body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - t0 }));
      res.on("error", (e: NodeJS.ErrnoException) => resolve({ status: e.code ?? e.message, body, ms: performance.now() - t0 }));
    });
    r.setTimeout(timeoutMs, () => r.destroy(Object.assign(new Error("timeout"), { code: "timeout" })));
    r.on("error", (e: NodeJS.ErrnoException) => resolve({ status: e.code ?? e.message, body: "", ms: performance.now() - t0 }));
    if (req.body) r.end(req.body);
    else r.end();
  });
}

/** Personas: anonymous (index -1) and each demo login. */
export const personaName = (logins: DemoLogin[], i: number) => (i < 0 ? "anon" : logins[i]!.email.split("@")[0]!);
