/**
 * Debian Chromium driven by playwright-core, with every page watched for console errors and
 * uncaught exceptions: a test whose pages logged any fails in closeSessions().
 */
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { RESULTS_DIR } from "./server";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || "/usr/bin/chromium";
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!fs.existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}: the end-to-end tests need a Chromium browser. ` +
        `Install Debian's package (apt-get update && apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium executable. ` +
        `Do not run "npx playwright install".`,
    );
  }
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen so far (allowed ones excluded). */
  problems: string[];
}

const sessions: BrowserSession[] = [];

/**
 * A fresh context (no cookies) and page on baseUrl. `allow` lists console errors a test provokes
 * on purpose, e.g. Chromium's "Failed to load resource … status of 401" after a wrong password.
 */
export async function newSession(browser: Browser, baseUrl: string, opts: { allow?: RegExp[] } = {}): Promise<BrowserSession> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  const page = await context.newPage();
  const session: BrowserSession = { context, page, problems: [] };
  const allowed = (text: string) => (opts.allow ?? []).some((re) => re.test(text));
  const watch = (p: Page) => {
    p.on("console", (msg) => {
      if (msg.type() !== "error" || allowed(msg.text())) return;
      const loc = msg.location();
      session.problems.push(`console.error: ${msg.text()}${loc.url ? ` (${loc.url}:${loc.lineNumber})` : ""} on ${p.url()}`);
    });
    p.on("pageerror", (err) => session.problems.push(`page error: ${err.stack ?? err.message} on ${p.url()}`));
  };
  watch(page);
  context.on("page", watch);
  sessions.push(session);
  return session;
}

/** Closes every session opened since the last call; throws when any page logged an error. For afterEach. */
export async function closeSessions(): Promise<void> {
  const open = sessions.splice(0);
  const problems = open.flatMap((s) => s.problems);
  await Promise.all(open.map((s) => s.context.close().catch(() => undefined)));
  if (problems.length > 0) throw new Error(`The browser reported errors:\n${problems.join("\n")}`);
}

/** Saves a full-page screenshot under test-results/ (git-ignored) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Signs in through the login form and waits until the header shows the signed-in user. */
export async function loginViaForm(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await waitForHydration(page);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Kata sandi", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Masuk", exact: true }).click();
  // Either the header shows the user, or the form shows why not: fail with that message at once.
  await page.locator('[data-testid="current-user"], main [role="alert"]').first().waitFor();
  const alert = page.locator('main [role="alert"]');
  if ((await page.getByTestId("current-user").count()) === 0 && (await alert.count()) > 0) {
    throw new Error(`log-in as ${email} failed: ${(await alert.first().textContent()) ?? ""}`);
  }
}

/** The visible labels of the main menu, in order. */
export async function menuLabels(page: Page): Promise<string[]> {
  const texts = await page.getByTestId("main-menu").getByRole("link").allTextContents();
  return texts.map((t) => t.trim());
}

/** Waits until Remix has started in the page, so form posts go through the client router. */
export async function waitForHydration(page: Page): Promise<void> {
  await page.waitForFunction(() => "__remixRouter" in window && document.readyState === "complete");
}

/** The console line Chromium logs when a submit or finalise answers 400 listing what is missing (workflowAction). */
export const CONFIRMATION_ASKED = /status of 400 \(Bad Request\)/;

/**
 * Clicks a workflow button of the overview (submit, finalise) and waits for the status; when the
 * server lists what is missing first (issue #27), ticks the confirmation and clicks again.
 * Resolves with whether confirmation was asked.
 */
export async function workflowAction(page: Page, button: string, status: string): Promise<boolean> {
  const done = page.getByTestId("assessment-status").filter({ hasText: status });
  const confirm = page.locator('input[type="checkbox"][name="confirm"]');
  await page.getByRole("button", { name: button, exact: true }).click();
  await done.or(confirm).first().waitFor();
  const asked = (await confirm.count()) > 0;
  if (asked) {
    await confirm.check();
    await page.getByRole("button", { name: button, exact: true }).click();
  }
  await done.waitFor();
  return asked;
}

/**
 * Opens an item card's disclosure on an area page (guidance, evidence, discussion and history sit
 * behind one button per item since issue #28), unless it is open already.
 */
export async function openItemMore(page: Page, itemId: string): Promise<void> {
  const more = page.getByTestId(`item-more-${itemId}`);
  if (!(await more.evaluate((d) => (d as HTMLDetailsElement).open))) await more.locator(":scope > summary").click();
}
