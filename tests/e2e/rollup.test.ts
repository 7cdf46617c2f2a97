/**
 * Roll-ups across organisations (issue #30) in the browser, on the demo: the system admin opens the
 * roll-up from the menu and links the demo regency under a new province on the organisation page; the
 * province's reviewer sees its regency and opens its page; the regency's own administrator sees only
 * their own position, in Indonesian and English, at 390 px without sideways scrolling; no serious or
 * critical axe-core violation on the pages.
 */
import axe from "axe-core";
import type { Browser, Page } from "playwright-core";
import { expect, test } from "vitest";
import { hashPassword } from "~/auth/password.server";
import { newId } from "~/utils/ids";
import { loginViaForm, newSession, screenshot, waitForHydration } from "../helpers/browser";
import { withServerAndBrowser, type E2eWorld } from "../helpers/e2e";
import { loginFor, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: Browser;
let world: E2eWorld;
withServerAndBrowser((started) => ({ server, browser } = world = started));

const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

async function seriousAxe(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axe.source);
  return page.evaluate(async (tags) => {
    const w = window as unknown as { axe: typeof axe };
    const r = await w.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  }, AXE_TAGS);
}

const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test("admin links a regency under a province; the province sees it; the regency sees only its own position", async () => {
  const PROVINCE = "Pemerintah Provinsi Contoh (Uji Rekap)";
  const REGENCY = "Pemerintah Kabupaten Contoh (Demo)";
  const MINISTRY = "Kementerian Pelayanan Publik (Demo)";

  // ---- The system admin: the roll-up from the menu, then a province and the parent link.
  const admin = await newSession(browser, server.baseUrl);
  const a = admin.page;
  const adminLogin = loginFor(server.logins, "admin");
  await loginViaForm(a, adminLogin.email, adminLogin.password);
  await a.getByTestId("main-menu").getByRole("link", { name: "Rekap" }).click();
  await a.getByRole("heading", { level: 1, name: "Rekap lintas instansi" }).waitFor();
  await a.getByTestId("rollup-distribution").waitFor();
  await a.goto("/rollup?kind=pemda_kabkota&year=2024");
  expect(await a.getByTestId("rollup-orgs").textContent()).toContain(REGENCY);
  expect(await seriousAxe(a)).toEqual([]);

  await a.goto("/admin/organisations");
  await waitForHydration(a);
  const create = a.locator("form", { has: a.getByLabel("Nama", { exact: true }) }).first();
  await create.getByLabel("Nama", { exact: true }).fill(PROVINCE);
  await create.getByLabel("Jenis", { exact: true }).selectOption({ label: "Pemerintah Provinsi" });
  await create.getByRole("button").click();
  await a.getByRole("heading", { level: 1, name: new RegExp(PROVINCE.replace(/[()]/g, "\\$&")) }).waitFor();
  const provinceId = new URL(a.url()).pathname.split("/").pop()!;

  const regencyId = world.withDb((db) => db.prepare("SELECT id FROM organisation WHERE code = 'KABDEMO'").pluck().get() as string);
  await a.goto(`/admin/organisations/${regencyId}`);
  await waitForHydration(a);
  await a.getByLabel("Provinsi induk").selectOption({ label: PROVINCE });
  await a.getByRole("button", { name: "Simpan induk" }).click();
  await a.getByRole("status").filter({ hasText: "Induk instansi disimpan." }).waitFor();
  expect(world.withDb((db) => db.prepare("SELECT parent_id FROM organisation WHERE id = ?").pluck().get(regencyId))).toBe(provinceId);

  // ---- The province's reviewer (organisation-wide): its regency, with a link to the regency's page.
  const email = `karo@provuji-${Date.now()}.test`;
  const userId = newId();
  const now = new Date().toISOString();
  await world.db
    .insertInto("user")
    .values({
      id: userId,
      email,
      name: "Karo Provinsi Uji",
      password_hash: await hashPassword("rahasia-provinsi-uji"),
      is_admin: 0,
      locale: null,
      disabled_at: null,
      password_changed_at: null,
      created_at: now,
    })
    .execute();
  await world.db
    .insertInto("membership")
    .values({ id: newId(), user_id: userId, organisation_id: provinceId, unit_id: null, role: "reviewer", created_at: now })
    .execute();
  const prov = await newSession(browser, server.baseUrl);
  const p = prov.page;
  await loginViaForm(p, email, "rahasia-provinsi-uji");
  await p.getByTestId("main-menu").getByRole("link", { name: "Rekap" }).click();
  await p.getByRole("heading", { level: 1, name: "Rekap lintas instansi" }).waitFor();
  await p.goto(`/rollup/organisations/${provinceId}?year=2024`);
  const regencies = p.getByTestId("rollup-regencies");
  expect(await regencies.textContent()).toContain(REGENCY);
  expect(await p.locator("main").textContent()).not.toContain(MINISTRY);
  await regencies.getByRole("link", { name: REGENCY }).click();
  await p.getByRole("heading", { level: 1, name: `Rekap: ${REGENCY}` }).waitFor();
  expect(await p.locator("main").getByRole("link", { name: PROVINCE }).count()).toBe(1);
  expect(await seriousAxe(p)).toEqual([]);

  // ---- The regency's own administrator: their own page only, no other organisation's name.
  const team = await newSession(browser, server.baseUrl);
  const t = team.page;
  await t.setViewportSize({ width: 390, height: 844 });
  const kab = loginFor(server.logins, "org_admin", "kabdemo");
  await loginViaForm(t, kab.email, kab.password);
  await t.goto("/rollup");
  await t.getByRole("heading", { level: 1, name: `Rekap: ${REGENCY}` }).waitFor();
  expect(new URL(t.url()).pathname).toBe(`/rollup/organisations/${regencyId}`);
  expect(await t.getByTestId("rollup-own-total").textContent()).toMatch(/\d+,\d{2}/);
  const html = await t.content();
  for (const other of [MINISTRY, PROVINCE, provinceId]) expect(html).not.toContain(other);
  expect(await sideways(t)).toBeLessThanOrEqual(0);
  expect(await seriousAxe(t)).toEqual([]);
  await screenshot(t, "rollup-regency-390-id");

  await t.getByTestId("language-switch").click();
  await t.getByRole("heading", { level: 1, name: `Roll-up: ${REGENCY}` }).waitFor();
  expect(await t.locator("main").textContent()).toContain("Installation average");
  expect(await sideways(t)).toBeLessThanOrEqual(0);
  expect(await seriousAxe(t)).toEqual([]);
  await screenshot(t, "rollup-regency-390-en");
  await t.getByTestId("language-switch").click();
  await t.getByRole("heading", { level: 1, name: `Rekap: ${REGENCY}` }).waitFor();
});
