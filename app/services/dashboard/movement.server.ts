import type { Db } from "#db/client.server";
import { snapshotRecord, unitAssessments, unitInstruments, type UnitAssessmentRow } from "#db/queries/dashboard-drill";
import type { Actor } from "~/auth/permissions";
import { notFound } from "~/auth/require.server";
import type { DataTable } from "~/components/charts/table-data";
import { dashTranslator } from "~/components/dashboard/dash-t";
import { queryString, readParam } from "~/components/dashboard/query";
import { explainChange, type ChangeExplanation, type ChangePart } from "~/domain/analysis";
import { outlineOf } from "~/domain/instrument/outline";
import type { Answers } from "~/domain/scoring/answers";
import { signedNumber } from "~/components/charts/numbers";
import { formatNumber, type Locale } from "~/i18n";
import { canOnUnit } from "~/services/workbench/assessments.server";
import { answerText } from "./drill.server";
import type { ChartPayload } from "./charts.server";
import { getFrozenInstrument, releaseMapping } from "~/services/instruments/frozen.server";
import { loadInstruments } from "~/services/instruments/catalog.server";

/** A step of the waterfall: a total (start, end) or a change (an area, or the rule change as one step). */
export interface WaterfallMeta {
  /** The value axis: lowest and highest running total, padded. */
  domain: [number, number];
}

/** The explanation cut down to what the page shows: parts → areas → groups → items, with answers as text. */
function viewOf(part: ChangePart, before: Map<string, string>, after: Map<string, string>) {
  return {
    before: part.before,
    after: part.after,
    delta: part.delta,
    areas: part.areas.map((a) => ({
      id: a.id,
      label: a.label,
      before: a.before,
      after: a.after,
      delta: a.delta,
      groups: a.subareas.map((g) => ({
        id: g.id,
        label: g.label,
        before: g.before,
        after: g.after,
        delta: g.delta,
        items: g.items.map((i) => ({
          id: i.id,
          label: i.label,
          before: i.before,
          after: i.after,
          delta: i.delta,
          answerBefore: before.get(i.id) ?? null,
          answerAfter: after.get(i.id) ?? null,
        })),
      })),
    })),
  };
}

/**
 * Why a unit's score moved between two final periods: explainChange over the two stored snapshots
 * (their answers, under each period's frozen instrument), as a waterfall from the earlier total to the
 * later one by area — the rule change first when the instrument version changed — and the detail tree.
 */
/** Instrument ids of the series `instrumentId` belongs to (itself alone when it has none). */
function seriesOf(instrumentId: string): string[] {
  const all = loadInstruments().map((l) => l.instrument);
  const series = all.find((i) => i.id === instrumentId)?.series;
  return series ? all.filter((i) => i.series === series).map((i) => i.id) : [instrumentId];
}

export async function unitMovement(db: Db, actor: Actor, unitId: string, url: URL, locale: Locale) {
  const t = dashTranslator(locale);
  const unit = await db.selectFrom("unit").selectAll().where("id", "=", unitId).executeTakeFirst();
  if (!unit || !canOnUnit(actor, "assessment.read", unit)) throw notFound();
  const instruments = await unitInstruments(db, unit.id);
  const wanted = readParam(url, "instrument");
  if (wanted && !instruments.includes(wanted)) throw notFound();
  const instrumentId = wanted ?? (instruments.includes("zi-2021") ? "zi-2021" : (instruments[0] ?? "zi-2021"));
  // The instruments of the same series (PMPRB 2014 → Evaluasi RB 2023) run as one history.
  const finals = (await unitAssessments(db, unit.id, seriesOf(instrumentId))).filter((r) => r.snapshotId);
  const pick = (key: string, fallback: UnitAssessmentRow | undefined) => {
    const id = readParam(url, key);
    if (!id) return fallback ?? null;
    const row = finals.find((r) => r.periodId === id);
    if (!row) throw notFound();
    return row;
  };
  const to = pick("to", finals[finals.length - 1]);
  const from = pick("from", to ? [...finals].reverse().find((r) => r.year < to.year) : undefined);
  const base = {
    unit: { id: unit.id, name: unit.name, organisationId: unit.organisation_id },
    instrumentId,
    periods: finals.map((r) => ({ id: r.periodId, year: r.year })),
    from: from ? { periodId: from.periodId, year: from.year } : null,
    to: to ? { periodId: to.periodId, year: to.year } : null,
    title: t("dash.move.title", { unit: unit.name }),
  };
  if (!from || !to || from.periodId === to.periodId) return { ...base, explanation: null, chart: null, notes: [] as string[] };

  const side = async (row: UnitAssessmentRow) => {
    const snap = (await snapshotRecord(db, row.snapshotId!))!;
    return {
      instrument: await getFrozenInstrument(db, row.instrumentHash),
      answers: JSON.parse(snap.answers_json) as Answers,
      stored: Number(snap.total),
    };
  };
  const [a, b] = [await side(from), await side(to)];
  const mapping = from.instrumentHash === to.instrumentHash ? null : await releaseMapping(db, from.instrumentHash, to.instrumentHash);
  const explanation: ChangeExplanation = explainChange(
    { instrument: a.instrument, answers: a.answers },
    { instrument: b.instrument, answers: b.answers },
    mapping,
  );
  const text = (s: typeof a) => {
    const items = outlineOf(s.instrument).items;
    return new Map(
      Object.entries(s.answers).map(([id, v]) => [id, (items.has(id) ? answerText(items.get(id)!, v, locale) : null) ?? String(v)]),
    );
  };
  const [fromYear, toYear] = [String(from.year), String(to.year)];

  // Each area's change in three parts (issue #28): answers that rose (or were newly given), answers
  // that fell, and answers no longer given ("belum dijawab") — a fall that is a gap to fill, not a
  // worse answer. The parts are sums of the explanation's item contributions, so they add up to it.
  const parts = (area: ChangeExplanation["realChange"]["areas"][number]) => {
    let better = 0;
    let worse = 0;
    let unanswered = 0;
    for (const g of area.subareas)
      for (const i of g.items) {
        if (i.delta > 0) better += i.delta;
        else if (i.delta < 0 && i.answerAfter === null) unanswered -= i.delta;
        else if (i.delta < 0) worse -= i.delta;
      }
    return { better, worse, unanswered };
  };
  interface Step {
    step: string;
    label: string;
    start: number;
    change: number | null;
    better: number | null;
    worse: number | null;
    unanswered: number | null;
    end: number;
  }
  const none = { better: null, worse: null, unanswered: null };
  const steps: Step[] = [];
  steps.push({ step: fromYear, label: fromYear, start: 0, change: null, ...none, end: explanation.before.total });
  let running = explanation.before.total;
  if (explanation.ruleChange) {
    steps.push({
      step: t("dash.move.ruleStep"),
      label: t("dash.move.ruleChange"),
      start: running,
      change: explanation.ruleChange.delta,
      ...none,
      end: running + explanation.ruleChange.delta,
    });
    running += explanation.ruleChange.delta;
  }
  const totals = { better: 0, worse: 0, unanswered: 0 };
  for (const area of explanation.realChange.areas) {
    const p = parts(area);
    totals.better += p.better;
    totals.worse += p.worse;
    totals.unanswered += p.unanswered;
    steps.push({ step: area.id, label: `${area.id} ${area.label}`, start: running, change: area.delta, ...p, end: running + area.delta });
    running += area.delta;
  }
  steps.push({ step: toYear, label: toYear, start: 0, change: null, ...none, end: explanation.after.total });
  const levels = steps.flatMap((s) => (s.change === null ? [s.end] : [s.start, s.end, s.start + (s.better ?? 0)]));
  const lo = Math.max(0, Math.floor(Math.min(...levels) / 5) * 5 - 5);
  const hi = Math.min(b.instrument.total_weight, Math.ceil(Math.max(...levels) / 5) * 5 + 5);
  const table: DataTable = {
    columns: [
      { key: "step", label: t("dash.move.col.step") },
      { key: "label", label: t("dash.col.label") },
      { key: "start", label: t("dash.move.col.start"), format: "number" },
      { key: "better", label: t("dash.move.better"), format: "number" },
      { key: "worse", label: t("dash.move.worse"), format: "number" },
      { key: "unanswered", label: t("dash.move.unanswered"), format: "number" },
      { key: "change", label: t("dash.move.col.change"), format: "number" },
      { key: "end", label: t("dash.move.col.end"), format: "number" },
    ],
    rows: steps.map((s) => ({
      ...s,
      start: s.change === null ? null : s.start,
      // Falls as negative numbers, as the change column reads.
      worse: s.worse === null ? null : -s.worse,
      unanswered: s.unanswered === null ? null : -s.unanswered,
    })),
  };
  const notes = [
    t("dash.move.summary", {
      from: fromYear,
      to: toYear,
      before: fmt(explanation.before.total, locale),
      after: fmt(explanation.after.total, locale),
      delta: signed(explanation.delta, locale),
    }),
  ];
  notes.push(
    t("dash.move.parts", {
      better: signed(totals.better, locale),
      worse: signed(-totals.worse, locale),
      unanswered: signed(-totals.unanswered, locale),
    }),
  );
  if (explanation.ruleChange) notes.push(t("dash.move.ruleNote", { from: fromYear, to: toYear }));
  if (explanation.before.instrument !== explanation.after.instrument) {
    const name = (i: typeof a.instrument) => `${i.title} (${i.id} ${i.version})`;
    notes.push(t("dash.move.instrumentNote", { from: fromYear, to: toYear, before: name(a.instrument), after: name(b.instrument) }));
  }
  for (const [computed, stored] of [
    [explanation.before.total, a.stored],
    [explanation.after.total, b.stored],
  ] as const) {
    if (Math.abs(computed - stored) > 1e-9)
      notes.push(t("dash.move.storedDiffers", { computed: fmt(computed, locale), stored: fmt(stored, locale) }));
  }
  const chart: ChartPayload<WaterfallMeta> = {
    id: "movement",
    title: t("dash.move.waterfall", { from: fromYear, to: toYear }),
    table,
    notes,
    csvHref: `/dashboard/csv/movement${queryString({ unit: unit.id, instrument: instrumentId, from: from.periodId, to: to.periodId })}`,
    meta: { domain: [lo, hi] },
  };
  const [beforeText, afterText] = [text(a), text(b)];
  return {
    ...base,
    chart,
    notes,
    explanation: {
      delta: explanation.delta,
      before: explanation.before.total,
      after: explanation.after.total,
      ruleChange: explanation.ruleChange ? viewOf(explanation.ruleChange, beforeText, beforeText) : null,
      realChange: viewOf(explanation.realChange, beforeText, afterText),
      added: explanation.added,
      removed: explanation.removed,
    },
  };
}

const fmt = (v: number, locale: Locale) => formatNumber(v, locale, 2);
/** A signed change; one that rounds to zero reads 0,00 (never −0,00). */
const signed = (v: number, locale: Locale) => signedNumber(v, locale);
