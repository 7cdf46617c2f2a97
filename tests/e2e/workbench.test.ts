/**
 * Acceptance 1 of the workbench (issue #4), on the production build in Chromium: the demo assessor
 * fills area A.I.1 of the KLP-JKT draft by keyboard only, attaches a PDF and a link, sees the live
 * score equal the server's, submits; the coordinator sends one item back; the assessor fixes it and
 * resubmits; the coordinator finalises; the snapshot total equals `cermin score` on the same answers.
 */
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { expect, test } from "vitest";
import { pdf } from "../fixtures/evidence/files";
import { CONFIRMATION_ASKED, loginViaForm, newSession, openItemMore, screenshot, waitForHydration, workflowAction } from "../helpers/browser";
import { loginFor, runCli, tempDir, type TestServer } from "../helpers/server";
import { withServerAndBrowser, idNumber, type E2eWorld } from "../helpers/e2e";

const AREA = "A.I.1";
/** Every item of A.I.1 (all option items) and the option index chosen for it by keyboard. */
const PLAN: Array<[string, number]> = [
  ["A.I.1.i.a", 0],
  ["A.I.1.i.b", 1],
  ["A.I.1.ii.a", 0],
  ["A.I.1.ii.b", 0],
  ["A.I.1.ii.c", 2],
  ["A.I.1.iii.a", 1],
  ["A.I.1.iii.b", 3],
  ["A.I.1.iii.c", 2],
  ["A.I.1.iv.a", 1],
  ["A.I.1.iv.b", 0],
  ["A.I.1.iv.c", 1],
  ["A.I.1.iv.d", 0],
];
const RETURNED_ITEM = "A.I.1.ii.b";
const RETURN_NOTE = "Target prioritas belum dilampiri SK; mohon dinilai ulang.";

let server: TestServer, browser: Browser, assessmentId: string, withDb: E2eWorld["withDb"];
withServerAndBrowser((started) => ({ server, browser, withDb, demoDraftId: assessmentId } = started));

/** Presses Tab (or Shift+Tab) until the focused element matches `selector`; fails after `max` presses. */
async function tabTo(page: Page, selector: string, opts: { back?: boolean; max?: number } = {}): Promise<void> {
  for (let i = 0; i < (opts.max ?? 80); i++) {
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return;
    await page.keyboard.press(opts.back ? "Shift+Tab" : "Tab");
  }
  throw new Error(`keyboard focus never reached ${selector}`);
}

const radioSel = (itemId: string) => `[data-testid="item-${itemId}"] input[type="radio"]`;
const noteSel = (itemId: string) => `textarea[id="note-${itemId}"]`;

/**
 * With the focus on an item's radio group, checks option `target` by keyboard: Space when the focused
 * radio is unchecked (nothing chosen yet), then the arrow keys.
 */
async function chooseByKeyboard(page: Page, itemId: string, target: number): Promise<void> {
  const state = () =>
    page.evaluate((sel) => {
      const radios = [...document.querySelectorAll<HTMLInputElement>(sel)];
      return {
        focused: radios.indexOf(document.activeElement as HTMLInputElement),
        checked: radios.findIndex((r) => r.checked),
        count: radios.length,
      };
    }, radioSel(itemId));
  let s = await state();
  expect(s.focused, `keyboard focus is in the options of ${itemId}`).toBeGreaterThanOrEqual(0);
  if (s.checked === -1) {
    await page.keyboard.press("Space");
    s = await state();
  }
  const steps = (target - s.checked + s.count) % s.count;
  for (let i = 0; i < steps; i++) await page.keyboard.press("ArrowDown");
  // A demo answer may already be this option: then only the note typed next changes (and saves) the item.
  expect((await state()).checked, `option ${target} of ${itemId} checked`).toBe(target);
}

async function waitSaved(page: Page, itemIds: string[]): Promise<void> {
  for (const id of itemIds) {
    // Exactly "Tersimpan": "Belum tersimpan" (unsaved) contains it too.
    await page
      .getByTestId(`save-state-${id}`)
      .filter({ hasText: /^Tersimpan$/ })
      .waitFor({ timeout: 20_000 });
  }
}

async function openArea(page: Page): Promise<void> {
  await page.goto(`/assessments/${assessmentId}/areas/${AREA}`);
  await page.getByRole("heading", { level: 1, name: `${AREA} Manajemen Perubahan` }).waitFor();
  await waitForHydration(page);
}

async function overviewAction(page: Page, button: string, status: string): Promise<boolean> {
  await page.goto(`/assessments/${assessmentId}`);
  await waitForHydration(page);
  return workflowAction(page, button, status);
}

test("assessor fills an area by keyboard with evidence; review, return, fix, finalise; snapshot equals the CLI", async () => {
  const assessorLogin = loginFor(server.logins, "assessor");
  const coordinatorLogin = loginFor(server.logins, "coordinator");
  const assessor = await newSession(browser, server.baseUrl, { allow: [CONFIRMATION_ASKED] });
  const a = assessor.page;
  await loginViaForm(a, assessorLogin.email, assessorLogin.password);

  // From the list to the overview to the area, as a user would.
  await a.getByTestId("main-menu").getByRole("link", { name: "Penilaian" }).click();
  await a
    .getByTestId("assessments")
    .locator("tr", { hasText: "2025" })
    .getByRole("link", { name: "Kantor Layanan Perizinan Jakarta" })
    .click();
  await a.waitForURL(`**/assessments/${assessmentId}`);
  await a.getByRole("link", { name: `${AREA} Manajemen Perubahan` }).click();
  await a.getByRole("heading", { level: 1, name: `${AREA} Manajemen Perubahan` }).waitFor();
  await waitForHydration(a);

  // ---- Keyboard only: Tab into each radio group, Space/arrows to choose, Tab to the note and type.
  const areaBefore = (await a.getByTestId("live-area").textContent())!.trim();
  await a.locator("body").focus();
  for (const [itemId, target] of PLAN) {
    await tabTo(a, radioSel(itemId));
    await chooseByKeyboard(a, itemId, target);
    await tabTo(a, noteSel(itemId));
    await a.keyboard.type(`Kondisi ${itemId}: sesuai dokumen 2025.`);
  }
  // Shift+Tab back to the last item's options and correct the choice there, still by keyboard.
  const [lastId] = PLAN[PLAN.length - 1]!;
  await tabTo(a, radioSel(lastId), { back: true });
  await a.keyboard.press("ArrowDown");
  PLAN[PLAN.length - 1] = [lastId, 1];
  await waitSaved(
    a,
    PLAN.map(([id]) => id),
  );
  expect(await a.locator('[data-testid^="conflict-"]').count()).toBe(0);

  // ---- Evidence: a PDF on the first item, a link on the second.
  const [fileItem, linkItem] = [PLAN[0]![0], PLAN[1]![0]];
  await openItemMore(a, fileItem);
  const filePanel = a.getByTestId(`evidence-panel-${fileItem}`);
  const uploadForm = filePanel.locator("form").filter({ has: a.locator('input[type="file"]') });
  await uploadForm
    .locator('input[type="file"]')
    .setInputFiles({ name: "sk-tim-zi-2025.pdf", mimeType: "application/pdf", buffer: Buffer.from(pdf("SK Tim ZI")) });
  await uploadForm.getByLabel("Tanggal dokumen (opsional)").fill("2025-03-14");
  await uploadForm.getByRole("button", { name: "Unggah berkas" }).click();
  const fileRow = filePanel.locator("li", { hasText: "sk-tim-zi-2025.pdf" });
  await fileRow.waitFor();
  expect(await fileRow.textContent()).toContain("PDF");
  await openItemMore(a, linkItem);
  const linkPanel = a.getByTestId(`evidence-panel-${linkItem}`);
  await linkPanel.locator("summary", { hasText: "Tambah tautan" }).click();
  await linkPanel.getByLabel("Alamat tautan (http/https)").fill("https://zi.kemendemo.test/notulen/seleksi-tim");
  await linkPanel.getByLabel("Nama tautan").fill("Notulen seleksi anggota tim");
  await linkPanel.locator("form button[type=submit]", { hasText: "Tambah tautan" }).click();
  await linkPanel.getByRole("link", { name: "Notulen seleksi anggota tim" }).waitFor();
  // The PDF downloads through the authorised route as an attachment, byte for byte.
  const download = await a.request.get((await fileRow.getByRole("link").getAttribute("href"))!);
  expect(download.status()).toBe(200);
  expect(download.headers()["content-disposition"]).toMatch(/^attachment;/);
  expect(Buffer.from(await download.body()).equals(Buffer.from(pdf("SK Tim ZI")))).toBe(true);

  // ---- Live score = server score: after a reload of the area, and on the overview.
  const live = (await a.getByTestId("live-total").textContent())!.trim();
  const liveArea = (await a.getByTestId("live-area").textContent())!.trim();
  expect(liveArea, "the live area score moved while filling").not.toBe(areaBefore);
  await screenshot(a, "e2e-workbench-area-filled");
  await openArea(a);
  expect((await a.getByTestId("live-total").textContent())!.trim()).toBe(live);
  expect((await a.getByTestId("live-area").textContent())!.trim()).toBe(liveArea);
  const chosen: Record<string, string | null> = {};
  for (const [itemId, target] of PLAN) {
    chosen[itemId] = await a.locator(radioSel(itemId)).nth(target).getAttribute("value");
    expect(await a.locator(radioSel(itemId)).nth(target).isChecked(), `${itemId} kept option ${target}`).toBe(true);
    expect(await a.locator(noteSel(itemId)).inputValue()).toBe(`Kondisi ${itemId}: sesuai dokumen 2025.`);
  }
  await a.goto(`/assessments/${assessmentId}`);
  expect((await a.getByTestId("server-total").textContent())!.trim()).toBe(live);

  // ---- Submit to the coordinator: most items are unanswered, so the server lists them and asks to confirm (issue #27).
  await a.goto(`/assessments/${assessmentId}`);
  expect(await a.getByTestId("completeness").textContent()).toMatch(/^\d+ dari \d+ butir terjawab$/);
  await waitForHydration(a);
  // The readiness check names each unanswered item as a link to its card on its area page (issue #27).
  const unanswered = a.getByTestId("readiness-unanswered");
  if ((await unanswered.locator("details").count()) > 0) await unanswered.locator("summary").click();
  const firstGap = unanswered.locator("a").first();
  const gapHref = (await firstGap.getAttribute("href"))!;
  expect(gapHref).toMatch(
    new RegExp(`^/assessments/${assessmentId}/areas/[^#]+#item-${(await firstGap.textContent())!.replace(/\./g, "\\.")}$`),
  );
  await firstGap.click();
  await a.waitForURL((u) => `${u.pathname}${u.hash}` === gapHref);
  await a.locator(`[id="${gapHref.split("#")[1]}"]`).waitFor();
  await a.goto(`/assessments/${assessmentId}`);
  await waitForHydration(a);
  await a.getByRole("button", { name: "Ajukan ke koordinator", exact: true }).click();
  await a.getByTestId("gaps-submit").waitFor();
  expect(await a.getByTestId("assessment-status").textContent()).toBe("Draf");
  expect(await a.getByTestId("gaps-unanswered").locator("a").count()).toBeGreaterThan(0);
  expect(await a.getByTestId("gaps-unanswered").locator("a").first().getAttribute("href")).toMatch(
    new RegExp(`^/assessments/${assessmentId}/areas/[^#]+#item-`),
  );
  await a.getByTestId("confirm-submit").check();
  await a.getByRole("button", { name: "Ajukan ke koordinator", exact: true }).click();
  await a.getByTestId("assessment-status").filter({ hasText: "Diajukan ke koordinator" }).waitFor();

  // ---- The coordinator sends one item back with a note.
  const coordinator = await newSession(browser, server.baseUrl, { allow: [CONFIRMATION_ASKED] });
  const c = coordinator.page;
  await loginViaForm(c, coordinatorLogin.email, coordinatorLogin.password);
  await openArea(c);
  const returnedCard = c.getByTestId(`item-${RETURNED_ITEM}`);
  await returnedCard.getByLabel("Catatan untuk asesor").fill(RETURN_NOTE);
  await returnedCard.getByRole("button", { name: "Kembalikan ke asesor" }).click();
  await returnedCard.locator(".tag", { hasText: "Dikembalikan" }).waitFor();

  // ---- The assessor sees exactly that item editable, with the note; fixes it and resubmits.
  await openArea(a);
  for (const [itemId] of PLAN) {
    const editable = itemId === RETURNED_ITEM;
    const card = a.getByTestId(`item-${itemId}`);
    expect(await card.locator('input[type="radio"]').first().isEnabled(), `${itemId} editable`).toBe(editable);
    expect(await card.locator("textarea[name=note]").isEnabled(), `${itemId} note editable`).toBe(editable);
    // Answers save themselves once the page runs: no Save button on either (issue #28), only the state.
    expect(await card.getByRole("button", { name: "Simpan jawaban" }).count()).toBe(0);
  }
  await a.getByTestId(`item-${RETURNED_ITEM}`).getByText(`Catatan koordinator: ${RETURN_NOTE}`).waitFor();
  await a.locator("body").focus();
  await tabTo(a, radioSel(RETURNED_ITEM));
  await chooseByKeyboard(a, RETURNED_ITEM, 1);
  await tabTo(a, noteSel(RETURNED_ITEM));
  await a.keyboard.press("End");
  await a.keyboard.type(" Diperbaiki: hanya sebagian target relevan.");
  await waitSaved(a, [RETURNED_ITEM]);
  chosen[RETURNED_ITEM] = await a.locator(radioSel(RETURNED_ITEM)).nth(1).getAttribute("value");
  await overviewAction(a, "Ajukan ke koordinator", "Diajukan ke koordinator");

  // ---- The coordinator finalises: locked, with a snapshot.
  await overviewAction(c, "Finalisasi dan kunci", "Final (terkunci)");
  const snapshotText = (await c.getByTestId("snapshot").textContent())!;
  await screenshot(c, "e2e-workbench-finalised-overview");

  // ---- The final answers from the database, scored by the CLI.
  const db = withDb((d) => ({
    answers: d
      .prepare("SELECT item_id, value_json FROM answer WHERE assessment_id = ? AND layer = 'self' AND value_json IS NOT NULL")
      .all(assessmentId) as {
      item_id: string;
      value_json: string;
    }[],
    snapshot: d.prepare("SELECT total, answers_json FROM score_snapshot WHERE assessment_id = ? AND layer = 'self'").all(assessmentId) as {
      total: number;
      answers_json: string;
    }[],
    area: d
      .prepare("SELECT item_id, value_json, note FROM answer WHERE assessment_id = ? AND layer = 'self' AND item_id LIKE 'A.I.1.%'")
      .all(assessmentId) as {
      item_id: string;
      value_json: string;
      note: string;
    }[],
  }));
  const answers = Object.fromEntries(db.answers.map((r) => [r.item_id, JSON.parse(r.value_json) as unknown]));
  expect(Object.fromEntries(db.area.map((r) => [r.item_id, JSON.parse(r.value_json) as unknown]))).toEqual(chosen);
  expect(db.area.find((r) => r.item_id === RETURNED_ITEM)?.note).toContain("Diperbaiki");
  const dir = tempDir("cermin-e2e-score-");
  const file = path.join(dir, "answers.json");
  fs.writeFileSync(file, JSON.stringify(answers, null, 2));
  const cli = await runCli(["score", "zi-2021", file, "--json"], server.dataDir);
  fs.rmSync(dir, { recursive: true, force: true });
  expect(cli.code, cli.stderr).toBe(0);
  const scored = JSON.parse(cli.stdout) as { total: number; nodes: Record<string, { value: number }> };

  expect(db.snapshot).toHaveLength(1);
  expect(db.snapshot[0]!.total).toBe(scored.total);
  expect(JSON.parse(db.snapshot[0]!.answers_json)).toEqual(answers);
  expect(snapshotText).toContain(`Rekaman nilai final: ${idNumber(scored.total)} (`);
  expect((await c.getByTestId("server-total").textContent())!.trim()).toBe(idNumber(scored.total));
  // The area value the live score showed is the engine's value for A.I.1 on the final answers.
  await openArea(a);
  expect((await a.getByTestId("live-area").textContent())!.trim()).toBe(idNumber(scored.nodes[AREA]!.value));
  expect((await a.getByTestId("live-total").textContent())!.trim()).toBe(idNumber(scored.total));
  expect(await a.locator('input[type="radio"]:enabled').count(), "nothing editable once final").toBe(0);
  expect(server.errors()).toBe("");
}, 180_000);
