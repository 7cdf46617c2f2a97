/**
 * Every demo role signs in through the form, sees exactly its menu, switches to English and
 * back, and signs out. Runs against the production build served by `cermin serve`.
 */
import type { Browser, Page } from "playwright-core";
import { expect, test } from "vitest";
import { loginViaForm, menuLabels, newSession, screenshot, waitForHydration } from "../helpers/browser";
import { loginFor, type TestServer } from "../helpers/server";
import { withServerAndBrowser } from "../helpers/e2e";

const ADMIN_MENU_ID = ["Beranda", "Penilaian", "Dasbor", "Evaluasi", "Rekap", "Rencana Aksi", "Struktur Organisasi", "Instansi", "Pengguna", "Log Audit", "Akun Saya"];
const ADMIN_MENU_EN = ["Home", "Assessments", "Dashboard", "Evaluation", "Roll-up", "Action plans", "Organisation structure", "Organisations", "Users", "Audit log", "My account"];
/** Only the system administrator manages instrument versions. */
const SYSTEM_MENU_ID = [...ADMIN_MENU_ID.slice(0, -1), "Instrumen", "Akun Saya"];
const SYSTEM_MENU_EN = [...ADMIN_MENU_EN.slice(0, -1), "Instruments", "My account"];
const BASIC_MENU_ID = ["Beranda", "Penilaian", "Dasbor", "Rencana Aksi", "Struktur Organisasi", "Akun Saya"];
const BASIC_MENU_EN = ["Home", "Assessments", "Dashboard", "Action plans", "Organisation structure", "My account"];
const EVALUATOR_MENU_ID = ["Beranda", "Penilaian", "Dasbor", "Evaluasi", "Rekap", "Rencana Aksi", "Struktur Organisasi", "Akun Saya"];
const EVALUATOR_MENU_EN = ["Home", "Assessments", "Dashboard", "Evaluation", "Roll-up", "Action plans", "Organisation structure", "My account"];
const REVIEWER_MENU_ID = ["Beranda", "Penilaian", "Dasbor", "Evaluasi", "Rekap", "Rencana Aksi", "Struktur Organisasi", "Log Audit", "Akun Saya"];
const REVIEWER_MENU_EN = ["Home", "Assessments", "Dashboard", "Evaluation", "Roll-up", "Action plans", "Organisation structure", "Audit log", "My account"];

interface RoleCase {
  title: string;
  role: string;
  emailPart?: string;
  roleId: string;
  roleEn: string;
  menuId: string[];
  menuEn: string[];
}

const CASES: RoleCase[] = [
  {
    title: "admin",
    role: "admin",
    roleId: "Administrator Sistem",
    roleEn: "System administrator",
    menuId: SYSTEM_MENU_ID,
    menuEn: SYSTEM_MENU_EN,
  },
  {
    title: "ministry org_admin",
    role: "org_admin",
    emailPart: "kemendemo",
    roleId: "Pengelola Instansi",
    roleEn: "Organisation administrator",
    menuId: ADMIN_MENU_ID,
    menuEn: ADMIN_MENU_EN,
  },
  {
    title: "coordinator",
    role: "coordinator",
    roleId: "Koordinator Asesor",
    roleEn: "Assessor coordinator",
    menuId: BASIC_MENU_ID,
    menuEn: BASIC_MENU_EN,
  },
  { title: "assessor", role: "assessor", roleId: "Asesor", roleEn: "Assessor", menuId: BASIC_MENU_ID, menuEn: BASIC_MENU_EN },
  {
    title: "reviewer",
    role: "reviewer",
    roleId: "Kepala Biro Organisasi",
    roleEn: "Head of organisation bureau",
    menuId: REVIEWER_MENU_ID,
    menuEn: REVIEWER_MENU_EN,
  },
  {
    title: "evaluator",
    role: "evaluator",
    roleId: "Evaluator (TPI/TPN)",
    roleEn: "Evaluator (TPI/TPN)",
    menuId: EVALUATOR_MENU_ID,
    menuEn: EVALUATOR_MENU_EN,
  },
  {
    title: "kabupaten org_admin",
    role: "org_admin",
    emailPart: "kabdemo",
    roleId: "Pengelola Instansi",
    roleEn: "Organisation administrator",
    menuId: ADMIN_MENU_ID,
    menuEn: ADMIN_MENU_EN,
  },
];

let server: TestServer;
let browser: Browser;

withServerAndBrowser((started) => ({ server, browser } = started));

async function htmlLang(page: Page): Promise<string> {
  return page.evaluate(() => document.documentElement.lang);
}

async function switchLanguage(page: Page, expectLang: "en" | "id") {
  const button = page.getByTestId("language-switch");
  await button.click();
  await page.waitForFunction((lang) => document.documentElement.lang === lang, expectLang);
  await expect.poll(() => button.textContent()).toBe(expectLang === "en" ? "Bahasa Indonesia" : "English");
}

test("the login page is Indonesian by default and has a labelled form", async () => {
  const { page } = await newSession(browser, server.baseUrl);
  await page.goto("/login");
  await waitForHydration(page);
  expect(await htmlLang(page)).toBe("id");
  await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Masuk ke Cermin");
  expect(await page.getByLabel("Email", { exact: true }).getAttribute("type")).toBe("email");
  expect(await page.getByLabel("Kata sandi", { exact: true }).getAttribute("type")).toBe("password");
  expect(await page.getByTestId("language-switch").textContent()).toBe("English");
  expect(await page.getByTestId("main-menu").count()).toBe(0);
  await screenshot(page, "e2e-login");
});

for (const c of CASES) {
  test(`${c.title}: menu, language switch and logout`, async () => {
    const login = loginFor(server.logins, c.role, c.emailPart);
    const { page } = await newSession(browser, server.baseUrl);
    await loginViaForm(page, login.email, login.password);
    expect(new URL(page.url()).pathname).toBe("/");
    expect(await htmlLang(page)).toBe("id");
    expect(await menuLabels(page)).toEqual(c.menuId);
    expect(await page.getByTestId("current-user").textContent()).toContain(c.roleId);

    await switchLanguage(page, "en");
    await expect.poll(() => menuLabels(page)).toEqual(c.menuEn);
    expect(await page.getByTestId("current-user").textContent()).toContain(c.roleEn);
    expect(await page.getByTestId("logout").textContent()).toBe("Log out");

    await switchLanguage(page, "id");
    await expect.poll(() => menuLabels(page)).toEqual(c.menuId);
    expect(await page.getByTestId("logout").textContent()).toBe("Keluar");

    await page.getByTestId("logout").click();
    await page.waitForURL((url) => url.pathname === "/login");
    await page.getByRole("button", { name: "Masuk", exact: true }).waitFor();
    expect(await page.getByTestId("current-user").count()).toBe(0);

    // The session is gone on the server too: a protected page sends us back to the log-in form.
    await page.goto("/account");
    expect(new URL(page.url()).pathname).toBe("/login");
  });
}

test("each menu entry opens without an error page (admin)", async () => {
  const { page } = await newSession(browser, server.baseUrl);
  const admin = loginFor(server.logins, "admin");
  await loginViaForm(page, admin.email, admin.password);
  const links = page.getByTestId("main-menu").getByRole("link");
  const count = await links.count();
  for (let i = 0; i < count; i++) {
    const label = (await links.nth(i).textContent())?.trim() ?? "";
    const href = (await links.nth(i).getAttribute("href")) ?? "";
    await links.nth(i).click();
    await page.waitForURL((url) => url.pathname === href);
    await page.getByRole("heading", { level: 1 }).first().waitFor();
    const h1 = (await page.getByRole("heading", { level: 1 }).first().textContent()) ?? "";
    expect(h1, `menu entry ${label} (${href})`).not.toContain("Terjadi kesalahan");
  }
  await page.goto("/admin/organisations");
  await page.getByRole("heading", { level: 1, name: "Instansi" }).waitFor();
  await screenshot(page, "e2e-admin-organisations");
});
