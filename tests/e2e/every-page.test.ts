/**
 * Issue #28, acceptance points 1 and 2 (accessibility and width): every page route, for every demo
 * login and logged out, in both languages, in Chromium on the production build.
 *
 * The pages are those of tests/helpers/page-visits.ts (the page scan's list). For each login one
 * representative URL per route file is visited: the first of the route's URLs that the login may open
 * (probed over plain HTTP; a route the login may not open at all, 403/404, is skipped). On each page:
 *  (a) at 1366×768 the document does not scroll sideways (scrollWidth ≤ the viewport's width);
 *  (b) axe-core (WCAG 2.0/2.1 A and AA, 2.2 AA) finds no `serious` or `critical` violation; the
 *      `moderate` and `minor` ones are counted per rule, printed and written to
 *      test-results/axe-moderate.txt;
 *  (c) at 390×844 (a phone) the document does not scroll sideways either;
 *  (d) the page's title names the page ("Page · … · Cermin"), not the app alone, and its footer links
 *      to the accessibility statement.
 * Console errors and uncaught exceptions fail the test too (tests/helpers/browser.ts). All hits are
 * listed in one assertion at the end (and in test-results/every-page.txt), grouped by route, check
 * and target with the logins and languages that met them.
 *
 * EVERY_PAGE_ONLY=<substring of a route file> limits the run to matching routes (for working on one page).
 */
import axe from "axe-core";
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { createDb, type Db } from "#db/client.server";
import { closeSessions, launchBrowser, newSession } from "../helpers/browser";
import { Client, COVERED_WITH, label, LOCALES, preparePageVisits, pool, type Locale, type Visit } from "../helpers/page-visits";
import { RESULTS_DIR, startServer, type TestServer } from "../helpers/server";

const LAPTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
/** Pages visited at once (the machine has 2 cores and the server renders too). */
const PARALLEL = 2;

type Check = "width-1366" | "width-390" | `axe:${string}` | "http" | "title" | "statement-link";

/**
 * Hits on the dashboard pages, whose charts another engineer is reworking (issue #28: SVG sizing,
 * legends, keyboard drill-down, planner). Each entry is an exact route file and check (an axe rule id
 * as `axe:<rule>`, or a width check). Remove an entry once its page is fixed: a stale entry fails the
 * test too.
 */
// Empty: the one hit found (axe label-content-name-mismatch on the chart marks of dashboard._index,
// dashboard.units.$unitId and dashboard.plan.$id: their aria-label left out the text drawn inside the
// link) was fixed in app/components/charts/svg.tsx (e51e704).
const PENDING_DASHBOARD: { route: string; check: Check }[] = [];

interface Hit {
  route: string;
  url: string;
  who: string;
  locale: Locale;
  check: Check;
  /** Where on the page (a CSS selector) and what axe or the measurement says. */
  target: string;
  detail: string;
}

let server: TestServer;
let db: Db;
let browser: Browser;
let visits: Visit[] = [];
let anonymousVisits: Visit[] = [];

beforeAll(async () => {
  server = await startServer();
  db = createDb(`sqlite:${path.join(server.dataDir, "cermin.db")}`);
  browser = await launchBrowser();
  ({ visits, anonymousVisits } = await preparePageVisits(server, db));
}, 180_000);

afterEach(closeSessions);

afterAll(async () => {
  await db?.destroy();
  await browser?.close();
  await server?.stop();
});

/** The GET URLs of each route file, in the list's order. */
function urlsByRoute(list: Visit[]): Map<string, string[]> {
  const only = process.env.EVERY_PAGE_ONLY;
  const out = new Map<string, string[]>();
  for (const v of list) {
    if (v.post || v.only || (only && !v.route.includes(only))) continue;
    out.set(v.route, [...(out.get(v.route) ?? []), v.url]);
  }
  return out;
}

/** For one client: the first URL of each route that answers with its page (200, or the covering status). */
async function representatives(client: Client, routes: Map<string, string[]>): Promise<{ route: string; url: string }[]> {
  const out: { route: string; url: string }[] = [];
  for (const [route, urls] of routes) {
    for (const url of urls) {
      const res = await client.request(url);
      await res.arrayBuffer();
      const html = (res.headers.get("content-type") ?? "").startsWith("text/html");
      if (html && res.status === (COVERED_WITH[route] ?? 200)) {
        out.push({ route, url });
        break;
      }
    }
  }
  return out;
}

/** The document's width against the viewport's, and the outermost elements that stick out. */
async function measureWidth(page: Page): Promise<{ scrollWidth: number; clientWidth: number; offenders: string[] }> {
  return page.evaluate(() => {
    const root = document.documentElement;
    const clientWidth = root.clientWidth;
    const scrollWidth = root.scrollWidth;
    const offenders: string[] = [];
    if (scrollWidth > clientWidth) {
      const describe = (el: Element) => {
        const parts: string[] = [];
        for (let e: Element | null = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
          const cls = [...e.classList]
            .slice(0, 2)
            .map((c) => `.${c}`)
            .join("");
          parts.unshift(`${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ""}${cls}`);
        }
        return parts.join(" > ");
      };
      const sticksOut = (e: Element) => e.getBoundingClientRect().right > clientWidth + 0.5;
      const clipped = (e: Element) => {
        for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
          const o = getComputedStyle(p).overflowX;
          if (o !== "visible") return true;
        }
        return false;
      };
      for (const el of document.body.querySelectorAll("*")) {
        if (offenders.length >= 4) break;
        if (!sticksOut(el) || clipped(el) || (el.parentElement && el.parentElement !== document.body && sticksOut(el.parentElement)))
          continue;
        offenders.push(describe(el));
      }
    }
    return { scrollWidth, clientWidth, offenders };
  });
}

interface AxeFinding {
  rule: string;
  impact: string;
  help: string;
  targets: { target: string; message: string }[];
}

async function runAxe(page: Page): Promise<AxeFinding[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axe.source);
  return page.evaluate(async (tags) => {
    const w = window as unknown as { axe: typeof axe };
    const result = await w.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      rule: v.id,
      impact: v.impact ?? "unknown",
      help: v.help,
      targets: v.nodes.map((n) => ({
        target: n.target.map(String).join(" "),
        message: [...n.any, ...n.all, ...n.none]
          .map((c) => c.message)
          .join(" ")
          .slice(0, 220),
      })),
    }));
  }, AXE_TAGS);
}

/** Hydrated (Remix started) and laid out; waits at most a few seconds (a page without scripts still counts). */
async function settle(page: Page): Promise<void> {
  await page
    .waitForFunction(() => "__remixRouter" in window && document.readyState === "complete", undefined, { timeout: 5000 })
    .catch(() => undefined);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

test("every page, for every role in both languages: no sideways scrolling at 1366 and 390 px, no serious or critical axe violation", async () => {
  const started = Date.now();
  const hits: Hit[] = [];
  const minor = new Map<string, { impact: string; nodes: number; pages: Set<string>; routes: Set<string> }>();
  const skipped = new Map<string, number>(); // login → route files it may not open
  const routes = urlsByRoute(visits);
  const anonymousRoutes = urlsByRoute(anonymousVisits);
  let pages = 0;
  const times: { page: string; load: number; axe: number; total: number }[] = [];
  const covered = new Set<string>();

  const jobs = [
    ...server.logins.map((l) => ({ who: label(l), login: l, routes })),
    { who: "logged-out", login: null, routes: anonymousRoutes },
  ];
  await pool(jobs, PARALLEL, async (job) => {
    const client = new Client(server.baseUrl, job.who);
    if (job.login) await client.login(job.login);
    const reps = await representatives(client, job.routes);
    skipped.set(job.who, job.routes.size - reps.length);
    for (const locale of LOCALES) {
      await client.setLocale(locale);
      const session = await newSession(browser, server.baseUrl);
      const { context, page } = session;
      await context.addCookies([...client.cookies].map(([name, value]) => ({ name, value, url: server.baseUrl })));
      for (const { route, url } of reps) {
        const at = { route, url, who: job.who, locale };
        await page.setViewportSize(LAPTOP);
        const t0 = Date.now();
        const res = await page.goto(url, { waitUntil: "load" });
        const expected = COVERED_WITH[route] ?? 200;
        if (res?.status() !== expected) {
          hits.push({ ...at, check: "http", target: "document", detail: `HTTP ${res?.status()} (expected ${expected})` });
          continue;
        }
        await settle(page);
        const t1 = Date.now();
        pages++;
        covered.add(route);
        // The title names the page ("Page · … · Cermin"), not just the app (issue #28: 55 of 68 pages were "Cermin").
        const title = await page.title();
        if (title.split(" · ").length < 2 || !title.endsWith("Cermin"))
          hits.push({ ...at, check: "title", target: "document", detail: `<title>${title}</title>` });
        if ((await page.locator('footer a[href="/about/accessibility"]').count()) !== 1)
          hits.push({ ...at, check: "statement-link", target: "footer", detail: "no link to the accessibility statement in the footer" });
        const wide = await measureWidth(page);
        if (wide.scrollWidth > wide.clientWidth)
          hits.push({
            ...at,
            check: "width-1366",
            target: [...new Set(wide.offenders)].join("; ") || "document",
            detail: `${wide.scrollWidth} px > ${wide.clientWidth} px`,
          });
        const t2 = Date.now();
        const violations = await runAxe(page);
        const t3 = Date.now();
        for (const v of violations) {
          if (v.impact === "serious" || v.impact === "critical") {
            for (const t of v.targets)
              hits.push({ ...at, check: `axe:${v.rule}`, target: t.target, detail: `${v.impact}: ${t.message || v.help}` });
          } else {
            const m = minor.get(v.rule) ?? { impact: v.impact, nodes: 0, pages: new Set(), routes: new Set() };
            m.nodes += v.targets.length;
            m.pages.add(`${url} ${job.who}/${locale}`);
            m.routes.add(route);
            minor.set(v.rule, m);
          }
        }
        await page.setViewportSize(PHONE);
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        const phone = await measureWidth(page);
        if (phone.scrollWidth > phone.clientWidth)
          hits.push({
            ...at,
            check: "width-390",
            target: [...new Set(phone.offenders)].join("; ") || "document",
            detail: `${phone.scrollWidth} px > ${phone.clientWidth} px`,
          });
        times.push({ page: `${url} ${job.who}/${locale}`, load: t1 - t0, axe: t3 - t2, total: Date.now() - t0 });
      }
      // The not-found page is answered 404 on purpose: Chromium's "failed to load" line about it is no problem.
      const notFound = reps.filter((r) => COVERED_WITH[r.route] === 404).map((r) => `on ${server.baseUrl}${r.url}`);
      session.problems = session.problems.filter((p) => !(p.includes("status of 404") && notFound.some((u) => p.endsWith(u))));
      await context.close();
    }
  });

  // Hits grouped by route, check and target; the dashboard's pending ones set apart.
  const groups = new Map<string, { hit: Hit; where: Set<string> }>();
  for (const h of hits) {
    const k = `${h.route}\u0000${h.check}\u0000${h.target}`;
    const g = groups.get(k) ?? { hit: h, where: new Set() };
    g.where.add(`${h.who}/${h.locale}`);
    groups.set(k, g);
  }
  const pending = (h: Hit) => PENDING_DASHBOARD.some((p) => p.route === h.route && p.check === h.check);
  const report = [...groups.values()]
    .filter((g) => !pending(g.hit))
    .map(
      (g) =>
        `${g.hit.route} [${g.hit.check}] ${g.hit.target}\n    ${g.hit.detail}\n    at ${g.hit.url} as ${[...g.where].sort().join(", ")}`,
    );
  const stale = PENDING_DASHBOARD.filter((p) => covered.has(p.route) && !hits.some((h) => h.route === p.route && h.check === p.check)).map(
    (p) => `stale PENDING_DASHBOARD entry (fixed? remove it): ${p.route} [${p.check}]`,
  );
  const pendingSeen = PENDING_DASHBOARD.filter((p) => hits.some((h) => h.route === p.route && h.check === p.check));
  const allRoutes = new Set([...routes.keys(), ...anonymousRoutes.keys()]);
  const missing = [...allRoutes].filter((r) => !covered.has(r)).map((r) => `${r}: no login opened this page; check the visit list`);

  const lines = [...minor.entries()]
    .sort((a, b) => b[1].nodes - a[1].nodes)
    .map(([rule, m]) => `${m.impact}\t${rule}\t${m.nodes} element(s) on ${m.pages.size} page(s)\t${[...m.routes].sort().join(", ")}`);
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(
    path.join(RESULTS_DIR, "axe-moderate.txt"),
    `axe-core ${axe.version}, tags ${AXE_TAGS.join(" ")}, ${pages} pages: moderate and minor violations per rule\n${lines.join("\n") || "none"}\n`,
  );
  fs.writeFileSync(path.join(RESULTS_DIR, "every-page.txt"), `${[...report, ...stale, ...missing].join("\n")}\n`);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const sum = (f: (x: (typeof times)[number]) => number) => (times.reduce((a, x) => a + f(x), 0) / 1000).toFixed(0);
  const slowest = [...times].sort((a, b) => b.total - a.total).slice(0, 5);
  console.info(
    [
      `every page: ${pages} pages (${allRoutes.size} route files; ${server.logins.length} logins + logged out × ${LOCALES.length} languages;` +
        ` routes a login may not open skipped: ${[...skipped].map(([w, n]) => `${w} ${n}`).join(", ")}) in ${seconds} s`,
      `time in pages: loading ${sum((x) => x.load)} s, axe ${sum((x) => x.axe)} s, all ${sum((x) => x.total)} s; slowest: ${slowest.map((x) => `${x.page} ${x.total} ms (axe ${x.axe})`).join(", ")}`,
      `axe moderate/minor violations per rule (elements, pages):${lines.length ? `\n  ${lines.join("\n  ")}` : " none"}`,
      pendingSeen.length
        ? `pending on the dashboard (PENDING_DASHBOARD): ${pendingSeen.map((p) => `${p.route} ${p.check}`).join(", ")}`
        : "",
    ]
      .filter(Boolean)
      .join("\n"),
  );
  expect([...report, ...stale, ...missing].join("\n"), `${report.length} problem(s) found`).toBe("");
}, 900_000);
