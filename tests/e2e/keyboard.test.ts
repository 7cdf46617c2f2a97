/**
 * Issue #28, keyboard use of the workbench: an assessor moving through an area with the Tab key reaches
 * the next item's answer in at most 3 presses from the previous item's answer (the evidence, the
 * discussion and the history of an item sit behind one disclosure button), whether the item has an
 * answer yet or not; the disclosure opens with the keyboard and holds the evidence form. The focus ring
 * has at least 3:1 contrast against white and the page's background.
 */
import type { Browser, Page } from "playwright-core";
import { expect, test } from "vitest";
import { loginViaForm, newSession, waitForHydration } from "../helpers/browser";
import { withServerAndBrowser, type E2eWorld } from "../helpers/e2e";
import { contrast } from "../helpers/contrast";
import { loginFor, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: Browser;
let world: E2eWorld;

withServerAndBrowser((started) => ({ server, browser } = world = started));

/** At most this many Tab presses from one item's answer to the next item's answer. */
const MAX_PRESSES = 3;

/** What has the focus: its item card and a short description. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { item: null, what: "body", answer: false };
    const card = el.closest<HTMLElement>("article.item-card");
    const name = el.getAttribute("name") ?? el.getAttribute("aria-label") ?? el.textContent?.trim().slice(0, 40) ?? "";
    const answer = el.matches("input[name='value'], input[name^='in.']");
    return { item: card?.dataset.testid?.slice("item-".length) ?? null, what: `${el.tagName.toLowerCase()} ${name}`, answer };
  });

async function session(role: string): Promise<Page> {
  const { page } = await newSession(browser, server.baseUrl);
  const login = loginFor(server.logins, role);
  await loginViaForm(page, login.email, login.password);
  return page;
}

/** From the first item's answer on, presses Tab until the focus is in the next item's answer, for `items` items; the stops met. */
async function walk(page: Page, items: number): Promise<{ from: string; presses: number; stops: string[] }[]> {
  const out: { from: string; presses: number; stops: string[] }[] = [];
  let at = await focused(page);
  expect(at.answer, `the walk starts at an answer, not ${at.what}`).toBe(true);
  for (let n = 0; n < items; n++) {
    const from = at.item!;
    const stops: string[] = [];
    let presses = 0;
    for (;;) {
      await page.keyboard.press("Tab");
      presses++;
      at = await focused(page);
      if (at.answer && at.item !== from) break;
      stops.push(at.what);
      if (presses > 40) throw new Error(`no next answer after ${from}: ${stops.join(" | ")}`);
    }
    out.push({ from, presses, stops });
  }
  return out;
}

test("an assessor reaches the next item's answer in at most 3 Tab presses, answered or not; the disclosure holds the evidence form", async () => {
  const page = await session("assessor");
  const draft = world.demoDraftId;
  await page.goto(`/assessments/${draft}/areas/A.I.2`);
  await waitForHydration(page);
  const first = page.locator("article.item-card input[name='value']:not([disabled])").first();
  await first.focus();
  const walked = await walk(page, 4);
  console.info(
    `Tab presses from one answer to the next: ${walked.map((w) => `${w.from} ${w.presses} (${w.stops.join(" | ")})`).join("; ")}`,
  );
  for (const w of walked) expect(w.presses, `${w.from} → next answer: ${w.stops.join(" | ")}`).toBeLessThanOrEqual(MAX_PRESSES);

  // With an answer chosen (a "clear" button appears) it stays within the limit.
  const card = page
    .locator("article.item-card")
    .filter({ has: page.locator("input[type='radio']:not([disabled])") })
    .first();
  const radio = card.locator("input[type='radio']").first();
  const cardId = (await card.getAttribute("data-testid"))!.slice("item-".length);
  await radio.focus();
  // Space checks the first option; when it is checked already, ArrowDown checks the next one.
  await page.keyboard.press((await radio.isChecked()) ? "ArrowDown" : "Space");
  await page
    .getByTestId(`save-state-${cardId}`)
    .filter({ hasText: /^Tersimpan$/ })
    .waitFor();
  await card.locator("input[type='radio']:checked").focus();
  const [again] = await walk(page, 1);
  expect(again!.presses, `after answering: ${again!.stops.join(" | ")}`).toBeLessThanOrEqual(MAX_PRESSES);

  // The disclosure opens by keyboard and holds the evidence upload, the discussion and the history.
  await card.locator("input[type='radio']:checked").focus();
  for (let i = 0; i < MAX_PRESSES; i++) {
    const isDisclosure = await page.evaluate(() => document.activeElement?.matches("summary.item-more") ?? false);
    if (isDisclosure) break;
    await page.keyboard.press("Tab");
  }
  expect(
    await page.evaluate(() => document.activeElement?.matches("summary.item-more") ?? false),
    "the item's disclosure is a Tab stop",
  ).toBe(true);
  await page.keyboard.press("Enter");
  await card.locator("input[type='file']").waitFor();
  await page.keyboard.press("Tab");
  expect((await focused(page)).item, "the disclosure's content follows it").toBe(cardId);
});

test("the focus ring has at least 3:1 contrast against white and the page background", async () => {
  const page = await session("assessor");
  await page.goto("/");
  await waitForHydration(page);
  await page.keyboard.press("Tab");
  const ring = await page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const s = getComputedStyle(el);
    return {
      color: s.outlineColor,
      style: s.outlineStyle,
      width: parseFloat(s.outlineWidth),
      bg: getComputedStyle(document.documentElement).backgroundColor,
    };
  });
  expect(ring.style).toBe("solid");
  expect(ring.width).toBeGreaterThanOrEqual(2);
  expect(contrast(ring.color, "rgb(255, 255, 255)"), `${ring.color} on white`).toBeGreaterThanOrEqual(3);
  expect(contrast(ring.color, ring.bg), `${ring.color} on ${ring.bg}`).toBeGreaterThanOrEqual(3);
});

test("what cannot be changed looks it: a read-only item's options, note and labels are grey and dashed, with a not-allowed cursor", async () => {
  const page = await session("reviewer");
  await page.goto(`/assessments/${world.demoDraftId}/areas/A.I.2`);
  await waitForHydration(page);
  const card = page
    .locator("article.item-card")
    .filter({ has: page.locator("fieldset.options") })
    .first();
  const look = await card.evaluate((c) => {
    const style = (sel: string) => {
      const el = c.querySelector(sel);
      if (!el) return null;
      const s = getComputedStyle(el);
      return { color: s.color, cursor: s.cursor, border: s.borderTopStyle, disabled: el.matches(":disabled") };
    };
    return { radio: style("input[type=radio]"), label: style("label.option"), note: style("textarea[name=note]") };
  });
  expect(look.radio?.disabled, "the options are disabled").toBe(true);
  expect(look.radio?.cursor).toBe("not-allowed");
  expect(look.label).toMatchObject({ color: "rgb(74, 82, 97)", cursor: "not-allowed" });
  expect(look.note).toMatchObject({ disabled: true, border: "dashed", cursor: "not-allowed" });
  // A read-only item offers no Save button.
  expect(await card.getByRole("button", { name: "Simpan jawaban" }).count()).toBe(0);
});
