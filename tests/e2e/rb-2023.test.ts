/**
 * Acceptance 3 of issue #13, on the production build in Chromium: the regency's organisation admin
 * opens the 2026 period; the regency's RB coordinator rolls out the Evaluasi RB worksheet — the form
 * proposes rb-2023-kabkota for a Kab/Kota — fills every row with evidence, sees the Indeks RB and its
 * predicate, marks one row not applicable with a reason and sees the renormalised RB General.
 */
import path from "node:path";
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { expect, test } from "vitest";
import { parseInstrument } from "~/domain/instrument/parse";
import { outlineOf } from "~/domain/instrument/outline";
import { pdf } from "../fixtures/evidence/files";
import { loginViaForm, newSession, openItemMore, screenshot, waitForHydration } from "../helpers/browser";
import { loginFor, ROOT, type TestServer } from "../helpers/server";
import { withServerAndBrowser, idNumber, type E2eWorld } from "../helpers/e2e";

const instrument = parseInstrument(readFileSync(path.join(ROOT, "content/instruments/rb-2023-kabkota.yaml"), "utf8"), "rb-2023-kabkota.yaml");
const outline = outlineOf(instrument);
/** Rows answered below their maximum; every other row (but the koefisien, the evaluator's) at its maximum. */
const HALF = "B101.a";
const NA_ROW = "B102.a";
const NA_REASON = "Belum ada penyederhanaan struktur organisasi pada tahun 2026.";

let server: TestServer;
let browser: Browser;

let withDb: E2eWorld["withDb"];

withServerAndBrowser((started) => ({ server, browser, withDb } = started));

const idInput = (n: number) => String(n).replace(".", ",");

async function waitSaved(page: Page, itemId: string): Promise<void> {
  await page
    .getByTestId(`save-state-${itemId}`)
    .filter({ hasText: /^Tersimpan$/ })
    .waitFor({ timeout: 20_000 });
}

test("roll out rb-2023-kabkota to the regency, fill it with evidence, see Indeks RB, predicate and the renormalised score", async () => {
  const regencyId = withDb((db) => db.prepare(`SELECT id FROM organisation WHERE code = 'KABDEMO'`).pluck().get() as string);

  // ---- The organisation admin opens the 2026 period.
  const admin = await newSession(browser, server.baseUrl);
  const orgAdmin = loginFor(server.logins, "org_admin", "kabdemo");
  await loginViaForm(admin.page, orgAdmin.email, orgAdmin.password);
  await admin.page.goto(`/admin/organisations/${regencyId}/periods`);
  await admin.page.locator("#add-year").fill("2026");
  await admin.page.getByRole("button", { name: "Tambah periode" }).click();
  await admin.page.getByRole("cell", { name: "2026", exact: true }).first().waitFor();

  // ---- The coordinator rolls out; the form proposes the 2024 Kab/Kota worksheet for the period (rb-2023 applies
  // up to 2023 and is labelled historical), and the coordinator takes the 2023 one on purpose.
  // The refused save of a not-applicable row without its reason is a 400 the browser logs: expected here.
  const coordinator = await newSession(browser, server.baseUrl, { allow: [/status of 400 \(Bad Request\)/] });
  const c = coordinator.page;
  const login = loginFor(server.logins, "coordinator", "kabdemo");
  await loginViaForm(c, login.email, login.password);
  await c.goto("/assessments");
  await waitForHydration(c);
  const period = c.locator("#periodId");
  const value2026 = await period.locator("option", { hasText: "2026" }).getAttribute("value");
  await period.selectOption(value2026!);
  const select = c.getByTestId("rollout-instrument");
  expect(await select.inputValue()).toBe("rb-2024-kabkota");
  expect(await select.locator("option:checked").textContent()).toContain("diusulkan");
  expect(await select.locator('option[value="pmprb-2014"]').textContent()).toContain("historis");
  expect(await select.locator('option[value="rb-2023-kabkota"]').textContent()).toContain("historis");
  await select.selectOption("rb-2023-kabkota");
  await c.getByLabel("Sekretariat Daerah").check();
  await c.getByLabel(/Mulai dari jawaban/).uncheck();
  await c.getByRole("button", { name: "Buat penilaian" }).click();
  await c.getByRole("status").filter({ hasText: /1/ }).waitFor();
  const assessmentId = withDb(
    (db) =>
      db
        .prepare(
          `SELECT a.id FROM assessment a JOIN unit u ON u.id = a.unit_id JOIN period p ON p.id = a.period_id
           WHERE u.code = 'SETDA' AND p.year = 2026 AND a.instrument_id = 'rb-2023-kabkota'`,
        )
        .pluck()
        .get() as string,
  );
  expect(assessmentId).toBeTruthy();

  // ---- Every row, one page per component (issue #27: A, B, C, Tematik — not 41 pages), as the coordinator would from the letters.
  let expectedGeneral = 0;
  let expectedTematik = 0;
  expect(outline.pages.length).toBeLessThanOrEqual(6);
  for (const page of outline.pages) {
    const items = page.groups.flatMap((g) => g.items.map((item) => ({ item, weight: g.weight, group: g.id })));
    if (items.every(({ item }) => item.type === "coefficient")) continue;
    await c.goto(`/assessments/${assessmentId}/areas/${page.id}`);
    await waitForHydration(c);
    // The navigator lists the components, each row of this one is on the page, and no spec tag shows.
    expect(await c.locator(".area-nav li").count()).toBe(outline.pages.length);
    expect(await c.locator("article.item-card").count()).toBe(items.length);
    expect(await c.locator("main").textContent()).not.toMatch(/\[I\]|A1 eval/);
    for (const { item, weight } of items) {
      const max = item.type === "external_points" ? weight : item.scale!.max;
      const value = item.id === HALF ? max / 2 : max;
      await c.locator(`[id="a-${item.id}-value"]`).fill(idInput(value));
      await waitSaved(c, item.id);
      const points = (value / max) * weight;
      if (outline.areas.find((a) => a.id === outline.areaOfItem.get(item.id))!.path[0] === "RB Tematik") expectedTematik += points;
      else expectedGeneral += points;
    }
  }
  // A row's own address opens its component's page (links from readiness, notifications, the overview).
  await c.goto(`/assessments/${assessmentId}/areas/B105`);
  expect(await c.locator("h1").textContent()).toContain(outline.pages.find((p) => p.areaIds.includes("B105"))!.label);
  expect(expectedGeneral).toBeCloseTo(99, 9);
  expect(expectedTematik).toBeCloseTo(20, 9);

  // ---- Evidence on the rows that take another institution's letter: the SAKIP report (PDF) and a link.
  await c.goto(`/assessments/${assessmentId}/areas/B105`);
  await waitForHydration(c);
  await openItemMore(c, "B105.a");
  const filePanel = c.getByTestId("evidence-panel-B105.a");
  const upload = filePanel.locator("form").filter({ has: c.locator('input[type="file"]') });
  await upload.locator('input[type="file"]').setInputFiles({ name: "lhe-sakip-2025.pdf", mimeType: "application/pdf", buffer: Buffer.from(pdf("LHE SAKIP")) });
  await upload.getByRole("button", { name: "Unggah berkas" }).click();
  await filePanel.locator("li", { hasText: "lhe-sakip-2025.pdf" }).waitFor();
  await c.goto(`/assessments/${assessmentId}/areas/B201`);
  await waitForHydration(c);
  await openItemMore(c, "B201.a");
  const linkPanel = c.getByTestId("evidence-panel-B201.a");
  await linkPanel.locator("summary", { hasText: "Tambah tautan" }).click();
  await linkPanel.getByLabel("Alamat tautan (http/https)").fill("https://kasn.go.id/penilaian-sistem-merit/kab-contoh-2025");
  await linkPanel.getByLabel("Nama tautan").fill("Hasil penilaian Sistem Merit KASN");
  await linkPanel.locator("form button[type=submit]", { hasText: "Tambah tautan" }).click();
  await linkPanel.getByRole("link", { name: "Hasil penilaian Sistem Merit KASN" }).waitFor();

  // ---- Indeks RB and predicate on the overview (the server's score).
  await c.goto(`/assessments/${assessmentId}`);
  const before = 99 + 20;
  expect((await c.getByTestId("server-total").textContent())!.trim()).toBe(idNumber(before));
  expect(await c.getByTestId("score-summary").textContent()).toContain("AA");
  expect((await c.getByTestId("index-applicable").textContent())!.trim()).toBe(idNumber(100));

  // ---- One row does not apply: without a reason it is refused, with one the index is renormalised.
  await c.goto(`/assessments/${assessmentId}/areas/B102`);
  await waitForHydration(c);
  const card = c.getByTestId(`item-${NA_ROW}`);
  await card.getByLabel("Tidak berlaku (N/A)").check();
  await card.getByText("Butir yang tidak berlaku wajib disertai alasan").waitFor();
  await c.locator(`textarea[id="note-${NA_ROW}"]`).fill(NA_REASON);
  await waitSaved(c, NA_ROW);
  // RB General: 99 − 2 (the row's points) = 97 over the applicable 98.
  const after = (97 / 98) * 100 + 20;
  await c.getByTestId("live-total").filter({ hasText: idNumber(after) }).waitFor();
  expect((await c.getByTestId("index-applicable").textContent())!.trim()).toBe(idNumber(98));
  expect((await c.getByTestId("index-adjusted").textContent())!.trim()).toBe(idNumber((97 / 98) * 100));
  await screenshot(c, "e2e-rb-2023-not-applicable");
  await c.goto(`/assessments/${assessmentId}`);
  expect((await c.getByTestId("server-total").textContent())!.trim()).toBe(idNumber(after));
  expect((await c.getByTestId("index-na").textContent())!.trim()).toBe("B102");
  const stored = withDb((db) => db.prepare(`SELECT value_json, note FROM answer WHERE assessment_id = ? AND item_id = ? AND layer = 'self'`).get(assessmentId, NA_ROW)) as {
    value_json: string;
    note: string;
  };
  expect(JSON.parse(stored.value_json)).toBe("N/A");
  expect(stored.note).toBe(NA_REASON);

  // ---- The regency's organisation admin reads the worksheet: the fields look disabled and the page says why.
  await admin.page.goto(`/assessments/${assessmentId}/areas/B`);
  await admin.page.getByTestId("read-only-why").filter({ hasText: "Hanya tim penilai unit ini" }).waitFor();
  expect(await admin.page.locator(`[id="a-${HALF}-value"]`).isDisabled()).toBe(true);
  const fill = await admin.page.locator(`[id="a-${HALF}-value"]`).evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(fill).not.toBe("rgb(255, 255, 255)");
  await screenshot(admin.page, "e2e-rb-2023-org-admin-read-only");

  // ---- In English the worksheet reads in English where the instrument has English texts.
  await c.goto(`/assessments/${assessmentId}/areas/A`);
  await c.getByTestId("language-switch").click();
  await c.locator("h1").filter({ hasText: instrument.tree[0]!.label_en! }).waitFor();
  const a101 = instrument.tree[0]!.areas![0]!;
  expect(await c.locator("main").textContent()).toContain(a101.items![0]!.question_en!);
  expect(await c.locator("main").textContent()).toContain("Scored by: National evaluator");
  await c.goto(`/assessments/${assessmentId}`);
  const aa = instrument.evaluation.predicate_bands.find((b) => b.code === "AA")!;
  const summaryText = await c.getByTestId("score-summary").textContent();
  expect(summaryText).toContain(`AA (${aa.label_en})`);
  expect(summaryText).not.toContain(aa.label);
  await screenshot(c, "e2e-rb-2023-english");
});
