/**
 * Excel (LKE) round trip on the production build in Chromium (issue #12): the coordinator downloads
 * the KLP-JKT draft's workbook in the browser, changes answers and a note in it, uploads it, sees
 * the preview (every change, score before → after) and applies it; the overview shows the new total
 * and the audited saves. A workbook that is older than a change made in Cermin shows a conflict that
 * is not applied unless chosen; an assessor's workbook changes only the areas assigned to them.
 * Blank answer cells over answered items are listed in red and cleared only when ticked (issue #26).
 */
import fs from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import type { Browser, Page } from "playwright-core";
import { expect, test } from "vitest";
import { loginViaForm, newSession, screenshot, waitForHydration } from "../helpers/browser";
import { loginFor, runCli, tempDir, type TestServer } from "../helpers/server";
import { withServerAndBrowser, idNumber, type E2eWorld } from "../helpers/e2e";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

let server: TestServer, browser: Browser, assessmentId: string, withDb: E2eWorld["withDb"];
withServerAndBrowser((started) => ({ server, browser, withDb, demoDraftId: assessmentId } = started));

const ID_NUMBER = /^-?\d{1,3}(\.\d{3})*,\d{2}$/;

interface SelfAnswer {
  value: unknown;
  note: string | null;
  version: number;
}

/** The unit's (self layer) answers of the demo assessment, by item. */
function selfAnswers(): Map<string, SelfAnswer> {
  const rows = withDb(
    (db) =>
      db.prepare("SELECT item_id, value_json, note, version FROM answer WHERE assessment_id = ? AND layer = 'self'").all(assessmentId) as {
        item_id: string;
        value_json: string | null;
        note: string | null;
        version: number;
      }[],
  );
  return new Map(
    rows.map((r) => [
      r.item_id,
      { value: r.value_json === null ? null : (JSON.parse(r.value_json) as unknown), note: r.note, version: r.version },
    ]),
  );
}

/** The `lke.import` audit rows of the demo assessment, oldest first. */
function importAudits(): Array<{
  actor: string;
  after: { kind: string; answers: number; links: number; conflictsTaken: string[]; file: string; cleared?: number };
}> {
  const rows = withDb(
    (db) =>
      db
        .prepare(
          `SELECT u.email AS actor, a.after_json FROM audit_log a LEFT JOIN user u ON u.id = a.actor_user_id
           WHERE a.action = 'lke.import' AND a.entity_id = ? ORDER BY a.at`,
        )
        .all(assessmentId) as { actor: string; after_json: string }[],
  );
  return rows.map((r) => ({ actor: r.actor, after: JSON.parse(r.after_json) }));
}

async function openLkePage(page: Page): Promise<void> {
  await page.goto(`/assessments/${assessmentId}/lke`);
  await page.getByRole("heading", { level: 1, name: "Excel (LKE)" }).waitFor();
  await waitForHydration(page);
}

/** A real browser download of the workbook from the LKE page (the page must be open). */
async function downloadWorkbook(page: Page): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("lke-download").click()]);
  expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
  const file = await download.path();
  return fs.readFileSync(file);
}

/** The workbook fetched with the page's cookies (quicker than a download; the same route). */
async function fetchWorkbook(page: Page): Promise<Buffer> {
  const res = await page.request.get(`/assessments/${assessmentId}/lke.xlsx`);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toBe(XLSX);
  return Buffer.from(await res.body());
}

/** Changes cells of the `Jawaban` sheet, rows found by `Kode` (column A): the answer (D) and/or the note (F). */
async function editWorkbook(bytes: Buffer, edits: Record<string, { answer?: string | null; note?: string | null }>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const ws = wb.getWorksheet("Jawaban");
  if (!ws) throw new Error("the workbook has no sheet Jawaban");
  const header = ws.getRow(1);
  expect([1, 2, 3, 4, 5, 6, 7, 8].map((c) => header.getCell(c).value)).toEqual([
    "Kode",
    "Pertanyaan",
    "Pilihan jawaban",
    "Jawaban",
    "Nilai",
    "Catatan",
    "Bukti dukung",
    "Bobot",
  ]);
  const rows = new Map<string, number>();
  ws.eachRow((row, n) => rows.set(String(row.getCell(1).value ?? ""), n));
  for (const [code, e] of Object.entries(edits)) {
    const r = rows.get(code);
    if (!r) throw new Error(`the workbook has no row ${code}`);
    if (e.answer !== undefined) ws.getRow(r).getCell(4).value = e.answer;
    if (e.note !== undefined) ws.getRow(r).getCell(6).value = e.note;
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

interface PreviewRow {
  state: string;
  /** The Lama (old) and Baru (new) answer cells. */
  old: string;
  new: string;
  text: string;
  takeBoxes: number;
}

/** Uploads a workbook on the open LKE page and waits for the preview; fails with the page's error text. */
async function uploadForPreview(page: Page, name: string, bytes: Buffer): Promise<Map<string, PreviewRow>> {
  await page.locator("#lke-file").setInputFiles({ name, mimeType: XLSX, buffer: bytes });
  await page.getByRole("button", { name: "Lihat pratinjau", exact: true }).click();
  await page.locator('[data-testid="lke-preview"], [data-testid="lke-error"]').first().waitFor();
  if ((await page.getByTestId("lke-error").count()) > 0) {
    throw new Error(`the upload of ${name} was refused: ${(await page.getByTestId("lke-error").textContent()) ?? ""}`);
  }
  await page.getByTestId("lke-preview").getByText(name).waitFor();
  const out = new Map<string, PreviewRow>();
  const rows = page.getByTestId("lke-changes").locator("tbody tr");
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    out.set((await row.getAttribute("data-item"))!, {
      state: (await row.getAttribute("data-state"))!,
      old: ((await row.locator("td").nth(3).textContent()) ?? "").trim(),
      new: ((await row.locator("td").nth(4).textContent()) ?? "").trim(),
      text: ((await row.textContent()) ?? "").replace(/\s+/g, " "),
      takeBoxes: await row.locator('input[type="checkbox"][name="take"]').count(),
    });
  }
  return out;
}

const stateOf = (rows: Map<string, PreviewRow>) => Object.fromEntries([...rows].map(([id, r]) => [id, r.state]));

async function previewTotals(page: Page): Promise<{ before: string; after: string }> {
  return {
    before: (await page.getByTestId("lke-total-before").textContent())!.trim(),
    after: (await page.getByTestId("lke-total-after").textContent())!.trim(),
  };
}

/** Applies the preview shown; returns once the overview says how many answers were imported. */
async function apply(page: Page, expectedAnswers: number): Promise<void> {
  await page.getByTestId("lke-apply").click();
  await page.waitForURL((url) => url.pathname === `/assessments/${assessmentId}` && url.searchParams.has("imported"));
  expect(new URL(page.url()).searchParams.get("imported")).toBe(String(expectedAnswers));
  await page.getByTestId("lke-applied").waitFor();
  expect(await page.getByTestId("lke-applied").textContent()).toContain(`Impor diterapkan: ${expectedAnswers} jawaban`);
}

test("coordinator: download the workbook, change answers and a note, preview, apply; overview, audit and DB agree", async () => {
  const login = loginFor(server.logins, "coordinator");
  const { page } = await newSession(browser, server.baseUrl);
  await loginViaForm(page, login.email, login.password);

  const before = selfAnswers();
  expect(before.get("A.I.1.iv.c")?.value, "demo answer of A.I.1.iv.c").toBe("A");
  expect(before.get("A.I.1.i.b")?.value ?? null, "A.I.1.i.b starts unanswered").toBeNull();
  expect(before.get("A.I.1.ii.a")?.value, "demo answer of A.I.1.ii.a").toBe("Ya");
  const auditsBefore = importAudits().length;

  // From the overview through the Excel (LKE) link, then a real browser download.
  await page.goto(`/assessments/${assessmentId}`);
  await waitForHydration(page);
  const totalBefore = (await page.getByTestId("server-total").textContent())!.trim();
  await page.getByTestId("lke-link").click();
  await page.waitForURL(`**/assessments/${assessmentId}/lke`);
  await page.getByRole("heading", { level: 1, name: "Excel (LKE)" }).waitFor();
  await waitForHydration(page);
  const downloaded = await downloadWorkbook(page);
  expect(downloaded.subarray(0, 2).toString("latin1"), "an .xlsx is a zip").toBe("PK");

  // An option to another option typed in lowercase, an empty item answered in lowercase, a two-line note.
  const note = "Rencana kerja ZI 2025 sudah disahkan.\nMenunggu tanda tangan kepala kantor.";
  const edited = await editWorkbook(downloaded, {
    "A.I.1.iv.c": { answer: "c" },
    "A.I.1.i.b": { answer: "a" },
    "A.I.1.ii.a": { note },
  });
  const rows = await uploadForPreview(page, "lke-koordinator.xlsx", edited);
  expect(stateOf(rows), "exactly the three changed items, all applicable").toEqual({
    "A.I.1.i.b": "ok",
    "A.I.1.ii.a": "ok",
    "A.I.1.iv.c": "ok",
  });
  expect(rows.get("A.I.1.iv.c")!.text).toContain("akan diterapkan");
  expect(rows.get("A.I.1.iv.c"), "the old and new option, the code normalised").toMatchObject({ old: "A", new: "C" });
  expect(rows.get("A.I.1.i.b")).toMatchObject({ old: "(kosong)", new: "A" });
  expect(rows.get("A.I.1.ii.a"), "a note-only change keeps the answer").toMatchObject({ old: "Ya", new: "Ya" });
  expect(rows.get("A.I.1.ii.a")!.text).toContain("Menunggu tanda tangan kepala kantor.");
  const totals = await previewTotals(page);
  expect(totals.before).toMatch(ID_NUMBER);
  expect(totals.after).toMatch(ID_NUMBER);
  expect(totals.before, "the preview's before is the overview's total").toBe(totalBefore);
  expect(totals.after, "the changes move the total").not.toBe(totals.before);
  // Nothing is written by the preview.
  expect(selfAnswers()).toEqual(before);
  await screenshot(page, "e2e-lke-preview");

  await apply(page, 3);
  expect((await page.getByTestId("server-total").textContent())!.trim(), "the overview shows the preview's after total").toBe(totals.after);
  // The timeline has the import and a save per item.
  const timeline = page.getByTestId("timeline");
  await timeline.locator("li", { hasText: "Buku kerja LKE diimpor" }).first().waitFor();
  for (const id of ["A.I.1.iv.c", "A.I.1.i.b", "A.I.1.ii.a"]) {
    expect(
      await timeline.locator("li", { hasText: "Jawaban disimpan" }).filter({ hasText: id }).count(),
      `timeline: save of ${id}`,
    ).toBeGreaterThan(0);
  }

  // The database: the answers changed (codes normalised, the note with its line break), one version on.
  const after = selfAnswers();
  expect(after.get("A.I.1.iv.c")).toMatchObject({ value: "C", version: before.get("A.I.1.iv.c")!.version + 1 });
  expect(after.get("A.I.1.i.b")).toMatchObject({ value: "A", version: 1 });
  expect(after.get("A.I.1.ii.a")).toMatchObject({ value: "Ya", note, version: before.get("A.I.1.ii.a")!.version + 1 });
  for (const [id, a] of before) if (!["A.I.1.iv.c", "A.I.1.ii.a"].includes(id)) expect(after.get(id), `${id} untouched`).toEqual(a);
  const audits = importAudits();
  expect(audits).toHaveLength(auditsBefore + 1);
  expect(audits.at(-1)).toMatchObject({
    actor: login.email,
    after: { kind: "excel_import", file: "lke-koordinator.xlsx", answers: 3, links: 0, conflictsTaken: [] },
  });
  const saves = withDb(
    (db) =>
      db
        .prepare("SELECT entity_id, after_json FROM audit_log WHERE action = 'answer.save' AND entity_id IN (?, ?, ?)")
        .all(`${assessmentId}:A.I.1.iv.c`, `${assessmentId}:A.I.1.i.b`, `${assessmentId}:A.I.1.ii.a`) as {
        entity_id: string;
        after_json: string;
      }[],
  );
  expect(saves).toHaveLength(3);
  for (const s of saves) expect(JSON.parse(s.after_json).source).toMatchObject({ kind: "excel_import", file: "lke-koordinator.xlsx" });

  // The engine (CLI) on the stored answers gives the total the preview and the overview showed.
  const answers = Object.fromEntries([...after].filter(([, a]) => a.value !== null).map(([id, a]) => [id, a.value]));
  const dir = tempDir("cermin-e2e-lke-");
  const file = path.join(dir, "answers.json");
  fs.writeFileSync(file, JSON.stringify(answers));
  const cli = await runCli(["score", "zi-2021", file, "--json"], server.dataDir);
  fs.rmSync(dir, { recursive: true, force: true });
  expect(cli.code, cli.stderr).toBe(0);
  expect(idNumber((JSON.parse(cli.stdout) as { total: number }).total)).toBe(totals.after);
  expect(server.errors()).toBe("");
}, 120_000);

test("conflict: a workbook older than a change in Cermin shows the conflict; unticked, Cermin's value stays", async () => {
  const login = loginFor(server.logins, "coordinator");
  const { page } = await newSession(browser, server.baseUrl);
  await loginViaForm(page, login.email, login.password);
  const CONFLICT = "A.I.2.i.b";
  const OTHER = "A.I.2.i.c";
  const before = selfAnswers();
  expect(before.get(CONFLICT)?.value ?? null).toBeNull();
  expect(before.get(OTHER)?.value ?? null).toBeNull();

  // The first workbook, downloaded before the change below.
  await openLkePage(page);
  const old = await downloadWorkbook(page);

  // Meanwhile the item changes in Cermin: a second, newer workbook sets it to B and is applied.
  const newer = await editWorkbook(await fetchWorkbook(page), { [CONFLICT]: { answer: "B" } });
  expect(stateOf(await uploadForPreview(page, "lke-baru.xlsx", newer))).toEqual({ [CONFLICT]: "ok" });
  await apply(page, 1);
  expect(selfAnswers().get(CONFLICT)).toMatchObject({ value: "B", version: 1 });

  // The old workbook with another value for that item and one change nobody else made.
  await openLkePage(page);
  const rows = await uploadForPreview(
    page,
    "lke-lama.xlsx",
    await editWorkbook(old, { [CONFLICT]: { answer: "d" }, [OTHER]: { answer: "a" } }),
  );
  expect(stateOf(rows)).toEqual({ [CONFLICT]: "conflict", [OTHER]: "ok" });
  expect(rows.get(CONFLICT)!.takeBoxes, "a conflict can be chosen").toBe(1);
  expect(rows.get(CONFLICT), "Cermin's value against the workbook's").toMatchObject({ old: "B", new: "D" });
  expect(rows.get(CONFLICT)!.text).toContain("Konflik: diubah di Cermin sejak buku kerja diekspor (versi 0 → 1)");
  expect(rows.get(OTHER)!.takeBoxes).toBe(0);
  const box = page.locator(`[data-testid="lke-changes"] tr[data-item="${CONFLICT}"] input[name="take"]`);
  expect(await box.isChecked(), "a conflict is not ticked by default").toBe(false);
  await screenshot(page, "e2e-lke-preview-conflict");

  // Apply without ticking it: only the non-conflicting change.
  await apply(page, 1);
  const after = selfAnswers();
  expect(after.get(CONFLICT), "Cermin's value kept").toMatchObject({ value: "B", version: 1 });
  expect(after.get(OTHER)).toMatchObject({ value: "A", version: 1 });
  for (const [id, a] of before) if (id !== CONFLICT && id !== OTHER) expect(after.get(id), `${id} untouched`).toEqual(a);
  expect(importAudits().at(-1)).toMatchObject({ after: { file: "lke-lama.xlsx", answers: 1, conflictsTaken: [] } });
  expect(server.errors()).toBe("");
}, 120_000);

test("assessor: only the assigned area is imported; another area's row is refused", async () => {
  const coordinatorLogin = loginFor(server.logins, "coordinator");
  const assessorLogin = loginFor(server.logins, "assessor");
  const assessorName = withDb((db) => db.prepare("SELECT name FROM user WHERE email = ?").pluck().get(assessorLogin.email) as string);
  const MINE = "A.I.1.iii.a";
  const OTHERS = "A.I.2.iii.b";

  // The coordinator assigns A.I.1 to the assessor on the overview's team card.
  const coordinator = await newSession(browser, server.baseUrl);
  const c = coordinator.page;
  await loginViaForm(c, coordinatorLogin.email, coordinatorLogin.password);
  await c.goto(`/assessments/${assessmentId}`);
  await waitForHydration(c);
  await c.locator("#assign-user").selectOption({ label: assessorName });
  await c.locator("#assign-node").selectOption("A.I.1");
  await c.getByRole("button", { name: "Tugaskan", exact: true }).click();
  await c.locator("li", { hasText: `${assessorName} — A.I.1` }).waitFor();
  expect(
    withDb((db) =>
      db
        .prepare("SELECT node_id FROM assignment a JOIN user u ON u.id = a.user_id WHERE a.assessment_id = ? AND u.email = ?")
        .pluck()
        .all(assessmentId, assessorLogin.email),
    ),
  ).toEqual(["A.I.1"]);

  const before = selfAnswers();
  expect(before.get(MINE)?.value ?? null).toBeNull();
  expect(before.get(OTHERS)?.value ?? null).toBeNull();

  const assessor = await newSession(browser, server.baseUrl);
  const a = assessor.page;
  await loginViaForm(a, assessorLogin.email, assessorLogin.password);
  await openLkePage(a);
  const workbook = await editWorkbook(await downloadWorkbook(a), { [MINE]: { answer: "b" }, [OTHERS]: { answer: "a" } });
  const rows = await uploadForPreview(a, "lke-asesor.xlsx", workbook);
  expect(stateOf(rows)).toEqual({ [MINE]: "ok", [OTHERS]: "blocked" });
  expect(rows.get(OTHERS)!.text).toContain("Ditolak: bukan area yang ditugaskan kepada Anda");
  expect(rows.get(OTHERS)!.takeBoxes).toBe(0);
  await screenshot(a, "e2e-lke-preview-assessor");

  await apply(a, 1);
  const after = selfAnswers();
  expect(after.get(MINE)).toMatchObject({ value: "B", version: 1 });
  expect(after.get(OTHERS)?.value ?? null, "the other area's item is not changed").toBeNull();
  for (const [id, x] of before) if (id !== MINE) expect(after.get(id), `${id} untouched`).toEqual(x);
  expect(importAudits().at(-1)).toMatchObject({ actor: assessorLogin.email, after: { file: "lke-asesor.xlsx", answers: 1 } });
  expect(server.errors()).toBe("");
}, 120_000);

test("clearing guard: blank answer cells are listed in red and cleared only when ticked (issue #26)", async () => {
  const login = loginFor(server.logins, "coordinator");
  // The refused apply (nothing but clearances, unticked) answers 400, which the browser logs.
  const { page } = await newSession(browser, server.baseUrl, { allow: [/status of 400 \(Bad Request\)/] });
  await loginViaForm(page, login.email, login.password);
  const CLEAR = ["A.I.1.ii.a", "A.I.1.iv.c"];
  const CHANGE = "A.I.1.iii.b";
  const before = selfAnswers();
  for (const id of CLEAR) expect(before.get(id)?.value ?? null, `${id} is answered`).not.toBeNull();
  const newValue = before.get(CHANGE)?.value === "D" ? "C" : "D";

  await openLkePage(page);
  const workbook = await editWorkbook(await fetchWorkbook(page), {
    [CLEAR[0]!]: { answer: null },
    [CLEAR[1]!]: { answer: null },
    [CHANGE]: { answer: newValue.toLowerCase() },
  });
  const rows = await uploadForPreview(page, "lke-kosong.xlsx", workbook);
  expect(stateOf(rows)).toEqual({ [CLEAR[0]!]: "clear", [CLEAR[1]!]: "clear", [CHANGE]: "ok" });
  expect(rows.get(CLEAR[0]!)!.text).toContain("dikosongkan hanya bila dicentang di bawah");
  const warning = page.getByTestId("lke-clearances");
  expect(await warning.textContent()).toContain("2 jawaban akan dikosongkan");
  for (const id of CLEAR) expect(await warning.textContent()).toContain(id);
  expect(await page.getByTestId("lke-allow-clear").isChecked(), "clearing is not ticked by default").toBe(false);
  const afterWithout = (await page.getByTestId("lke-total-after").textContent())!.trim();
  const afterClearing = (await page.getByTestId("lke-total-after-clearing").textContent())!.trim();
  expect(afterClearing).toMatch(ID_NUMBER);
  expect(afterClearing).not.toBe(afterWithout);
  expect(await page.getByTestId("lke-group-read").textContent()).toContain("jawaban kolom D, catatan kolom F, tautan kolom G");
  await screenshot(page, "e2e-lke-preview-clearing");

  // Applied unticked: the change only; the overview shows the "after" the preview showed by default.
  await apply(page, 1);
  expect((await page.getByTestId("server-total").textContent())!.trim()).toBe(afterWithout);
  let after = selfAnswers();
  for (const id of CLEAR) expect(after.get(id), `${id} kept`).toEqual(before.get(id));
  expect(after.get(CHANGE)?.value).toBe(newValue);

  // The same workbook again: nothing but clearances. Unticked, the apply is refused; ticked, exactly those clear.
  await openLkePage(page);
  const again = await uploadForPreview(page, "lke-kosong.xlsx", workbook);
  expect(stateOf(again)).toEqual({ [CLEAR[0]!]: "clear", [CLEAR[1]!]: "clear" });
  expect(await page.getByTestId("lke-clearances").textContent()).toContain("Buku kerja ini hanya mengosongkan 2 jawaban");
  // In the browser the apply button waits for the tick (the server refuses it too: lke-clear-guard.test.ts).
  expect(await page.getByTestId("lke-apply").isDisabled()).toBe(true);
  for (const id of CLEAR) expect(selfAnswers().get(id), `${id} still kept`).toEqual(before.get(id));
  await page.getByTestId("lke-allow-clear").check();
  expect(await page.getByTestId("lke-apply").isEnabled()).toBe(true);
  await apply(page, 2);
  after = selfAnswers();
  for (const id of CLEAR) expect(after.get(id)?.value ?? null, `${id} cleared`).toBeNull();
  expect(importAudits().at(-1)).toMatchObject({ after: { file: "lke-kosong.xlsx", answers: 2, cleared: 2 } });
  expect(server.errors()).toBe("");
}, 120_000);
