/**
 * Regenerates the screenshots under docs/screenshots/ that the README shows (issue #28): the
 * dashboard on a laptop (1366×768) and a phone (390×844), a unit page, the improvement planner and
 * the printed report (PDF, first page rendered to PNG with pdftoppm). It starts the production
 * build on a fresh demo database, exactly as the browser tests do, signs in as the demo's head of
 * the organisation bureau (reviewer) and saves each page.
 *
 *   npm run screenshots            (builds first if build/ is missing)
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { launchBrowser, loginViaForm } from "../tests/helpers/browser";
import { loginFor, ROOT, startServer, withServerDb } from "../tests/helpers/server";

const OUT = path.join(ROOT, "docs", "screenshots");

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const ids = withServerDb(server, (db) => {
      const unit = db.prepare("SELECT id FROM unit WHERE code = 'BP-MDN'").pluck().get() as string;
      const assessment = db
        .prepare(
          `SELECT a.id FROM assessment a JOIN unit u ON u.id = a.unit_id JOIN period p ON p.id = a.period_id
           WHERE u.code = 'BP-MDN' AND p.year = 2024 AND a.instrument_id = 'zi-2021'`,
        )
        .pluck()
        .get() as string;
      return { unit, assessment };
    });
    const login = loginFor(server.logins, "reviewer");
    const shots: { name: string; url: string; width: number; height: number; fullPage?: boolean }[] = [
      { name: "dashboard-laptop", url: "/dashboard", width: 1366, height: 768 },
      { name: "dashboard-phone", url: "/dashboard", width: 390, height: 844 },
      { name: "unit-page", url: `/dashboard/units/${ids.unit}`, width: 1366, height: 768 },
      { name: "planner", url: `/dashboard/plan/${ids.assessment}`, width: 1366, height: 768 },
    ];
    for (const s of shots) {
      const context = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: s.width, height: s.height } });
      const page: Page = await context.newPage();
      await loginViaForm(page, login.email, login.password);
      await page.goto(s.url);
      await page.waitForLoadState("networkidle");
      const file = path.join(OUT, `${s.name}.png`);
      await page.screenshot({ path: file, fullPage: s.fullPage ?? false });
      console.log(`${path.relative(ROOT, file)}  ${s.width}×${s.height}  ${s.url}`);
      await context.close();
    }
    // The printed report: Chromium's own print to PDF, its first page as PNG.
    const context = await browser.newContext({ baseURL: server.baseUrl });
    const page = await context.newPage();
    await loginViaForm(page, login.email, login.password);
    await page.goto(`/reports/${ids.assessment}`);
    await page.emulateMedia({ media: "print" });
    const pdf = path.join(OUT, "report.pdf");
    await page.pdf({ path: pdf, format: "A4", printBackground: true });
    execFileSync("pdftoppm", ["-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", pdf, path.join(OUT, "report-page-1")]);
    fs.rmSync(pdf);
    console.log(`${path.relative(ROOT, path.join(OUT, "report-page-1.png"))}  A4 page 1  /reports/${ids.assessment}`);
    await context.close();
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
