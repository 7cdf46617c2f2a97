/**
 * Issue #14, the seal half of acceptance 4, on the production build in Chromium: the demo assessor
 * submits the KLP-JKT draft; the overview links the receipt (hash, QR code, signer); the receipt
 * JSON downloads and verifies offline with the public key from the about page (`cermin verify
 * --receipt`); the verify page says the submission is intact, and names the item after a change
 * made behind the app's back; `cermin verify <id>` agrees.
 */
import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import type { Browser } from "playwright-core";
import { expect, test } from "vitest";
import { CONFIRMATION_ASKED, loginViaForm, newSession, screenshot, waitForHydration, workflowAction } from "../helpers/browser";
import { loginFor, runCli, type TestServer } from "../helpers/server";
import { withServerAndBrowser } from "../helpers/e2e";

let server: TestServer;
let browser: Browser;

withServerAndBrowser((started) => ({ server, browser } = started));

test("submit seals the assessment; the receipt verifies online and offline; a change behind the app's back is named", async () => {
  const db = new SQLite(path.join(server.dataDir, "cermin.db"));
  const id = db
    .prepare(
      `SELECT a.id FROM assessment a JOIN unit u ON u.id = a.unit_id JOIN period p ON p.id = a.period_id
       WHERE u.code = 'KLP-JKT' AND p.year = 2025 AND a.status = 'draft'`,
    )
    .pluck()
    .get() as string;
  const login = loginFor(server.logins, "assessor");
  const { page } = await newSession(browser, server.baseUrl, { allow: [CONFIRMATION_ASKED] });
  await loginViaForm(page, login.email, login.password);
  await page.goto(`/assessments/${id}`);
  await waitForHydration(page);
  await workflowAction(page, "Ajukan ke koordinator", "Diajukan ke koordinator");

  // ---- The receipt: hash, QR code, signer; the JSON file downloads.
  await page.getByTestId("receipt-link").click();
  await page.getByRole("heading", { level: 1, name: "Tanda terima penyerahan" }).waitFor();
  const hash = (await page.getByTestId("receipt-hash").textContent())!.trim();
  expect(hash).toMatch(/^[0-9a-f]{64}$/);
  expect(await page.getByTestId("receipt-qr").locator("svg").count()).toBe(1);
  expect(await page.getByTestId("receipt").textContent()).toContain(login.email);
  await screenshot(page, "e2e-seal-receipt");
  const download = await page.request.get((await page.getByTestId("receipt-download").getAttribute("href"))!);
  expect(download.status()).toBe(200);
  const receiptText = await download.text();
  expect(JSON.parse(receiptText)).toMatchObject({ assessmentId: id, seq: 1, event: "submit", documentHash: hash });

  // ---- Offline: the public key from the about page, the CLI without the database.
  await page.goto("/about");
  const pem = (await page.getByTestId("public-key").textContent())!;
  const dir = fs.mkdtempSync(path.join(server.dataDir, "offline-"));
  fs.writeFileSync(path.join(dir, "receipt.json"), receiptText);
  fs.writeFileSync(path.join(dir, "key.pem"), pem);
  const offline = await runCli(["verify", "--receipt", path.join(dir, "receipt.json"), "--public-key", path.join(dir, "key.pem")], path.join(dir, "no-data"));
  expect(offline.code, offline.stdout + offline.stderr).toBe(0);
  fs.writeFileSync(path.join(dir, "receipt.json"), receiptText.replace(hash, hash.replace(/.$/, (c) => (c === "0" ? "1" : "0"))));
  expect((await runCli(["verify", "--receipt", path.join(dir, "receipt.json"), "--public-key", path.join(dir, "key.pem")], path.join(dir, "no-data"))).code).toBe(1);

  // ---- Online: intact; then a note changed in the database is named on the page and by the CLI.
  await page.goto(`/assessments/${id}/verify`);
  expect(await page.getByTestId("verify-result").textContent()).toContain("Utuh");
  const item = db.prepare("SELECT item_id FROM answer WHERE assessment_id = ? AND layer = 'self' AND value_json IS NOT NULL ORDER BY item_id LIMIT 1").pluck().get(id) as string;
  db.prepare("UPDATE answer SET note = 'diubah diam-diam' WHERE assessment_id = ? AND layer = 'self' AND item_id = ?").run(id, item);
  db.close();
  await page.reload();
  expect(await page.getByTestId("verify-result").textContent()).toContain("Tidak utuh");
  const row = page.getByTestId("verify-mismatches").locator("tr", { hasText: item });
  expect(await row.textContent()).toContain("diubah diam-diam");
  const cli = await runCli(["verify", id], server.dataDir);
  expect(cli.code).toBe(1);
  expect(cli.stdout).toContain(`✗ answer ${item}: note changed`);
});
