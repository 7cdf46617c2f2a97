/**
 * Log-in throttling through the real form: five wrong passwords lock the account, the sixth
 * attempt is refused with HTTP 429 and the Indonesian "too many attempts" message. Uses its own
 * server so no other test file can be locked out.
 */
import type { Browser, Page } from "playwright-core";
import { expect, test } from "vitest";
import { newSession, waitForHydration } from "../helpers/browser";
import { loginFor, type TestServer } from "../helpers/server";
import { withServerAndBrowser } from "../helpers/e2e";

// Chromium logs every non-2xx fetch as a console error; these statuses are the point of this test.
const EXPECTED_STATUS_LOGS = [/Failed to load resource: the server responded with a status of (401|429)/];

let server: TestServer;
let browser: Browser;

withServerAndBrowser((started) => ({ server, browser } = started));

/** Submits the login form once and returns the HTTP status of the POST it caused. */
async function submitLogin(page: Page, email: string, password: string): Promise<number> {
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Kata sandi", { exact: true }).fill(password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname.startsWith("/login")),
    page.getByRole("button", { name: "Masuk", exact: true }).click(),
  ]);
  return response.status();
}

test("six wrong passwords in a row: the sixth is throttled with 429 and a message", async () => {
  const evaluator = loginFor(server.logins, "evaluator");
  const { page } = await newSession(browser, server.baseUrl, { allow: EXPECTED_STATUS_LOGS });
  await page.goto("/login");
  await waitForHydration(page);

  const alert = page.getByRole("alert");
  const statuses: number[] = [];
  for (let i = 1; i <= 5; i++) {
    statuses.push(await submitLogin(page, evaluator.email, `wrong-password-${i}`));
    await alert.filter({ hasText: "Email atau kata sandi salah." }).waitFor();
  }
  statuses.push(await submitLogin(page, evaluator.email, "wrong-password-6"));
  expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);

  const throttled = alert.filter({ hasText: "Terlalu banyak percobaan" });
  await throttled.waitFor();
  expect(await throttled.textContent()).toMatch(/^Terlalu banyak percobaan masuk yang gagal\. Coba lagi dalam \d+ detik\.$/);
  expect(new URL(page.url()).pathname).toBe("/login");

  // While locked, even the right password is refused, without a session cookie.
  expect(await submitLogin(page, evaluator.email, evaluator.password)).toBe(429);
  await throttled.waitFor();
  expect(await page.getByTestId("current-user").count()).toBe(0);
  expect((await page.context().cookies()).some((c) => c.name === "cermin_session")).toBe(false);
});

test("the throttled response without JavaScript is a 429 page", async () => {
  const evaluator = loginFor(server.logins, "evaluator");
  const res = await fetch(`${server.baseUrl}/login`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.baseUrl },
    body: new URLSearchParams({ email: evaluator.email, password: evaluator.password }).toString(),
    redirect: "manual",
  });
  expect(res.status).toBe(429);
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  expect(res.headers.get("set-cookie") ?? "").not.toContain("cermin_session=");
  const html = await res.text();
  expect(html).toContain("Terlalu banyak percobaan masuk yang gagal");
});

test("other accounts are not locked by the evaluator's failures", async () => {
  const assessor = loginFor(server.logins, "assessor");
  const res = await fetch(`${server.baseUrl}/login`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.baseUrl },
    body: new URLSearchParams({ email: assessor.email, password: assessor.password }).toString(),
    redirect: "manual",
  });
  expect(res.status).toBe(302);
  expect(res.headers.get("set-cookie") ?? "").toContain("cermin_session=");
  expect(server.errors()).toBe("");
});
