/**
 * The header bell on the production build: an assignment made while the server runs shows as an
 * unread count for the assessor, the inbox lists it, "Open" goes to the area, and "mark all read"
 * clears the count.
 */
import type { Browser } from "playwright-core";
import { expect, test } from "vitest";
import { type Db } from "#db/client.server";
import { outlineOf } from "~/domain/instrument/outline";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { setAssignment } from "~/services/workbench/workflow.server";
import { loginViaForm, newSession, screenshot, waitForHydration } from "../helpers/browser";
import { loginFor, type TestServer } from "../helpers/server";
import { withServerAndBrowser } from "../helpers/e2e";

let server: TestServer;
let browser: Browser;
let db: Db;

withServerAndBrowser((started) => ({ server, browser, db } = started));

test("the bell counts unread notifications; the inbox opens the item and marks everything read", async () => {
  const login = loginFor(server.logins, "assessor");
  const assessor = await db.selectFrom("user").select("id").where("email", "=", login.email).executeTakeFirstOrThrow();
  await db.updateTable("notification").set({ read_at: new Date().toISOString() }).where("user_id", "=", assessor.id).execute();
  const admin = await db.selectFrom("user").select("id").where("is_admin", "=", 1).executeTakeFirstOrThrow();
  const system = { id: admin.id, isAdmin: true, memberships: [] };
  const unread = async () =>
    (await db.selectFrom("notification").select("id").where("user_id", "=", assessor.id).where("read_at", "is", null).execute()).length;
  /** Assigns the assessor to an area of a draft they are not assigned to yet (made while the server runs). */
  const assignNew = async (): Promise<{ assessmentId: string; areaId: string } | null> => {
    const drafts = await db.selectFrom("assessment").select("id").where("status", "=", "draft").orderBy("created_at", "desc").execute();
    for (const { id } of drafts) {
      const ctx = await requireAssessment(db, system, id);
      for (const area of outlineOf(ctx.instrument).areas) {
        const before = await unread();
        try {
          await setAssignment(db, system, ctx, area.id, assessor.id, true);
        } catch {
          break; // not the assessor's unit
        }
        if ((await unread()) > before) return { assessmentId: id, areaId: area.id };
      }
    }
    return null;
  };
  const assigned = await assignNew();
  expect(assigned, "a draft assessment the demo assessor can be assigned to").not.toBeNull();

  const { page } = await newSession(browser, server.baseUrl);
  await loginViaForm(page, login.email, login.password);
  await expect.poll(() => page.getByTestId("inbox-count").textContent()).toBe("1");
  await page.getByTestId("inbox-bell").click();
  await page.waitForURL(/\/inbox$/);
  await waitForHydration(page);
  await expect.poll(() => page.getByTestId("inbox").textContent()).toContain("Anda ditugaskan");
  await page.getByRole("button", { name: "Buka", exact: true }).first().click();
  await page.waitForURL(new RegExp(`/assessments/${assigned!.assessmentId}/areas/${assigned!.areaId.replace(/\./g, "\\.")}$`));
  await expect.poll(() => page.getByTestId("inbox-count").count()).toBe(0);

  // Read again by the server: a second, unread one shows, and "mark all read" clears it.
  expect(await assignNew()).not.toBeNull();
  await page.goto("/inbox");
  await waitForHydration(page);
  await expect.poll(() => page.getByTestId("inbox-count").textContent()).toBe("1");
  await screenshot(page, "inbox");
  await page.getByTestId("inbox-read-all").click();
  await expect.poll(() => page.getByTestId("inbox-count").count()).toBe(0);
  await page.goto("/account#notifications");
  await screenshot(page, "account-notifications");
  expect(server.errors()).toBe("");
});
