/**
 * A refused upload, end to end: in the browser the refusal shows in the evidence panel (not the error
 * page), and over plain HTTP the same refusal carries its status (400 here; 507 for a full store).
 */
import type { Browser } from "playwright-core";
import { expect, test } from "vitest";
import { loginViaForm, newSession, openItemMore, waitForHydration } from "../helpers/browser";
import { loginFor, type TestServer } from "../helpers/server";
import { withServerAndBrowser } from "../helpers/e2e";

let server: TestServer;
let browser: Browser;
let assessmentId: string;

withServerAndBrowser((started) => ({ server, browser, demoDraftId: assessmentId } = started));

test("an empty file is refused: the panel says why, and plain HTTP gets a 400 with the message key", async () => {
  const login = loginFor(server.logins, "assessor");
  // The refused upload is a 400 on the fetcher's request, which Chromium logs.
  const s = await newSession(browser, server.baseUrl, { allow: [/status of 400 \(Bad Request\)/] });
  const page = s.page;
  await loginViaForm(page, login.email, login.password);
  await page.goto(`${server.baseUrl}/assessments/${assessmentId}/areas/A.I.1`);
  await waitForHydration(page);
  await openItemMore(page, "A.I.1.i.a");
  const panel = page.getByTestId("evidence-panel-A.I.1.i.a");
  const form = panel.locator("form").filter({ has: page.locator('input[type="file"]') });
  await form.locator('input[type="file"]').setInputFiles({ name: "kosong.pdf", mimeType: "application/pdf", buffer: Buffer.alloc(0) });
  await form.getByRole("button", { name: "Unggah berkas" }).click();
  await panel.getByText('Berkas "kosong.pdf" kosong (0 bita) dan tidak disimpan.').waitFor();
  expect(await page.getByRole("heading", { level: 1 }).first().textContent()).toContain("A.I.1");

  const cookie = (await s.context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const fd = new FormData();
  fd.set("intent", "upload");
  fd.set("itemId", "A.I.1.i.a");
  fd.append("file", new File([], "kosong.pdf", { type: "application/pdf" }));
  const res = await fetch(`${server.baseUrl}/assessments/${assessmentId}/evidence`, {
    method: "POST",
    headers: { Cookie: cookie, Origin: server.baseUrl },
    body: fd,
    redirect: "manual",
  });
  expect(res.status).toBe(400);
  expect(await res.json()).toMatchObject({ ok: false, formError: "evidence.empty" });
});
