/**
 * Issue #27 in Chromium on the production build, against the demo's draft 2025 assessment of KLP-JKT:
 * an assessor with assignments sees an unassigned area read-only with a banner naming who is
 * assigned; a 5 typed in a 0–4 item is refused at the field with the range (never "Tersimpan").
 */
import type { Browser } from "playwright-core";
import { beforeAll, expect, test } from "vitest";
import { loginViaForm, newSession, waitForHydration } from "../helpers/browser";
import { loginFor, type TestServer } from "../helpers/server";
import { withServerAndBrowser, type E2eWorld } from "../helpers/e2e";

let server: TestServer;
let browser: Browser;
let withDb: E2eWorld["withDb"];
let world: E2eWorld;
let draft: string;
let otherName: string;

withServerAndBrowser((started) => ({ server, browser, withDb } = world = started));

const userByEmail = (email: string) =>
  withDb((db) => db.prepare("SELECT id, name FROM user WHERE email = ?").get(email) as { id: string; name: string });

beforeAll(async () => {
  draft = withDb(
    (db) =>
      db
        .prepare(
          `SELECT a.id FROM assessment a JOIN unit u ON u.id = a.unit_id JOIN period p ON p.id = a.period_id
           WHERE u.code = 'KLP-JKT' AND p.year = 2025 AND a.instrument_id = 'zi-2021'`,
        )
        .pluck()
        .get() as string,
  );
  const assessor = userByEmail(loginFor(server.logins, "assessor").email);
  const other = userByEmail(loginFor(server.logins, "coordinator").email);
  otherName = other.name;
  // The example: the assessor has B.I.1 (and A.I.1); A.I.2 belongs to somebody else.
  const now = new Date().toISOString();
  await world.db
    .insertInto("assignment")
    .values([
      { id: `e2e-${draft}-1`, assessment_id: draft, node_id: "A.I.1", user_id: assessor.id, created_at: now },
      { id: `e2e-${draft}-2`, assessment_id: draft, node_id: "B.I.1", user_id: assessor.id, created_at: now },
      { id: `e2e-${draft}-3`, assessment_id: draft, node_id: "A.I.2", user_id: other.id, created_at: now },
    ])
    .execute();
});

test("an assessor opens an unassigned area: a banner names who is assigned, and nothing can be changed", async () => {
  const { page } = await newSession(browser, server.baseUrl);
  const login = loginFor(server.logins, "assessor");
  await loginViaForm(page, login.email, login.password);
  await page.goto(`/assessments/${draft}/areas/A.I.2`);
  await waitForHydration(page);
  const banner = page.getByTestId("not-assigned-banner");
  await banner.waitFor();
  expect(await banner.textContent()).toContain(`Area ini ditugaskan kepada ${otherName}`);
  // The answer controls sit in a disabled fieldset (what the browser then refuses to change).
  const radios = page.locator('article.item-card fieldset.options input[type="radio"]');
  expect(await radios.count()).toBeGreaterThan(0);
  expect(await radios.evaluateAll((rs) => rs.every((r) => r.matches(":disabled")))).toBe(true);
  expect(await page.getByRole("button", { name: "Simpan jawaban" }).count()).toBe(0);
  // An assigned area has no banner.
  await page.goto(`/assessments/${draft}/areas/A.I.1`);
  await waitForHydration(page);
  expect(await page.getByTestId("not-assigned-banner").count()).toBe(0);
});

test("typing 5 in a 0–4 item shows the range at the field, and nothing is stored", async () => {
  const { page } = await newSession(browser, server.baseUrl, { allow: [/status of 400/] });
  const login = loginFor(server.logins, "assessor");
  await loginViaForm(page, login.email, login.password);
  const before = withDb((db) => db.prepare("SELECT value_json FROM answer WHERE assessment_id = ? AND layer = 'self' AND item_id = 'B.I.1.a'").pluck().get(draft));
  await page.goto(`/assessments/${draft}/areas/B.I.1`);
  await waitForHydration(page);
  const card = page.getByTestId("item-B.I.1.a");
  await card.locator('input[name="value"]').fill("5");
  const error = card.getByTestId("field-error");
  await error.waitFor();
  expect(await error.textContent()).toBe("5 di luar rentang 0–4.");
  expect(await card.locator('input[name="value"]').getAttribute("aria-invalid")).toBe("true");
  expect(await card.getByTestId("save-state-B.I.1.a").count()).toBe(0);
  const after = withDb((db) => db.prepare("SELECT value_json FROM answer WHERE assessment_id = ? AND layer = 'self' AND item_id = 'B.I.1.a'").pluck().get(draft));
  expect(after).toEqual(before);
});
