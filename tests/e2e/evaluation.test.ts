/**
 * Acceptance 1 of the evaluators (issue #5), and the scope part of 5, on the production build in
 * Chromium: the assessor backs ten items of KLP-JKT's 2025 draft with one PDF and submits; the
 * ministry's evaluator (who never sees the regency) draws a risk-based sample of 10 in the external
 * layer, views the PDF inline, adjusts two answers, sends one back and agrees to the rest; the unit
 * sees none of it until the release, then exactly those; the effective total equals `cermin score`
 * on the team's answers overlaid with the external layer. Screenshots land in test-results/.
 */
import { answerText } from "~/components/evaluation/answer-text";
import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import type { Browser, Page } from "playwright-core";
import { beforeAll, expect, test } from "vitest";
import { pdf } from "../fixtures/evidence/files";
import { CONFIRMATION_ASKED, loginViaForm, newSession, openItemMore, screenshot, waitForHydration, workflowAction } from "../helpers/browser";
import { loginFor, runCli, tempDir, type TestServer } from "../helpers/server";
import { withServerAndBrowser, idNumber } from "../helpers/e2e";

/** One PDF backs these items in two areas: ≥ 4 items in > 1 area makes it "duplicated" evidence for the sampler. */
const EVIDENCED: Record<string, string[]> = {
  "A.I.2": ["A.I.2.i.a", "A.I.2.i.b", "A.I.2.ii.a", "A.I.2.ii.b", "A.I.2.iii.a"],
  "A.I.4": ["A.I.4.i.a", "A.I.4.i.b", "A.I.4.ii.a", "A.I.4.ii.b", "A.I.4.ii.c"],
};
const EVIDENCED_ITEMS = Object.values(EVIDENCED).flat();
const PDF_NAME = "laporan-monitoring-zi-2025.pdf";
const PDF_BYTES = Buffer.from(pdf("Laporan monitoring ZI 2025"));
/** Chosen so that the risk-based draw of 10 includes evidenced items (asserted below). */
const SEED = "tpn-2025-klp-jkt-10";
const RECOMMENDATION = "Lampirkan SK penetapan dan notulen rapat evaluasi; nilai dikaji ulang setelah bukti lengkap.";
const MINISTRY = "Kementerian Pelayanan Publik (Demo)";

let server: TestServer;
let browser: Browser;
let assessmentId: string;
/** A submitted 2025 assessment of a regency unit: outside the ministry evaluator's scope. */
const REGENCY_ASSESSMENT = "e2e-regency-2025";
let regencyUnitName: string;

function withDb<T>(fn: (db: SQLite.Database) => T, readonly = true): T {
  const db = new SQLite(path.join(server.dataDir, "cermin.db"), { readonly, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Rows of a read-only query. */
const all = <T>(sql: string, ...args: unknown[]) => withDb((db) => db.prepare(sql).all(...args) as T[]);

/** This test's sample of a layer (the demo has reviewed samples of its own) with its items in review order. */
type SampleRow = { id: string; strategy: string; layer: string; seed: string; size: number };
type SampleItemRow = { id: string; item_id: string; decision: string | null };
function sampleOf(layer: "internal" | "external") {
  const [s] = all<SampleRow>("SELECT * FROM sample WHERE layer = ? AND seed = ?", layer, SEED);
  return { ...s!, items: all<SampleItemRow>("SELECT * FROM sample_item WHERE sample_id = ? ORDER BY position", s!.id) };
}

/** Non-null answers of one layer as { itemId: value }. */
function layerAnswers(layer: "self" | "external"): Record<string, unknown> {
  const sql = "SELECT item_id, value_json FROM answer WHERE assessment_id = ? AND layer = ? AND value_json IS NOT NULL";
  return Object.fromEntries(
    all<{ item_id: string; value_json: string }>(sql, assessmentId, layer).map((r) => [r.item_id, JSON.parse(r.value_json) as unknown]),
  );
}

async function cliTotal(answers: Record<string, unknown>): Promise<number> {
  const dir = tempDir("cermin-e2e-score-");
  try {
    const file = path.join(dir, "answers.json");
    fs.writeFileSync(file, JSON.stringify(answers, null, 2));
    const cli = await runCli(["score", "zi-2021", file, "--json"], server.dataDir);
    expect(cli.code, cli.stderr).toBe(0);
    return (JSON.parse(cli.stdout) as { total: number }).total;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

withServerAndBrowser((started) => ({ server, browser, demoDraftId: assessmentId } = started));

beforeAll(() => {
  // The demo has no regency assessments: add a submitted one for DINKES, as its own team would leave it.
  regencyUnitName = withDb((db) => {
    const r = db
      .prepare(
        `SELECT u.id, u.name, u.organisation_id AS org, p.id AS period FROM unit u
         JOIN period p ON p.organisation_id = u.organisation_id AND p.year = 2025 WHERE u.code = 'DINKES'`,
      )
      .get() as { id: string; name: string; org: string; period: string };
    const now = new Date().toISOString();
    db.prepare(
      `INSERT INTO assessment (id, organisation_id, unit_id, period_id, instrument_id, instrument_hash, status, created_at, updated_at, submitted_at)
       SELECT ?, ?, ?, ?, 'zi-2021', instrument_hash, 'submitted', ?, ?, ? FROM assessment WHERE id = ?`,
    ).run(REGENCY_ASSESSMENT, r.org, r.id, r.period, now, now, now, assessmentId);
    return r.name;
  }, false);
});

const text = async (page: Page, testId: string) => ((await page.getByTestId(testId).textContent()) ?? "").trim();

/** A fresh browser context signed in as the demo user of `role`. */
async function signIn(role: string, emailPart?: string): Promise<Page> {
  // The assessor submits an incomplete assessment: the server first answers 400 asking to confirm.
  const { page } = await newSession(browser, server.baseUrl, role === "assessor" ? { allow: [CONFIRMATION_ASKED] } : {});
  const login = loginFor(server.logins, role, emailPart);
  await loginViaForm(page, login.email, login.password);
  return page;
}

async function openArea(page: Page, area: string): Promise<void> {
  await page.goto(`/assessments/${assessmentId}/areas/${area}`);
  await page.getByRole("heading", { level: 1 }).filter({ hasText: area }).waitFor();
  await waitForHydration(page);
}

/** Uploads the PDF on the first evidenced item and attaches the same file to the others; returns its evidence id. */
async function attachEvidence(a: Page): Promise<string> {
  let evidenceId = "";
  for (const [area, items] of Object.entries(EVIDENCED)) {
    await openArea(a, area);
    for (const itemId of items) {
      await openItemMore(a, itemId);
      const panel = a.getByTestId(`evidence-panel-${itemId}`);
      if (!evidenceId) {
        const upload = panel.locator("form").filter({ has: a.locator('input[type="file"]') });
        await upload.locator('input[type="file"]').setInputFiles({ name: PDF_NAME, mimeType: "application/pdf", buffer: PDF_BYTES });
        await upload.getByRole("button", { name: "Unggah berkas" }).click();
        const href = (await panel.getByRole("link", { name: PDF_NAME }).getAttribute("href"))!;
        evidenceId = /^\/evidence\/([^/]+)\/download$/.exec(href)![1]!;
        continue;
      }
      await panel.getByLabel("Lampirkan bukti yang sudah ada").selectOption(evidenceId);
      await panel.getByRole("button", { name: "Lampirkan", exact: true }).click();
      await panel.getByTestId(`evidence-${evidenceId}`).waitFor();
    }
  }
  return evidenceId;
}

let prepared: Promise<string> | undefined;
/** Once per file: the assessor attaches the PDF to the evidenced items and submits; resolves with the evidence id. */
function prepareSubmitted(a: Page): Promise<string> {
  prepared ??= (async () => {
    const evidenceId = await attachEvidence(a);
    const linked = all<{ item_id: string }>("SELECT item_id FROM evidence_item WHERE evidence_id = ? AND removed_at IS NULL", evidenceId);
    expect(linked.map((r) => r.item_id).sort()).toEqual([...EVIDENCED_ITEMS].sort());
    await a.goto(`/assessments/${assessmentId}`);
    await waitForHydration(a);
    await workflowAction(a, "Ajukan ke koordinator", "Diajukan ke koordinator");
    return evidenceId;
  })();
  return prepared;
}

/** What the unit can see of the evaluation: overview card and findings, evaluator answers on the area pages. */
async function unitView(a: Page, items: string[]) {
  await a.goto(`/assessments/${assessmentId}`);
  await a.getByTestId("assessment-status").waitFor();
  const view = {
    card: await a.getByTestId("evaluation").count(),
    findings: await a.getByTestId("findings").locator("li.finding").allTextContents(),
    html: await a.content(),
    evaluator: {} as Record<string, string | null>,
  };
  for (const area of [...new Set(items.map((i) => i.split(".").slice(0, 3).join(".")))]) {
    await openArea(a, area);
    view.html += await a.content();
    for (const id of items.filter((i) => i.startsWith(`${area}.`))) {
      const box = a.getByTestId(`evaluator-${id}`);
      view.evaluator[id] = (await box.count()) ? ((await box.textContent()) ?? "").trim() : null;
    }
  }
  return view;
}

type Decided = {
  itemId: string;
  team: unknown;
  decision: "agree" | "adjust" | "send_back";
  value?: string;
  note?: string;
};

test("an evaluator samples by risk, views evidence inline, adjusts two and sends one back; the unit sees it only after release", async () => {
  // ---- 1. The assessor backs ten items in two areas with one PDF and submits.
  const a = await signIn("assessor");
  const evidenceId = await prepareSubmitted(a);

  // ---- 2. The ministry's evaluator: only ministry units on /evaluations; the regency's is not there.
  const e = await signIn("evaluator");
  await e.getByTestId("main-menu").getByRole("link", { name: "Evaluasi" }).click();
  const list = e.getByTestId("evaluations");
  await list.waitFor();
  const rows = await list.locator("tbody tr").allTextContents();
  expect(rows.length, "the ministry's 8 final ZI, 2 final Evaluasi RB (2023, 2024) and 1 submitted assessments").toBe(11);
  for (const row of rows) expect(row).toContain(MINISTRY);
  expect(await list.textContent()).not.toContain(regencyUnitName);
  expect([403, 404], "the regency's evaluator page").toContain(
    (await e.request.get(`/evaluations/assessments/${REGENCY_ASSESSMENT}`)).status(),
  );
  // Control: the regency's own admin does see its submitted assessment there.
  const kab = await signIn("org_admin", "kabdemo");
  await kab.goto("/evaluations");
  expect(await kab.getByTestId("evaluations").textContent()).toContain(regencyUnitName);
  await list.locator("tr", { hasText: "2025" }).getByRole("link", { name: "Kantor Layanan Perizinan Jakarta" }).click();
  await e.waitForURL(`**/evaluations/assessments/${assessmentId}`);
  await waitForHydration(e);
  const selfBefore = await text(e, "self-total");
  expect(await text(e, "effective-total"), "nothing reviewed yet").toBe(selfBefore);
  // A layer that scored nothing has no score of its own; findings say how they are made.
  expect(await text(e, "layer-external")).toContain("belum dinilai");
  expect(await text(e, "layer-external")).not.toContain(selfBefore);
  expect(await text(e, "no-findings")).toContain("pilih “Sesuaikan nilai” atau “Kembalikan ke tim”");

  // Draw a risk-based sample of 10 in the external layer with a fixed seed.
  await e.locator("#strategy").selectOption("risk");
  await e.locator("#size").fill("10");
  await e.locator("#layer").selectOption("external");
  await e.locator("#seed").fill(SEED);
  await e.getByRole("button", { name: "Tarik sampel", exact: true }).click();
  const sampleLink = e.getByRole("link", { name: `Berbasis risiko · Evaluator eksternal (TPN) · benih acak ${SEED}` });
  await sampleLink.waitFor();
  expect(await e.locator("li", { has: sampleLink }).textContent()).toContain("0 dari 10 butir diperiksa");
  const sample = sampleOf("external");
  expect(sample).toMatchObject({ strategy: "risk", layer: "external", seed: SEED, size: 10 });
  expect(sample.items).toHaveLength(10);
  const evidencedInSample = sample.items.filter((i) => EVIDENCED_ITEMS.includes(i.item_id));
  expect(
    evidencedInSample.length,
    `the sample ${sample.items.map((i) => i.item_id).join(", ")} includes an evidenced item`,
  ).toBeGreaterThan(0);

  // ---- The review screen: decide every item in the order it leads through.
  await sampleLink.click();
  await e.getByTestId("review-item").waitFor();
  await waitForHydration(e);
  const review = e.getByTestId("review-item");
  const decided: Decided[] = [];
  for (const [k, si] of sample.items.entries()) {
    await review.locator("h2 code", { hasText: si.item_id }).waitFor();
    expect(await text(e, "sample-progress")).toBe(`${k} dari 10 butir diperiksa`);
    const team = await teamAnswer(e);
    // The team's answer reads as text (an option with its criterion), never as JSON.
    const shown = await text(e, "team-answer");
    if (typeof team === "string") expect(shown.startsWith(team)).toBe(true);
    expect(shown).not.toContain('"');
    expect(await text(e, "why-drawn")).toMatch(/^Mengapa butir ini terpilih: Bobot butir ini \d+,\d× rata-rata butir\./);
    expect(await review.locator('input[name="decision"]:checked').count(), "no decision is preselected").toBe(0);
    if (k > 0) expect(await text(e, "saved")).toBe(`Tersimpan: ${decided[k - 1]!.itemId} — ${DECISION_LABEL[decided[k - 1]!.decision]}`);
    if (
      all("SELECT 1 FROM evidence_item WHERE assessment_id = ? AND item_id = ? AND removed_at IS NULL", assessmentId, si.item_id).length ===
      0
    ) {
      expect(await text(e, "no-evidence")).toBe("Tidak ada bukti dukung yang dilampirkan untuk butir ini.");
    }
    const options = await review
      .locator('input[name="value"][type="radio"]')
      .evaluateAll((rs) => rs.map((r) => (r as HTMLInputElement).value));
    const adjusted = decided.filter((d) => d.decision === "adjust").length;
    const sentBack = decided.some((d) => d.decision === "send_back");
    const d: Decided = { itemId: si.item_id, team, decision: "agree" };

    if (EVIDENCED_ITEMS.includes(si.item_id)) {
      // The evidence opens inline beside the item: a PDF frame on the authorised route.
      const viewer = e.getByTestId("evidence-viewer");
      const frame = viewer.getByTestId("inline-pdf");
      // Arriving by the redirect from the previous decision, the item's PDF already shows.
      await frame.waitFor();
      const src = (await frame.getAttribute("src"))!;
      expect(src).toBe(`/evidence/${evidenceId}/download?inline=1`);
      const res = await e.request.get(src);
      expect(res.status()).toBe(200);
      expect(res.headers()["content-type"]).toMatch(/^application\/pdf/);
      expect(res.headers()["content-disposition"]).toMatch(/^inline;/);
      expect(Buffer.from(await res.body()).equals(PDF_BYTES)).toBe(true);
      expect((await frame.boundingBox())?.height ?? 0, "the frame is visible").toBeGreaterThan(100);
      if (evidencedInSample[0]!.id === si.id) await screenshot(e, "e2e-evaluation-review");
    }
    if (options.length > 1 && adjusted < 2) {
      d.decision = "adjust";
      d.value = options.find((o) => o !== team)!;
      d.note = `Bukti tidak mendukung jawaban tim; dinilai ${d.value}.`;
    } else if (options.length > 1 && !sentBack && typeof team === "string") {
      d.decision = "send_back";
    }
    const label = DECISION_LABEL[d.decision];
    await review.getByLabel(label, { exact: true }).check();
    if (d.decision === "adjust") {
      await review.locator(`input[name="value"][value="${d.value}"]`).check();
      await review.getByLabel("Catatan evaluator").fill(d.note!);
    } else if (d.decision === "send_back") {
      // Sending back keeps the team's answer as the evaluator's: only the request goes to the unit.
      await review.locator(`input[name="value"][value="${team as string}"]`).check();
      await review.getByLabel("Rekomendasi / permintaan ke tim").fill(RECOMMENDATION);
    }
    await review.getByRole("button", { name: "Simpan keputusan" }).click();
    decided.push(d);
    const next = sample.items[k + 1];
    if (next) await e.waitForURL((url) => url.searchParams.get("item") === next.id);
    await e
      .getByTestId("sample-progress")
      .filter({ hasText: `${k + 1} dari 10 butir diperiksa` })
      .waitFor();
  }
  const adjustedItems = decided.filter((d) => d.decision === "adjust");
  const sentBackItem = decided.find((d) => d.decision === "send_back")!;
  expect(adjustedItems).toHaveLength(2);
  expect(sentBackItem, "one item was sent back").toBeTruthy();
  expect(sampleOf("external").items.map((i) => [i.item_id, i.decision])).toEqual(decided.map((d) => [d.itemId, d.decision]));
  expect(await text(e, "saved")).toBe(`Tersimpan: ${decided[9]!.itemId} — ${DECISION_LABEL[decided[9]!.decision]}`);
  await e.goto(`/evaluations/assessments/${assessmentId}`);
  expect(await e.locator("li", { has: sampleLink }).textContent()).toContain("10 dari 10 butir diperiksa");
  const scoredExternal = Object.keys(layerAnswers("external")).length;
  expect(await text(e, "layer-external")).toMatch(
    new RegExp(`^Evaluator eksternal \\(TPN\\)\\d{2},\\d{2} · ${scoredExternal} butir dinilai`),
  );
  expect(await text(e, "layer-internal")).toContain("belum dinilai");
  expect(await text(e, "estimate-external")).toMatch(/\(interval 90 %: \d+,\d{2} – \d+,\d{2}\)/);

  // ---- 3. Before the release the unit sees nothing: no card, no findings, no evaluator answers anywhere.
  const sampled = sample.items.map((i) => i.item_id);
  const before = await unitView(a, sampled);
  expect(before.card, "no evaluation card before release").toBe(0);
  expect(before.findings).toEqual([]);
  expect(
    Object.values(before.evaluator).every((v) => v === null),
    JSON.stringify(before.evaluator),
  ).toBe(true);
  for (const secret of [RECOMMENDATION, ...adjustedItems.map((d) => d.note!)]) expect(before.html).not.toContain(secret);
  const data = await a.request.get(`/assessments/${assessmentId}.data`);
  expect(data.status()).toBe(200);
  expect(await data.text()).not.toContain(RECOMMENDATION);

  // ---- 4. The evaluator releases the external layer.
  await waitForHydration(e);
  // Release asks for a ticked confirmation: without it the browser keeps the form, and nothing is released.
  await e.getByTestId("release-external").click();
  const confirm = e.getByTestId("release-confirm-external");
  expect(await confirm.evaluate((el) => (el as HTMLInputElement).validity.valueMissing)).toBe(true);
  expect(all("SELECT id FROM layer_release WHERE assessment_id = ?", assessmentId)).toEqual([]);
  await confirm.check();
  await e.getByTestId("release-external").click();
  await e.locator("tr", { hasText: "Evaluator eksternal (TPN)" }).filter({ hasText: "Dirilis ke unit" }).waitFor();
  await e.getByRole("status").filter({ hasText: "Lapisan dirilis ke unit." }).waitFor();
  expect(await e.getByTestId("release-external").count()).toBe(0);
  expect(await e.getByTestId("release-internal").count(), "the internal layer stays unreleased").toBe(1);

  // ---- 5. Now the unit sees exactly the two adjustments and the one sent-back item.
  const after = await unitView(a, sampled);
  expect(after.card).toBe(1);
  expect(after.findings).toHaveLength(1);
  expect(after.findings[0]).toContain(sentBackItem.itemId);
  expect(after.findings[0]).toContain("Kembalikan ke tim");
  expect(after.findings[0]).toContain(RECOMMENDATION);
  for (const d of adjustedItems) {
    expect(after.evaluator[d.itemId], `evaluator answer on ${d.itemId}`).toContain(`Evaluator eksternal (TPN): ${d.value}`);
    expect(after.evaluator[d.itemId]).toContain(d.note);
  }
  await a.goto(`/assessments/${assessmentId}`);
  const comparisons = await a
    .getByTestId("unit-comparisons")
    .locator("tbody tr")
    .evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td")].slice(0, 3).map((td) => td.firstChild?.textContent?.trim() ?? "")),
    );
  expect(comparisons).toEqual(
    [...adjustedItems]
      .sort((x, y) => x.itemId.localeCompare(y.itemId))
      // Answers as a person reads them (issue #27), never JSON.
      .map((d) => [d.itemId, answerText(null, d.team, "id"), answerText(null, d.value, "id")]),
  );
  const comparisonNotes = await a.getByTestId("unit-comparisons").locator("tbody tr td .small").allTextContents();
  expect(comparisonNotes.sort()).toEqual(adjustedItems.map((d) => d.note!).sort());

  // ---- 6. The effective total is the engine's score of the team's answers overlaid with the external layer.
  const self = layerAnswers("self");
  const external = layerAnswers("external");
  expect(Object.keys(external).sort(), "every decided item with a value is in the external layer").toEqual(
    decided
      .filter((d) => d.decision !== "agree" || d.team !== null)
      .map((d) => d.itemId)
      .sort(),
  );
  for (const d of adjustedItems) expect(external[d.itemId]).toBe(d.value);
  const selfTotal = await cliTotal(self);
  const effectiveTotal = await cliTotal({ ...self, ...external });
  expect(effectiveTotal, "the adjustments moved the total").not.toBe(selfTotal);
  expect(await text(a, "unit-effective-total")).toBe(idNumber(effectiveTotal));
  expect(await text(a, "server-total"), "the team's own score is unchanged").toBe(idNumber(selfTotal));
  // Exactly, not only to two decimals: the overview's loader data carries the unrounded total.
  expect(await (await a.request.get(`/assessments/${assessmentId}.data`)).text()).toContain(String(effectiveTotal));
  await screenshot(a, "e2e-evaluation-unit-after-release");
  await e.reload();
  expect(await text(e, "effective-total")).toBe(idNumber(effectiveTotal));
  expect(await text(e, "self-total")).toBe(idNumber(selfTotal));
  expect(server.errors()).toBe("");
}, 180_000);

const DECISION_LABEL = { agree: "Setuju", adjust: "Sesuaikan nilai", send_back: "Kembalikan ke tim" } as const;

/** The team's answer on the review screen (the shown text is for people; the value rides in data-value). */
async function teamAnswer(page: Page): Promise<unknown> {
  return JSON.parse((await page.getByTestId("team-answer").getAttribute("data-value")) ?? "null") as unknown;
}

// Regression: the review UI is keyed by the sample item, so the next item never inherits the last one's state.
test("after a decision the next item opens fresh: no decision chosen, its own answer, its PDF inline", async () => {
  await prepareSubmitted(await signIn("assessor"));
  const e = await signIn("evaluator");
  await e.goto(`/evaluations/assessments/${assessmentId}`);
  await waitForHydration(e);
  // The same seed in the internal layer (never released here): same frame, so the same items and order.
  await e.locator("#layer").selectOption("internal");
  await e.locator("#seed").fill(SEED);
  await e.getByRole("button", { name: "Tarik sampel", exact: true }).click();
  const link = e.getByRole("link", { name: `Berbasis risiko · Evaluator internal (TPI) · benih acak ${SEED}` });
  await link.waitFor();
  const { items } = sampleOf("internal");
  // Guard: a broken setup must not pass as the expected failure (a .fails test that returns is reported failed).
  if (!EVIDENCED_ITEMS.includes(items[1]?.item_id ?? "") || EVIDENCED_ITEMS.includes(items[0]?.item_id ?? "")) return;
  await link.click();
  const review = e.getByTestId("review-item");
  await review.locator("h2 code", { hasText: items[0]!.item_id }).waitFor();
  await waitForHydration(e);
  await review.getByLabel("Sesuaikan nilai", { exact: true }).check();
  const first = review.locator('input[name="value"]').first();
  if ((await first.getAttribute("type")) === "radio") await first.check();
  else await first.fill("1");
  await review.getByRole("button", { name: "Simpan keputusan" }).click();
  await e.waitForURL((url) => url.searchParams.get("item") === items[1]!.id);
  await review.locator("h2 code", { hasText: items[1]!.item_id }).waitFor();
  expect(await text(e, "saved")).toBe(`Tersimpan: ${items[0]!.item_id} — Sesuaikan nilai`);
  const team = await teamAnswer(e);
  const checked = await review
    .locator('input[type="radio"]:checked')
    .evaluateAll((rs) => rs.map((r) => `${(r as HTMLInputElement).name}=${(r as HTMLInputElement).value}`));
  expect(checked).toEqual(typeof team === "string" ? [`value=${team}`] : []);
  expect(await e.getByTestId("evidence-viewer").getByTestId("inline-pdf").count(), "the item's PDF is shown inline").toBe(1);
});
