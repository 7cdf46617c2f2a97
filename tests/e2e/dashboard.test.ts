/**
 * Acceptance 1 of issue #6: the bureau head (reviewer) opens the dashboards of the demo organisation,
 * every chart draws data, the numbers equal the stored snapshots, and the drill-down reaches an item.
 * Screenshots land in test-results/.
 */
import type { Browser, Page } from "playwright-core";
import { beforeAll, expect, test } from "vitest";
import { type Db } from "#db/client.server";
import { outlineOf } from "~/domain/instrument/outline";
import { formatNumber } from "~/i18n";
import { writeLayerSnapshot } from "~/services/dashboard/layers.server";
import { answersObject, loadAnswers } from "~/services/workbench/answers.server";
import { storeSnapshot } from "~/services/workbench/snapshots.server";
import { getFrozenInstrument } from "~/services/instruments/frozen.server";
import { newId } from "~/utils/ids";
import { loginViaForm, newSession, screenshot, waitForHydration } from "../helpers/browser";
import { loginFor, type TestServer } from "../helpers/server";
import { withServerAndBrowser } from "../helpers/e2e";
import { insertLinkEvidence } from "../helpers/factories";
import { assessmentsWithUnit, snapshotsWithUnit } from "#db/queries/joins";

let server: TestServer;
let browser: Browser;
let db: Db;
const fmt = (v: number) => formatNumber(v, "id", 2);

/** Released TPI scores for one 2024 assessment and a piece of evidence per final assessment, as the evaluation and workbench flows would leave them. */
async function addEvaluatorLayerAndEvidence() {
  const rows = await assessmentsWithUnit(db)
    .select(["a.id", "a.instrument_hash", "u.code"])
    .where("a.status", "=", "final")
    .where("p.year", "=", 2024)
    .execute();
  const target = rows.find((r) => r.code === "BP-MKS")!;
  const instrument = await getFrozenInstrument(db, target.instrument_hash);
  const items = [...outlineOf(instrument).items.values()].filter((i) => i.options && i.options.length > 1).slice(0, 8);
  const now = new Date().toISOString();
  for (const item of items) {
    await db
      .insertInto("answer")
      .values({
        id: newId(),
        assessment_id: target.id,
        layer: "internal",
        item_id: item.id,
        value_json: JSON.stringify(item.options!.at(-1)!.code),
        note: null,
        version: 1,
        carried_over: 0,
        review_status: "pending",
        review_note: null,
        updated_by: null,
        updated_at: now,
      })
      .execute();
  }
  await db
    .insertInto("layer_release")
    .values({
      id: newId(),
      assessment_id: target.id,
      layer: "internal",
      released_at: now,
      released_by: null,
      revoked_at: null,
      revoked_by: null,
      revoke_reason: null,
    })
    .execute();
  await writeLayerSnapshot(db, target.id, "internal", null, now);
  const finals = await db.selectFrom("assessment").select("id").where("status", "=", "final").execute();
  for (const r of finals) {
    await insertLinkEvidence(db, { assessmentId: r.id, itemId: "A.I.1.ii.b", url: "https://example.go.id/sk-tim", name: "SK Tim ZI", at: now });
  }
}

withServerAndBrowser((started) => ({ server, browser, db } = started));

beforeAll(addEvaluatorLayerAndEvidence);

async function signIn(): Promise<Page> {
  const { page } = await newSession(browser, server.baseUrl);
  const reviewer = loginFor(server.logins, "reviewer");
  await loginViaForm(page, reviewer.email, reviewer.password);
  return page;
}

/** The chart's data table: open from the start (issue #28); opened by its summary should a reader have folded it. */
async function openTable(page: Page, chart: string) {
  const details = page.getByTestId(`chart-${chart}`).locator("details.chart-data").first();
  if ((await details.getAttribute("open")) === null) await details.locator("> summary").click();
  await page.getByTestId(`table-${chart}`).waitFor();
}

/** Drawn marks of a chart: bars, and line segments of a trend. */
const MARKS = ".chart-box svg.chart-svg [data-bar], .chart-box svg.chart-svg .trend-line";

async function storedTotals(year: number) {
  const rows = await snapshotsWithUnit(db)
    .select(["u.name", "s.total", "s.id"])
    .where("s.layer", "=", "self")
    .where("a.status", "=", "final")
    .where("p.year", "=", year)
    // The dashboard opens on the ZI worksheet; the demo's Evaluasi RB assessments have their own view.
    .where("a.instrument_id", "=", "zi-2021")
    .execute();
  return new Map(rows.map((r) => [r.name, r]));
}

test("every chart of the organisation dashboard draws the demo data, with numbers equal to the snapshots", async () => {
  const page = await signIn();
  await page.goto("/dashboard");
  await waitForHydration(page);
  for (const id of ["trend", "areas", "units", "progress", "layers", "readiness"]) {
    const chart = page.getByTestId(`chart-${id}`);
    const marks = await chart.locator(MARKS).count();
    expect(marks, `chart ${id} draws data`).toBeGreaterThan(0);
    expect(await chart.getByTestId(`csv-${id}`).count(), `chart ${id} offers a CSV`).toBe(1);
    expect(await chart.getByTestId(`xlsx-${id}`).count(), `chart ${id} offers an XLSX`).toBe(1);
  }
  await screenshot(page, "e2e-dashboard");

  const stored = await storedTotals(2024);
  await openTable(page, "units");
  const rows = page.getByTestId("table-units").locator("tbody tr");
  expect(await rows.count()).toBe(stored.size);
  for (let i = 0; i < stored.size; i++) {
    const name = (await rows.nth(i).locator("th").textContent())!.trim();
    expect(await rows.nth(i).locator('td[data-col="total"]').textContent(), name).toBe(fmt(stored.get(name)!.total));
  }
  const totals = [...stored.values()].map((r) => r.total);
  await openTable(page, "trend");
  const last = page.getByTestId("table-trend").locator("tbody tr").last();
  expect(await last.locator('td[data-col="mean"]').textContent()).toBe(fmt(totals.reduce((a, b) => a + b, 0) / totals.length));
  expect(await last.locator('td[data-col="max"]').textContent()).toBe(fmt(Math.max(...totals)));

  const csv = await page.request.get((await page.getByTestId("csv-units").getAttribute("href"))!);
  expect(csv.status()).toBe(200);
  const lines = (await csv.text())
    .replace(/^\uFEFF/, "")
    .trim()
    .split("\r\n");
  expect(lines).toHaveLength(stored.size + 1);
  // Indonesian convention: `;` between fields, a decimal comma; the stored total unrounded in the last column.
  for (const line of lines.slice(1)) {
    const cells = line.split(";");
    expect(cells[1]).toBe(stored.get(cells[0]!)!.total.toFixed(2).replace(".", ","));
    expect(Number(cells.at(-1)!.replace(",", "."))).toBe(stored.get(cells[0]!)!.total);
  }
});

test("drill-down: period → unit → area → sub-area → items with answers and evidence", async () => {
  const page = await signIn();
  await page.goto("/dashboard");
  await waitForHydration(page);
  await openTable(page, "trend");
  await page.getByTestId("table-trend").getByRole("link", { name: "2023" }).click();
  await page.waitForURL((u) => u.searchParams.has("period"));
  await page.getByTestId("chart-units").getByText("2023", { exact: false }).first().waitFor();
  expect(await page.getByTestId("chart-units").locator("figcaption").textContent()).toContain("2023");

  const stored = await storedTotals(2023);
  await openTable(page, "units");
  const first = page.getByTestId("table-units").locator("tbody tr").first().getByRole("link");
  const unitName = (await first.textContent())!.trim();
  await first.click();
  await page.waitForURL((u) => u.pathname.startsWith("/dashboard/units/"));
  await page.getByTestId("unit-total-value").waitFor();
  expect(await page.getByTestId("unit-total-value").textContent()).toBe(fmt(stored.get(unitName)!.total));
  await screenshot(page, "e2e-dashboard-unit");

  await openTable(page, "unit-nodes");
  await page.getByTestId("table-unit-nodes").getByRole("link", { name: "A.I.1", exact: true }).click();
  await page.waitForURL((u) => u.searchParams.get("node") === "A.I.1");
  await openTable(page, "unit-nodes");
  const snapshotId = stored.get(unitName)!.id;
  const node = await db
    .selectFrom("score_snapshot_node")
    .selectAll()
    .where("snapshot_id", "=", snapshotId)
    .where("node_id", "=", "A.I.1.ii")
    .executeTakeFirstOrThrow();
  const subRow = page.getByTestId("table-unit-nodes").locator("tbody tr").nth(1);
  expect(await subRow.locator('td[data-col="value"]').textContent()).toBe(fmt(node.value));
  await screenshot(page, "e2e-dashboard-area");

  await subRow.getByRole("link", { name: "A.I.1.ii" }).click();
  await page.waitForURL((u) => u.searchParams.get("node") === "A.I.1.ii");
  const items = page.getByTestId("table-unit-items");
  await items.waitFor();
  expect(await items.locator("tbody tr").count()).toBe(3);
  const row = items.locator("tbody tr").nth(1);
  expect((await row.locator("th").textContent())!.trim()).toBe("A.I.1.ii.b");
  expect(await row.locator('td[data-col="evidence"]').textContent()).toBe("1");
  const item = await db
    .selectFrom("score_snapshot_node")
    .select("value")
    .where("snapshot_id", "=", snapshotId)
    .where("node_id", "=", "A.I.1.ii.b")
    .executeTakeFirstOrThrow();
  expect(await row.locator('td[data-col="value"]').textContent()).toBe(fmt(item.value));
  expect(((await row.locator('td[data-col="answer"]').textContent()) ?? "").length).toBeGreaterThan(0);
  const crumbs = await page.getByTestId("crumbs").locator("li").allTextContents();
  expect(crumbs.map((c) => c.split(" ")[0])).toEqual(["Dasbor", unitName.split(" ")[0], "A.I.1", "A.I.1.ii"]);
  await screenshot(page, "e2e-dashboard-items");
});

test("why the score moved (waterfall) and what would raise it (planner) draw their data", async () => {
  const page = await signIn();
  const unit = await db.selectFrom("unit").select("id").where("code", "=", "KLP-JKT").executeTakeFirstOrThrow();
  const stored = await storedTotals(2024);
  const before = await storedTotals(2023);
  await page.goto(`/dashboard/units/${unit.id}`);
  await waitForHydration(page);
  // The unit page links to the planner of the period it shows (final or not).
  expect(await page.getByTestId("unit-plan-link").getAttribute("href")).toMatch(/^\/dashboard\/plan\/[0-9a-f-]{36}$/);
  await page.getByRole("link", { name: "Mengapa nilainya berubah" }).click();
  await page.waitForURL((u) => u.pathname === `/dashboard/movement/${unit.id}`);
  const waterfall = page.getByTestId("chart-movement");
  await waterfall.waitFor();
  await expect.poll(() => waterfall.locator(MARKS).count()).toBeGreaterThan(2);
  await openTable(page, "movement");
  const rows = page.getByTestId("table-movement").locator("tbody tr");
  expect(await rows.first().locator('td[data-col="end"]').textContent()).toBe(fmt(before.get("Kantor Layanan Perizinan Jakarta")!.total));
  expect(await rows.last().locator('td[data-col="end"]').textContent()).toBe(fmt(stored.get("Kantor Layanan Perizinan Jakarta")!.total));
  // Unanswered items apart from worse answers, and no change reads −0,00 (issue #28).
  expect(await page.getByTestId("table-movement").locator("thead").textContent()).toContain("Belum dijawab");
  expect(await page.locator("main").textContent()).not.toMatch(/[−-]0,00/);
  await page.getByTestId("movement-real").locator("details > summary").first().click();
  await screenshot(page, "e2e-dashboard-movement");

  const draft = await db.selectFrom("assessment").select("id").where("status", "=", "draft").where("unit_id", "=", unit.id).executeTakeFirstOrThrow();
  // The dashboard links to the planner of each open assessment (its row in the filling progress).
  await page.goto("/dashboard");
  await waitForHydration(page);
  await page.getByTestId("table-progress").getByRole("link", { name: "Rencana: Kantor Layanan Perizinan Jakarta" }).click();
  await page.waitForURL((u) => u.pathname === `/dashboard/plan/${draft.id}`);
  await expect.poll(() => page.getByTestId("chart-plan").locator(MARKS).count()).toBeGreaterThan(0);
  // What the unit cannot act on (the IPAK and IPKP surveys) is left out by default and said; the gains read 3,00.
  expect(await page.getByTestId("chart-plan").textContent()).toContain("2 butir yang nilainya ditetapkan pihak lain");
  const items = await page.getByTestId("table-plan").locator("tbody th").allTextContents();
  expect(items.map((i) => i.trim()).filter((i) => ["B.I.1.a", "B.II.1.a"].includes(i))).toEqual([]);
  for (const gain of await page.getByTestId("table-plan").locator('td[data-col="gain"]').allTextContents())
    expect(gain).toMatch(/^\d+,\d\d$/);
  await page
    .getByTestId("plan-target")
    .getByLabel(/Sertakan butir yang nilainya ditetapkan pihak lain/)
    .check();
  await page.getByRole("button", { name: "Hitung rencana" }).click();
  await page.waitForURL((u) => u.searchParams.get("external") === "1");
  await page.getByTestId("legend-plan").getByText("nilainya ditetapkan pihak lain").waitFor();
  expect(await page.getByTestId("chart-plan").locator('[data-bar][fill="url(#plan-muted)"]').count()).toBeGreaterThan(0);
  await page.getByTestId("plan-target").getByLabel("Nilai total", { exact: true }).check();
  await page.getByTestId("plan-target").getByLabel("Nilai total yang dituju").fill("60");
  await page.getByRole("button", { name: "Hitung rencana" }).click();
  await page.waitForURL((u) => u.searchParams.get("target") === "total" && u.searchParams.get("value") === "60");
  await page.getByTestId("table-plan-steps").waitFor();
  expect(await page.getByTestId("plan-summary").textContent()).toMatch(/perbaikan: nilai [\d,]+ → (6\d|[7-9]\d|100),\d\d/);
  await screenshot(page, "e2e-dashboard-plan");
});

test("an organisation admin of another organisation gets 404 for the ministry's dashboard and CSV", async () => {
  const { page } = await newSession(browser, server.baseUrl, { allow: [/status of 404/] });
  const kab = loginFor(server.logins, "org_admin", "kabdemo");
  await loginViaForm(page, kab.email, kab.password);
  const ministry = await db.selectFrom("organisation").select("id").where("code", "=", "KEMENDEMO").executeTakeFirstOrThrow();
  const res = await page.goto(`/dashboard?org=${ministry.id}`);
  expect(res?.status()).toBe(404);
  const csv = await page.request.get(`/dashboard/csv/units?org=${ministry.id}`);
  expect(csv.status()).toBe(404);
});

test("one unit final in a newer period (issue #28, acceptance 4): its trend point says n = 1 and is marked; the dashboard shows the period before and says why", async () => {
  // Jakarta's 2025 draft finalised as the workflow would leave it: its answers scored into a stored snapshot.
  const draft = await assessmentsWithUnit(db)
    .select(["a.id", "a.instrument_hash"])
    .where("u.code", "=", "KLP-JKT")
    .where("p.year", "=", 2025)
    .where("a.instrument_id", "=", "zi-2021")
    .executeTakeFirstOrThrow();
  await storeSnapshot(db, {
    assessmentId: draft.id,
    instrumentHash: draft.instrument_hash,
    instrument: await getFrozenInstrument(db, draft.instrument_hash),
    layer: "self",
    answers: answersObject(await loadAnswers(db, draft.id)),
    actorId: null,
    now: new Date().toISOString(),
  });
  await db.updateTable("assessment").set({ status: "final" }).where("id", "=", draft.id).execute();
  const before = (await storedTotals(2024)).size;

  const page = await signIn();
  await page.goto("/dashboard");
  await waitForHydration(page);
  const point = page.getByTestId("chart-trend").locator('[data-point="2025"]');
  expect(await point.getAttribute("data-units")).toBe("1");
  expect(await point.getAttribute("data-flag")).toBe("fewer");
  expect(await point.locator(".trend-flag-ring").count()).toBe(1);
  expect(await point.locator("[data-count]").textContent()).toBe("▲ n = 1");
  expect(await page.getByTestId("chart-trend").locator('[data-point="2024"]').getAttribute("data-flag")).toBeNull();
  // The mark's name and tooltip say it in words too.
  const mark = page.getByTestId("chart-trend").locator('a[data-mark][aria-label^="2025:"]');
  expect(await mark.getAttribute("aria-label")).toContain("dari 1 unit final; lebih sedikit unit final daripada periode sebelumnya");
  const last = page.getByTestId("table-trend").locator("tbody tr").last();
  expect(await last.locator('td[data-col="units"]').textContent()).toBe("1");
  expect(await last.locator('td[data-col="note"]').textContent()).toBe(`▲ lebih sedikit unit final daripada 2024 (${before})`);
  expect(await page.getByTestId("chart-trend").textContent()).toContain(
    `2025: hanya 1 unit final, lebih sedikit daripada 2024 (${before} unit)`,
  );
  expect(await page.getByTestId("legend-trend").textContent()).toContain("lebih sedikit unit final daripada periode sebelumnya");
  // The default view: 2024, said on the page with the reason.
  expect(await page.getByTestId("period-note").textContent()).toContain(
    `Menampilkan 2024 (${before} unit final), bukan periode yang lebih baru (2025)`,
  );
  expect(await page.getByTestId("chart-units").locator("figcaption").textContent()).toContain("2024");
  await screenshot(page, "e2e-dashboard-one-unit-period");
});
