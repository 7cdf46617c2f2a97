/**
 * Issue #27, acceptance 1: each role walks what the issue found misleading, in Chromium on the
 * production build — in Indonesian, then once in English — and sees the new behaviour: the start
 * page's own work, refusals at the field, numbers in the reader's locale, confirmations that list
 * what is missing with links, read-only pages that say why, the instrument's English texts, human
 * words for layers, audit actions and unit-code clashes.
 */
import type { Browser, Page } from "playwright-core";
import { beforeAll, expect, test } from "vitest";
import { loginViaForm, newSession, openItemMore, screenshot, waitForHydration } from "../helpers/browser";
import { loginFor, type TestServer } from "../helpers/server";
import { withServerAndBrowser, type E2eWorld } from "../helpers/e2e";

let server: TestServer;
let browser: Browser;
let withDb: E2eWorld["withDb"];
let world: E2eWorld;
let draft: string;
let coordinatorName: string;

withServerAndBrowser((started) => ({ server, browser, withDb } = world = started));

const userByEmail = (email: string) =>
  withDb((db) => db.prepare("SELECT id, name FROM user WHERE email = ?").get(email) as { id: string; name: string });
const assessmentOf = (unitCode: string, year: number, instrumentId: string) =>
  withDb(
    (db) =>
      db
        .prepare(
          `SELECT a.id FROM assessment a JOIN unit u ON u.id = a.unit_id JOIN period p ON p.id = a.period_id
           WHERE u.code = ? AND p.year = ? AND a.instrument_id = ?`,
        )
        .pluck()
        .get(unitCode, year, instrumentId) as string,
  );

async function session(role: string, emailPart?: string, allow: RegExp[] = []): Promise<Page> {
  const { page } = await newSession(browser, server.baseUrl, { allow });
  const login = loginFor(server.logins, role, emailPart);
  await loginViaForm(page, login.email, login.password);
  return page;
}

/** The header's language button: the choice is saved for the user, so the next pages are English. */
async function toEnglish(page: Page): Promise<void> {
  await waitForHydration(page);
  await page.getByTestId("language-switch").click();
  await page.locator("html[lang=en]").waitFor();
}

const text = async (page: Page) => (await page.locator("main").textContent()) ?? "";

beforeAll(async () => {
  draft = assessmentOf("KLP-JKT", 2025, "zi-2021");
  const assessor = userByEmail(loginFor(server.logins, "assessor").email);
  const coordinator = userByEmail(loginFor(server.logins, "coordinator", "kemendemo").email);
  coordinatorName = coordinator.name;
  const now = new Date().toISOString();
  await world.db
    .insertInto("assignment")
    .values([
      { id: `walk-${draft}-1`, assessment_id: draft, node_id: "A.I.1", user_id: assessor.id, created_at: now },
      { id: `walk-${draft}-2`, assessment_id: draft, node_id: "B.I.1", user_id: assessor.id, created_at: now },
      { id: `walk-${draft}-3`, assessment_id: draft, node_id: "A.I.2", user_id: coordinator.id, created_at: now },
    ])
    .execute();
});

test("assessor: own work on the start page, assignment enforced, out-of-range refused at the field, the decimal comma kept, history in words", async () => {
  const page = await session("assessor", undefined, [/status of 400/]);
  // Start page: the draft with its progress and the areas assigned.
  await page.goto("/");
  const work = page.getByTestId("home-work");
  await work.waitFor();
  expect(await work.textContent()).toMatch(/Kantor Layanan Perizinan Jakarta/);
  expect(await work.textContent()).toMatch(/\d+ dari 113 butir dijawab/);
  expect(await work.textContent()).toContain("area Anda: A.I.1, B.I.1");
  expect(await page.locator("main").textContent()).not.toMatch(/akan tersedia/);

  // An area assigned to somebody else: read-only, with a banner naming them.
  await page.goto(`/assessments/${draft}/areas/A.I.2`);
  await waitForHydration(page);
  expect(await page.getByTestId("not-assigned-banner").textContent()).toContain(`Area ini ditugaskan kepada ${coordinatorName}`);
  expect(await page.locator('article.item-card input[type="radio"]').evaluateAll((rs) => rs.every((r) => r.matches(":disabled")))).toBe(
    true,
  );

  // 5 in a 0–4 survey: refused at the field; 3,62 is kept and reads back with its comma.
  await page.goto(`/assessments/${draft}/areas/B.I.1`);
  await waitForHydration(page);
  const card = page.getByTestId("item-B.I.1.a");
  const field = card.locator('input[name="value"]');
  await field.fill("5");
  await card.getByTestId("field-error").filter({ hasText: "5 di luar rentang 0–4." }).waitFor();
  await field.fill("3,62");
  await card
    .getByTestId("save-state-B.I.1.a")
    .filter({ hasText: /^Tersimpan$/ })
    .waitFor();
  await page.reload();
  await waitForHydration(page);
  expect(await page.getByTestId("item-B.I.1.a").locator('input[name="value"]').inputValue()).toBe("3,62");
  // The item's history reads as words: no action keys, no JSON.
  await openItemMore(page, "B.I.1.a");
  const history = page.getByTestId("history-B.I.1.a");
  const historyText = (await history.textContent()) ?? "";
  expect(historyText).toContain("3,62");
  expect(historyText).not.toMatch(/answer\.save|\{"|T\d\d:\d\d:\d\dZ/);

  // The same in English: a point for decimals, the refusal in English, the start page in English.
  await toEnglish(page);
  await page.goto(`/assessments/${draft}/areas/B.I.1`);
  await waitForHydration(page);
  const cardEn = page.getByTestId("item-B.I.1.a");
  expect(await cardEn.locator('input[name="value"]').inputValue()).toBe("3.62");
  await cardEn.locator('input[name="value"]').fill("4.5");
  await cardEn.getByTestId("field-error").filter({ hasText: "4.5 is outside the range 0–4." }).waitFor();
  await page.goto("/");
  expect(await page.getByTestId("home-work").textContent()).toMatch(/Assessments you are working on[\s\S]*\d+ of 113 items answered/);
});

test("coordinator: completeness on the overview, a submit button named for the role, a confirmation listing what is missing with links", async () => {
  const page = await session("coordinator", "kemendemo", [/status of 400/]);
  await page.goto(`/assessments/${draft}`);
  await waitForHydration(page);
  expect(await page.getByTestId("completeness").textContent()).toMatch(/^\d+ dari 113 butir terjawab$/);
  const submit = page.getByRole("button", { name: "Ajukan dan kunci isian (siap difinalisasi)", exact: true });
  await submit.click();
  await page.getByTestId("gaps-submit").waitFor();
  expect(await page.getByTestId("assessment-status").textContent()).toBe("Draf");
  const links = page.getByTestId("gaps-unanswered").locator("a");
  expect(await links.count()).toBeGreaterThan(0);
  expect(await links.first().getAttribute("href")).toMatch(new RegExp(`^/assessments/${draft}/areas/[^#]+#item-`));
  // Following a link lands on the item in its area.
  const href = (await links.first().getAttribute("href"))!;
  await links.first().click();
  await page.locator(`[id="item-${href.split("#item-")[1]}"]`).waitFor();
  expect(new URL(page.url()).pathname).toBe(href.split("#")[0]);
  await screenshot(page, "e2e-walk-coordinator-gap-link");

  await toEnglish(page);
  await page.goto(`/assessments/${draft}`);
  await waitForHydration(page);
  expect(await page.getByTestId("completeness").textContent()).toMatch(/^\d+ of 113 items answered$/);
  await page.getByRole("button", { name: "Submit and lock the answers (ready to finalise)", exact: true }).waitFor();
});

test("evaluator: the queue on the start page, unscored layers say so, the interval is 90 %", async () => {
  const page = await session("evaluator");
  await page.goto("/");
  await page.getByTestId("home-evaluate").waitFor();
  const surabaya = assessmentOf("KLP-SBY", 2024, "zi-2021");
  await page.goto(`/evaluations/assessments/${surabaya}`);
  await waitForHydration(page);
  // Surabaya 2024: TPI scored a sample and released it; TPN scored nothing.
  expect(await page.getByTestId("layer-external").textContent()).toContain("belum dinilai");
  expect(await page.getByTestId("layer-internal").textContent()).not.toContain("belum dinilai");
  expect(await page.getByTestId("estimate-internal").textContent()).toMatch(/interval 90 %/);
  const body = await text(page);
  expect(body).not.toMatch(/\{"|interval 0,9/);

  await toEnglish(page);
  await page.goto(`/evaluations/assessments/${surabaya}`);
  await waitForHydration(page);
  expect(await page.getByTestId("layer-external").textContent()).toContain("not yet scored");
  expect(await page.getByTestId("estimate-internal").textContent()).toMatch(/90 % interval/);
  expect(await text(page)).not.toMatch(/belum dinilai|\{"/);
});

test("reviewer: the start page holds the review queue and notifications, in both languages", async () => {
  const page = await session("reviewer");
  await page.goto("/");
  await page.getByTestId("home-notifications").waitFor();
  expect(await text(page)).not.toMatch(/akan tersedia/);
  expect(await page.getByTestId("home-notifications").textContent()).toMatch(/Pemberitahuan terbaru/);
  await toEnglish(page);
  await page.goto("/");
  expect(await page.getByTestId("home-notifications").textContent()).toMatch(/notifications/i);
});

test("regency org admin: the RB worksheet one page per component, read-only and saying why, scorer tags in words; a duplicate unit code is refused", async () => {
  // The refused unit is a 400 the browser logs: expected here.
  const page = await session("org_admin", "kabdemo", [/status of 400/]);
  const rb = assessmentOf("SETDA", 2025, "rb-2024-kabkota");
  await page.goto(`/assessments/${rb}/areas/B`);
  await waitForHydration(page);
  // One page for component B: the navigator lists the components, not 41 rows.
  expect(await page.locator(".area-nav li").count()).toBeLessThanOrEqual(6);
  expect(await page.locator("article.item-card").count()).toBeGreaterThan(10);
  expect(await page.getByTestId("read-only-why").textContent()).toContain("Hanya tim penilai unit ini");
  const field = page.locator('article.item-card input[name="value"]').first();
  expect(await field.isDisabled()).toBe(true);
  expect(await field.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe("rgb(255, 255, 255)");
  const body = await text(page);
  expect(body).toContain("(disimpulkan, belum terverifikasi)");
  expect(body).not.toMatch(/\[I\]|A1 eval/);

  // Units: a code already used in the organisation is refused with a message, nothing added.
  const regency = withDb((db) => db.prepare("SELECT id FROM organisation WHERE code = 'KABDEMO'").pluck().get() as string);
  const before = withDb((db) => db.prepare("SELECT COUNT(*) FROM unit WHERE organisation_id = ?").pluck().get(regency) as number);
  await page.goto(`/admin/organisations/${regency}`);
  await waitForHydration(page);
  await page.locator("#add-name").fill("Sekretariat Ganda");
  await page.locator("#add-code").fill("setda");
  await page
    .locator("form", { has: page.locator("#add-code") })
    .locator('button[type="submit"]')
    .click();
  await page.getByText("Kode unit itu sudah dipakai unit lain di instansi ini").first().waitFor();
  expect(withDb((db) => db.prepare("SELECT COUNT(*) FROM unit WHERE organisation_id = ?").pluck().get(regency) as number)).toBe(before);

  await toEnglish(page);
  await page.goto(`/assessments/${rb}/areas/B`);
  await waitForHydration(page);
  expect(await page.getByTestId("read-only-why").textContent()).toContain("Only this unit's assessment team");
  const en = await text(page);
  expect(en).toContain("(inferred, not verified)");
  expect(en).toContain("Scored by:");
  await screenshot(page, "e2e-walk-org-admin-rb-english");
});

test("system admin: the audit log filters by action and names actions in words, in both languages", async () => {
  const page = await session("admin");
  await page.goto("/admin/audit");
  await waitForHydration(page);
  const body = await text(page);
  expect(body).not.toMatch(/\banswer\.save\b|\bdemo\.seed\b|\{"/);
  await page.locator('select[name="action"]').selectOption({ index: 1 });
  await page.getByRole("button", { name: "Terapkan" }).click();
  await page.waitForURL(/action=/);
  expect(await page.locator("main table tbody tr").count()).toBeGreaterThan(0);
  await toEnglish(page);
  await page.goto("/admin/audit");
  expect(await page.locator("h1").textContent()).toBe("Audit log");
  expect(await text(page)).not.toMatch(/\banswer\.save\b|\{"/);
});
