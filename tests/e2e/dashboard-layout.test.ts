/**
 * Issue #28, acceptance 1 (the dashboards' part) and the charts' keyboard drill-down: at 1366×768 and
 * at a 390×844 phone, on the organisation dashboard, a unit page, the movement page and the planner,
 * every chart's SVG is as wide as its box (± 2 px), its text is drawn at ≥ 11 px, and the page never
 * scrolls sideways. A chart's marks are one Tab stop: arrow keys move, Enter follows.
 * Screenshots land in test-results/.
 */
import type { Browser, Page } from "playwright-core";
import { beforeAll, expect, test } from "vitest";
import { type Db } from "#db/client.server";
import { loginViaForm, newSession, screenshot, waitForHydration } from "../helpers/browser";
import { withServerAndBrowser } from "../helpers/e2e";
import { loginFor, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: Browser;
let db: Db;
let demoDraftId: () => string;
const pages: { name: string; path: string; charts: string[] }[] = [];

withServerAndBrowser((started) => {
  ({ server, browser, db } = started);
  demoDraftId = () => started.demoDraftId;
});

beforeAll(async () => {
  const unit = await db.selectFrom("unit").select("id").where("code", "=", "KLP-JKT").executeTakeFirstOrThrow();
  pages.push(
    { name: "dashboard", path: "/dashboard", charts: ["trend", "areas", "units", "progress", "layers", "readiness"] },
    { name: "unit", path: `/dashboard/units/${unit.id}`, charts: ["unit-nodes", "unit-trend"] },
    { name: "movement", path: `/dashboard/movement/${unit.id}`, charts: ["movement"] },
    { name: "planner", path: `/dashboard/plan/${demoDraftId()}`, charts: ["plan", "plan-steps"] },
  );
});

async function signIn(viewport: { width: number; height: number }): Promise<Page> {
  const { page } = await newSession(browser, server.baseUrl);
  await page.setViewportSize(viewport);
  const reviewer = loginFor(server.logins, "reviewer");
  await loginViaForm(page, reviewer.email, reviewer.password);
  return page;
}

interface Measured {
  chart: string;
  svg: number;
  box: number;
  minText: number;
  scaled: boolean;
}

/** Every chart SVG on the page: its rendered width, its box's, and the smallest text as drawn. */
function measure(page: Page): Promise<{ charts: Measured[]; scrollWidth: number; viewport: number }> {
  return page.evaluate(() => {
    const charts = [...document.querySelectorAll<SVGSVGElement>(".chart-box svg.chart-svg")].map((svg) => {
      const box = svg.closest(".chart-box")!;
      const texts = [...svg.querySelectorAll<SVGTextElement>("text")];
      const sizes = texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * (t.getScreenCTM()?.a ?? 1));
      return {
        chart: svg.id,
        svg: svg.getBoundingClientRect().width,
        box: box.clientWidth,
        minText: Math.min(...sizes),
        scaled: svg.hasAttribute("viewBox"),
      };
    });
    return { charts, scrollWidth: document.documentElement.scrollWidth, viewport: window.innerWidth };
  });
}

for (const viewport of [
  { width: 1366, height: 768 },
  { width: 390, height: 844 },
]) {
  test(`at ${viewport.width}×${viewport.height} every chart fills its box with readable text, and no page scrolls sideways`, async () => {
    const page = await signIn(viewport);
    const widths: string[] = [];
    for (const p of pages) {
      await page.goto(p.path);
      await waitForHydration(page);
      const m = await measure(page);
      expect(m.charts.map((c) => c.chart).sort(), `${p.name}: the charts drawn`).toEqual([...p.charts].sort());
      for (const c of m.charts) {
        expect(Math.abs(c.svg - c.box), `${p.name} ${c.chart}: svg ${c.svg} px in a ${c.box} px box`).toBeLessThanOrEqual(2);
        expect(c.box, `${p.name} ${c.chart}: the box fills the card`).toBeGreaterThan(viewport.width < 500 ? 280 : 900);
        expect(c.minText, `${p.name} ${c.chart}: smallest text`).toBeGreaterThanOrEqual(11);
        expect(c.scaled, `${p.name} ${c.chart}: not scaled by a viewBox`).toBe(false);
        widths.push(`${p.name}/${c.chart} ${Math.round(c.svg)}/${c.box}`);
      }
      expect(m.scrollWidth, `${p.name}: document scrollWidth at ${viewport.width} px`).toBeLessThanOrEqual(m.viewport);
      await screenshot(page, `e2e-layout-${p.name}-${viewport.width}`);
    }
    console.log(`chart widths at ${viewport.width} px (svg/box): ${widths.join(", ")}`);
  });
}

test("by keyboard: the chart is one Tab stop, arrow keys move between its marks, Enter follows the mark", async () => {
  const page = await signIn({ width: 1366, height: 768 });
  await page.goto("/dashboard");
  await waitForHydration(page);
  const marks = page.getByTestId("chart-units").locator("svg.chart-svg a[data-mark]");
  expect(await marks.count()).toBeGreaterThan(2);
  // One Tab stop per chart: only the first mark is in the tab order.
  expect(await marks.evaluateAll((as) => as.map((a) => a.getAttribute("tabindex")))).toEqual([
    "0",
    ...Array.from({ length: (await marks.count()) - 1 }, () => "-1"),
  ]);
  await marks.first().focus();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  const focused = await page.evaluate(() => ({
    name: document.activeElement?.getAttribute("aria-label") ?? "",
    href: document.activeElement?.getAttribute("href") ?? "",
  }));
  expect(focused.name).toBe(await marks.nth(2).getAttribute("aria-label"));
  expect(focused.name).toMatch(/: Nilai total \d/);
  expect(await marks.nth(2).getAttribute("tabindex")).toBe("0");
  await page.keyboard.press("Enter");
  await page.waitForURL((u) => `${u.pathname}${u.search}` === focused.href);
  await page.getByTestId("unit-dashboard").waitFor();

  // Space follows too: the first area of the unit's chart drills into it.
  const area = page.getByTestId("chart-unit-nodes").locator("svg.chart-svg a[data-mark]").first();
  await area.focus();
  await page.keyboard.press(" ");
  await page.waitForURL((u) => u.searchParams.get("node") === "A.I.1");
  // The data table is open without a click, its links there for a screen reader and a keyboard.
  expect(await page.getByTestId("chart-unit-nodes").locator("details.chart-data").getAttribute("open")).not.toBeNull();
});
