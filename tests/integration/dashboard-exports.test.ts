/**
 * Issue #28: chart data that opens right in Indonesian Excel. The CSV in the reader's convention
 * (Indonesian: `;`, decimal comma, BOM; English: `,`, decimal point, BOM), rounded as shown with the
 * full value in its own column; the XLSX with typed numbers in a 2-decimal number format, the table's
 * labels, full precision on a second sheet, the header frozen; both behind the same scope checks as
 * the page. And the Indonesian CSV read by a real LibreOffice Calc with Indonesian import options
 * comes back as numbers (skipped, saying so, where `soffice` is not installed).
 */
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import type { DataTable } from "~/components/charts/table-data";
import * as dashboardRoute from "~/routes/dashboard._index";
import * as csvRoute from "~/routes/dashboard.csv.$chart";
import * as xlsxRoute from "~/routes/dashboard.xlsx.$chart";
import { chartCsv } from "~/services/dashboard/export";
import { seedScale, type ScaleResult } from "#db/seed/scale.server";
import { freshDb } from "../helpers/db";
import { makeUser, sessionCookie } from "../helpers/factories";
import { findSoffice, LibreOffice } from "../helpers/libreoffice";
import { callLoader, makeRequest } from "../helpers/remix";

let db: Db;
let a: ScaleResult;
let b: ScaleResult;
const cookies = {} as Record<"id" | "en" | "other", string>;

type Chart = { id: string; title: string; table: DataTable; csvHref: string };

beforeAll(async () => {
  db = await freshDb();
  a = await seedScale(db, { units: 8, periods: 2, seed: 28, evaluatorShare: 0.6, name: "Kementerian Ekspor" });
  b = await seedScale(db, { units: 3, periods: 1, seed: 29, name: "Pemda Lain" });
  const id = await makeUser(db, { role: "reviewer", organisationId: a.organisationId });
  const en = await makeUser(db, { role: "reviewer", organisationId: a.organisationId });
  await db.updateTable("user").set({ locale: "en" }).where("id", "=", en.id).execute();
  const other = await makeUser(db, { role: "reviewer", organisationId: b.organisationId });
  cookies.id = await sessionCookie(db, id.id);
  cookies.en = await sessionCookie(db, en.id);
  cookies.other = await sessionCookie(db, other.id);
});

async function charts(cookie: string): Promise<Record<string, Chart | null>> {
  const out = await callLoader(dashboardRoute, { path: "/dashboard", cookie });
  expect(out.status).toBe(200);
  return (out.data as { charts: Record<string, Chart | null> }).charts;
}

/** The raw response of an export route (callLoader would decode the body as text). */
async function download(route: typeof csvRoute | typeof xlsxRoute, href: string, cookie: string): Promise<Response> {
  const chart = /\/dashboard\/(?:csv|xlsx)\/([^?]+)/.exec(href)![1]!;
  try {
    return (await route.loader({ request: makeRequest({ path: href, cookie }), params: { chart }, context: {} })) as Response;
  } catch (e) {
    if (e instanceof Response) return e;
    throw e;
  }
}

const xlsxHref = (csvHref: string) => csvHref.replace("/dashboard/csv/", "/dashboard/xlsx/");

/** Rows of a CSV body: BOM checked and dropped, CRLF lines, split on `sep` (no quoted separators in these tables). */
function csvRows(body: Uint8Array, sep: string): string[][] {
  expect([...body.slice(0, 3)], "UTF-8 byte-order mark").toEqual([0xef, 0xbb, 0xbf]);
  const text = new TextDecoder().decode(body.slice(3));
  expect(text.endsWith("\r\n")).toBe(true);
  return text
    .slice(0, -2)
    .split("\r\n")
    .map((l) => l.split(sep));
}

test("the CSV follows the reader's convention: Indonesian ; and decimal comma, English , and decimal point; rounded as shown, full value beside", async () => {
  const idUnits = (await charts(cookies.id)).units!;
  const enUnits = (await charts(cookies.en)).units!;
  const rows = idUnits.table.rows;
  // The scale seed's totals carry many decimals: rounding is visible.
  expect(rows.some((r) => Math.abs((r.total as number) * 100 - Math.round((r.total as number) * 100)) > 1e-6)).toBe(true);

  const idRes = await download(csvRoute, idUnits.csvHref, cookies.id);
  expect(idRes.status).toBe(200);
  expect(idRes.headers.get("content-type")).toBe("text/csv; charset=utf-8");
  expect(idRes.headers.get("content-disposition")).toMatch(/^attachment; filename="cermin-units-\d{4}-\d{2}-\d{2}\.csv"$/);
  const idCsv = csvRows(new Uint8Array(await idRes.arrayBuffer()), ";");
  expect(idUnits.table.columns.slice(0, 2).map((c) => c.label)).toEqual(["Unit", "Nilai total"]);
  expect(idCsv[0]).toEqual([...idUnits.table.columns.map((c) => c.label), "Nilai total (presisi penuh)"]);
  expect(idCsv).toHaveLength(rows.length + 1);
  rows.forEach((r, i) => {
    const total = r.total as number;
    const line = idCsv[i + 1]!;
    expect(line[0]).toBe(r.unit);
    // "84,63": exactly two decimals after a comma, the rounded value; the last column the full value.
    expect(line[1]).toMatch(/^\d+,\d{2}$/);
    expect(line[1]).toBe(total.toFixed(2).replace(".", ","));
    expect(Number(line.at(-1)!.replace(",", "."))).toBe(total);
    expect(line.at(-1)).not.toContain(".");
  });

  const enRes = await download(csvRoute, enUnits.csvHref, cookies.en);
  expect(enRes.status).toBe(200);
  const enCsv = csvRows(new Uint8Array(await enRes.arrayBuffer()), ",");
  expect(enCsv[0]![1]).toBe("Total score");
  expect(enCsv[0]!.at(-1)).toBe("Total score (full precision)");
  rows.forEach((r, i) => {
    expect(enCsv[i + 1]![1]).toBe((r.total as number).toFixed(2));
    expect(Number(enCsv[i + 1]!.at(-1))).toBe(r.total);
  });
});

test("every chart's CSV carries its table's own labels and every decimal column twice (rounded, then full)", async () => {
  let checked = 0;
  for (const [id, chart] of Object.entries(await charts(cookies.id))) {
    if (!chart || chart.table.rows.length === 0) continue;
    const res = await download(csvRoute, chart.csvHref, cookies.id);
    expect(res.status, id).toBe(200);
    const csv = csvRows(new Uint8Array(await res.arrayBuffer()), ";");
    const decimals = chart.table.columns.filter((c) => c.format === "number" || c.format === "percent");
    checked++;
    expect(csv[0], id).toEqual([...chart.table.columns.map((c) => c.label), ...decimals.map((c) => `${c.label} (presisi penuh)`)]);
    for (const line of csv.slice(1)) {
      chart.table.columns.forEach((c, i) => {
        if ((c.format === "number" || c.format === "percent") && line[i] !== "") expect(line[i], `${id} ${c.key}`).toMatch(/^-?\d+,\d{2}$/);
        if (c.format === "int" && line[i] !== "") expect(line[i], `${id} ${c.key}`).toMatch(/^-?\d+$/);
      });
    }
  }
  expect(checked).toBeGreaterThanOrEqual(5);
});

test("CSV cells: a separator inside text is quoted, formulas are defused, nothing prints as -0,00", () => {
  const table: DataTable = {
    columns: [
      { key: "name", label: "Nama; unit" },
      { key: "v", label: "Nilai", format: "number" },
      { key: "n", label: "Jumlah", format: "int" },
    ],
    rows: [
      { name: 'Unit "A"; pusat', v: -0.001, n: 3 },
      { name: "=HYPERLINK(1)", v: 1234.5678, n: null },
      { name: "Biasa", v: null, n: 0 },
    ],
  };
  expect(chartCsv(table, "id")).toBe(
    '\uFEFF"Nama; unit";Nilai;Jumlah;Nilai (presisi penuh)\r\n' +
      '"Unit ""A""; pusat";0,00;3;-0,001\r\n' +
      "'=HYPERLINK(1);1234,57;;1234,5678\r\n" +
      "Biasa;;0;\r\n",
  );
  expect(chartCsv(table, "en")).toBe(
    "\uFEFFNama; unit,Nilai,Jumlah,Nilai (full precision)\r\n" +
      '"Unit ""A""; pusat",0.00,3,-0.001\r\n' +
      "'=HYPERLINK(1),1234.57,,1234.5678\r\n" +
      "Biasa,,0,\r\n",
  );
});

test("the XLSX holds typed numbers in a 2-decimal format, the table's labels, full precision on a second sheet, a frozen header", async () => {
  const all = await charts(cookies.id);
  const units = all.units!;
  expect(units.table.rows.length).toBeGreaterThan(0);
  const res = await download(xlsxRoute, xlsxHref(units.csvHref), cookies.id);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="cermin-units-\d{4}-\d{2}-\d{2}\.xlsx"$/);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  expect(wb.worksheets.map((w) => w.name)).toEqual(["Data", "Presisi penuh", "Keterangan"]);
  const [data, full, about] = wb.worksheets as [ExcelJS.Worksheet, ExcelJS.Worksheet, ExcelJS.Worksheet];

  expect(data.getRow(1).values).toEqual([undefined, ...units.table.columns.map((c) => c.label)]);
  expect(data.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
  expect(data.getRow(1).font?.bold).toBe(true);
  const totalCol = units.table.columns.findIndex((c) => c.key === "total") + 1;
  expect(data.getColumn(1).width).toBeGreaterThanOrEqual(Math.min(60, Math.max(...units.table.rows.map((r) => String(r.unit).length))));
  expect(data.getColumn(totalCol).width).toBeGreaterThanOrEqual(8);
  units.table.rows.forEach((r, i) => {
    const cell = data.getCell(i + 2, totalCol);
    expect(cell.type, "a number, not text").toBe(ExcelJS.ValueType.Number);
    expect(cell.numFmt).toBe("#,##0.00");
    expect(cell.value).toBe(Math.round((r.total as number) * 100) / 100);
    expect(data.getCell(i + 2, 1).value).toBe(r.unit);
    const exact = full.getCell(i + 2, totalCol);
    expect(exact.type).toBe(ExcelJS.ValueType.Number);
    expect(exact.value, "full precision").toBe(r.total);
  });
  expect(full.getRow(1).values).toEqual(data.getRow(1).values);
  expect(full.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
  expect(about.getCell(1, 1).value).toBe(units.title);

  // Percent columns (areas) show "84,63 %" in Indonesian Excel, counts (trend) no decimals.
  const areasWb = new ExcelJS.Workbook();
  await areasWb.xlsx.load(await (await download(xlsxRoute, xlsxHref(all.areas!.csvHref), cookies.id)).arrayBuffer());
  const current = all.areas!.table.columns.findIndex((c) => c.key === "current") + 1;
  expect(areasWb.worksheets[0]!.getCell(2, current).numFmt).toBe('0.00" %"');
  expect(areasWb.worksheets[0]!.getCell(2, current).type).toBe(ExcelJS.ValueType.Number);
  const trendWb = new ExcelJS.Workbook();
  await trendWb.xlsx.load(await (await download(xlsxRoute, xlsxHref(all.trend!.csvHref), cookies.id)).arrayBuffer());
  const unitsCol = all.trend!.table.columns.findIndex((c) => c.key === "units") + 1;
  expect(trendWb.worksheets[0]!.getCell(2, unitsCol).numFmt).toBe("#,##0");

  // English labels in the English UI.
  const en = await charts(cookies.en);
  const enWb = new ExcelJS.Workbook();
  await enWb.xlsx.load(await (await download(xlsxRoute, xlsxHref(en.units!.csvHref), cookies.en)).arrayBuffer());
  expect(enWb.worksheets.map((w) => w.name)).toEqual(["Data", "Full precision", "About"]);
  expect(enWb.worksheets[0]!.getCell(1, totalCol).value).toBe("Total score");
});

test("the XLSX route checks the user and scope like the CSV route", async () => {
  for (const chart of ["trend", "areas", "units", "progress", "layers", "readiness"]) {
    const href = `/dashboard/xlsx/${chart}?org=${a.organisationId}`;
    expect((await download(xlsxRoute, href, cookies.other)).status, chart).toBe(404);
    expect((await download(csvRoute, href.replace("/xlsx/", "/csv/"), cookies.other)).status, chart).toBe(404);
  }
  expect((await download(xlsxRoute, `/dashboard/xlsx/unit-trend?unit=${a.unitIds[0]}`, cookies.other)).status).toBe(404);
  const anonymous = await download(xlsxRoute, "/dashboard/xlsx/units", "");
  expect(anonymous.status).toBe(302);
  expect((await download(xlsxRoute, "/dashboard/xlsx/nope", cookies.id)).status).toBe(404);
  const own = await download(xlsxRoute, "/dashboard/xlsx/units", cookies.other);
  expect(own.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await own.arrayBuffer());
  const names = new Set<string>();
  wb.worksheets[0]!.eachRow((r, n) => n > 1 && names.add(String(r.getCell(1).value)));
  const bUnits = await db.selectFrom("unit").select("name").where("organisation_id", "=", b.organisationId).execute();
  for (const n of names) expect(bUnits.map((u) => u.name)).toContain(n);
});

const SOFFICE = findSoffice();
if (!SOFFICE) console.warn("dashboard-exports: LibreOffice test skipped, soffice is not on PATH (apt-get install libreoffice-calc-nogui)");

describe.skipIf(!SOFFICE)("in LibreOffice Calc", () => {
  let lo: LibreOffice;
  beforeAll(async () => {
    lo = await LibreOffice.start(SOFFICE!);
  }, 120_000);
  afterAll(() => lo?.dispose());

  test("the Indonesian CSV imported with ; and language id-ID gives numbers, rounded and full", async () => {
    const units = (await charts(cookies.id)).units!;
    expect(units.table.rows.length).toBeGreaterThan(0);
    const res = await download(csvRoute, units.csvHref, cookies.id);
    const xlsx = await lo.importCsv(new Uint8Array(await res.arrayBuffer()), { separator: ";", lcid: 1057 });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    expect(sheet.getCell(1, 1).value, "the BOM is not part of the first label").toBe("Unit");
    const fullCol = units.table.columns.length + 1;
    expect(sheet.getCell(1, fullCol).value).toBe("Nilai total (presisi penuh)");
    units.table.rows.forEach((r, i) => {
      const shown = sheet.getCell(i + 2, 2);
      expect(shown.type, `${String(r.unit)}: a number in Calc`).toBe(ExcelJS.ValueType.Number);
      expect(shown.value).toBe(Math.round((r.total as number) * 100) / 100);
      const exact = sheet.getCell(i + 2, fullCol);
      expect(exact.type).toBe(ExcelJS.ValueType.Number);
      // Calc keeps 15 significant digits.
      expect(exact.value as number).toBeCloseTo(r.total as number, 10);
      expect(sheet.getCell(i + 2, 1).value).toBe(r.unit);
    });
  }, 120_000);
});
