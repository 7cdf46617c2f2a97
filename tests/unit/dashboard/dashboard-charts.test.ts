/**
 * Issue #28: the dashboards' charts and the rules behind them — which period is shown by default,
 * the unit count and mark on a trend point, labels that wrap, numbers that never read −0,00, the
 * items a unit cannot act on — and the charts' server markup (as wide as the box, text not scaled,
 * one Tab stop per chart).
 */
import { createElement, type ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { describe, expect, test } from "vitest";
import type { TrendRow } from "#db/queries/dashboard";
import { BarsChart } from "~/components/charts/bars-chart";
import { formatCell } from "~/components/charts/chart-figure";
import { niceTicks, signedNumber } from "~/components/charts/numbers";
import { THRESHOLD } from "~/components/charts/palette";
import { LABEL_CHARS, pct, wrapLabel } from "~/components/charts/svg";
import type { DataTable } from "~/components/charts/table-data";
import { TrendChart } from "~/components/charts/trend-chart";
import { WaterfallChart } from "~/components/charts/waterfall-chart";
import { dashTranslator } from "~/components/dashboard/dash-t";
import { EXTERNAL_TYPES, setElsewhere } from "~/domain/instrument/external";
import { outlineOf } from "~/domain/instrument/outline";
import { choosePeriods, MEANINGFUL_SHARE, periodNote, type PeriodChoice } from "~/services/dashboard/charts.server";
import type { DashboardScope } from "~/services/dashboard/scope.server";
import { getInstrument } from "~/services/instruments/catalog.server";

/** Server markup of a chart, as the server renders it: inside a data router whose root says locale "id". */
async function render(element: ReactElement): Promise<string> {
  const handler = createStaticHandler([{ id: "root", path: "/", loader: () => ({ locale: "id" }), element }]);
  const context = await handler.query(new Request("http://cermin.test/"));
  if (context instanceof Response) throw new Error("unexpected response");
  const router = createStaticRouter(handler.dataRoutes, context);
  return renderToStaticMarkup(createElement(StaticRouterProvider, { router, context, hydrate: false }));
}

const periods = [2022, 2023, 2024, 2025].map((year) => ({ id: `p${year}`, year, name: `Periode ${year}`, status: "closed" }));

function scope(period: string | null = null): DashboardScope {
  return { periods, query: { org: null, unit: null, instrument: null, period } } as unknown as DashboardScope;
}

function trend(units: Record<number, number>): TrendRow[] {
  return Object.entries(units).map(([year, n]) => ({
    periodId: `p${year}`,
    year: Number(year),
    periodName: `Periode ${year}`,
    mean: 70,
    min: 60,
    max: 80,
    units: n,
  }));
}

describe("the period shown by default", () => {
  test("the latest period with at least half the units final of the period before it", () => {
    expect(MEANINGFUL_SHARE).toBe(0.5);
    const one = choosePeriods(scope(), trend({ 2023: 7, 2024: 7, 2025: 1 }));
    expect([one.current?.year, one.previous?.year, one.reason, one.units]).toEqual([2024, 2023, "meaningful", 7]);
    expect(one.skipped).toEqual([{ year: 2025, units: 1, before: { year: 2024, units: 7 } }]);
    // Half is enough; fewer than half is not, and a chain of thin periods is passed over.
    expect(choosePeriods(scope(), trend({ 2024: 8, 2025: 4 })).current?.year).toBe(2025);
    expect(choosePeriods(scope(), trend({ 2024: 8, 2025: 3 })).current?.year).toBe(2024);
    const chain = choosePeriods(scope(), trend({ 2022: 10, 2023: 10, 2024: 4, 2025: 1 }));
    expect([chain.current?.year, chain.skipped.map((s) => s.year)]).toEqual([2023, [2025, 2024]]);
    // The first period always qualifies; nothing final, nothing shown.
    expect(choosePeriods(scope(), trend({ 2025: 1 })).reason).toBe("latest");
    expect(choosePeriods(scope(), [])).toEqual({ current: null, previous: null, reason: "none", units: 0, skipped: [] });
    // Chosen in the filter: shown whatever its count.
    const chosen = choosePeriods(scope("p2025"), trend({ 2024: 7, 2025: 1 }));
    expect([chosen.current?.year, chosen.previous?.year, chosen.reason, chosen.units]).toEqual([2025, 2024, "chosen", 1]);
  });

  test("said in words, in both languages", () => {
    const choice = choosePeriods(scope(), trend({ 2023: 7, 2024: 7, 2025: 1 }));
    expect(periodNote(choice, dashTranslator("id"))).toBe(
      "Menampilkan 2024 (7 unit final), bukan periode yang lebih baru (2025): 2025 baru memiliki 1 unit final, kurang dari 50 % dari 7 unit final pada 2024. Pilih periode pada filter untuk melihatnya.",
    );
    expect(periodNote(choice, dashTranslator("en"))).toBe(
      "Showing 2024 (units final: 7), not the later period (2025): units final in 2025: 1, less than 50 % of the 7 in 2024. Choose the period in the filter to see it.",
    );
    const latest = choosePeriods(scope(), trend({ 2024: 7 }));
    expect(periodNote(latest, dashTranslator("id"))).toBe("Menampilkan 2024: periode terbaru dengan penilaian final (7 unit).");
    expect(periodNote({ current: null } as PeriodChoice, dashTranslator("id"))).toBeNull();
  });
});

describe("numbers and labels", () => {
  test("a value that rounds to zero reads 0,00 — never −0,00 — in charts and tables", () => {
    expect(signedNumber(-0.001, "id")).toBe("0,00");
    expect(signedNumber(0.004, "id")).toBe("0,00");
    expect(signedNumber(-0, "en")).toBe("0.00");
    expect(signedNumber(-1.234, "id")).toBe("−1,23");
    expect(signedNumber(2.5, "id")).toBe("+2,50");
    expect(formatCell(-0.001, "number", "id")).toBe("0,00");
    expect(formatCell(-0.004, "percent", "id")).toBe("0,00 %");
    expect(formatCell(-0.4, "int", "id")).toBe("0");
    expect(formatCell(-1.5, "number", "id")).toBe("-1,50");
    expect(formatCell(3.11, "number", "id")).toBe("3,11");
  });

  test("labels wrap to two lines within the phone's budget and end in an ellipsis when longer", () => {
    expect(wrapLabel("A.I.1 Manajemen Perubahan")).toEqual(["A.I.1 Manajemen Perubahan"]);
    const long = "A.II.5.ii.a Berapa persen pengaduan masyarakat yang wajib ditindaklanjuti sudah selesai ditangani dalam tahun berjalan?";
    const lines = wrapLabel(long);
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(LABEL_CHARS);
    expect(lines[1]!.endsWith("…")).toBe(true);
    expect(long.startsWith(lines[0]!)).toBe(true);
    // A word longer than a line is cut, not left to run off the chart.
    expect(wrapLabel("x".repeat(100), 20).every((l) => l.length <= 20)).toBe(true);
  });

  test("ticks are round; positions are percentages of the width", () => {
    expect(niceTicks(0, 100, 4)).toEqual([0, 25, 50, 75, 100]);
    expect(niceTicks(55, 85, 6)).toEqual([55, 60, 65, 70, 75, 80, 85]);
    expect(niceTicks(0, 3.2, 4)).toEqual([0, 1, 2, 3]);
    expect(pct(0.375)).toBe("37.5%");
    expect(pct(1.2)).toBe("100%");
  });
});

describe("items the unit cannot act on", () => {
  test("read from the instrument: a scorer, or an external score's type — zi-2021's IPAK and IPKP surveys", () => {
    expect(EXTERNAL_TYPES).toEqual(["survey_0_4", "index_score", "external_points", "coefficient"]);
    expect(setElsewhere({ type: "abcd", scorer: "BPS" })).toBe(true);
    expect(setElsewhere({ type: "range_scaled" })).toBe(false);
    expect(setElsewhere({ type: "yes_no" })).toBe(false);
    const zi = getInstrument("zi-2021")!.instrument;
    const external = [...outlineOf(zi).items.values()].filter(setElsewhere).map((i) => i.id);
    expect(external).toEqual(["B.I.1.a", "B.II.1.a"]);
    const rb = getInstrument("rb-2023-kl")!.instrument;
    const rbItems = [...outlineOf(rb).items.values()];
    expect(rbItems.filter(setElsewhere).every((i) => i.scorer !== undefined || EXTERNAL_TYPES.includes(i.type))).toBe(true);
  });
});

describe("server markup", () => {
  const trendTable: DataTable = {
    columns: [
      { key: "period", label: "Periode" },
      { key: "mean", label: "Rata-rata", format: "number" },
      { key: "min", label: "Terendah", format: "number" },
      { key: "max", label: "Tertinggi", format: "number" },
      { key: "units", label: "Jumlah unit", format: "int" },
    ],
    rows: [
      { period: "2024", mean: 78.61, min: 70, max: 90, units: 7, _fewer: null, _href: "/dashboard?period=p2024" },
      { period: "2025", mean: 43.44, min: 43.44, max: 43.44, units: 1, _fewer: 1, _href: "/dashboard?period=p2025" },
    ],
    hrefKey: "_href",
  };

  test("the trend: as wide as its box, unscaled text, n under each period, the thinner period ringed and flagged", async () => {
    const html = await render(
      createElement(TrendChart, {
        id: "trend",
        table: trendTable,
        xKey: "period",
        series: ["mean", "min", "max"],
        guides: { bands: [], lines: [{ label: "WBK", value: 75 }], max: 100 },
        countKey: "units",
        flagKey: "_fewer",
      }),
    );
    expect(html).toMatch(/<svg id="trend" class="chart-svg" width="100%" height="320"/);
    expect(html).not.toContain("viewBox");
    expect(html).toContain('data-point="2024" data-units="7"');
    expect(html).toContain('data-point="2025" data-flag="fewer" data-units="1"');
    expect(html).toContain("▲ n = 1");
    expect(html).toContain('class="trend-flag-ring"');
    expect(html).toContain(
      "2025: Rata-rata 43,44; Terendah 43,44; Tertinggi 43,44; dari 1 unit final; lebih sedikit unit final daripada periode sebelumnya",
    );
    // Thresholds solid grey; statistics coloured and dashed, each with its marker; a legend names both.
    expect(html).toMatch(new RegExp(`<line x1="0" x2="100%" y1="[\\d.]+" y2="[\\d.]+" stroke="${THRESHOLD}" stroke-width="1.5"></line>`));
    expect(html).toContain('stroke-dasharray="7 4"');
    expect(html).toContain("Statistik antarunit:");
    expect(html).toContain("Ambang batas:");
    expect(html).toContain("WBK: nilai total minimal 75");
    // One Tab stop: the first mark.
    expect([...html.matchAll(/data-mark="" aria-label="[^"]*" tabindex="(-?\d)"/g)].map((m) => m[1])).toEqual(["0", "-1"]);
  });

  test("bars: every row a mark with its name, the label wrapped above its bars, muted rows hatched and named", async () => {
    const html = await render(
      createElement(BarsChart, {
        id: "plan",
        table: {
          columns: [{ key: "gain", label: "Tambahan poin", format: "number" }],
          rows: [
            { _label: "B.I.1.a Berapa skor survei eksternal persepsi anti korupsi (IPAK) unit?", gain: 8.75, _external: 1, _href: "/a" },
            { _label: "A.I.1.i.a Apakah unit telah membentuk tim?", gain: 0.5, _external: null, _href: "/b" },
          ],
          hrefKey: "_href",
        },
        categoryKey: "_label",
        series: [{ key: "gain" }],
        mutedKey: "_external",
        mutedLabel: "nilainya ditetapkan pihak lain",
      }),
    );
    expect(html).not.toContain("viewBox");
    expect(html).toContain(
      'aria-label="B.I.1.a Berapa skor survei eksternal persepsi anti korupsi (IPAK) unit?: Tambahan poin 8,75 (nilainya ditetapkan pihak lain)"',
    );
    expect(html).toContain('fill="url(#plan-muted)"');
    expect(html).toMatch(
      /<tspan x="0" dy="0">B\.I\.1\.a Berapa skor survei eksternal persepsi<\/tspan><tspan x="0" dy="15">anti korupsi \(IPAK\) unit\?<\/tspan>/,
    );
    expect(html).toContain("nilainya ditetapkan pihak lain</li>");
  });

  test("the waterfall: better, worse and unanswered as separate bars; a change that rounds to zero reads 0,00", async () => {
    const html = await render(
      createElement(WaterfallChart, {
        id: "movement",
        domain: [60, 85],
        labels: {
          total: "Nilai total",
          better: "Jawaban naik",
          worse: "Jawaban turun",
          unanswered: "Belum dijawab",
          rule: "Perubahan aturan",
        },
        table: {
          columns: [],
          rows: [
            { step: "2024", label: "2024", start: null, change: null, better: null, worse: null, unanswered: null, end: 78 },
            { step: "A.I.1", label: "A.I.1 Manajemen Perubahan", start: 78, change: -3, better: 1, worse: -1.5, unanswered: -2.5, end: 75 },
            {
              step: "A.I.2",
              label: "A.I.2 Penataan Tatalaksana",
              start: 75,
              change: -0.001,
              better: 0,
              worse: -0.001,
              unanswered: 0,
              end: 74.999,
            },
            { step: "2025", label: "2025", start: null, change: null, better: null, worse: null, unanswered: null, end: 74.999 },
          ],
        },
      }),
    );
    expect(html).toContain('data-bar="better"');
    expect(html).toContain('data-bar="worse"');
    expect(html).toContain('data-bar="unanswered"');
    expect(html).toContain('fill="url(#movement-unanswered)"');
    expect(html).toContain(
      "A.I.1 Manajemen Perubahan: −3,00 (78,00 → 75,00); Jawaban naik +1,00; Jawaban turun −1,50; Belum dijawab −2,50",
    );
    expect(html).not.toMatch(/[−-]0,00/);
    expect(html).toContain(">0,00<");
  });
});
