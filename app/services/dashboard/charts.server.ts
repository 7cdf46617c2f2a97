import type { Db } from "#db/client.server";
import { levelSums, openHashes, openProgress, unitTotals, type TrendRow } from "#db/queries/dashboard";
import { layerTotals } from "#db/queries/dashboard-layers";
import type { DataTable } from "~/components/charts/table-data";
import { dashColumns, type DashT } from "~/components/dashboard/dash-t";
import { queryString } from "~/components/dashboard/query";
import { outlineOf } from "~/domain/instrument/outline";
import type { Instrument } from "~/domain/instrument/schema";
import type { DashboardScope, PeriodOption } from "./scope.server";
import { getFrozenInstrument } from "~/services/instruments/frozen.server";
import { assessmentHref } from "~/services/workbench/links";

/** One chart's data: the table it draws, what the chart needs besides, and where its CSV lives. */
export interface ChartPayload<M = Record<string, never>> {
  id: string;
  title: string;
  table: DataTable;
  notes: string[];
  csvHref: string;
  meta: M;
}

export interface TrendMeta {
  bands: { code: string; label: string; from: number; to: number }[];
  lines: { label: string; value: number }[];
  max: number;
}

/** How many bars a unit chart draws at most: half from the top, half from the bottom. */
export const MAX_UNIT_BARS = 40;
export const MAX_PROGRESS_BARS = 40;
export const MAX_LAYER_BARS = 30;

/** Thresholds drawn behind the trend: Indeks RB bands, and the WBK/WBBM minimum totals. */
export function trendGuides(instrument: Instrument | null): TrendMeta {
  if (!instrument) return { bands: [], lines: [], max: 100 };
  const bands = instrument.evaluation.predicate_bands.map((b) => ({
    code: b.code,
    label: b.label,
    from: b.above,
    to: b.up_to ?? instrument.total_weight,
  }));
  const lines = instrument.evaluation.zi_verdicts.flatMap((v) =>
    v.criteria.flatMap((c) => (c.kind === "node_min" && c.node === "total" ? [{ label: v.id.toUpperCase(), value: c.min }] : [])),
  );
  return { bands, lines, max: instrument.total_weight };
}

/**
 * A period is shown by default only when it has at least this share of the units final in the period
 * before it (issue #28): one unit finalised early must not stand for the organisation.
 */
export const MEANINGFUL_SHARE = 0.5;

export interface PeriodChoice {
  current: PeriodOption | null;
  previous: PeriodOption | null;
  /**
   * Why `current`: "chosen" in the filter; "latest" — the latest period with final snapshots;
   * "meaningful" — later periods were passed over because they have too few final units (`skipped`);
   * "none" — nothing is final yet.
   */
  reason: "chosen" | "latest" | "meaningful" | "none";
  /** Units final in `current` (0 when none or chosen without data). */
  units: number;
  /** The passed-over periods, latest first, with their final units and those of the period before each. */
  skipped: { year: number; units: number; before: { year: number; units: number } }[];
}

/** Whether trend row i has fewer final units than the row before it (the period before with data). */
export function fewerThanBefore(trend: readonly TrendRow[], i: number): boolean {
  return i > 0 && trend[i]!.units < trend[i - 1]!.units;
}

/**
 * The chosen period and the latest earlier one with data. Default: the latest period whose final
 * units are at least MEANINGFUL_SHARE of the period before it (the first period always qualifies).
 */
export function choosePeriods(scope: DashboardScope, trend: TrendRow[]): PeriodChoice {
  const byId = new Map(scope.periods.map((p) => [p.id, p]));
  const unitsOf = (id: string) => trend.find((r) => r.periodId === id)?.units ?? 0;
  const skipped: PeriodChoice["skipped"] = [];
  let current: PeriodOption | null = null;
  let reason: PeriodChoice["reason"] = "none";
  if (scope.query.period) {
    current = byId.get(scope.query.period)!;
    reason = "chosen";
  } else {
    for (let i = trend.length - 1; i >= 0; i--) {
      const row = trend[i]!;
      const before = trend[i - 1];
      if (!before || row.units >= MEANINGFUL_SHARE * before.units) {
        current = byId.get(row.periodId)!;
        reason = skipped.length ? "meaningful" : "latest";
        break;
      }
      skipped.push({ year: row.year, units: row.units, before: { year: before.year, units: before.units } });
    }
  }
  if (!current) return { current: null, previous: null, reason: "none", units: 0, skipped: [] };
  const earlier = trend.filter((r) => r.year < current.year);
  return {
    current,
    previous: earlier.length ? byId.get(earlier[earlier.length - 1]!.periodId)! : null,
    reason,
    units: unitsOf(current.id),
    skipped,
  };
}

/** In words: which period the dashboard shows and why (null when nothing is final). */
export function periodNote(periods: PeriodChoice, t: DashT): string | null {
  const c = periods.current;
  if (!c) return null;
  const period = String(c.year);
  if (periods.reason === "chosen") return t("dash.period.chosen", { period, units: periods.units });
  if (periods.reason === "latest") return t("dash.period.latest", { period, units: periods.units });
  const s = periods.skipped[0]!;
  return t("dash.period.meaningful", {
    period,
    units: periods.units,
    skipped: periods.skipped
      .map((x) => String(x.year))
      .reverse()
      .join(", "),
    latest: String(s.year),
    latestUnits: s.units,
    before: String(s.before.year),
    beforeUnits: s.before.units,
    share: MEANINGFUL_SHARE * 100,
  });
}

export const csvHref = (scope: DashboardScope, id: string) => `/dashboard/csv/${id}${queryString(scope.query)}`;
const unitHref = (scope: DashboardScope, unitId: string, periodId: string | null) =>
  `/dashboard/units/${unitId}${queryString({ instrument: scope.instrumentId, period: periodId })}`;

export function trendChart(scope: DashboardScope, trend: TrendRow[], t: DashT): ChartPayload<TrendMeta> {
  const meta = trendGuides(scope.instrument);
  const fewer = trend.flatMap((r, i) => (fewerThanBefore(trend, i) ? [{ row: r, before: trend[i - 1]! }] : []));
  const notes = [
    meta.bands.length ? t("dash.trend.bands") : "",
    meta.lines.length ? t("dash.trend.lines") : "",
    t("dash.trend.counts"),
    ...fewer.map(({ row, before }) =>
      t("dash.trend.fewer", { period: String(row.year), units: row.units, previous: String(before.year), previousUnits: before.units }),
    ),
  ].filter(Boolean);
  return {
    id: "trend",
    title: t(meta.bands.length ? "dash.trend.titleRb" : "dash.trend.titleZi"),
    table: {
      columns: dashColumns(t, [["period"], ["mean", "number"], ["min", "number"], ["max", "number"], ["units", "int"], ["note"]]),
      rows: trend.map((r, i) => ({
        period: String(r.year),
        mean: r.mean,
        min: r.min,
        max: r.max,
        units: r.units,
        note: fewerThanBefore(trend, i)
          ? t("dash.trend.fewerCell", { previous: String(trend[i - 1]!.year), previousUnits: trend[i - 1]!.units })
          : null,
        // Marked on the chart: fewer units final than in the period before.
        _fewer: fewerThanBefore(trend, i) ? 1 : null,
        _href: queryString(scope.query, { period: r.periodId }),
      })),
      hrefKey: "_href",
    },
    notes,
    csvHref: csvHref(scope, "trend"),
    meta,
  };
}

/** The areas of an instrument with their id, label and weight, in content order. */
export function areaList(instrument: Instrument): { id: string; label: string; weight: number }[] {
  return outlineOf(instrument).areas.map((a) => ({ id: a.id, label: a.label, weight: a.weight }));
}

/** The per-area minimum percentages of the WBK/WBBM rules, drawn as guides on area charts. */
export function areaGuides(instrument: Instrument | null): { label: string; value: number }[] {
  if (!instrument) return [];
  return instrument.evaluation.zi_verdicts.flatMap((v) =>
    v.criteria.flatMap((c) =>
      c.kind === "area_percent_min" ? [{ label: `${v.id.toUpperCase()} ≥ ${c.min_percent} %`, value: c.min_percent }] : [],
    ),
  );
}

/**
 * Area indices of the chosen period beside the previous one. `currentSums` are the chosen period's
 * area sums when the readiness query already computed them in its pass over the same snapshots.
 */
export async function areasChart(
  db: Db,
  scope: DashboardScope,
  periods: PeriodChoice,
  t: DashT,
  /** The current period's area sums when the caller reads them anyway (the readiness pass): only the
   * previous period is then queried here, while that promise settles; undefined — query both. */
  currentSumsOf?: Promise<Map<string, { value: number; max: number }> | undefined>,
): Promise<ChartPayload<{ series: string[]; guides: { label: string; value: number }[] }>> {
  const areas = scope.instrument ? areaList(scope.instrument) : [];
  const ids = [currentSumsOf ? undefined : periods.current?.id, periods.previous?.id].filter((x): x is string => !!x);
  const sums = await levelSums(db, scope.filter, ids, "area");
  const currentSums = await currentSumsOf;
  if (currentSumsOf && !currentSums && periods.current) sums.push(...(await levelSums(db, scope.filter, [periods.current.id], "area")));
  for (const [nodeId, v] of currentSums ?? [])
    sums.push({ periodId: periods.current!.id, nodeId, value: v.value, max: v.max, snapshots: 0 });
  const pct = (periodId: string | undefined, nodeId: string) => {
    const r = sums.find((s) => s.periodId === periodId && s.nodeId === nodeId);
    return r && r.max > 0 ? (r.value / r.max) * 100 : null;
  };
  const cur = periods.current ? String(periods.current.year) : "–";
  const prev = periods.previous ? String(periods.previous.year) : null;
  const columns: DataTable["columns"] = dashColumns(t, [["node"], ["area"], ["weight", "number"]]);
  if (prev) columns.push({ key: "previous", label: t("dash.col.percentOf", { period: prev }), format: "percent" });
  columns.push({ key: "current", label: t("dash.col.percentOf", { period: cur }), format: "percent" });
  const rows = sums.length
    ? areas.map((a) => ({
        node: a.id,
        area: a.label,
        weight: a.weight,
        ...(prev ? { previous: pct(periods.previous?.id, a.id) } : {}),
        current: pct(periods.current?.id, a.id),
        _label: `${a.id} ${a.label}`,
      }))
    : [];
  return {
    id: "areas",
    title: prev ? t("dash.areas.title", { period: cur, previous: prev }) : t("dash.areas.titleSingle", { period: cur }),
    table: { columns, rows },
    notes: [],
    csvHref: csvHref(scope, "areas"),
    meta: { series: prev ? ["previous", "current"] : ["current"], guides: areaGuides(scope.instrument) },
  };
}

export async function unitsChart(db: Db, scope: DashboardScope, periods: PeriodChoice, t: DashT): Promise<ChartPayload<{ count: number }>> {
  const period = periods.current;
  const half = MAX_UNIT_BARS / 2;
  const { rows, count } = period ? await unitTotals(db, scope.filter, period.id, half) : { rows: [], count: 0 };
  const withPredicate = (scope.instrument?.evaluation.predicate_bands.length ?? 0) > 0;
  const columns: DataTable["columns"] = dashColumns(t, [["unit"], ["total", "number"]]);
  if (withPredicate) columns.push({ key: "predicate", label: t("dash.col.predicate") });
  return {
    id: "units",
    title: t("dash.units.title", { period: period ? String(period.year) : "–" }),
    table: {
      columns,
      rows: rows.map((r) => ({
        unit: r.unitName,
        total: r.total,
        ...(withPredicate ? { predicate: r.predicate } : {}),
        _href: unitHref(scope, r.unitId, period?.id ?? null),
      })),
      hrefKey: "_href",
    },
    notes:
      count > MAX_UNIT_BARS
        ? [t("dash.units.truncated", { shown: rows.length, count, half })]
        : count
          ? [t("dash.units.count", { count })]
          : [],
    csvHref: csvHref(scope, "units"),
    meta: { count },
  };
}

export async function progressChart(db: Db, scope: DashboardScope, t: DashT): Promise<ChartPayload<{ count: number }>> {
  const hashes = await openHashes(db, scope.filter);
  const counts = new Map<string, number>();
  for (const h of hashes) counts.set(h, outlineOf(await getFrozenInstrument(db, h)).items.size);
  const { rows, totals } = hashes.length
    ? await openProgress(db, scope.filter, counts, MAX_PROGRESS_BARS)
    : { rows: [], totals: { assessments: 0, items: 0, answered: 0, confirmed: 0 } };
  const notes = totals.assessments
    ? [
        t("dash.progress.summary", {
          assessments: totals.assessments,
          confirmed: totals.confirmed,
          items: totals.items,
          answered: totals.answered,
        }),
      ]
    : [t("dash.progress.none")];
  if (totals.assessments > rows.length) notes.push(t("dash.progress.truncated", { shown: rows.length, count: totals.assessments }));
  return {
    id: "progress",
    title: t("dash.progress.title"),
    table: {
      columns: dashColumns(t, [
        ["unit"],
        ["status"],
        ["confirmed", "int"],
        { key: "answered", label: t("dash.col.answeredOnly"), format: "int" },
        ["empty", "int"],
        ["items", "int"],
      ]),
      rows: rows.map((r) => ({
        unit: r.unitName,
        status: t(`dash.status.${r.status}` as "dash.status.draft"),
        confirmed: r.confirmed,
        answered: r.answered - r.confirmed,
        empty: Math.max(0, r.items - r.answered),
        items: r.items,
        // What is still missing is listed, each item linked, in the overview's readiness check.
        _href: assessmentHref(r.assessmentId, "readiness"),
        // What would raise it: the planner of this assessment (a link beside the row, not a column).
        _plan: `/dashboard/plan/${r.assessmentId}`,
      })),
      hrefKey: "_href",
    },
    notes,
    csvHref: csvHref(scope, "progress"),
    meta: { count: totals.assessments },
  };
}

export async function layersChart(
  db: Db,
  scope: DashboardScope,
  periods: PeriodChoice,
  t: DashT,
): Promise<ChartPayload<{ count: number }> | null> {
  if (scope.evalPaths !== null && scope.evalPaths.length === 0) return null;
  const period = periods.current;
  const { rows, summary } = period
    ? await layerTotals(db, scope.filter, period.id, scope.evalPaths, MAX_LAYER_BARS)
    : { rows: [], summary: null };
  const fmt = (v: number | null | undefined) => (v === null || v === undefined ? "–" : Math.round(v * 100) / 100);
  const notes = summary?.assessments
    ? [
        t("dash.layers.summary", {
          count: summary.assessments,
          self: fmt(summary.meanSelf),
          internal: fmt(summary.meanInternal),
          external: fmt(summary.meanExternal),
        }),
      ]
    : [t("dash.layers.none")];
  if (summary && summary.assessments > rows.length)
    notes.push(t("dash.layers.truncated", { shown: rows.length, count: summary.assessments }));
  return {
    id: "layers",
    title: t("dash.layers.title", { period: period ? String(period.year) : "–" }),
    table: {
      columns: dashColumns(t, [["unit"], ["self", "number"], ["internal", "number"], ["external", "number"]]),
      rows: rows.map((r) => ({
        unit: r.unitName,
        self: r.self,
        internal: r.internal,
        external: r.external,
        _href: unitHref(scope, r.unitId, period?.id ?? null),
      })),
      hrefKey: "_href",
    },
    notes,
    csvHref: csvHref(scope, "layers"),
    meta: { count: summary?.assessments ?? 0 },
  };
}
