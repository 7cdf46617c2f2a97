/**
 * Acceptance 4 of issue #6: the printable report of a final demo assessment renders to an A4 PDF in
 * Chromium; the page count is within bounds, the PDF text holds the stored totals, and in print
 * layout no table is wider than the page (nothing clipped). Issue #28: the released evaluator layers
 * and the effective score with its rule are printed, every page has the running head (unit, period,
 * instrument) and its number ("Halaman 3 dari 7" / "Page 3 of 7"). Needs poppler-utils (pdftotext, pdfinfo).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { expect, test } from "vitest";
import { type Db } from "#db/client.server";
import { formatNumber } from "~/i18n";
import { loginViaForm, newSession } from "../helpers/browser";
import { loginFor, RESULTS_DIR, type TestServer } from "../helpers/server";
import { withServerAndBrowser } from "../helpers/e2e";
import { assessmentsWithUnit } from "#db/queries/joins";

let server: TestServer;
let browser: Browser;
let db: Db;

function poppler(tool: "pdftotext" | "pdfinfo", args: string[]): string {
  try {
    return execFileSync(tool, args, { encoding: "utf8" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT")
      throw new Error(`${tool} not found: install poppler-utils (apt-get install -y poppler-utils)`);
    throw e;
  }
}

withServerAndBrowser((started) => ({ server, browser, db } = started));

test("the report of a final assessment prints to A4 PDF with the stored totals and no clipped table", async () => {
  const target = await assessmentsWithUnit(db)
    .innerJoin("score_snapshot as s", "s.assessment_id", "a.id")
    .select(["a.id", "u.name", "s.id as snapshotId", "s.total"])
    .where("a.status", "=", "final")
    .where("p.year", "=", 2024)
    .where("u.code", "=", "KLP-JKT")
    .executeTakeFirstOrThrow();
  // A note, so the notes section prints too.
  await db
    .updateTable("answer")
    .set({ note: "SK Tim ZI ditetapkan Januari; rencana kerja dipantau triwulanan." })
    .where("assessment_id", "=", target.id)
    .where("item_id", "=", "A.I.1.i.a")
    .execute();
  const areas = await db
    .selectFrom("score_snapshot_node")
    .select(["node_id", "value"])
    .where("snapshot_id", "=", target.snapshotId)
    .where("level", "=", "area")
    .execute();

  const { page } = await newSession(browser, server.baseUrl);
  const reviewer = loginFor(server.logins, "reviewer");
  await loginViaForm(page, reviewer.email, reviewer.password);
  await page.goto(`/reports/${target.id}`);
  await page.getByTestId("report-recap").waitFor();
  expect(await page.getByTestId("report-total-value").textContent()).toBe(formatNumber(target.total, "id", 2));
  expect(await page.getByTestId("report-draft").count()).toBe(0);

  await page.emulateMedia({ media: "print" });
  // A4 at 96 dpi less the 12 mm side margins: ~703 px of content width.
  await page.setViewportSize({ width: 703, height: 1000 });
  const overflow = await page.evaluate(() =>
    [...document.querySelectorAll("table, svg")]
      .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .map((el) => el.closest("[data-testid]")?.getAttribute("data-testid") ?? el.tagName),
  );
  expect(overflow, "tables or charts wider than the printed page").toEqual([]);

  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, "e2e-report.pdf");
  await page.pdf({ path: file, format: "A4", printBackground: true });
  const pages = Number(/Pages:\s+(\d+)/.exec(poppler("pdfinfo", [file]))?.[1]);
  expect(pages).toBeGreaterThanOrEqual(3);
  expect(pages).toBeLessThanOrEqual(8);
  const pageSize = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(poppler("pdfinfo", [file]));
  // A4 is 595.3 × 841.9 pt; Chromium rounds to whole CSS pixels (595.92 × 842.88).
  expect(Math.abs(Number(pageSize?.[1]) - 595.3)).toBeLessThan(1.5);
  expect(Math.abs(Number(pageSize?.[2]) - 841.9)).toBeLessThan(1.5);

  const text = poppler("pdftotext", ["-layout", file, "-"]).replace(/\u00a0/g, " ");
  expect(text).toContain(target.name);
  expect(text).toContain(`Nilai total: ${formatNumber(target.total, "id", 2)} / 100,00`);
  for (const a of areas) {
    const line = text.split("\n").find((l) => new RegExp(`^\\s*${a.node_id.replace(/\./g, "\\.")}\\s`).test(l));
    expect(line, `recap row ${a.node_id}`).toBeDefined();
    expect(line).toContain(formatNumber(a.value, "id", 2));
  }
  expect(text).toContain("rencana kerja dipantau triwulanan");
  // Every recap row made it into the PDF: the last sub-area and the total line.
  expect(text).toMatch(/B\.II\.1\s/);
  expect(text).toMatch(/Σ\s+Nilai total/);
});

/** The PDF of the page as printed (A4, backgrounds on), and its text page by page (pdftotext -layout, NBSP as spaces). */
async function printToText(page: Page, name: string): Promise<{ pages: number; text: string; byPage: string[] }> {
  await page.emulateMedia({ media: "print" });
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, name);
  await page.pdf({ path: file, format: "A4", printBackground: true });
  await page.emulateMedia({ media: "screen" });
  const pages = Number(/Pages:\s+(\d+)/.exec(poppler("pdfinfo", [file]))?.[1]);
  const text = poppler("pdftotext", ["-layout", file, "-"]).replace(/\u00a0/g, " ");
  // pdftotext ends every page with a form feed.
  const byPage = text.split("\f").slice(0, pages);
  return { pages, text, byPage };
}

test("the Medan 2024 report prints its released evaluator layers, the effective score with its rule, a running head and page numbers, in Indonesian and in English (#28)", async () => {
  const target = await assessmentsWithUnit(db)
    .select(["a.id", "u.name", "p.name as periodName"])
    .where("a.status", "=", "final")
    .where("p.year", "=", 2024)
    .where("u.code", "=", "BP-MDN")
    .executeTakeFirstOrThrow();
  // What the evaluators released, read plainly: each layer's stored total and the items it scored.
  const released = await db
    .selectFrom("layer_release as r")
    .innerJoin("score_snapshot as s", (j) => j.onRef("s.assessment_id", "=", "r.assessment_id").onRef("s.layer", "=", "r.layer"))
    .select(["r.layer", "s.total"])
    .where("r.assessment_id", "=", target.id)
    .where("r.revoked_at", "is", null)
    .orderBy("s.created_at", "desc")
    .execute();
  const layers = new Map<string, { total: number; items: number }>();
  for (const r of released) {
    if (layers.has(r.layer)) continue;
    const scored = await db
      .selectFrom("answer")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("assessment_id", "=", target.id)
      .where("layer", "=", r.layer)
      .where("value_json", "is not", null)
      .executeTakeFirstOrThrow();
    layers.set(r.layer, { total: r.total, items: Number(scored.n) });
  }
  expect([...layers.keys()].sort(), "the demo released both evaluator layers of Medan 2024").toEqual(["external", "internal"]);
  const instrument = await db
    .selectFrom("assessment as a")
    .innerJoin("instrument_version as iv", "iv.hash", "a.instrument_hash")
    .select(["iv.instrument_id", "iv.version"])
    .where("a.id", "=", target.id)
    .executeTakeFirstOrThrow();

  const { page } = await newSession(browser, server.baseUrl);
  const reviewer = loginFor(server.logins, "reviewer");
  await loginViaForm(page, reviewer.email, reviewer.password);
  // The overview's effective score: the report shows the same figure (one computation, not a copy).
  await page.goto(`/assessments/${target.id}`);
  const overviewEffective = (await page.getByTestId("unit-effective-total").textContent())!.trim();
  expect(overviewEffective, "the effective score of the demo's Medan 2024 (issue #28)").toBe("82,83");

  await page.goto(`/reports/${target.id}`);
  await page.getByTestId("report-layers").waitFor();
  expect(await page.getByTestId("report-effective-value").textContent()).toBe(overviewEffective);
  // No notes in this assessment: no notes section at all (no empty box).
  expect(await page.getByTestId("report-notes").count()).toBe(0);
  await page.emulateMedia({ media: "print" });
  expect(
    await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor),
    "the printed page is white to its end",
  ).toBe("rgb(255, 255, 255)");

  const id = await printToText(page, "e2e-report-medan-2024.pdf");
  expect(id.pages).toBeGreaterThanOrEqual(2);
  expect(id.text).toContain("Lapisan nilai");
  for (const [layer, label] of [
    ["internal", "Evaluator internal (TPI)"],
    ["external", "Evaluator eksternal (TPN)"],
  ] as const) {
    const l = layers.get(layer)!;
    expect(id.text).toContain(`${label}: ${formatNumber(l.total, "id", 2)} · ${l.items} butir dinilai`);
  }
  expect(id.text).toContain(`Nilai efektif: ${overviewEffective}`);
  expect(id.text.replace(/\s+/g, " ")).toContain(
    "Untuk setiap butir berlaku jawaban lapisan berwenang tertinggi yang menjawabnya, dengan urutan Evaluator eksternal (TPN) › Evaluator internal (TPI) › Tim unit (mandiri).",
  );
  expect(id.text).not.toContain("Tidak ada catatan");
  id.byPage.forEach((text, i) => {
    expect(text, `page ${i + 1}: running head`).toContain(`${target.name} · ${target.periodName}`);
    expect(text, `page ${i + 1}: instrument`).toContain(`(${instrument.instrument_id} ${instrument.version})`);
    expect(text, `page ${i + 1}: page number`).toContain(`Halaman ${i + 1} dari ${id.pages}`);
  });

  // Once in English: the same layers and figure in English number format, "Page n of N".
  const setLocale = async (locale: "id" | "en") => {
    const res = await page.context().request.post("/language", { form: { locale, redirectTo: "/" }, maxRedirects: 0, headers: { Origin: server.baseUrl } });
    expect(res.status()).toBe(302);
  };
  await setLocale("en");
  try {
    await page.goto(`/reports/${target.id}`);
    await page.getByTestId("report-layers").waitFor();
    const en = await printToText(page, "e2e-report-medan-2024-en.pdf");
    expect(en.text).toContain("Score layers");
    expect(en.text).toContain(
      `Internal evaluator (TPI): ${formatNumber(layers.get("internal")!.total, "en", 2)} · ${layers.get("internal")!.items} items scored`,
    );
    expect(en.text).toContain(
      `External evaluator (TPN): ${formatNumber(layers.get("external")!.total, "en", 2)} · ${layers.get("external")!.items} items scored`,
    );
    expect(en.text).toContain(`Effective score: ${overviewEffective.replace(",", ".")}`);
    expect(en.text.replace(/\s+/g, " ")).toContain("the highest-authority layer that answered it counts");
    en.byPage.forEach((text, i) => {
      expect(text, `page ${i + 1}: running head`).toContain(`${target.name} · ${target.periodName}`);
      expect(text, `page ${i + 1}: page number`).toContain(`Page ${i + 1} of ${en.pages}`);
    });
  } finally {
    await setLocale("id");
  }
});

test("another organisation's admin gets 404 for the report", async () => {
  // A final assessment of the ministry (the regency has final ones of its own since the Evaluasi RB demo).
  const target = await db
    .selectFrom("assessment as a")
    .innerJoin("organisation as o", "o.id", "a.organisation_id")
    .select("a.id")
    .where("a.status", "=", "final")
    .where("o.kind", "=", "kementerian_lembaga")
    .executeTakeFirstOrThrow();
  const { page } = await newSession(browser, server.baseUrl, { allow: [/status of 404/] });
  const kab = loginFor(server.logins, "org_admin", "kabdemo");
  await loginViaForm(page, kab.email, kab.password);
  const res = await page.goto(`/reports/${target.id}`);
  expect(res?.status()).toBe(404);
});
