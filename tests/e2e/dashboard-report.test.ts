/**
 * Acceptance 4 of issue #6: the printable report of a final demo assessment renders to an A4 PDF in
 * Chromium; the page count is within bounds, the PDF text holds the stored totals, and in print
 * layout no table is wider than the page (nothing clipped). Needs poppler-utils (pdftotext, pdfinfo).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
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
