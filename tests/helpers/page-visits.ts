/**
 * The pages of the app, for the tests that visit every one of them (issue #27's page scan over plain
 * HTTP, issue #28's browser suite with axe-core and the width checks): the demo facts they rest on
 * (assessment, unit, user ids; the workbench pages of an assessment), the set-up the demo lacks (an
 * instrument release, an imported PMPRB assessment with an open preview, an edited LKE workbook for
 * an import preview, a password link, a sealed assessment changed behind the app's back), and the list
 * of visits: every page route file with the URLs that show it, plus the form posts whose answer is a
 * page, and the logged-out pages.
 */
import ExcelJS from "exceljs";
import type { Db } from "#db/client.server";
import { insertPeriod } from "#db/seed/period";
import { outlineOf } from "~/domain/instrument/outline";
import { parseInstrument } from "~/domain/instrument/parse";
import type { Answers } from "~/domain/scoring/answers";
import { loadInstruments } from "~/services/instruments/catalog.server";
import { contentText, editYaml, locate, removeItem } from "./instrument-edits";
import { pmprbOfficialWorkbook } from "./official-lke";
import { loginFor, type DemoLogin, type TestServer } from "./server";
import { randomAnswers } from "../unit/scoring/random-answers";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
export type Locale = "id" | "en";
export const LOCALES: Locale[] = ["id", "en"];

/** Route files that render no page (action-only: their loader redirects). */
export const NOT_PAGES = new Set(["language.tsx", "logout.tsx"]);
/** The status a page route is covered with when it is not 200: the catch-all is the not-found page. */
export const COVERED_WITH: Record<string, number> = { "$.tsx": 404 };

export interface Visit {
  /** The route file under app/routes that renders the page. */
  route: string;
  url: string;
  /** A form post whose response page is read (fresh body per call). */
  post?: () => FormData | URLSearchParams;
  /** Only for this login label (e.g. the coordinator who may import). */
  only?: string;
}

export interface PageVisits {
  /** For every demo login (after signing in). */
  visits: Visit[];
  /** Logged out. */
  anonymousVisits: Visit[];
}

// ---------------------------------------------------------------------------------------------
// HTTP: a signed-in (or not) client with its cookies, no browser.

export class Client {
  cookies = new Map<string, string>();
  constructor(
    readonly baseUrl: string,
    readonly who: string,
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async request(url: string, body?: FormData | URLSearchParams): Promise<Response> {
    const res = await fetch(`${this.baseUrl}${url}`, {
      method: body ? "POST" : "GET",
      headers: { Cookie: this.cookieHeader(), ...(body ? { Origin: this.baseUrl } : {}) },
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
export async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Demo facts

export const label = (l: DemoLogin) => `${l.role}@${l.email.split("@")[1]!.split(".")[0]}`;

export async function assessmentId(db: Db, unit: string, year: number, status?: "draft"): Promise<string> {
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
export const unitId = async (db: Db, code: string) =>
  (await db.selectFrom("unit").select("id").where("code", "=", code).executeTakeFirstOrThrow()).id;
export const userId = async (db: Db, email: string) =>
  (await db.selectFrom("user").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;

/** The workbench page ids of an assessment (one per area, or one per component of one-row areas). */
export async function pageIds(db: Db, assessment: string): Promise<string[]> {
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
async function historicalPmprb(db: Db, coordinator: Client): Promise<{ assessment: string; preview: string }> {
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
async function tamper(db: Db, assessment: string): Promise<void> {
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

/**
 * Does the set-up (signed in as the admin and the ministry's coordinator) and lists the visits. The
 * database is the server's own (changed behind the app's back for the tampered seal).
 */
export async function preparePageVisits(server: TestServer, db: Db): Promise<PageVisits> {
  const admin = new Client(server.baseUrl, "admin@cermin");
  await admin.login(loginFor(server.logins, "admin"));
  const coordinator = new Client(server.baseUrl, "coordinator@kemendemo");
  await coordinator.login(loginFor(server.logins, "coordinator", "kemendemo"));

  const zi = await assessmentId(db, "KLP-JKT", 2025, "draft");
  const ziFinal = await assessmentId(db, "KLP-SBY", 2024);
  const ziEvaluated = await assessmentId(db, "BP-MDN", 2024);
  const rbKab = await assessmentId(db, "SETDA", 2025);
  const rbKabFinal = await assessmentId(db, "SETDA", 2024);
  const rbKl = await assessmentId(db, "SETJEN", 2025);
  const [releaseId, pmprb, token] = await Promise.all([
    uploadRelease(admin),
    historicalPmprb(db, coordinator),
    passwordToken(admin, await userId(db, "koordinator@kabdemo.test")),
  ]);
  const lkeWorkbook = await editedWorkbook(coordinator, zi);
  await tamper(db, ziFinal);
  const blind = await db.selectFrom("blind_round").select(["assessment_id", "area_id"]).executeTakeFirstOrThrow();
  const samples = (await db.selectFrom("sample").select("id").execute()).map((s) => s.id);
  const appeals = (await db.selectFrom("appeal").select("id").orderBy("filed_at").execute()).map((a) => a.id);
  const ministry = (await db.selectFrom("organisation").select("id").where("code", "=", "KEMENDEMO").executeTakeFirstOrThrow()).id;
  const regency = (await db.selectFrom("organisation").select("id").where("code", "=", "KABDEMO").executeTakeFirstOrThrow()).id;
  const planOf = async (org: string, year: number) =>
    (await db.selectFrom("renaksi_plan").select("id").where("organisation_id", "=", org).where("year", "=", year).executeTakeFirstOrThrow()).id;
  const plans = { kl2024: await planOf(ministry, 2024), kab2025: await planOf(regency, 2025) };
  const units = {
    jkt: await unitId(db, "KLP-JKT"),
    djpp: await unitId(db, "DJPP"),
    sby: await unitId(db, "KLP-SBY"),
    setda: await unitId(db, "SETDA"),
  };

  const v = (route: string, ...urls: string[]): Visit[] => urls.map((url) => ({ route, url }));
  const perAssessment = async (id: string, allPages: boolean): Promise<Visit[]> => {
    const pages = await pageIds(db, id);
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

  const visits: Visit[] = [
    ...v("_index.tsx", "/"),
    ...v("about.tsx", "/about"),
    ...v("about_.accessibility.tsx", "/about/accessibility"),
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
    // Rencana Aksi (issue #29): the list, the ministry's 2024 plan (graded, four quarters) on every tab, the regency's 2025 plan.
    ...v("renaksi._index.tsx", "/renaksi"),
    ...v("renaksi.$planId._index.tsx", `/renaksi/${plans.kl2024}`, `/renaksi/${plans.kab2025}`),
    ...v("renaksi.$planId.rencana.tsx", `/renaksi/${plans.kl2024}/rencana`, `/renaksi/${plans.kab2025}/rencana`),
    ...v("renaksi.$planId.monev.tsx", `/renaksi/${plans.kl2024}/monev`, `/renaksi/${plans.kab2025}/monev?tw=2`),
    ...v("renaksi.$planId.penilaian.tsx", `/renaksi/${plans.kl2024}/penilaian`, `/renaksi/${plans.kab2025}/penilaian`),
    ...v("renaksi.$planId.tematik.tsx", `/renaksi/${plans.kl2024}/tematik`),
    ...v("renaksi.$planId.excel.tsx", `/renaksi/${plans.kl2024}/excel`),
    ...v("evaluations._index.tsx", "/evaluations"),
    // Sanggah (issue #30): the regency's 2024 RB (one accepted, one open appeal), a ZI without appeals, the queue, each appeal, the windows.
    ...v("assessments.$id.appeals._index.tsx", `/assessments/${rbKabFinal}/appeals`, `/assessments/${ziEvaluated}/appeals`),
    ...v("evaluations.appeals._index.tsx", "/evaluations/appeals", "/evaluations/appeals?status=all"),
    ...v("evaluations.appeals.$appealId.tsx", ...appeals.map((a) => `/evaluations/appeals/${a}`)),
    ...v("admin.appeal-windows.tsx", "/admin/appeal-windows"),
    ...v("evaluations.eligibility.tsx", "/evaluations/eligibility"),
    ...v("evaluations.gaps.tsx", "/evaluations/gaps"),
    // Roll-ups (issue #30): the overview (organisation users are sent to their own page), both demo organisations' pages, national averages.
    ...v("rollup._index.tsx", "/rollup", "/rollup?kind=kementerian_lembaga&year=2024"),
    ...v("rollup.organisations.$orgId.tsx", `/rollup/organisations/${ministry}`, `/rollup/organisations/${regency}?year=2023`),
    ...v("rollup.national.tsx", "/rollup/national"),
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
      `/admin/users/${await userId(db, "asesor@kemendemo.test")}`,
      `/admin/users/${await userId(db, "koordinator@kabdemo.test")}`,
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
  const anonymousVisits: Visit[] = [
    ...v("login.tsx", "/login", "/login?passwordSet=1"),
    { route: "login.tsx", url: "/login", post: () => new URLSearchParams({ email: "tidak-ada@cermin.test", password: "salah-sekali" }) },
    { route: "login.tsx", url: "/login", post: () => new URLSearchParams({ email: "", password: "" }) },
    ...v("about.tsx", "/about"),
    ...v("about_.accessibility.tsx", "/about/accessibility"),
    ...v("set-password.$token.tsx", `/set-password/${token}`, "/set-password/bukan-token"),
    {
      route: "set-password.$token.tsx",
      url: `/set-password/${token}`,
      post: () => new URLSearchParams({ password: "pendek", confirm: "lain" }),
    },
    ...v("$.tsx", "/no-such-page"),
  ];
  return { visits, anonymousVisits };
}
