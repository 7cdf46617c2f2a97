/**
 * Historical import in Chromium on the production build (issue #26): the demo coordinator opens the
 * page from the assessments list, uploads an official PMPRB 2014 workbook with two answer groups into a
 * past period, sees each group's total, picks the unit's group and the evaluator's, and confirms; the
 * assessment page, the report and the receipt show "diimpor dari buku kerja" with the file's SHA-256,
 * and the seal verifies.
 */
import { createHash } from "node:crypto";
import type { Browser } from "playwright-core";
import { expect, test } from "vitest";
import type { Db } from "#db/client.server";
import { insertPeriod } from "#db/seed/period";
import type { Answers } from "~/domain/scoring/answers";
import { scoreAssessment } from "~/domain/scoring/score";
import { loadInstruments } from "~/services/instruments/catalog.server";
import { loginViaForm, newSession, waitForHydration } from "../helpers/browser";
import { withServerAndBrowser } from "../helpers/e2e";
import { pmprbOfficialWorkbook } from "../helpers/official-lke";
import { loginFor, type TestServer } from "../helpers/server";
import { randomAnswers } from "../unit/scoring/random-answers";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
let server: TestServer, browser: Browser, db: Db;
withServerAndBrowser((started) => {
  ({ server, browser } = started);
  db = started.db;
});

const pmprb = loadInstruments().find((l) => l.instrument.id === "pmprb-2014")!.instrument;
const layer = (seed: number): Answers => Object.fromEntries(Object.entries(randomAnswers(pmprb, seed)).filter(([, v]) => v !== null));
const four = (n: number) => new Intl.NumberFormat("id-ID", { minimumFractionDigits: 4, maximumFractionDigits: 4 }).format(n);

test("a coordinator imports a past PMPRB workbook as a final, marked and sealed historical assessment", async () => {
  const unit = await db.selectFrom("unit").select(["id", "organisation_id"]).where("code", "=", "KLP-JKT").executeTakeFirstOrThrow();
  await insertPeriod(db, { organisationId: unit.organisation_id, year: 2015, name: "Periode 2015" });
  const [own, evaluated] = [layer(5), layer(6)];
  const bytes = Buffer.from(
    await pmprbOfficialWorkbook(pmprb, [
      { year: 2015, answers: own },
      { year: 2014, answers: evaluated },
    ]),
  );
  const sha = createHash("sha256").update(bytes).digest("hex");

  const { page } = await newSession(browser, server.baseUrl);
  const login = loginFor(server.logins, "coordinator", "kemendemo");
  await loginViaForm(page, login.email, login.password);
  await page.goto("/assessments");
  await page.getByTestId("historical-link").click();
  await page.getByRole("heading", { level: 1, name: "Impor penilaian historis" }).waitFor();
  await waitForHydration(page);
  await page.locator("#h-unit").selectOption(unit.id);
  await page
    .locator("#h-period")
    .selectOption({ label: (await page.locator("#h-period option", { hasText: "2015" }).first().textContent())! });
  await page.locator("#h-instrument").selectOption("pmprb-2014");
  await page.locator("#h-file").setInputFiles({ name: "LKE RB 2015.xlsx", mimeType: XLSX, buffer: bytes });
  await page.getByTestId("historical-preview-button").click();
  await page.locator('[data-testid="historical-preview"], [data-testid="historical-error"]').first().waitFor();
  if ((await page.getByTestId("historical-error").count()) > 0)
    throw new Error(`refused: ${(await page.getByTestId("historical-error").textContent()) ?? ""}`);
  expect(await page.getByTestId("historical-total-0").textContent()).toBe(four(scoreAssessment(pmprb, own).total));
  expect(await page.getByTestId("historical-total-1").textContent()).toBe(four(scoreAssessment(pmprb, evaluated).total));
  await page.getByLabel("Evaluator eksternal: PENILAIAN TAHUN 2014").check();
  await page.getByTestId("historical-confirm").click();

  await page.getByTestId("historical-mark").waitFor();
  expect(await page.getByTestId("historical-mark").textContent()).toContain(`Diimpor dari buku kerja LKE RB 2015.xlsx (SHA-256 ${sha})`);
  expect(await page.getByTestId("assessment-status").textContent()).toContain("Final");
  const id = new URL(page.url()).pathname.split("/").pop()!;

  await page.goto(`/reports/${id}`);
  expect(await page.getByTestId("historical-mark").textContent()).toContain(sha);
  await page.goto(`/assessments/${id}/receipt`);
  expect(await page.getByTestId("receipt-origin").textContent()).toContain(sha);
  await page.goto(`/assessments/${id}/verify`);
  expect(await page.getByTestId("verify-result").getAttribute("class")).toContain("alert-ok");
  const released = await db.selectFrom("layer_release").select("layer").where("assessment_id", "=", id).execute();
  expect(released.map((r) => r.layer)).toEqual(["external"]);
});
