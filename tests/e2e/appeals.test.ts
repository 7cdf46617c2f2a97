/**
 * Acceptance 2 of issue #30 (sanggah), on the production build in Chromium: the regency's team appeals
 * one row of its released 2024 RB results within the window with a PDF; the national evaluator (the
 * demo's system administrator) accepts with a new value, which re-scores the layer and writes an appeal
 * seal; the team sees the new index and the response, and the receipt carries the appeal. Then in English
 * and on a 390 px phone without sideways scrolling.
 */
import type { Browser } from "playwright-core";
import { expect, test } from "vitest";
import { pdf } from "../fixtures/evidence/files";
import { loginViaForm, newSession, screenshot, waitForHydration } from "../helpers/browser";
import { idNumber, withServerAndBrowser, type E2eWorld } from "../helpers/e2e";
import { loginFor, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: Browser;
let withDb: E2eWorld["withDb"];
withServerAndBrowser((started) => ({ server, browser, withDb } = started));

const REASON = "Rapat evaluasi internal dilaksanakan tiap triwulan; notulen dan daftar hadir terlampir.";
const RESPONSE = "Notulen triwulan I–IV lengkap; nilai disesuaikan.";

test("the regency appeals a row with a PDF, the evaluator accepts with a new value, the team sees the new index and the response", async () => {
  const q = <T>(sql: string, ...args: unknown[]) =>
    withDb(
      (db) =>
        db
          .prepare(sql)
          .pluck()
          .get(...args) as T,
    );
  const assessmentId = q<string>(
    `SELECT a.id FROM assessment a JOIN unit u ON u.id = a.unit_id JOIN period p ON p.id = a.period_id WHERE u.code = 'SETDA' AND p.year = 2024`,
  );
  // A released TPN row the team has not appealed yet, and the team's own value for it.
  const itemId = q<string>(
    `SELECT item_id FROM answer WHERE assessment_id = ? AND layer = 'external' AND value_json IS NOT NULL
       AND item_id NOT IN (SELECT item_id FROM appeal WHERE assessment_id = ?) ORDER BY item_id LIMIT 1`,
    assessmentId,
    assessmentId,
  );
  const teamValue = JSON.parse(
    q<string>("SELECT value_json FROM answer WHERE assessment_id = ? AND layer = 'self' AND item_id = ?", assessmentId, itemId),
  ) as number;
  const totalBefore = q<number>(
    "SELECT total FROM score_snapshot WHERE assessment_id = ? AND layer = 'external' ORDER BY created_at DESC LIMIT 1",
    assessmentId,
  );

  // ---- The regency's coordinator: the window, the row, the form with a PDF.
  const team = await newSession(browser, server.baseUrl);
  const c = team.page;
  const coordinator = loginFor(server.logins, "coordinator", "kabdemo");
  await loginViaForm(c, coordinator.email, coordinator.password);
  await c.goto(`/assessments/${assessmentId}`);
  const card = c.getByTestId("appeal-card");
  expect(await card.textContent()).toMatch(/Masa sanggah hasil .*: s\.d\. \d{1,2} \w+ \d{4}, \d+ hari kerja lagi/);
  await card.getByTestId("appeal-link").click();
  await c.waitForURL(new RegExp(`/assessments/${assessmentId}/appeals`));
  await waitForHydration(c);
  await c.getByRole("link", { name: `Ajukan sanggah butir ${itemId}` }).click();
  const form = c.getByTestId("appeal-form");
  await form.waitFor();
  await form.getByLabel("Alasan sanggah (wajib)").fill(REASON);
  await form
    .getByLabel("Berkas pendukung (wajib)")
    .setInputFiles({ name: "notulen-evaluasi.pdf", mimeType: "application/pdf", buffer: Buffer.from(pdf("Notulen")) });
  await form.getByTestId("appeal-submit").click();
  await c.getByTestId("appeal-filed").waitFor();
  const entry = c.getByTestId("appeal-entry").filter({ hasText: REASON });
  expect(await entry.getAttribute("data-status")).toBe("diajukan");
  expect(await entry.getByTestId("appeal-file").textContent()).toBe("notulen-evaluasi.pdf");
  await screenshot(c, "e2e-appeals-filed");

  // ---- The national evaluator (the demo's admin): the queue, the decide page, accept with a new value.
  const ev = await newSession(browser, server.baseUrl);
  const e = ev.page;
  const admin = loginFor(server.logins, "admin");
  await loginViaForm(e, admin.email, admin.password);
  await e.goto("/evaluations");
  await e.getByTestId("appeal-queue-link").click();
  await e.waitForURL(/\/evaluations\/appeals/);
  const row = e.getByTestId("appeal-queue-row").filter({ hasText: itemId });
  await row.getByRole("link").click();
  await e.getByTestId("appeal-decide").waitFor();
  await waitForHydration(e);
  expect(await e.locator("main").textContent()).toContain(REASON);
  const decide = e.getByTestId("appeal-decide");
  await decide.getByLabel("Terima dan ubah nilai").check();
  await decide.locator('input[type="text"][name="value"]').fill(String(teamValue).replace(".", ","));
  await decide.getByLabel("Tanggapan (wajib, dibaca tim instansi)").fill(RESPONSE);
  await decide.getByTestId("appeal-decide-submit").click();
  await e.getByTestId("appeal-decided").waitFor();
  await screenshot(e, "e2e-appeals-decided");

  // ---- The re-score: a new layer snapshot with a new total, and an appeal seal that verifies.
  const totalAfter = q<number>(
    "SELECT total FROM score_snapshot WHERE assessment_id = ? AND layer = 'external' ORDER BY created_at DESC LIMIT 1",
    assessmentId,
  );
  expect(totalAfter).toBeGreaterThan(totalBefore);
  const seq = q<number>("SELECT MAX(seq) FROM seal WHERE assessment_id = ? AND event = 'appeal'", assessmentId);

  // ---- The team: the new index on the overview, the response on the appeals page, the receipt with the appeal.
  await c.goto(`/assessments/${assessmentId}`);
  expect((await c.getByTestId("unit-effective-total").textContent())!.trim()).toBe(idNumber(totalAfter));
  await c.goto(`/assessments/${assessmentId}/appeals`);
  const decided = c.getByTestId("appeal-entry").filter({ hasText: REASON });
  expect(await decided.getAttribute("data-status")).toBe("diterima");
  expect(await decided.getByTestId("appeal-response").textContent()).toBe(RESPONSE);
  await decided.getByTestId("appeal-seal-link").click();
  await c.waitForURL(new RegExp(`/receipt\\?seal=${seq}`));
  expect(await c.getByTestId("receipt-appeal").textContent()).toContain(itemId);
  await c.goto(`/assessments/${assessmentId}/verify?seal=${seq}`);
  expect(await c.getByTestId("verify-result").textContent()).toContain("Utuh");
  await screenshot(c, "e2e-appeals-receipt");

  // ---- English, then a 390 px phone: the pages read in English and fit without sideways scrolling.
  await waitForHydration(c);
  await c.getByTestId("language-switch").first().click();
  await c.locator("html[lang=en]").waitFor();
  await c.goto(`/assessments/${assessmentId}/appeals`);
  expect(await c.locator("h1").textContent()).toContain("Appeals");
  expect(await c.getByTestId("appeal-entry").filter({ hasText: REASON }).getByTestId("appeal-status").textContent()).toBe("accepted");
  await c.setViewportSize({ width: 390, height: 844 });
  for (const url of [
    `/assessments/${assessmentId}/appeals`,
    `/assessments/${assessmentId}`,
    `/assessments/${assessmentId}/receipt?seal=${seq}`,
  ]) {
    await c.goto(url);
    expect(await c.evaluate(() => document.documentElement.scrollWidth), url).toBeLessThanOrEqual(390);
  }
  await screenshot(c, "e2e-appeals-phone-en");
  await e.setViewportSize({ width: 390, height: 844 });
  for (const url of ["/evaluations/appeals?status=all", "/admin/appeal-windows"]) {
    await e.goto(url);
    expect(await e.evaluate(() => document.documentElement.scrollWidth), url).toBeLessThanOrEqual(390);
  }
});
