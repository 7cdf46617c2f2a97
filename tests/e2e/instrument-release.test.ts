/**
 * A system administrator publishes a new instrument version without code (issue #13), in the
 * browser: a broken file is refused with every issue listed, a modified ZI worksheet is uploaded and
 * its diff shown, it is published, and a roll-out made afterwards uses the new version.
 */
import type { Browser } from "playwright-core";
import { expect, test } from "vitest";
import { loginViaForm, newSession, screenshot, waitForHydration } from "../helpers/browser";
import { contentText, editYaml, locate, removeItem } from "../helpers/instrument-edits";
import { loginFor, type TestServer } from "../helpers/server";
import { withServerAndBrowser } from "../helpers/e2e";

const NEW_TITLE = "Lembar Kerja Evaluasi Zona Integritas (revisi uji E2E)";
const UNIT = "Balai Pengawasan Makassar";

/** ZI 2021 as 1.1.0: a new title, sub-areas A.I.1.i and A.I.1.iv swap weights, item A.I.1.ii.c is dropped. */
const ziNext = () =>
  editYaml(contentText("zi-2021"), (d) => {
    d.version = "1.1.0";
    d.title = NEW_TITLE;
    locate(d, "A.I.1.i").node.weight = 1.5;
    locate(d, "A.I.1.iv").node.weight = 0.5;
    removeItem(d, "A.I.1.ii.c");
  });

let server: TestServer;
let browser: Browser;

withServerAndBrowser((started) => ({ server, browser } = started));

test("admin uploads a new ZI version, sees the diff, publishes it, and a new roll-out uses it", async () => {
  const admin = loginFor(server.logins, "admin");
  const { page } = await newSession(browser, server.baseUrl, { allow: [/status of 400/] });
  await loginViaForm(page, admin.email, admin.password);

  await page.getByTestId("main-menu").getByRole("link", { name: "Instrumen" }).click();
  await page.getByRole("heading", { level: 1, name: "Versi instrumen" }).waitFor();
  await waitForHydration(page);
  const families = page.getByTestId("instrument-families");
  expect(await families.locator("tr", { hasText: "zi-2021" }).textContent()).toContain("1.0.0");

  // A file whose weights no longer add up: refused, each issue named, nothing stored.
  const broken = editYaml(ziNext(), (d) => (locate(d, "A.I.1.i").node.weight = 9));
  await page
    .locator("#instrument-file")
    .setInputFiles({ name: "zi-rusak.yaml", mimeType: "application/yaml", buffer: Buffer.from(broken) });
  await page.getByRole("button", { name: "Unggah dan bandingkan" }).click();
  const issues = page.getByTestId("instrument-issues");
  await issues.waitFor();
  expect(await issues.textContent()).toContain("Berkas tidak dapat diunggah");
  expect(await issues.locator("li", { hasText: "A.I.1:" }).count()).toBeGreaterThan(0);
  expect(await page.getByText("Belum ada rilis yang diunggah.").count()).toBe(1);
  await screenshot(page, "e2e-instrument-release-invalid");

  // The modified worksheet, with a mapping that drops the removed item on purpose.
  await page
    .locator("#instrument-file")
    .setInputFiles({ name: "zi-2021-1.1.0.yaml", mimeType: "application/yaml", buffer: Buffer.from(ziNext()) });
  await page.locator("#mapping-file").setInputFiles({
    name: "pemetaan.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify({ from: "1.0.0", items: { "A.I.1.ii.c": null } })),
  });
  await page.getByRole("button", { name: "Unggah dan bandingkan" }).click();
  await page.waitForURL(/\/admin\/instruments\/[0-9a-f-]{36}$/);
  await page.getByRole("heading", { level: 1, name: "zi-2021 versi 1.1.0" }).waitFor();
  await waitForHydration(page);
  expect(await page.getByTestId("release-status").textContent()).toBe("Draf");
  expect(await page.getByTestId("release-against").textContent()).toContain("Dibandingkan dengan versi 1.0.0");
  const removed = page.getByTestId("diff-removed");
  expect(await removed.getByRole("heading", { level: 2 }).textContent()).toBe("Dihapus (1)");
  expect(await removed.locator("tbody tr").first().textContent()).toContain("A.I.1.ii.c");
  const reweighted = page.getByTestId("diff-reweighted");
  const row = (id: string) =>
    reweighted.locator("tr").filter({ has: page.locator("td:first-child code", { hasText: new RegExp(`^${id.replace(/\./g, "\\.")}$`) }) });
  expect((await row("A.I.1.i").locator("td").allTextContents()).slice(1)).toEqual(["subarea", expect.any(String), "0,5", "1,5"]);
  expect((await row("A.I.1.iv").locator("td").allTextContents()).slice(3)).toEqual(["1,5", "0,5"]);
  const hash = (await page.getByTestId("release-hash").textContent())!.trim();
  expect(hash).toMatch(/^[0-9a-f]{12}$/);
  await screenshot(page, "e2e-instrument-release-diff");

  // Publishing asks for an explicit confirmation (issue #27): the box is required.
  await page.getByTestId("publish-confirm").check();
  await page.getByRole("button", { name: "Terbitkan versi ini" }).click();
  await page.getByRole("status").filter({ hasText: "Rilis diterbitkan." }).waitFor();
  await expect.poll(() => page.getByTestId("release-status").textContent(), { timeout: 5000 }).toBe("Terbit");
  expect(await page.getByRole("button", { name: "Terbitkan versi ini" }).count()).toBe(0);

  await page.getByRole("link", { name: "Kembali ke versi instrumen" }).click();
  await page.getByRole("heading", { level: 1, name: "Versi instrumen" }).waitFor();
  const current = await families.locator("tr", { hasText: "zi-2021" }).textContent();
  expect(current).toContain("1.1.0");
  expect(current).toContain("rilis di aplikasi");

  // A roll-out now freezes 1.1.0.
  await page.getByTestId("main-menu").getByRole("link", { name: "Penilaian" }).click();
  await page.getByRole("heading", { level: 2, name: "Buat penilaian" }).waitFor();
  await waitForHydration(page);
  const create = page.locator("section", { has: page.getByRole("heading", { level: 2, name: "Buat penilaian" }) });
  const instrument = create.getByLabel("Instrumen", { exact: true });
  const option = instrument.locator("option", { hasText: "zi-2021 v1.1.0" });
  expect(await option.count()).toBe(1);
  await instrument.selectOption((await option.getAttribute("value"))!);
  const period = create.getByLabel("Periode", { exact: true });
  await period.selectOption(
    (await period.locator("option", { hasText: "2025 — Kementerian Pelayanan Publik (Demo)" }).getAttribute("value"))!,
  );
  await create.getByLabel(UNIT).check();
  await create.getByRole("button", { name: "Buat penilaian" }).click();
  await page.getByRole("status").filter({ hasText: "1 penilaian dibuat" }).waitFor();

  await page
    .getByTestId("assessments")
    .locator("tr", { hasText: UNIT })
    .filter({ hasText: "2025" })
    .getByRole("link", { name: UNIT })
    .click();
  await page.waitForURL(/\/assessments\/[^/?]+$/);
  await page.getByText(NEW_TITLE, { exact: false }).first().waitFor();
  const main = (await page.locator("main").textContent()) ?? "";
  expect(main).toContain(NEW_TITLE);
  expect(main).toContain(hash.slice(0, 10));
  await screenshot(page, "e2e-instrument-release-assessment");
});

test("a refused file reads in the admin's language: the same problems in Indonesian, then in English (#27)", async () => {
  const admin = loginFor(server.logins, "admin");
  const { page } = await newSession(browser, server.baseUrl, { allow: [/status of 400/] });
  const setLocale = async (locale: "id" | "en") => {
    const res = await page.context().request.post("/language", { form: { locale, redirectTo: "/" }, maxRedirects: 0, headers: { Origin: server.baseUrl } });
    expect(res.status()).toBe(302);
  };
  const upload = async (name: string, text: string) => {
    await page.goto("/admin/instruments");
    await waitForHydration(page);
    await page.locator("#instrument-file").setInputFiles({ name, mimeType: "application/yaml", buffer: Buffer.from(text) });
    await page.locator("form[enctype='multipart/form-data'] button[type=submit]").click();
    const issues = page.getByTestId("instrument-issues");
    await issues.waitFor();
    return issues.locator("li").allTextContents();
  };
  // Weights that do not add up, an unknown answer type, and a file that is not YAML at all.
  const weights = editYaml(contentText("zi-2021"), (d) => {
    d.version = "1.2.0";
    locate(d, "A.I.1.i").node.weight = 1.25;
  });
  const type = editYaml(contentText("zi-2021"), (d) => {
    d.version = "1.2.0";
    locate(d, "A.I.1.i.a").node.type = "skala";
  });
  const notYaml = "id: zi-2021\ntree: [\n  - a\n";
  try {
    await loginViaForm(page, admin.email, admin.password);
    await setLocale("id");
    expect(await upload("zi-rusak.yaml", weights)).toEqual([
      "A.I.1: jumlah bobot di bawah A.I.1 adalah 4,75 (A.I.1.i 1,25 + A.I.1.ii 1 + A.I.1.iii 1 + A.I.1.iv 1,5), seharusnya 4",
    ]);
    expect(await page.getByTestId("instrument-issues").textContent()).toContain("Berkas tidak dapat diunggah");
    const schema = await upload("zi-tipe.yaml", type);
    expect(schema).toEqual([expect.stringMatching(/^A\.I\.1\.i\.a: “type”: “skala” bukan salah satu dari yes_no, abc, /)]);
    expect(schema.join("\n")).not.toMatch(/Invalid|Expected|received/);
    expect(await upload("bukan-yaml.yaml", notYaml)).toEqual([
      "bukan-yaml.yaml: baris 3, kolom 3: YAML tidak dapat dibaca — isi yang tidak terduga; periksa indentasi, titik dua, dan kurung",
    ]);
    await screenshot(page, "e2e-instrument-release-refused-id");

    await setLocale("en");
    expect(await upload("zi-rusak.yaml", weights)).toEqual([
      "A.I.1: children weights of A.I.1 sum to 4.75 (A.I.1.i 1.25 + A.I.1.ii 1 + A.I.1.iii 1 + A.I.1.iv 1.5), expected 4",
    ]);
    expect(await upload("zi-tipe.yaml", type)).toEqual([
      expect.stringMatching(/^A\.I\.1\.i\.a: "type": "skala" is not one of yes_no, abc, /),
    ]);
    expect(await page.getByTestId("instrument-issues").textContent()).toContain("The file cannot be uploaded; nothing was stored");
    expect(await upload("not-yaml.yaml", notYaml)).toEqual([
      "not-yaml.yaml: line 3, column 3: the YAML cannot be read — unexpected content; check the indentation, the colons and the brackets",
    ]);
  } finally {
    await setLocale("id");
  }
});
