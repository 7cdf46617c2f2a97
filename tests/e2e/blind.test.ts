/**
 * Penilaian bersama (issue #14) on the production build in Chromium: the coordinator starts a blind
 * round on area A.I.1 of the KLP-JKT 2025 draft with the demo assessor and a second assessor created
 * with the CLI; each fills the area seeing only their own answers and finishes; the coordinator
 * reveals, reads the consensus view and records the consensus; the overview total is `cermin score`
 * of the resulting answers.
 */
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { expect, test } from "vitest";
import { CONFIRMATION_ASKED, loginViaForm, newSession, waitForHydration, workflowAction } from "../helpers/browser";
import { loginFor, runCli, tempDir, type TestServer } from "../helpers/server";
import { withServerAndBrowser, idNumber, type E2eWorld } from "../helpers/e2e";

const AREA = "A.I.1";
const ITEMS = ["A.I.1.i.a", "A.I.1.i.b", "A.I.1.ii.a", "A.I.1.ii.b", "A.I.1.ii.c", "A.I.1.iii.a", "A.I.1.iii.b", "A.I.1.iii.c", "A.I.1.iv.a", "A.I.1.iv.b", "A.I.1.iv.c", "A.I.1.iv.d"];
const SECOND = { email: "asesor2@kemendemo.test", name: "Rudi Asesor Dua", password: "kata-sandi-rudi-2025" };
const NOTE_A = "Catatan rahasia Sari";
const NOTE_B = "Catatan rahasia Rudi";

let server: TestServer, browser: Browser, assessmentId: string, withDb: E2eWorld["withDb"];
withServerAndBrowser((started) => ({ server, browser, withDb, demoDraftId: assessmentId } = started));

const radio = (page: Page, itemId: string, index: number) => page.locator(`[data-testid="item-${itemId}"] input[type="radio"]`).nth(index);

/** Rater A takes the first option everywhere; rater B the second, except on the first item. */
const choice = (rater: "A" | "B", i: number) => (rater === "A" || i === 0 ? 0 : 1);

async function fillBlind(page: Page, rater: "A" | "B", note: string): Promise<void> {
  await page.goto(`/assessments/${assessmentId}/areas/${AREA}`);
  await page.getByTestId("blind-banner").waitFor();
  await waitForHydration(page);
  // Blind: nothing of the team's self layer is shown to a rater.
  for (const id of ITEMS) expect(await page.locator(`[data-testid="item-${id}"] input[type="radio"]:checked`).count(), `${id} starts empty`).toBe(0);
  for (const [i, id] of ITEMS.entries()) {
    await radio(page, id, choice(rater, i)).check();
    if (i === 0) await page.locator(`textarea[id="note-${id}"]`).fill(note);
  }
  for (const id of ITEMS) {
    await page
      .getByTestId(`save-state-${id}`)
      .filter({ hasText: /^Tersimpan$/ })
      .waitFor({ timeout: 20_000 });
  }
  await page.getByRole("button", { name: "Selesai menilai area ini" }).click();
  await page.getByText("Penilaian Anda tercatat selesai.").waitFor();
}

test("two assessors score A.I.1 blind, the coordinator reveals and records the consensus", async () => {
  // A second assessor for KLP-JKT, created with the CLI; they set their password through the link.
  const created = await runCli(["user", "create", "--email", SECOND.email, "--role", "assessor", "--unit", "KLP-JKT", "--name", SECOND.name, "--base-url", server.baseUrl], server.dataDir);
  expect(created.code, created.stderr).toBe(0);
  const link = /(http\S+\/set-password\/\S+)/.exec(created.stdout)![1]!;
  const second = await newSession(browser, server.baseUrl);
  const b = second.page;
  await b.goto(link);
  await waitForHydration(b);
  await b.getByLabel("Kata sandi baru", { exact: true }).fill(SECOND.password);
  await b.getByLabel("Ulangi kata sandi baru", { exact: true }).fill(SECOND.password);
  await b.getByRole("button", { name: "Simpan kata sandi" }).click();
  await b.waitForURL((url) => url.pathname === "/login");
  await loginViaForm(b, SECOND.email, SECOND.password);

  // The coordinator turns on penilaian bersama for A.I.1 with both assessors.
  const coordinatorLogin = loginFor(server.logins, "coordinator");
  const coordinator = await newSession(browser, server.baseUrl, { allow: [CONFIRMATION_ASKED] });
  const c = coordinator.page;
  await loginViaForm(c, coordinatorLogin.email, coordinatorLogin.password);
  await c.goto(`/assessments/${assessmentId}`);
  await c.getByTestId("blind-link").click();
  await c.getByRole("heading", { level: 1, name: "Penilaian bersama" }).waitFor();
  await waitForHydration(c);
  await c.getByLabel(/A\.I\.1 Manajemen Perubahan/).check();
  await c.getByLabel("Sari Asesor").check();
  await c.getByLabel(SECOND.name).check();
  await c.getByRole("button", { name: "Mulai", exact: true }).click();
  await c.getByText("Penilaian bersama dimulai.").waitFor();

  const assessorLogin = loginFor(server.logins, "assessor");
  const first = await newSession(browser, server.baseUrl);
  const a = first.page;
  await loginViaForm(a, assessorLogin.email, assessorLogin.password);
  await fillBlind(a, "A", NOTE_A);
  await fillBlind(b, "B", NOTE_B);
  // Neither saw the other: B's page never carried A's note, and the coordinator sees progress only.
  expect(await b.content()).not.toContain(NOTE_A);
  await c.reload();
  const round = c.getByTestId(`round-${AREA}`);
  expect(await round.textContent()).toContain(`${ITEMS.length}/${ITEMS.length} butir`);
  expect(await c.content()).not.toContain(NOTE_A);

  // Reveal, then the consensus view with both raters' answers and the heat map.
  await waitForHydration(c);
  await round.getByRole("button", { name: "Buka jawaban" }).click();
  await c.getByText("Jawaban individual dibuka.").waitFor();
  await c.getByTestId(`consensus-link-${AREA}`).click();
  await c.getByRole("heading", { level: 1, name: `Konsensus ${AREA} Manajemen Perubahan` }).waitFor();
  const page = await c.content();
  expect(page).toContain(NOTE_A);
  expect(page).toContain(NOTE_B);
  expect(await c.getByTestId("heatmap").locator("tbody tr").count()).toBe(4);
  expect(await c.getByTestId("rater-totals").locator("tr").count()).toBe(2);

  // The team settles on rater A's answers (with two raters either answer is a majority answer).
  for (const id of ITEMS) {
    const card = c.getByTestId(`consensus-${id}`);
    await card.locator('input[type="radio"]').nth(0).check();
    await card.getByRole("button", { name: "Simpan konsensus" }).click();
    await c.waitForURL((url) => url.searchParams.get("saved") === id);
    await c.getByText("Jawaban konsensus tersimpan.").waitFor();
  }

  // The overview total is the engine's score of the self layer, which the consensus now holds.
  const answers = withDb((db) =>
    Object.fromEntries(
      (db.prepare(`SELECT item_id, value_json FROM answer WHERE assessment_id = ? AND layer = 'self' AND value_json IS NOT NULL`).all(assessmentId) as { item_id: string; value_json: string }[]).map((r) => [
        r.item_id,
        JSON.parse(r.value_json) as unknown,
      ]),
    ),
  );
  const options = withDb((db) => db.prepare(`SELECT item_id, value_json FROM answer WHERE assessment_id = ? AND layer = 'self' AND item_id LIKE 'A.I.1.%'`).all(assessmentId) as { item_id: string; value_json: string }[]);
  expect(options).toHaveLength(ITEMS.length);
  const dir = tempDir("cermin-e2e-blind-");
  const file = path.join(dir, "answers.json");
  fs.writeFileSync(file, JSON.stringify(answers));
  const cli = await runCli(["score", "zi-2021", file, "--json"], server.dataDir);
  fs.rmSync(dir, { recursive: true, force: true });
  expect(cli.code, cli.stderr).toBe(0);
  const scored = JSON.parse(cli.stdout) as { total: number };
  await c.goto(`/assessments/${assessmentId}`);
  expect((await c.getByTestId("server-total").textContent())!.trim()).toBe(idNumber(scored.total));
  expect(await c.getByTestId("agreement").textContent()).toContain("Alpha Krippendorff");

  // Submit: the consensus is sealed; the receipt verifies on the verify page and offline with the public key.
  await waitForHydration(c);
  // The coordinator's submit button names what it does for them: lock the answers for finalisation.
  await workflowAction(c, "Ajukan dan kunci isian (siap difinalisasi)", "Diajukan ke koordinator");
  await c.getByTestId("receipt-link").click();
  const hash = (await c.getByTestId("receipt-hash").textContent())!.trim();
  expect(hash).toMatch(/^[0-9a-f]{64}$/);
  expect(await c.getByTestId("receipt-qr").locator("svg").count()).toBe(1);
  const receipt = await c.request.get((await c.getByTestId("receipt-download").getAttribute("href"))!);
  const receiptDir = tempDir("cermin-e2e-receipt-");
  fs.writeFileSync(path.join(receiptDir, "receipt.json"), await receipt.text());
  const offline = await runCli(
    ["verify", "--receipt", path.join(receiptDir, "receipt.json"), "--public-key", path.join(server.dataDir, "seal", "ed25519-public.pem")],
    path.join(receiptDir, "no-data"),
  );
  fs.rmSync(receiptDir, { recursive: true, force: true });
  expect(offline.code, offline.stdout + offline.stderr).toBe(0);
  await c.getByRole("link", { name: "Periksa keutuhan sekarang" }).click();
  expect(await c.getByTestId("verify-result").textContent()).toContain("Utuh");
  // The sealed document holds the consensus (the self layer), which is what the score and exports read.
  const sealed = withDb((db) => db.prepare(`SELECT document_json FROM seal WHERE assessment_id = ? ORDER BY seq DESC LIMIT 1`).pluck().get(assessmentId) as string);
  const selfLayer = (JSON.parse(sealed) as { state: { layers: { self: { item: string; value: unknown }[] } } }).state.layers.self;
  for (const id of ITEMS) expect(selfLayer.find((x) => x.item === id)?.value).toEqual(answers[id]);
  expect(server.errors()).toBe("");
}, 240_000);
