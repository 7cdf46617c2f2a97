/**
 * Workbench acceptance 2, 3 and the unit-scope part of 5 (issue #4), on the production build in
 * Chromium, against the demo's draft 2025 assessment of KLP-JKT (each test uses items of its own):
 * saving without JavaScript, two people saving the same item (conflict, nothing lost), and an
 * assessor of KLP-JKT refused everything of KLP-SBY.
 */
import type { Browser, Page } from "playwright-core";
import { beforeAll, expect, test } from "vitest";
import { pdf } from "../fixtures/evidence/files";
import { loginViaForm, newSession, openItemMore, waitForHydration } from "../helpers/browser";
import { loginFor, type TestServer } from "../helpers/server";
import { withServerAndBrowser, type E2eWorld } from "../helpers/e2e";

let server: TestServer;
let browser: Browser;
/** The demo's draft 2025 assessment of KLP-JKT. */
let jktDraft: string;

let withDb: E2eWorld["withDb"];

function assessmentOf(unitCode: string, year: number): { id: string; status: string } | undefined {
  return withDb(
    (db) =>
      db
        .prepare(
          `SELECT a.id, a.status FROM assessment a JOIN unit u ON u.id = a.unit_id JOIN period p ON p.id = a.period_id
           WHERE u.code = ? AND p.year = ? AND a.instrument_id = 'zi-2021'`,
        )
        .get(unitCode, year) as { id: string; status: string } | undefined,
  );
}

function answerRow(assessmentId: string, itemId: string): { value_json: string | null; version: number } | undefined {
  return withDb(
    (db) =>
      db
        .prepare("SELECT value_json, version FROM answer WHERE assessment_id = ? AND layer = 'self' AND item_id = ?")
        .get(assessmentId, itemId) as { value_json: string | null; version: number } | undefined,
  );
}

withServerAndBrowser((started) => ({ server, browser, withDb } = started));

beforeAll(() => {
  const draft = assessmentOf("KLP-JKT", 2025);
  expect(draft?.status, "the demo seeds a draft 2025 assessment for KLP-JKT").toBe("draft");
  jktDraft = draft!.id;
});

async function openArea(page: Page, assessmentId: string, area: string): Promise<void> {
  await page.goto(`/assessments/${assessmentId}/areas/${area}`);
  await page.getByRole("heading", { level: 1 }).filter({ hasText: area }).waitFor();
  await waitForHydration(page);
}

/** The option codes of an item as rendered, and one that differs from the stored answer (and from `avoid`). */
async function otherOption(page: Page, itemId: string, stored: string | null, avoid: string[] = []): Promise<string> {
  const codes = await page
    .getByTestId(`item-${itemId}`)
    .locator('input[type="radio"]')
    .evaluateAll((rs) => rs.map((r) => (r as HTMLInputElement).value));
  const code = codes.find((c) => c !== stored && !avoid.includes(c));
  if (!code) throw new Error(`no free option for ${itemId} in ${codes.join(", ")}`);
  return code;
}

const storedCode = (row: { value_json: string | null } | undefined) => (row?.value_json ? (JSON.parse(row.value_json) as string) : null);

/** A browser context with JavaScript disabled (no console watching needed: no script runs). */
const noScriptContext = () =>
  browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });

/** Signs the demo assessor in with a plain form post. */
async function loginWithoutScript(page: Page): Promise<void> {
  const login = loginFor(server.logins, "assessor");
  await page.goto("/login");
  await page.getByLabel("Email", { exact: true }).fill(login.email);
  await page.getByLabel("Kata sandi", { exact: true }).fill(login.password);
  await page.getByRole("button", { name: "Masuk", exact: true }).click();
  await page.getByTestId("current-user").waitFor();
  expect(await page.evaluate(() => "__remixRouter" in window).catch(() => false), "no client code runs").toBe(false);
}

/** Posts one item's form on a page without JavaScript; resolves with the document response. */
async function postItem(page: Page, itemId: string, code: string) {
  const card = page.getByTestId(`item-${itemId}`);
  await card.locator(`input[type="radio"][value="${code}"]`).check();
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && r.request().resourceType() === "document"),
    card.getByRole("button", { name: /^(Simpan jawaban|Konfirmasi jawaban)$/ }).click(),
  ]);
  await page.waitForLoadState();
  return response;
}

test("without JavaScript an item is answered and saved with a plain form post", async () => {
  const context = await noScriptContext();
  try {
    const page = await context.newPage();
    await loginWithoutScript(page);

    const itemId = "A.I.2.i.a";
    const before = answerRow(jktDraft, itemId);
    await page.goto(`/assessments/${jktDraft}/areas/A.I.2`);
    const card = page.getByTestId(`item-${itemId}`);
    const code = await otherOption(page, itemId, storedCode(before));
    await card.getByLabel("Catatan (kondisi saat ini)").fill("Disimpan tanpa JavaScript.");
    // Post/redirect/get: the save answers 302 back to the area, which shows the item as saved.
    expect((await postItem(page, itemId, code)).status()).toBe(302);
    await page.getByTestId(`save-state-${itemId}`).filter({ hasText: /^Tersimpan$/ }).waitFor();
    expect(await card.locator(`input[type="radio"][value="${code}"]`).isChecked()).toBe(true);

    // A fresh GET shows the stored answer, and the database has it with the next version.
    await page.goto(`/assessments/${jktDraft}/areas/A.I.2`);
    expect(await page.getByTestId(`item-${itemId}`).locator(`input[type="radio"][value="${code}"]`).isChecked()).toBe(true);
    expect(await page.getByTestId(`item-${itemId}`).getByLabel("Catatan (kondisi saat ini)").inputValue()).toBe(
      "Disimpan tanpa JavaScript.",
    );
    const after = answerRow(jktDraft, itemId);
    expect(after).toEqual({ value_json: JSON.stringify(code), version: (before?.version ?? 0) + 1 });
  } finally {
    await context.close();
  }
});

test("without JavaScript a stale save shows the other value and keeps the user's input", async () => {
  const itemId = "A.I.2.i.b"; // A–E
  const area = `/assessments/${jktDraft}/areas/A.I.2`;
  const stored = storedCode(answerRow(jktDraft, itemId));
  const context = await noScriptContext();
  try {
    const first = await context.newPage();
    await loginWithoutScript(first);
    const second = await context.newPage();
    await first.goto(area);
    await second.goto(area);
    const firstCode = await otherOption(first, itemId, stored);
    const secondCode = await otherOption(second, itemId, stored, [firstCode]);
    expect((await postItem(first, itemId, firstCode)).status()).toBe(302);
    // The second page still carries the old version: refused, and nothing is overwritten.
    expect((await postItem(second, itemId, secondCode)).status()).toBe(409);
    expect(storedCode(answerRow(jktDraft, itemId))).toBe(firstCode);
    // The message names the other value, and the user's choice is still on screen.
    const alert = (await second.locator('main [role="alert"]').allTextContents()).join(" ");
    expect(alert).toContain(`Nilai mereka: ${firstCode} — `);
    expect(await second.getByTestId(`item-${itemId}`).locator(`input[type="radio"][value="${secondCode}"]`).isChecked()).toBe(true);
  } finally {
    await context.close();
  }
});

test("two people save the same item: the second gets the conflict, keeps theirs, and both values are in history", async () => {
  const itemId = "A.I.3.i.b"; // A–D: room for two new values besides the stored one
  const area = "A.I.3";
  const stored = storedCode(answerRow(jktDraft, itemId));
  const first = await newSession(browser, server.baseUrl);
  const second = await newSession(browser, server.baseUrl, { allow: [/status of 409/] });
  const assessorLogin = loginFor(server.logins, "assessor");
  const coordinatorLogin = loginFor(server.logins, "coordinator");
  await loginViaForm(first.page, assessorLogin.email, assessorLogin.password);
  await loginViaForm(second.page, coordinatorLogin.email, coordinatorLogin.password);
  // Both open the area before either saves: both start from the same version.
  await openArea(first.page, jktDraft, area);
  await openArea(second.page, jktDraft, area);
  const firstCode = await otherOption(first.page, itemId, stored);
  const secondCode = await otherOption(second.page, itemId, stored, [firstCode]);

  const firstCard = first.page.getByTestId(`item-${itemId}`);
  await firstCard.locator(`input[type="radio"][value="${firstCode}"]`).check();
  await first.page
    .getByTestId(`save-state-${itemId}`)
    .filter({ hasText: /^Tersimpan$/ })
    .waitFor();

  const secondCard = second.page.getByTestId(`item-${itemId}`);
  await secondCard.locator(`input[type="radio"][value="${secondCode}"]`).check();
  const conflict = second.page.getByTestId(`conflict-${itemId}`);
  await conflict.waitFor();
  const message = (await conflict.textContent()) ?? "";
  expect(message).toContain("Jawaban ini sudah diubah oleh Sari Asesor");
  // The other value as text: the option with its criterion, never JSON.
  expect(message).toContain(`Nilai mereka: ${firstCode} — `);
  // Nothing was overwritten: the database still has the first value, the second is still on screen.
  expect(storedCode(answerRow(jktDraft, itemId))).toBe(firstCode);
  expect(await secondCard.locator(`input[type="radio"][value="${secondCode}"]`).isChecked()).toBe(true);

  await conflict.getByRole("button", { name: "Tetap pakai jawaban saya" }).click();
  await second.page
    .getByTestId(`save-state-${itemId}`)
    .filter({ hasText: /^Tersimpan$/ })
    .waitFor();
  expect(await conflict.count()).toBe(0);
  expect(storedCode(answerRow(jktDraft, itemId))).toBe(secondCode);

  const history = withDb(
    (db) =>
      db
        .prepare(
          "SELECT actor_user_id, before_json, after_json FROM audit_log WHERE entity_id = ? AND action = 'answer.save' ORDER BY at, rowid",
        )
        .all(`${jktDraft}:${itemId}`) as { actor_user_id: string; before_json: string | null; after_json: string }[],
  );
  const values = history.map((h) => (JSON.parse(h.after_json) as { value: unknown }).value);
  expect(values).toContain(firstCode);
  expect(values).toContain(secondCode);
  expect(values.at(-1)).toBe(secondCode);
  // The second save names the first one as what it replaced.
  expect((JSON.parse(history.at(-1)!.before_json!) as { value: unknown }).value).toBe(firstCode);
  // The item's history on the page shows both values too.
  await openArea(first.page, jktDraft, area);
  const shown = (await first.page.getByTestId(`item-${itemId}`).locator("details", { hasText: "Riwayat" }).textContent()) ?? "";
  // In words: the action's name, the options with their criteria, no keys and no JSON.
  expect(shown).toContain("Jawaban disimpan");
  expect(shown).toContain(`${firstCode} — `);
  expect(shown).toContain(`${secondCode} — `);
  expect(shown).not.toContain("answer.save");
  expect(shown).not.toMatch(/[{}]/);
});

test("a decimal comma typed in Indonesian is saved and reads back in the user's locale (#27)", async () => {
  const itemId = "B.I.1.a"; // survey 0–4
  const area = "B.I.1";
  const login = loginFor(server.logins, "coordinator");
  const { page } = await newSession(browser, server.baseUrl);
  // The language switch's own POST (it saves the choice on the account).
  const setLocale = async (locale: "id" | "en") => {
    const res = await page.context().request.post("/language", { form: { locale, redirectTo: "/" }, maxRedirects: 0, headers: { Origin: server.baseUrl } });
    expect(res.status()).toBe(302);
  };
  try {
    await loginViaForm(page, login.email, login.password);
    await setLocale("id");
    await openArea(page, jktDraft, area);
    const field = page.getByTestId(`item-${itemId}`).locator(`[id="a-${itemId}-value"]`);
    expect(await field.getAttribute("type")).toBe("text");
    expect(await field.getAttribute("inputmode")).toBe("decimal");
    await field.fill("3,62");
    await page.getByTestId(`save-state-${itemId}`).filter({ hasText: /^Tersimpan$/ }).waitFor();
    expect(answerRow(jktDraft, itemId)?.value_json).toBe("3.62");

    await openArea(page, jktDraft, area);
    expect(await field.inputValue(), "Indonesian: a decimal comma after reload").toBe("3,62");
    await setLocale("en");
    await openArea(page, jktDraft, area);
    expect(await field.inputValue(), "English: a decimal point").toBe("3.62");
  } finally {
    await setLocale("id");
    await page.context().close();
  }
});

test("an assessor of KLP-JKT gets 404 for KLP-SBY's assessments, their .data endpoint and evidence", async () => {
  const coordinatorLogin = loginFor(server.logins, "coordinator");
  const assessorLogin = loginFor(server.logins, "assessor");
  const coordinator = await newSession(browser, server.baseUrl);
  const c = coordinator.page;
  await loginViaForm(c, coordinatorLogin.email, coordinatorLogin.password);

  // The coordinator creates KLP-SBY's 2025 assessment (carry-forward off: it starts empty).
  await c.goto("/assessments");
  await waitForHydration(c);
  const form = c.locator("section", { has: c.getByRole("heading", { level: 2, name: "Buat penilaian" }) });
  await form.getByLabel("Periode", { exact: true }).selectOption({ label: "2025 — Kementerian Pelayanan Publik (Demo)" });
  await form.getByLabel("Instrumen", { exact: true }).selectOption("zi-2021");
  await form.getByLabel("Kantor Layanan Perizinan Surabaya").check();
  await form.getByLabel(/Mulai dari jawaban dan bukti periode sebelumnya/).uncheck();
  await form.getByRole("button", { name: "Buat penilaian" }).click();
  await form.getByRole("status").filter({ hasText: "1 penilaian dibuat; 0 dilewati karena sudah ada." }).waitFor();
  const sby = assessmentOf("KLP-SBY", 2025);
  expect(sby?.status).toBe("draft");
  expect(withDb((db) => db.prepare("SELECT count(*) FROM answer WHERE assessment_id = ?").pluck().get(sby!.id))).toBe(0);
  const sbyFinal = assessmentOf("KLP-SBY", 2024)!;
  expect(sbyFinal.status).toBe("final");

  // …and attaches a PDF there, so there is an evidence file of KLP-SBY to ask for.
  await openArea(c, sby!.id, "A.I.1");
  await openItemMore(c, "A.I.1.i.a");
  const panel = c.getByTestId("evidence-panel-A.I.1.i.a");
  const upload = panel.locator("form").filter({ has: c.locator('input[type="file"]') });
  await upload
    .locator('input[type="file"]')
    .setInputFiles({ name: "sk-tim-sby.pdf", mimeType: "application/pdf", buffer: Buffer.from(pdf("SBY")) });
  await upload.getByRole("button", { name: "Unggah berkas" }).click();
  const href = (await panel.getByRole("link", { name: "sk-tim-sby.pdf" }).getAttribute("href"))!;
  expect(href).toMatch(/^\/evidence\/[^/]+\/download$/);
  expect((await c.request.get(href)).status(), "the coordinator may download it").toBe(200);

  const assessor = await newSession(browser, server.baseUrl, { allow: [/status of 404/] });
  const a = assessor.page;
  await loginViaForm(a, assessorLogin.email, assessorLogin.password);
  // Controls: the same requests for the assessor's own assessment succeed.
  expect((await a.request.get(`/assessments/${jktDraft}`)).status()).toBe(200);
  expect((await a.request.get(`/assessments/${jktDraft}.data`)).status()).toBe(200);

  const refused = [403, 404];
  for (const id of [sby!.id, sbyFinal.id]) {
    const page = await a.goto(`/assessments/${id}`);
    expect(refused, `overview of ${id}`).toContain(page!.status());
    expect(await a.locator("main").textContent()).not.toContain("Kantor Layanan Perizinan Surabaya");
    expect(refused, `area page of ${id}`).toContain((await a.request.get(`/assessments/${id}/areas/A.I.1`)).status());
    const data = await a.request.get(`/assessments/${id}.data`);
    expect(refused, `.data of ${id}`).toContain(data.status());
    expect(await data.text()).not.toContain("Surabaya");
  }
  const download = await a.request.get(href);
  expect(refused, "evidence download").toContain(download.status());
  expect(await download.text()).not.toContain("%PDF");

  // Writes are refused too, and change nothing.
  const save = await a.request.post(`/assessments/${sby!.id}/answers`, {
    headers: { Origin: server.baseUrl, Accept: "application/json" },
    multipart: { itemId: "A.I.1.i.b", baseVersion: "0", value: "A", note: "" },
  });
  expect(refused, "autosave endpoint").toContain(save.status());
  expect(answerRow(sby!.id, "A.I.1.i.b")).toBeUndefined();

  // The assessor's list does not show KLP-SBY at all.
  await a.goto("/assessments");
  expect(await a.getByTestId("assessments").textContent()).not.toContain("Surabaya");
});
