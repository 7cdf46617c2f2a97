/**
 * Acceptance flow for an organisation administrator, entirely in the browser: build a small unit
 * tree, add a user with a role on the new unit, hand over the one-time link, and the new user
 * sets a password and signs in.
 */
import type { Browser, Locator, Page } from "playwright-core";
import { expect, test } from "vitest";
import { loginViaForm, menuLabels, newSession, screenshot, waitForHydration } from "../helpers/browser";
import { loginFor, type TestServer } from "../helpers/server";
import { withServerAndBrowser } from "../helpers/e2e";

const MINISTRY = "Kementerian Pelayanan Publik (Demo)";
const TOP_UNIT = "Inspektorat Jenderal E2E";
const CHILD_UNIT = "Inspektorat Wilayah I E2E";
const NEW_USER = { name: "Nina Asesor Baru", email: "nina.asesor@kemendemo.test", password: "Sandi-Baru-2026!" };

let server: TestServer;
let browser: Browser;

withServerAndBrowser((started) => ({ server, browser } = started));

/** The value of the option whose text contains `text` (labels are indented with no-break spaces). */
async function optionValue(select: Locator, text: string): Promise<string> {
  const option = select.locator("option", { hasText: text });
  expect(await option.count(), `exactly one option containing "${text}"`).toBe(1);
  const value = await option.getAttribute("value");
  if (value === null) throw new Error(`option "${text}" has no value`);
  return value;
}

async function addUnit(page: Page, parent: string | null, unit: { name: string; kind: string; code: string }) {
  const form = page.locator("section", { has: page.getByRole("heading", { level: 2, name: "Tambah unit" }) });
  const parentSelect = form.getByLabel("Unit induk");
  if (parent === null) await parentSelect.selectOption({ label: "(tingkat teratas)" });
  else await parentSelect.selectOption(await optionValue(parentSelect, parent));
  await form.getByLabel("Nama", { exact: true }).fill(unit.name);
  await form.getByLabel("Jenis", { exact: true }).selectOption({ label: unit.kind });
  await form.getByLabel("Kode", { exact: true }).fill(unit.code);
  await form.getByRole("button", { name: "Tambah unit" }).click();
  await form.getByRole("status").filter({ hasText: "Tersimpan." }).waitFor();
  await treeItem(page, unit.name).waitFor();
}

/** The tree's list item for a unit (its own label span, not the move <select> options). */
function treeItem(page: Page, name: string): Locator {
  return page
    .getByTestId("unit-tree")
    .locator("li")
    .filter({ has: page.locator(":scope > span", { hasText: name }) });
}

test("org admin builds units, adds a user, and the user sets a password and signs in", async () => {
  const orgAdmin = loginFor(server.logins, "org_admin", "kemendemo");
  const admin = await newSession(browser, server.baseUrl);
  const page = admin.page;
  await loginViaForm(page, orgAdmin.email, orgAdmin.password);

  // Open the ministry from the organisations list.
  await page.getByTestId("main-menu").getByRole("link", { name: "Instansi" }).click();
  await page.getByRole("link", { name: MINISTRY }).click();
  await page.waitForURL(/\/admin\/organisations\/[^/]+$/);
  await page.getByRole("heading", { level: 1, name: `Instansi: ${MINISTRY}` }).waitFor();
  await waitForHydration(page);

  // A top-level unit, then a child under it.
  await addUnit(page, null, { name: TOP_UNIT, kind: "Eselon I", code: "ITJEN-E2E" });
  await addUnit(page, TOP_UNIT, { name: CHILD_UNIT, kind: "Satuan kerja", code: "ITWIL1-E2E" });

  // The child is rendered inside the top unit's list item, i.e. the tree really nests.
  const childInTop = treeItem(page, TOP_UNIT).locator(":scope > ul > li > span", { hasText: CHILD_UNIT });
  expect(await childInTop.count()).toBe(1);
  expect(await treeItem(page, TOP_UNIT).locator(":scope > span").textContent()).toContain("ITJEN-E2E");
  await screenshot(page, "e2e-org-admin-unit-tree");

  // Add a user with the assessor role on the new child unit.
  await page.getByTestId("main-menu").getByRole("link", { name: "Pengguna" }).click();
  await page.getByRole("heading", { level: 1, name: "Pengguna" }).waitFor();
  await waitForHydration(page);
  await page.getByLabel("Nama", { exact: true }).fill(NEW_USER.name);
  await page.getByLabel("Email", { exact: true }).fill(NEW_USER.email);
  const unitSelect = page.getByLabel("Unit", { exact: true });
  await unitSelect.selectOption(await optionValue(unitSelect, `› ${CHILD_UNIT}`));
  await page.getByLabel("Peran", { exact: true }).selectOption({ label: "Asesor" });
  await page.getByRole("button", { name: "Tambah pengguna" }).click();

  const linkBox = page.getByTestId("password-link");
  await linkBox.waitFor();
  const link = ((await linkBox.textContent()) ?? "").trim();
  expect(link).toMatch(new RegExp(`^${server.baseUrl.replace(/[.]/g, "\\.")}/set-password/[A-Za-z0-9_-]{20,}$`));
  const row = page.getByTestId("users").locator("tr", { hasText: NEW_USER.email });
  await row.waitFor();
  expect(await row.textContent()).toContain(`Asesor — ${CHILD_UNIT}`);

  // The new user opens the link in a browser of their own (no admin cookies).
  const newcomer = await newSession(browser, server.baseUrl);
  const np = newcomer.page;
  await np.goto(link);
  await np.getByRole("heading", { level: 1, name: "Atur kata sandi" }).waitFor();
  expect(await np.getByText(NEW_USER.email).count()).toBeGreaterThan(0);
  await waitForHydration(np);
  await np.getByLabel("Kata sandi baru", { exact: true }).fill(NEW_USER.password);
  await np.getByLabel("Ulangi kata sandi baru", { exact: true }).fill(NEW_USER.password);
  await np.getByRole("button", { name: "Simpan kata sandi" }).click();
  await np.waitForURL((url) => url.pathname === "/login" && url.searchParams.get("passwordSet") === "1");
  await np.getByRole("status").filter({ hasText: "Kata sandi tersimpan. Silakan masuk." }).waitFor();

  // The link is single-use.
  await np.goto(link);
  await np.getByRole("alert").filter({ hasText: "Tautan ini tidak berlaku" }).waitFor();

  await loginViaForm(np, NEW_USER.email, NEW_USER.password);
  expect(await menuLabels(np)).toEqual(["Beranda", "Penilaian", "Dasbor", "Rencana Aksi", "Struktur Organisasi", "Akun Saya"]);
  expect(await np.getByTestId("current-user").textContent()).toBe(`${NEW_USER.name} · Asesor`);
  expect(await np.locator("main").textContent()).toContain(CHILD_UNIT);

  // The admin's list now shows the user as active (has a password).
  await page.reload();
  expect(await page.getByTestId("users").locator("tr", { hasText: NEW_USER.email }).textContent()).toContain("Aktif");
});

test("a system admin archives an organisation (its admin loses access) and restores it", async () => {
  const REGENCY = "Pemerintah Kabupaten Contoh (Demo)";
  const sys = loginFor(server.logins, "admin");
  const regencyAdmin = loginFor(server.logins, "org_admin", "kabdemo");
  const { page } = await newSession(browser, server.baseUrl);
  await loginViaForm(page, sys.email, sys.password);
  await page.getByTestId("main-menu").getByRole("link", { name: "Instansi" }).click();
  await page.getByRole("link", { name: REGENCY }).click();
  await page.getByRole("heading", { level: 1, name: `Instansi: ${REGENCY}` }).waitFor();
  await waitForHydration(page);

  const archive = page.locator("section", { has: page.getByRole("heading", { level: 2, name: "Arsipkan instansi" }) });
  await archive.locator("summary").click();
  expect(await archive.textContent()).toContain("anggota instansi ini kehilangan akses");
  await archive.getByLabel("Alasan (dicatat di log audit)").fill("Uji arsip E2E");
  await archive.getByLabel("Saya mengerti bahwa semua anggota instansi ini kehilangan akses.").check();
  await screenshot(page, "e2e-org-archive-confirm");
  await archive.getByRole("button", { name: "Arsipkan instansi" }).click();
  await page.getByRole("status").filter({ hasText: "Instansi diarsipkan." }).waitFor();
  await page.getByText("Alasan: Uji arsip E2E").waitFor();
  await page.getByRole("heading", { level: 2, name: "Pulihkan instansi" }).waitFor();

  // Hidden from the list by default, shown (marked) on request.
  await page.getByTestId("main-menu").getByRole("link", { name: "Instansi" }).click();
  await page.getByRole("heading", { level: 1, name: "Instansi" }).waitFor();
  expect(await page.getByRole("link", { name: REGENCY }).count()).toBe(0);
  await page.getByRole("link", { name: "Tampilkan instansi yang diarsipkan (1)" }).click();
  const row = page.locator("tr", { hasText: REGENCY });
  await row.waitFor();
  expect(await row.textContent()).toContain("Diarsipkan");
  await screenshot(page, "e2e-org-archive-list");

  // The regency's own admin no longer sees it.
  const other = await newSession(browser, server.baseUrl);
  await loginViaForm(other.page, regencyAdmin.email, regencyAdmin.password);
  await other.page.goto(`${server.baseUrl}/units`);
  expect(await other.page.locator("main").textContent()).not.toContain(REGENCY);

  // Restore, with a reason; access comes back.
  await page.getByRole("link", { name: REGENCY }).click();
  await page.getByRole("heading", { level: 1, name: `Instansi: ${REGENCY}` }).waitFor();
  await waitForHydration(page);
  const restore = page.locator("section", { has: page.getByRole("heading", { level: 2, name: "Pulihkan instansi" }) });
  await restore.locator("summary").click();
  await restore.getByLabel("Alasan (dicatat di log audit)").fill("Uji pulihkan E2E");
  await restore.getByRole("button", { name: "Pulihkan" }).click();
  await page.getByRole("status").filter({ hasText: "Instansi dipulihkan." }).waitFor();
  await other.page.reload();
  expect(await other.page.locator("main").textContent()).toContain(REGENCY);
});
