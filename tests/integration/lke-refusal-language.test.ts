/**
 * Issue #27: a refused workbook speaks the reader's language. The reader and the importer report each
 * problem as a message key with parameters (sheet and cell kept); the LKE import page, the bulk page
 * and the historical import page render the same refusal in English in the English UI and in
 * Indonesian by default (numbers in the locale's notation), while the CLI and exception messages keep
 * the Indonesian rendering of the same keys.
 */
import { createElement, type ReactElement } from "react";
import { renderToString } from "react-dom/server";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import { HistoricalError, type HistoricalFailure } from "~/components/workbench/historical";
import { WorkbookRefusal } from "~/components/lke/workbook-refusal";
import type { LkeIssue } from "~/domain/lke/issues";
import { lkeRows } from "~/domain/lke/layout";
import type { Locale, MessageKey } from "~/i18n";
import { lkeIssueLine } from "~/i18n/lke-issues";
import * as root from "~/root";
import * as historicalPage from "~/routes/assessments.historical";
import * as lkePage from "~/routes/assessments.$id.lke";
import * as bulkPage from "~/routes/assessments.lke-bulk";
import { exportAssessmentWorkbook } from "~/services/excel/export.server";
import { issueText, LkeError } from "~/services/excel/read.server";
import { getInstrument } from "~/services/instruments/catalog.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { makePeriod, makeUnit } from "../helpers/factories";
import { odsZip, zipOf } from "../helpers/hostile-xlsx";
import { callAction, callLoader } from "../helpers/remix";
import { type World, freshWorld } from "../helpers/world";

let db: Db;
let w: World;
const system = () => ({ id: w.users.admin.id, isAdmin: true, memberships: [] });

beforeAll(async () => {
  ({ db, w } = await freshWorld());
});

/** The language the root loader gives the coordinator's pages (their saved choice, else Indonesian). */
async function coordinatorLocale(): Promise<Locale> {
  const r = await callLoader(root, { path: "/", cookie: w.cookies.coordinator });
  return (r.data as { locale: Locale }).locale;
}

/** A component as the page renders it under a root route whose loader gives `locale`, as plain text. */
async function rendered(element: ReactElement, locale: Locale): Promise<string> {
  const routes = [{ id: "root", path: "*", loader: () => ({ locale }), element }];
  const handler = createStaticHandler(routes);
  const context = await handler.query(new Request("http://localhost/"));
  if (context instanceof Response) throw new Error("unexpected redirect");
  const html = renderToString(createElement(StaticRouterProvider, { router: createStaticRouter(handler.dataRoutes, context), context }));
  return html
    .replace(/<script[^]*?<\/script>/g, "")
    .replace(/<!-- -->|<\/?strong>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/\s+/g, " ");
}

type Refusal = { ok: false; formError: MessageKey; issues?: LkeIssue[]; params?: Record<string, string> };

const refusalText = (r: Refusal, locale: Locale) =>
  rendered(createElement(WorkbookRefusal, { formError: r.formError, params: r.params, issues: r.issues, testId: "lke-error" }), locale);

const upload = (bytes: Uint8Array, name: string, fields: Record<string, string> = {}) => {
  const form = new FormData();
  form.set("intent", "preview");
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set("file", new File([Buffer.from(bytes)], name));
  return form;
};

const zi = getInstrument("zi-2021")!.instrument;
const survey = lkeRows(zi).find((r) => r.kind === "item" && r.item.type === "survey_0_4")!;

/** The assessment's own export with an option that does not exist and a survey score out of range. */
async function brokenWorkbook(): Promise<{ bytes: Uint8Array; optionCell: string; surveyCell: string }> {
  const ctx = await requireAssessment(db, system(), w.assessmentId);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await exportAssessmentWorkbook(db, system(), ctx)) as unknown as ArrayBuffer);
  const ws = wb.getWorksheet("Jawaban")!;
  let answerCol = 0;
  ws.getRow(1).eachCell((c, n) => {
    if (c.value === "Jawaban") answerCol = n;
  });
  let optionCell = "";
  let surveyCell = "";
  ws.eachRow((row) => {
    const code = String(row.getCell(1).value ?? "");
    if (code === "A.I.1.i.a") {
      row.getCell(answerCol).value = "Mungkin";
      optionCell = row.getCell(answerCol).address;
    }
    if (code === survey.code) {
      row.getCell(answerCol).value = 4.5;
      surveyCell = row.getCell(answerCol).address;
    }
  });
  return { bytes: new Uint8Array(await wb.xlsx.writeBuffer()), optionCell, surveyCell };
}

describe("a refused workbook in the reader's language", () => {
  test("the LKE import page: each bad cell as a key with parameters, in English in the English UI, in Indonesian by default", async () => {
    const { bytes, optionCell, surveyCell } = await brokenWorkbook();
    const posted = await callAction(lkePage, {
      path: `/assessments/${w.assessmentId}/lke`,
      params: { id: w.assessmentId },
      cookie: w.cookies.coordinator,
      form: upload(bytes, "LKE terisi.xlsx"),
    });
    expect(posted.status).toBe(400);
    const refusal = posted.data as Refusal;
    expect(refusal.formError).toBe("lke.invalid");
    // Language-free data: the sheet, the cell, the item, the key and its parameters.
    expect(refusal.issues).toEqual([
      {
        sheet: "Jawaban",
        cell: optionCell,
        item: "A.I.1.i.a",
        key: "lke.issue.notOption",
        params: { value: '"Mungkin"', codes: ["Ya", "Tidak"] },
      },
      { sheet: "Jawaban", cell: surveyCell, item: survey.code, key: "lke.issue.outOfRange", params: { value: 4.5, min: 0, max: 4 } },
    ]);

    // Indonesian by default.
    expect(await coordinatorLocale()).toBe("id");
    const id = await refusalText(refusal, "id");
    expect(id).toContain("Buku kerja tidak dapat diimpor; tidak ada yang diubah:");
    expect(id).toContain(`Jawaban!${optionCell}: A.I.1.i.a: "Mungkin" bukan pilihan jawaban (pilih Ya, Tidak)`);
    expect(id).toContain(`Jawaban!${surveyCell}: ${survey.code}: 4,5 di luar rentang 0–4`);

    // The English UI: the coordinator switches language; the same refusal reads in English, numbers in English notation.
    await db.updateTable("user").set({ locale: "en" }).where("id", "=", w.users.coordinator.id).execute();
    try {
      expect(await coordinatorLocale()).toBe("en");
      const en = await refusalText(refusal, "en");
      expect(en).toContain("The workbook cannot be imported; nothing was changed:");
      expect(en).toContain(`Jawaban!${optionCell}: A.I.1.i.a: "Mungkin" is not an answer option (choose Ya, Tidak)`);
      expect(en).toContain(`Jawaban!${surveyCell}: ${survey.code}: 4.5 is outside the range 0–4`);
      expect(en).not.toMatch(/bukan pilihan jawaban|di luar rentang/);
    } finally {
      await db.updateTable("user").set({ locale: null }).where("id", "=", w.users.coordinator.id).execute();
    }

    // The CLI and the exception message keep the Indonesian rendering of the same keys.
    const lines = refusal.issues!.map(issueText);
    expect(lines).toEqual([
      `sheet Jawaban, sel ${optionCell}: A.I.1.i.a: "Mungkin" bukan pilihan jawaban (pilih Ya, Tidak)`,
      `sheet Jawaban, sel ${surveyCell}: ${survey.code}: 4,5 di luar rentang 0–4`,
    ]);
    expect(new LkeError(refusal.issues!).message).toBe(lines.join("\n"));
    expect(lkeIssueLine(refusal.issues![0]!, "en")).toBe(
      `sheet Jawaban, cell ${optionCell}: A.I.1.i.a: "Mungkin" is not an answer option (choose Ya, Tidak)`,
    );
  });

  test("a file that is no workbook, and a damaged archive (a zip problem inside the file's message), in both languages", async () => {
    const post = (bytes: Uint8Array, name: string) =>
      callAction(lkePage, {
        path: `/assessments/${w.assessmentId}/lke`,
        params: { id: w.assessmentId },
        cookie: w.cookies.coordinator,
        form: upload(bytes, name),
      });
    const ods = (await post(await odsZip(), "LKE.ods")).data as Refusal;
    expect(ods.issues).toEqual([{ sheet: null, cell: null, key: "lke.issue.ods", params: { file: "LKE.ods" } }]);
    expect(await refusalText(ods, "en")).toContain(
      'LKE.ods is an OpenDocument file (.ods), not .xlsx; in LibreOffice choose File → Save As → "Excel 2007-365 (.xlsx)", then upload that .xlsx file',
    );
    expect(await refusalText(ods, "id")).toContain("LKE.ods adalah berkas OpenDocument (.ods), bukan .xlsx");

    const { bytes } = await brokenWorkbook();
    const cut = (await post(bytes.subarray(0, Math.floor(bytes.length / 2)), "terpotong.xlsx")).data as Refusal;
    expect(cut.issues).toEqual([
      {
        sheet: null,
        cell: null,
        key: "lke.issue.inFile",
        params: { file: "terpotong.xlsx", problem: { key: "lke.issue.zip.noDirectory", params: {} } },
      },
    ]);
    expect(await refusalText(cut, "en")).toContain("terpotong.xlsx: the ZIP archive has no central directory (a truncated file?)");
    expect(await refusalText(cut, "id")).toContain("terpotong.xlsx: arsip ZIP tidak punya direktori pusat (berkas terpotong?)");
  });

  test("a workbook Cermin can barely read names the columns it read, in English too", async () => {
    const { bytes } = await brokenWorkbook();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
    wb.getWorksheet("Jawaban")!.getCell("A1").value = "Nomor";
    const posted = await callAction(lkePage, {
      path: `/assessments/${w.assessmentId}/lke`,
      params: { id: w.assessmentId },
      cookie: w.cookies.coordinator,
      form: upload(new Uint8Array(await wb.xlsx.writeBuffer()), "tanpa kode.xlsx"),
    });
    const refusal = posted.data as Refusal;
    expect(refusal.issues!.map((i) => i.key)).toEqual(["lke.issue.fewRecognised"]);
    const en = await refusalText(refusal, "en");
    expect(en).toMatch(/only 0 of \d+ instrument items recognised \(0 answered\)/);
    expect(en).toContain('answers from column D ("Jawaban"), notes from F, links from G');
    expect(en).toContain("check that the answers are in the column headed Jawaban");
    expect(await refusalText(refusal, "id")).toContain('jawaban dari kolom D ("Jawaban"), catatan dari F, tautan dari G');
  });

  test("the bulk page: an archive without workbooks, in English", async () => {
    const form = new FormData();
    form.set("intent", "import");
    form.set("file", new File([new Uint8Array(await zipOf([{ name: "catatan.txt", data: "bukan buku kerja" }]))], "LKE.zip"));
    const refusal = (await callAction(bulkPage, { path: "/assessments/lke-bulk", cookie: w.cookies.coordinator, form })).data as Refusal;
    expect(refusal.issues).toEqual([{ sheet: null, cell: null, key: "lke.issue.bulk.noWorkbooks", params: {} }]);
    expect(await refusalText(refusal, "en")).toContain("the archive holds no .xlsx file");
    expect(await refusalText(refusal, "id")).toContain("arsip tidak berisi berkas .xlsx");
  });

  test("the historical import page: an unreadable file, in English", async () => {
    const unit = await makeUnit(db, w.ministry.id, w.eselon1, "Kantor Arsip Lama");
    const period = await makePeriod(db, w.ministry.id, 2016);
    const posted = await callAction(historicalPage, {
      path: "/assessments/historical",
      cookie: w.cookies.coordinator,
      form: upload(new TextEncoder().encode("bukan buku kerja"), "LKE 2016.xlsx", {
        unitId: unit.id,
        periodId: period,
        instrumentId: "pmprb-2014",
      }),
    });
    expect(posted.status).toBe(400);
    const failure = posted.data as HistoricalFailure;
    expect(failure).toMatchObject({
      formError: "historical.invalid",
      issues: [{ key: "lke.issue.notXlsx", params: { file: "LKE 2016.xlsx" } }],
    });
    const en = await rendered(createElement(HistoricalError, { failure }), "en");
    expect(en).toContain("The workbook cannot be read.");
    expect(en).toContain("LKE 2016.xlsx is not an .xlsx file (its content is not recognised)");
    const id = await rendered(createElement(HistoricalError, { failure }), "id");
    expect(id).toContain("LKE 2016.xlsx bukan berkas .xlsx (isi berkas tidak dikenali)");
  });
});
