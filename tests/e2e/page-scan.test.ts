/**
 * Issue #27, acceptance point 3: no page shows a raw message key, JSON, an ISO timestamp or, in the
 * Indonesian UI, an English word. Every page route under app/routes is fetched (plain HTTP with the
 * session cookie, no browser) for every demo login in both languages, plus the logged-out pages and
 * the pages a form post renders (login errors, an LKE import preview, a historical import preview, a
 * password link), and the verify page of a sealed assessment changed behind the app's back. The HTML,
 * with <script> and <style> removed, is scanned:
 *  (a) text nodes and read attributes (title, aria-label, placeholder, alt, label, the value of input
 *      buttons) shaped like a message key (`^[a-z]+\.[a-zA-Z.]+$`), holding a word that is one of the
 *      dictionary's keys, or a camelCase field name (roundId, documentHash);
 *  (b) `{"` anywhere outside scripts (raw JSON);
 *  (c) an ISO timestamp in text or read attributes (`<time datetime>` is not read, so it may hold one);
 *  (d) Indonesian UI only: English UI words (not the instruments' own borrowed terms);
 *  and the page must be in the language asked for (`<html lang>`).
 * Pages a role may not open (403/404) are scanned too (their error page is still read); redirects are
 * skipped; a 5xx is a failure. Every page route file must be shown to someone in both languages. All
 * hits are listed in one assertion (and in test-results/page-scan.txt); PAGE_SCAN_DUMP=<file> writes
 * every text read on the Indonesian pages, for a person to review.
 */
import fs from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createDb, type Db } from "#db/client.server";
import { insertPeriod } from "#db/seed/period";
import { outlineOf } from "~/domain/instrument/outline";
import { parseInstrument } from "~/domain/instrument/parse";
import type { Answers } from "~/domain/scoring/answers";
import { isMessageKey } from "~/i18n";
import { loadInstruments } from "~/services/instruments/catalog.server";
import { contentText, editYaml, locate, removeItem } from "../helpers/instrument-edits";
import { pmprbOfficialWorkbook } from "../helpers/official-lke";
import { loginFor, RESULTS_DIR, ROOT, startServer, type DemoLogin, type TestServer } from "../helpers/server";
import { randomAnswers } from "../unit/scoring/random-answers";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
type Locale = "id" | "en";
const LOCALES: Locale[] = ["id", "en"];

/** Route files that render no page (action-only: their loader redirects). */
const NOT_PAGES = new Set(["language.tsx", "logout.tsx"]);
/** The status a page route is covered with when it is not 200: the catch-all is the not-found page. */
const COVERED_WITH: Record<string, number> = { "$.tsx": 404 };

/**
 * Key-shaped texts that are not message keys, each a file name or host a page shows on purpose.
 * Kept as short as possible: none is needed today (file names and e-mail addresses are not shaped
 * like `word.word` alone in a text node).
 */
const KEY_SHAPED_ALLOWED = new Set<string>([]);

/**
 * English words that must not appear in the Indonesian UI: whole words, capitalised or lower case.
 * Left out on purpose because they are Indonesian too (KBBI) and the Indonesian dictionary uses them:
 * "Status", "Final", "Total", "Filter", "Email", "Unit", "Area", "Evaluator", "Audit", "Log", "Data",
 * "Link" (e.g. "Log Audit", "Final (terkunci)", the dashboard's "Filter"). "Draft" stays in: Indonesian
 * writes "Draf". "from" stays out: the instrument mapping format's literal field name (`from:`).
 */
const ENGLISH_WORDS = [
  ...["save", "submit", "submitted", "cancel", "delete", "loading", "error", "score", "scores", "evidence", "settings", "search"],
  ...["download", "upload", "back", "next", "previous", "none", "unknown", "pending", "approved", "returned", "draft", "average"],
  ...["page", "assessment", "assessments", "answer", "answers", "dashboard", "home", "password", "users", "organisation"],
  ...["organisations", "instruments", "report", "export", "import", "yes", "changed", "removed", "added", "missing"],
  ...["layer", "layers", "event", "seed", "frame", "round", "rater", "raters", "null", "true", "false", "undefined"],
  ...["of", "the", "and", "not", "is", "was", "has", "with"],
];

/**
 * Indonesian texts that quote English on purpose. Kept as short as possible:
 *  - the instrument mapping file's format, whose field names (`from`, `items`) and `null` are literals
 *    of the file (admin instruments page).
 */
const ENGLISH_ALLOWED: RegExp[] = [/^Format pemetaan: from: /];
const ENGLISH_RE = new RegExp(`\\b(?:${ENGLISH_WORDS.map((w) => `[${w[0]!.toUpperCase()}${w[0]}]${w.slice(1)}`).join("|")})\\b`, "g");

/**
 * The instruments' own Indonesian texts (labels, criteria, guidance; not their `_en` translations).
 * They borrow English terms ("reward and punishment", "agent of change", "Assessment Pegawai"): an
 * English word is the instrument's, not the UI's, when it stands next to the same neighbour there.
 */
function contentTexts(): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === "string") out.push(v.replace(/\s+/g, " "));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) if (!k.endsWith("_en")) walk(x);
  };
  for (const l of loadInstruments()) walk(l.instrument);
  return out.join("\n");
}
const CONTENT = contentTexts();

function englishWord(text: string): RegExpExecArray | null {
  if (ENGLISH_ALLOWED.some((re) => re.test(text))) return null;
  for (const m of text.matchAll(ENGLISH_RE)) {
    // Inside a path, a file name or an address (content/instruments, lke.xlsx) a word is not UI language.
    const token = /\S*$/.exec(text.slice(0, m.index))![0] + m[0] + /^\S*/.exec(text.slice(m.index + m[0].length))![0];
    if (/[/\\@]|\.[a-z]{2,4}\b/.test(token)) continue;
    const before = /(\S+)\s+$/.exec(text.slice(0, m.index))?.[1];
    const after = /^\s+(\S+)/.exec(text.slice(m.index + m[0].length))?.[1];
    const inContent = (phrase: string) => CONTENT.includes(phrase.replace(/[.,;:?!]+$/, ""));
    if ((before && inContent(`${before} ${m[0]}`)) || (after && inContent(`${m[0]} ${after}`))) continue;
    return m as RegExpExecArray;
  }
  return null;
}

/**
 * Hits in files another engineer is reworking right now (issue #27), each an exact route file and
 * snippet. Remove an entry once its page is fixed: a stale entry fails the test too.
 */
const KNOWN_PENDING: { route: string; kind: HitKind; snippet: string }[] = [];

type HitKind = "key" | "json" | "iso-time" | "english" | "5xx" | "lang";

interface Visit {
  /** The route file under app/routes that renders the page. */
  route: string;
  url: string;
  /** A form post whose response page is scanned (fresh body per call). */
  post?: () => FormData | URLSearchParams;
  /** Only for this login label (e.g. the coordinator who may import). */
  only?: string;
}

interface Hit {
  route: string;
  url: string;
  who: string;
  locale: Locale;
  kind: HitKind;
  snippet: string;
}

// ---------------------------------------------------------------------------------------------
// HTML reading: React's server output is regular (attributes double-quoted, `<`, `>`, `"` escaped),
// so a tokenizer suffices; no HTML library is a dependency of the project.

const ENTITY: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };
function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, e: string) => {
    if (e[0] === "#") return String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ENTITY[e.toLowerCase()] ?? whole;
  });
}

/** Attributes people read (or hear); `value` only on buttons drawn by the input itself. */
const READ_ATTRS = new Set(["title", "aria-label", "aria-description", "aria-valuetext", "placeholder", "alt", "label"]);

interface Readable {
  /** Where it was read, e.g. "text", "@title". */
  where: string;
  text: string;
}

function withoutScripts(html: string): string {
  return html.replace(/<script\b[^>]*>[\s\S]*?<\/script\s*>/gi, "").replace(/<style\b[^>]*>[\s\S]*?<\/style\s*>/gi, "");
}

/** Text nodes (React's `<!-- -->` separators split them, as in the DOM) and read attribute values, decoded. */
function readables(html: string): Readable[] {
  const out: Readable[] = [];
  for (const m of html.matchAll(/<!--[\s\S]*?-->|<[^>]*>|[^<]+/g)) {
    const token = m[0];
    if (token.startsWith("<!--")) continue;
    if (token[0] !== "<") {
      const text = decode(token).trim();
      if (text) out.push({ where: "text", text });
      continue;
    }
    const tag = /^<([a-zA-Z][\w-]*)/.exec(token)?.[1]?.toLowerCase();
    if (!tag) continue;
    const attrs = new Map<string, string>();
    for (const a of token.slice(tag.length + 1).matchAll(/([^\s=/>]+)(?:="([^"]*)")?/g)) attrs.set(a[1]!.toLowerCase(), decode(a[2] ?? ""));
    for (const [name, value] of attrs) {
      const read = READ_ATTRS.has(name) || (name === "value" && tag === "input" && /^(submit|button|reset)$/.test(attrs.get("type") ?? ""));
      if (read && value.trim()) out.push({ where: `@${name}`, text: value.trim() });
    }
  }
  return out;
}

const KEY_SHAPED = /^[a-z]+\.[a-zA-Z.]+$/;
/** A program's field name shown as is (roundId, documentHash): camelCase, unless the instrument's own text has it. */
const CAMEL_CASE = /\b[a-z]+(?:[A-Z][a-z0-9]+)+\b/g;
const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d|T\d\d:\d\d:\d\d(?:\.\d+)?Z/;

function clip(s: string, at = 0, width = 140): string {
  const start = Math.max(0, at - 40);
  const piece = s.slice(start, start + width).replace(/\s+/g, " ");
  return `${start > 0 ? "…" : ""}${piece}${start + width < s.length ? "…" : ""}`;
}

/** Every problem on one page. */
function scan(html: string, locale: Locale): { kind: HitKind; snippet: string }[] {
  const hits: { kind: HitKind; snippet: string }[] = [];
  const visible = withoutScripts(html);
  const lang = /<html\b[^>]*\blang="([^"]*)"/.exec(visible)?.[1];
  if (lang !== locale) hits.push({ kind: "lang", snippet: `<html lang="${lang}">` });
  const json = /\{(?:"|&quot;)/.exec(visible);
  // The JSON itself, up to the next tag, so the same leak reads the same in both languages.
  if (json) hits.push({ kind: "json", snippet: clip(decode(visible.slice(json.index).replace(/<[\s\S]*$/, ""))) });
  for (const r of readables(visible)) {
    const label = r.where === "text" ? "" : `${r.where}=`;
    if (KEY_SHAPED.test(r.text) && !KEY_SHAPED_ALLOWED.has(r.text)) hits.push({ kind: "key", snippet: `${label}${r.text}` });
    else {
      const word = r.text.split(/[\s,;:()"'«»“”]+/).find((w) => isMessageKey(w.replace(/[.!?]+$/, "")) && w.includes("."));
      if (word) hits.push({ kind: "key", snippet: `${label}${clip(r.text, r.text.indexOf(word))}` });
    }
    const camel = [...r.text.matchAll(CAMEL_CASE)].find((m) => !CONTENT.includes(m[0]));
    if (camel) hits.push({ kind: "key", snippet: `${label}«${camel[0]}» in ${clip(r.text, camel.index)}` });
    const iso = ISO_TIME.exec(r.text);
    if (iso) hits.push({ kind: "iso-time", snippet: `${label}${clip(r.text, iso.index)}` });
    if (locale === "id") {
      const en = englishWord(r.text);
      if (en) hits.push({ kind: "english", snippet: `${label}«${en[0]}» in ${clip(r.text, en.index)}` });
    }
  }
  return hits;
}

// ---------------------------------------------------------------------------------------------
// HTTP

let server: TestServer;
let db: Db;

class Client {
  cookies = new Map<string, string>();
  constructor(readonly who: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async request(url: string, body?: FormData | URLSearchParams): Promise<Response> {
    const res = await fetch(`${server.baseUrl}${url}`, {
      method: body ? "POST" : "GET",
      headers: { Cookie: this.cookieHeader(), ...(body ? { Origin: server.baseUrl } : {}) },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(30_000),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair = ""] = c.split(";");
      const eq = pair.indexOf("=");
      const value = pair.slice(eq + 1);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(c) || value === "") this.cookies.delete(pair.slice(0, eq));
      else this.cookies.set(pair.slice(0, eq), value);
    }
    return res;
  }

  async login(login: DemoLogin): Promise<void> {
    const res = await this.request("/login", new URLSearchParams({ email: login.email, password: login.password }));
    await res.arrayBuffer();
    if (res.status !== 302 || !this.cookies.has("cermin_session")) throw new Error(`log-in of ${login.email}: HTTP ${res.status}`);
  }

  /** The language as the switch sets it: saved on the account when signed in, and in a cookie. */
  async setLocale(locale: Locale): Promise<void> {
    const res = await this.request("/language", new URLSearchParams({ locale, redirectTo: "/" }));
    await res.arrayBuffer();
    if (res.status !== 302) throw new Error(`${this.who}: POST /language ${locale}: HTTP ${res.status}`);
  }
}

/** Runs `fn` on every element, at most `limit` at a time. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Demo facts

const label = (l: DemoLogin) => `${l.role}@${l.email.split("@")[1]!.split(".")[0]}`;

async function assessmentId(unit: string, year: number, status?: "draft"): Promise<string> {
  let q = db
    .selectFrom("assessment as a")
    .innerJoin("unit as u", "u.id", "a.unit_id")
    .innerJoin("period as p", "p.id", "a.period_id")
    .select("a.id")
    .where("u.code", "=", unit)
    .where("p.year", "=", year);
  if (status) q = q.where("a.status", "=", status);
  return (await q.executeTakeFirstOrThrow()).id;
}
const unitId = async (code: string) => (await db.selectFrom("unit").select("id").where("code", "=", code).executeTakeFirstOrThrow()).id;
const userId = async (email: string) => (await db.selectFrom("user").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;

/** The workbench page ids of an assessment (one per area, or one per component of one-row areas). */
async function pageIds(assessment: string): Promise<string[]> {
  const row = await db
    .selectFrom("assessment as a")
    .innerJoin("instrument_version as v", "v.hash", "a.instrument_hash")
    .select("v.content")
    .where("a.id", "=", assessment)
    .executeTakeFirstOrThrow();
  return outlineOf(parseInstrument(row.content, "frozen")).pages.map((p) => p.id);
}

// ---------------------------------------------------------------------------------------------
// Set-up the demo lacks: an instrument release to look at, a PMPRB (historical) assessment, an LKE
// import preview, a password link.

async function uploadRelease(admin: Client): Promise<string> {
  const yaml = editYaml(contentText("zi-2021"), (d) => {
    d.version = "1.1.0";
    d.title = "Lembar Kerja Evaluasi Zona Integritas (revisi pindai halaman)";
    locate(d, "A.I.1.i").node.weight = 1.5;
    locate(d, "A.I.1.iv").node.weight = 0.5;
    removeItem(d, "A.I.1.ii.c");
  });
  const form = new FormData();
  form.set("intent", "upload");
  form.set("file", new File([yaml], "zi-2021-1.1.0.yaml", { type: "application/yaml" }));
  form.set(
    "mapping",
    new File([JSON.stringify({ from: "1.0.0", items: { "A.I.1.ii.c": null } })], "pemetaan.json", { type: "application/json" }),
  );
  const res = await admin.request("/admin/instruments", form);
  await res.arrayBuffer();
  const id = /\/admin\/instruments\/([0-9a-f-]{36})$/.exec(res.headers.get("location") ?? "")?.[1];
  if (res.status !== 302 || !id) throw new Error(`instrument upload: HTTP ${res.status} ${res.headers.get("location")}`);
  return id;
}

/** A past PMPRB 2014 workbook imported for KLP-JKT into 2015; returns the confirmed assessment and a second, open preview. */
async function historicalPmprb(coordinator: Client): Promise<{ assessment: string; preview: string }> {
  const unit = await db.selectFrom("unit").select(["id", "organisation_id"]).where("code", "=", "KLP-JKT").executeTakeFirstOrThrow();
  const periodId = await insertPeriod(db, { organisationId: unit.organisation_id, year: 2015, name: "Periode 2015" });
  const pmprb = loadInstruments().find((l) => l.instrument.id === "pmprb-2014")!.instrument;
  const layer = (seed: number): Answers => Object.fromEntries(Object.entries(randomAnswers(pmprb, seed)).filter(([, v]) => v !== null));
  const bytes = Buffer.from(
    await pmprbOfficialWorkbook(pmprb, [
      { year: 2015, answers: layer(5) },
      { year: 2014, answers: layer(6) },
    ]),
  );
  const preview = async () => {
    const form = new FormData();
    form.set("intent", "preview");
    form.set("unitId", unit.id);
    form.set("periodId", periodId);
    form.set("instrumentId", "pmprb-2014");
    form.set("file", new File([bytes], "LKE RB 2015.xlsx", { type: XLSX }));
    const res = await coordinator.request("/assessments/historical", form);
    const text = await res.text();
    const id = /[?&]preview=([0-9a-f-]{36})/.exec(res.headers.get("location") ?? "")?.[1];
    if (res.status !== 302 || !id) throw new Error(`historical preview: HTTP ${res.status}\n${text.slice(0, 2000)}`);
    return id;
  };
  // Two previews: the first is confirmed, the second stays open for its page.
  const [first, open] = [await preview(), await preview()];
  const confirm = new URLSearchParams({ intent: "confirm", previewId: first, selfGroup: "0", externalGroup: "1" });
  const res = await coordinator.request("/assessments/historical", confirm);
  await res.arrayBuffer();
  const assessment = /^\/assessments\/([0-9a-f-]{36})$/.exec(res.headers.get("location") ?? "")?.[1];
  if (res.status !== 302 || !assessment) throw new Error(`historical confirm: HTTP ${res.status} ${res.headers.get("location")}`);
  return { assessment, preview: open };
}

/** The draft's workbook with an option changed, an empty item answered, a note and an answered item blanked. */
async function editedWorkbook(coordinator: Client, assessment: string): Promise<Buffer> {
  const res = await coordinator.request(`/assessments/${assessment}/lke.xlsx`);
  if (res.status !== 200) throw new Error(`lke.xlsx: HTTP ${res.status}`);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  const ws = wb.getWorksheet("Jawaban");
  if (!ws) throw new Error("the workbook has no sheet Jawaban");
  const rows = new Map<string, number>();
  ws.eachRow((row, n) => rows.set(String(row.getCell(1).value ?? ""), n));
  const edits: Record<string, { answer?: string | null; note?: string }> = {
    "A.I.1.iv.c": { answer: "c" },
    "A.I.1.i.b": { answer: "a" },
    "A.I.1.ii.a": { note: "Rencana kerja ZI 2025 sudah disahkan." },
    "A.I.1.ii.b": { answer: null },
  };
  for (const [code, e] of Object.entries(edits)) {
    const r = rows.get(code);
    if (!r) continue;
    if (e.answer !== undefined) ws.getRow(r).getCell(4).value = e.answer;
    if (e.note !== undefined) ws.getRow(r).getCell(6).value = e.note;
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A one-time set-password link for the regency's coordinator (made by the admin; the page is scanned too). */
async function passwordToken(admin: Client, target: string): Promise<string> {
  const res = await admin.request(`/admin/users/${target}`, new URLSearchParams({ intent: "password-link" }));
  const html = await res.text();
  const token = /\/set-password\/([A-Za-z0-9_-]{20,})/.exec(html)?.[1];
  if (!token) throw new Error(`no password link on the page (HTTP ${res.status})`);
  return token;
}

/**
 * Changes a sealed assessment behind the app's back (a note changed, an answer deleted), so its
 * verify page lists differences.
 */
async function tamper(assessment: string): Promise<void> {
  const answered = await db
    .selectFrom("answer")
    .select("item_id")
    .where("assessment_id", "=", assessment)
    .where("layer", "=", "self")
    .where("value_json", "is not", null)
    .orderBy("item_id")
    .limit(2)
    .execute();
  const [noted, removed] = answered.map((a) => a.item_id);
  if (!noted || !removed) throw new Error("the sealed assessment has too few answers to tamper with");
  const self = db.updateTable("answer").where("assessment_id", "=", assessment).where("layer", "=", "self");
  await self.set({ note: "diubah diam-diam" }).where("item_id", "=", noted).execute();
  await db
    .deleteFrom("answer")
    .where("assessment_id", "=", assessment)
    .where("layer", "=", "self")
    .where("item_id", "=", removed)
    .execute();
}

// ---------------------------------------------------------------------------------------------

const DUMP = new Set<string>();
let visits: Visit[] = [];
let anonymousVisits: Visit[] = [];
let lkeWorkbook: Buffer;

beforeAll(async () => {
  server = await startServer();
  db = createDb(`sqlite:${path.join(server.dataDir, "cermin.db")}`);
  const admin = new Client("admin@cermin");
  await admin.login(loginFor(server.logins, "admin"));
  const coordinator = new Client("coordinator@kemendemo");
  await coordinator.login(loginFor(server.logins, "coordinator", "kemendemo"));

  const zi = await assessmentId("KLP-JKT", 2025, "draft");
  const ziFinal = await assessmentId("KLP-SBY", 2024);
  const ziEvaluated = await assessmentId("BP-MDN", 2024);
  const rbKab = await assessmentId("SETDA", 2025);
  const rbKabFinal = await assessmentId("SETDA", 2024);
  const rbKl = await assessmentId("SETJEN", 2025);
  const [releaseId, pmprb, token] = await Promise.all([
    uploadRelease(admin),
    historicalPmprb(coordinator),
    passwordToken(admin, await userId("koordinator@kabdemo.test")),
  ]);
  lkeWorkbook = await editedWorkbook(coordinator, zi);
  await tamper(ziFinal);
  const blind = await db.selectFrom("blind_round").select(["assessment_id", "area_id"]).executeTakeFirstOrThrow();
  const samples = (await db.selectFrom("sample").select("id").execute()).map((s) => s.id);
  const ministry = (await db.selectFrom("organisation").select("id").where("code", "=", "KEMENDEMO").executeTakeFirstOrThrow()).id;
  const regency = (await db.selectFrom("organisation").select("id").where("code", "=", "KABDEMO").executeTakeFirstOrThrow()).id;
  const units = { jkt: await unitId("KLP-JKT"), djpp: await unitId("DJPP"), sby: await unitId("KLP-SBY"), setda: await unitId("SETDA") };

  const v = (route: string, ...urls: string[]): Visit[] => urls.map((url) => ({ route, url }));
  const perAssessment = async (id: string, allPages: boolean): Promise<Visit[]> => {
    const pages = await pageIds(id);
    return [
      ...v("assessments.$id._index.tsx", `/assessments/${id}`),
      ...v(
        "assessments.$id.areas.$area.tsx",
        ...(allPages ? pages : pages.slice(0, 1)).map((p) => `/assessments/${id}/areas/${encodeURIComponent(p)}`),
      ),
      ...v("assessments.$id.blind.tsx", `/assessments/${id}/blind`),
      ...v("assessments.$id.lke.tsx", `/assessments/${id}/lke`),
      ...v("assessments.$id.receipt.tsx", `/assessments/${id}/receipt`),
      ...v("assessments.$id.verify.tsx", `/assessments/${id}/verify`),
      ...v("reports.$id.tsx", `/reports/${id}`),
      ...v("dashboard.plan.$id.tsx", `/dashboard/plan/${id}`),
      ...v("evaluations.assessments.$id.tsx", `/evaluations/assessments/${id}`),
    ];
  };

  visits = [
    ...v("_index.tsx", "/"),
    ...v("about.tsx", "/about"),
    ...v("account.tsx", "/account"),
    ...v("inbox.tsx", "/inbox"),
    ...v("units.tsx", "/units"),
    ...v("assessments._index.tsx", "/assessments"),
    ...v("assessments.historical.tsx", "/assessments/historical", `/assessments/historical?preview=${pmprb.preview}`),
    ...v("assessments.lke-bulk.tsx", "/assessments/lke-bulk"),
    ...v("dashboard._index.tsx", "/dashboard", "/dashboard?instrument=rb-2023-kl", "/dashboard?instrument=pmprb-2014"),
    ...v(
      "dashboard.units.$unitId.tsx",
      `/dashboard/units/${units.jkt}`,
      `/dashboard/units/${units.djpp}`,
      `/dashboard/units/${units.setda}`,
    ),
    ...v(
      "dashboard.movement.$unitId.tsx",
      `/dashboard/movement/${units.jkt}`,
      `/dashboard/movement/${units.sby}`,
      `/dashboard/movement/${units.setda}`,
    ),
    ...v("evaluations._index.tsx", "/evaluations"),
    ...v("evaluations.eligibility.tsx", "/evaluations/eligibility"),
    ...v("evaluations.gaps.tsx", "/evaluations/gaps"),
    ...v("evaluations.samples.$id.tsx", ...samples.map((s) => `/evaluations/samples/${s}`)),
    ...v("admin.audit.tsx", "/admin/audit"),
    ...v("admin.instruments._index.tsx", "/admin/instruments"),
    ...v("admin.instruments.$releaseId.tsx", `/admin/instruments/${releaseId}`),
    ...v("admin.organisations._index.tsx", "/admin/organisations", "/admin/organisations?archived=1"),
    ...v("admin.organisations.$orgId._index.tsx", `/admin/organisations/${ministry}`, `/admin/organisations/${regency}`),
    ...v("admin.organisations.$orgId.periods.tsx", `/admin/organisations/${ministry}/periods`, `/admin/organisations/${regency}/periods`),
    ...v("admin.users._index.tsx", "/admin/users", `/admin/users?org=${regency}`),
    ...v(
      "admin.users.$userId.tsx",
      `/admin/users/${await userId("asesor@kemendemo.test")}`,
      `/admin/users/${await userId("koordinator@kabdemo.test")}`,
    ),
    ...(await perAssessment(zi, true)),
    ...(await perAssessment(rbKab, true)),
    ...(await perAssessment(rbKl, false)),
    ...(await perAssessment(ziFinal, false)),
    ...(await perAssessment(ziEvaluated, false)),
    ...(await perAssessment(rbKabFinal, false)),
    ...(await perAssessment(pmprb.assessment, true)),
    ...v("assessments.$id.consensus.$area.tsx", `/assessments/${blind.assessment_id}/consensus/${encodeURIComponent(blind.area_id)}`),
    ...v("$.tsx", "/no-such-page"),
    {
      route: "assessments.$id.lke.tsx",
      url: `/assessments/${zi}/lke`,
      only: "coordinator@kemendemo",
      post: () => {
        const form = new FormData();
        form.set("intent", "preview");
        form.set("file", new File([new Uint8Array(lkeWorkbook)], "lke-koordinator.xlsx", { type: XLSX }));
        return form;
      },
    },
    {
      route: "assessments.$id.lke.tsx",
      url: `/assessments/${zi}/lke`,
      only: "coordinator@kemendemo",
      post: () => {
        const form = new FormData();
        form.set("intent", "preview");
        form.set("file", new File(["bukan buku kerja"], "rusak.xlsx", { type: XLSX }));
        return form;
      },
    },
  ];
  anonymousVisits = [
    ...v("login.tsx", "/login", "/login?passwordSet=1"),
    { route: "login.tsx", url: "/login", post: () => new URLSearchParams({ email: "tidak-ada@cermin.test", password: "salah-sekali" }) },
    { route: "login.tsx", url: "/login", post: () => new URLSearchParams({ email: "", password: "" }) },
    ...v("about.tsx", "/about"),
    ...v("set-password.$token.tsx", `/set-password/${token}`, "/set-password/bukan-token"),
    {
      route: "set-password.$token.tsx",
      url: `/set-password/${token}`,
      post: () => new URLSearchParams({ password: "pendek", confirm: "lain" }),
    },
    ...v("$.tsx", "/no-such-page"),
  ];
}, 180_000);

afterAll(async () => {
  await db?.destroy();
  await server?.stop();
});

test("every page, for every role in both languages, shows no message key, JSON, ISO time or (in Indonesian) English word", async () => {
  const started = Date.now();
  const hits: Hit[] = [];
  const seen = new Map<string, Set<string>>(); // route file → "who/locale" that got it with its covering status
  let pages = 0;

  const visitAll = async (client: Client, list: Visit[], locale: Locale) => {
    for (const visit of list) {
      if (visit.only && visit.only !== client.who) continue;
      const res = await client.request(visit.url, visit.post?.());
      const html = await res.text();
      const at = { route: visit.route, url: `${visit.post ? "POST " : ""}${visit.url}`, who: client.who, locale };
      if (res.status >= 500) {
        hits.push({ ...at, kind: "5xx", snippet: `HTTP ${res.status}` });
        continue;
      }
      if (res.status >= 300 && res.status < 400) continue;
      if (!(res.headers.get("content-type") ?? "").startsWith("text/html")) continue;
      pages++;
      if (res.status === (COVERED_WITH[visit.route] ?? 200)) {
        const key = `${client.who}/${locale}`;
        seen.set(visit.route, (seen.get(visit.route) ?? new Set()).add(key));
      }
      for (const h of scan(html, locale)) hits.push({ ...at, ...h });
      if (process.env.PAGE_SCAN_DUMP && locale === "id")
        for (const r of readables(withoutScripts(html))) DUMP.add(`${visit.route}\t${r.where}\t${r.text.slice(0, 200)}`);
    }
  };

  const logins = server.logins;
  await pool(logins, 4, async (login) => {
    const client = new Client(label(login));
    await client.login(login);
    for (const locale of LOCALES) {
      await client.setLocale(locale);
      await visitAll(client, visits, locale);
    }
  });
  for (const locale of LOCALES) {
    const anonymous = new Client("logged-out");
    await anonymous.setLocale(locale);
    await visitAll(anonymous, anonymousVisits, locale);
  }

  // Coverage: every page route file is visited and answered 200 for someone in both languages.
  const routeFiles = fs
    .readdirSync(path.join(ROOT, "app", "routes"))
    .filter(
      (f) => f.endsWith(".tsx") && !NOT_PAGES.has(f) && /export default/.test(fs.readFileSync(path.join(ROOT, "app", "routes", f), "utf8")),
    );
  const uncovered = routeFiles.filter((f) => {
    const who = [...(seen.get(f) ?? [])];
    return !who.some((w) => w.endsWith("/id")) || !who.some((w) => w.endsWith("/en"));
  });

  // Hits grouped by route, kind and snippet; known pending ones set apart.
  const groups = new Map<string, { hit: Hit; where: Set<string> }>();
  for (const h of hits) {
    const k = `${h.route}\u0000${h.kind}\u0000${h.snippet}`;
    const g = groups.get(k) ?? { hit: h, where: new Set() };
    g.where.add(`${h.who}/${h.locale}`);
    groups.set(k, g);
  }
  const pending = (h: Hit) => KNOWN_PENDING.some((p) => p.route === h.route && p.kind === h.kind && p.snippet === h.snippet);
  const report: string[] = [...groups.values()]
    .filter((g) => !pending(g.hit))
    .map((g) => `${g.hit.route} [${g.hit.kind}] ${g.hit.snippet}\n    at ${g.hit.url} as ${[...g.where].sort().join(", ")}`);
  const stale = KNOWN_PENDING.filter((p) => !hits.some((h) => h.route === p.route && h.kind === p.kind && h.snippet === p.snippet)).map(
    (p) => `stale KNOWN_PENDING entry (fixed? remove it): ${p.route} [${p.kind}] ${p.snippet}`,
  );
  report.push(...uncovered.map((f) => `${f}: page route never shown (${COVERED_WITH[f] ?? 200}) in both languages; add a visit`));
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  if (process.env.PAGE_SCAN_DUMP) fs.writeFileSync(process.env.PAGE_SCAN_DUMP, [...DUMP].sort().join("\n"));
  fs.writeFileSync(path.join(RESULTS_DIR, "page-scan.txt"), `${[...report, ...stale].join("\n")}\n`);
  console.info(
    `page scan: ${pages} pages (${visits.length} visits × ${logins.length} logins × 2 languages + logged out) in ${Date.now() - started} ms`,
  );
  expect([...report, ...stale].join("\n"), `${report.length} problem(s) found`).toBe("");
}, 240_000);
