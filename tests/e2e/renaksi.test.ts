/**
 * Acceptance 3 of issue #29, on the production build in Chromium: the regency's RB coordinator adds a
 * target, an action and an output to the 2025 Rencana Aksi and reports two quarters; the evaluator grades
 * the LKE Renaksi; the regency's 2025 RB assessment then shows A101 and A102 computed from the plan with
 * their trace, read-only; `cermin score` of the same answers gives the total the overview shows. Then in
 * English and on a 390 px phone.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { expect, test } from "vitest";
import { gradeRenaksi, renaksiCriteria } from "~/domain/renaksi/grade";
import { implementationScore } from "~/domain/renaksi/implementation";
import { parseRenaksiFile } from "~/domain/renaksi/parse";
import type { LkeRenaksiContent } from "~/domain/renaksi/schema";
import { loginViaForm, newSession, screenshot, waitForHydration } from "../helpers/browser";
import { withServerAndBrowser, idNumber, type E2eWorld } from "../helpers/e2e";
import { cliEnv, loginFor, ROOT, tempDir, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: Browser;
let withDb: E2eWorld["withDb"];
let world: E2eWorld;
withServerAndBrowser((started) => ({ server, browser, withDb } = world = started));

const lke = parseRenaksiFile(fs.readFileSync(path.join(ROOT, "content/renaksi/lke-renaksi-2024.yaml"), "utf8"), "lke-renaksi-2024.yaml") as LkeRenaksiContent;
const LETTERS = ["B", "A", "YA", "B", "B", "C", "A"];

/** Submits a form and waits for the action's answer and the page's reload of its data. */
async function submitIn(page: Page, form: ReturnType<Page["locator"]>): Promise<void> {
  const posted = page.waitForResponse((r) => r.request().method() === "POST");
  await form.locator('button[type="submit"]').first().click();
  const res = await posted;
  expect(res.status(), await res.text()).toBeLessThan(300);
  await page.waitForLoadState("networkidle");
}

test("the regency plans and reports two quarters, the evaluator grades, the 2025 assessment shows A101/A102 with their trace and `cermin score` agrees", async () => {
  const q = <T,>(sql: string, ...args: unknown[]) => withDb((db) => db.prepare(sql).pluck().get(...args) as T);
  const regency = q<string>("SELECT id FROM organisation WHERE code = 'KABDEMO'");
  const planId = q<string>("SELECT id FROM renaksi_plan WHERE organisation_id = ? AND year = 2025", regency);
  const assessmentId = q<string>(
    `SELECT a.id FROM assessment a JOIN unit u ON u.id = a.unit_id JOIN period p ON p.id = a.period_id WHERE u.code = 'SETDA' AND p.year = 2025`,
  );
  // The national evaluator of the demo also evaluates the regency (the TPN covers many organisations).
  const evaluatorLogin = loginFor(server.logins, "evaluator");
  const evaluatorId = q<string>("SELECT id FROM user WHERE email = ?", evaluatorLogin.email);
  await world.db
    .insertInto("membership")
    .values({ id: `e2e-renaksi-${Date.now()}`, user_id: evaluatorId, organisation_id: regency, unit_id: null, role: "evaluator", created_at: new Date().toISOString() })
    .execute();

  // ---- The regency's coordinator: a new target, an action and an output with quarterly targets.
  const team = await newSession(browser, server.baseUrl);
  const c = team.page;
  const coordinator = loginFor(server.logins, "coordinator", "kabdemo");
  await loginViaForm(c, coordinator.email, coordinator.password);
  await c.goto("/renaksi");
  await c.getByRole("link", { name: /Kabupaten Contoh/ }).filter({ hasText: "" }).first().waitFor();
  await c.goto(`/renaksi/${planId}/rencana`);
  await waitForHydration(c);
  const adopted = new Set(withDb((db) => db.prepare("SELECT indicator_code FROM renaksi_target WHERE plan_id = ?").pluck().all(planId) as string[]));
  const free = c.locator('[data-testid^="indicator-"]').filter({ hasText: "Belum ditetapkan." }).first();
  const code = (await free.getAttribute("data-testid"))!.replace("indicator-", "");
  expect(adopted.has(code)).toBe(false);
  await free.locator("summary", { hasText: "Tetapkan target" }).click();
  await free.getByLabel("Nilai baseline").fill("61,5");
  await free.getByLabel("Target", { exact: true }).fill("70");
  await free.getByLabel("Satuan").fill("nilai");
  await submitIn(c, free.locator("form").first());
  const block = c.getByTestId(`indicator-${code}`);
  await block.getByText("Baseline 2024: 61,5 · Target 2025: 70 nilai").waitFor();
  await block.locator("summary", { hasText: "Tambah rencana aksi" }).click();
  await block.getByLabel("Rencana aksi").fill("Menyusun SOP layanan digital terpadu");
  await submitIn(c, block.locator("form", { has: c.locator('input[name="intent"][value="add-action"]') }));
  await block.getByText("Menyusun SOP layanan digital terpadu").waitFor();
  const action = block.locator(".renaksi-action").first();
  await action.locator("summary", { hasText: "Tambah output" }).click();
  const outForm = action.locator("form", { has: c.locator('input[name="intent"][value="add-output"]') });
  await outForm.getByLabel("Indikator output").fill("SOP layanan digital yang ditetapkan");
  await outForm.getByLabel("Satuan").fill("SOP");
  for (const [tw, v] of [["TW I", "2"], ["TW II", "2"], ["TW III", "2"], ["TW IV", "2"]]) await outForm.getByLabel(tw!, { exact: true }).fill(v!);
  await outForm.getByLabel("Anggaran (Rp)").fill("15.000.000");
  await submitIn(c, outForm);
  await action.getByText("SOP layanan digital yang ditetapkan").waitFor();
  const outputId = q<string>("SELECT id FROM renaksi_output WHERE indicator = 'SOP layanan digital yang ditetapkan' AND plan_id = ?", planId);

  // ---- Two quarters of realisation: TW I 2 of 2, TW II 1 of 2.
  for (const [tw, real] of [[1, "2"], [2, "1"]] as const) {
    await c.goto(`/renaksi/${planId}/monev?tw=${tw}`);
    await waitForHydration(c);
    const out = c.getByTestId(`monev-output-${outputId}`);
    await out.getByLabel(`Realisasi TW ${tw === 1 ? "I" : "II"}`).fill(real);
    await out.getByLabel("Realisasi anggaran (Rp)").fill("3000000");
    await submitIn(c, out.locator("form").first());
  }
  await c.goto(`/renaksi/${planId}/monev?tw=2`);
  // Portal mode: TW I 100 %, TW II 50 %, mean of the quarters with achievement = 75 %.
  await c.getByTestId(`monev-output-${outputId}`).getByTestId("output-total").filter({ hasText: /^75,00 %$/ }).waitFor();
  await screenshot(c, "e2e-renaksi-monev");

  // ---- The evaluator grades the seven criteria.
  const ev = await newSession(browser, server.baseUrl);
  const e = ev.page;
  await loginViaForm(e, evaluatorLogin.email, evaluatorLogin.password);
  await e.goto(`/renaksi/${planId}/penilaian`);
  await waitForHydration(e);
  for (const [i, criterion] of renaksiCriteria(lke).entries()) {
    const card = e.getByTestId(`criterion-${criterion.code}`);
    await card.locator("select[name=grade]").selectOption(LETTERS[i]!);
    if (i === 5) await card.getByLabel("Rekomendasi").fill("Tetapkan target output berdasarkan realisasi tahun lalu.");
    await submitIn(e, card.locator("form").first());
    await e.getByTestId(`grade-${criterion.code}`).filter({ hasText: new RegExp(`^${LETTERS[i]}$`) }).waitFor();
  }
  const expectedStrategi = gradeRenaksi(Object.fromEntries(renaksiCriteria(lke).map((cr, i) => [cr.code, LETTERS[i] as "A"])), lke).strategi;
  await e.getByTestId("renaksi-strategi").filter({ hasText: idNumber(expectedStrategi) }).waitFor();
  await screenshot(e, "e2e-renaksi-grading");

  // ---- The expected A102: the engine's rule over every RB General output of the plan, as stored.
  const outputs = withDb(
    (db) =>
      db
        .prepare(
          `SELECT o.target_tw_json, o.realisation_tw_json FROM renaksi_output o JOIN renaksi_action a ON a.id = o.action_id
           WHERE o.plan_id = ? AND a.target_id IS NOT NULL ORDER BY o.position`,
        )
        .all(planId) as { target_tw_json: string; realisation_tw_json: string }[],
  ).map((o) => ({ targetTw: JSON.parse(o.target_tw_json), realisasiTw: JSON.parse(o.realisation_tw_json) }));
  const expectedA102 = implementationScore(outputs, "portal").score!;

  // ---- The team's 2025 assessment: A101 and A102 computed, read-only, with the trace and the link back.
  await c.goto(`/assessments/${assessmentId}/areas/A`);
  await waitForHydration(c);
  const a101 = c.locator("article.item-card", { has: c.getByTestId("computed-A101.a") });
  expect(await a101.locator('input[name="value"]').first().inputValue()).toBe(String(expectedStrategi).replace(".", ","));
  expect(await a101.locator('input[name="value"]').first().isDisabled()).toBe(true);
  expect(await a101.locator(`textarea[name="note"]`).first().inputValue()).toContain("Dihitung dari Rencana Aksi 2025");
  const a102 = c.locator("article.item-card", { has: c.getByTestId("computed-A102.a") });
  expect(await a102.locator('input[name="value"]').first().inputValue()).toBe(String(expectedA102).replace(".", ","));
  expect(await a102.locator(`textarea[name="note"]`).first().inputValue()).toMatch(/\(.*\) \/ \d+ = .* → dibulatkan \d+/);
  await screenshot(c, "e2e-renaksi-assessment-a");
  await a101.getByRole("link", { name: "Buka Rencana Aksi" }).click();
  await c.waitForURL(new RegExp(`/renaksi/${planId}$`));
  expect(await c.getByTestId("renaksi-a102").textContent()).toContain(String(expectedA102));

  // ---- `cermin score` of the same answers: the total the overview shows.
  await c.goto(`/assessments/${assessmentId}`);
  const shown = (await c.getByTestId("server-total").textContent())!.trim();
  const answers = Object.fromEntries(
    withDb((db) => db.prepare("SELECT item_id, value_json FROM answer WHERE assessment_id = ? AND layer = 'self' AND value_json IS NOT NULL").all(assessmentId) as { item_id: string; value_json: string }[]).map(
      (r) => [r.item_id, JSON.parse(r.value_json)],
    ),
  );
  expect(answers["A101.a"]).toBeCloseTo(expectedStrategi, 12);
  expect(answers["A102.a"]).toBe(expectedA102);
  const dir = tempDir("cermin-renaksi-score-");
  fs.writeFileSync(path.join(dir, "answers.json"), JSON.stringify(answers));
  const cli = JSON.parse(
    execFileSync("node", [path.join(ROOT, "bin/cermin.js"), "score", "rb-2024-kabkota", path.join(dir, "answers.json"), "--json"], { cwd: ROOT, env: cliEnv(dir), encoding: "utf8" }),
  ) as { total: number; nodes: Record<string, { value: number }> };
  expect(idNumber(cli.total)).toBe(shown);
  expect(cli.nodes["A101"]!.value).toBeCloseTo(expectedStrategi, 12);
  expect(cli.nodes["A102"]!.value).toBeCloseTo((expectedA102 / 100) * 7 * (expectedStrategi / 3), 12);

  // ---- English, then a 390 px phone: the plan overview and monitoring read in English and fit.
  await waitForHydration(c);
  await c.getByTestId("language-switch").first().click();
  await c.locator("html[lang=en]").waitFor();
  await c.goto(`/renaksi/${planId}`);
  expect(await c.getByTestId("renaksi-scores").textContent()).toContain("Values for the LKE RB");
  await c.setViewportSize({ width: 390, height: 844 });
  for (const url of [`/renaksi/${planId}`, `/renaksi/${planId}/monev?tw=2`, `/renaksi/${planId}/rencana`]) {
    await c.goto(url);
    expect(await c.evaluate(() => document.documentElement.scrollWidth), url).toBeLessThanOrEqual(390);
  }
  await screenshot(c, "e2e-renaksi-phone-en");
});
