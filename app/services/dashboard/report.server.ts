import type { Db } from "#db/client.server";
import { snapshotNodes, unitAssessments } from "#db/queries/dashboard-drill";
import { isLatestSnapshot } from "#db/queries/dashboard";
import type { Actor } from "~/auth/permissions";
import type { DataTable } from "~/components/charts/table-data";
import { dashColumns, dashTranslator } from "~/components/dashboard/dash-t";
import { queryString } from "~/components/dashboard/query";
import { outlineOf } from "~/domain/instrument/outline";
import { treeNodes, walkTree } from "~/domain/instrument/tree";
import { scoreAssessment } from "~/domain/scoring/score";
import type { ScoreResult, VerdictResult } from "~/domain/scoring/types";
import type { Locale } from "~/i18n";
import { releasedLayerScores } from "~/services/evaluation/view.server";
import { answersObject, loadAnswers } from "~/services/workbench/answers.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { assessmentHref } from "~/services/workbench/links";
import { areaGuides, trendGuides, type ChartPayload, type TrendMeta } from "./charts.server";

export interface RecapRow {
  id: string;
  level: string;
  label: string;
  weight: number;
  value: number;
  percent: number | null;
}

/**
 * The printable report of one assessment: the recap per component, subcomponent, area and sub-area
 * (weights, values, percent), the predicate or WBK/WBBM verdicts, every released evaluator layer with
 * the effective score, the area chart, the unit's totals over periods, and the team's notes. A final
 * assessment is reported from its stored snapshot; an open one from its current answers, marked as a
 * draft. Evaluator layers are read as the overview reads them (released layers only: what every reader
 * of the assessment may see).
 */
export async function assessmentReport(db: Db, actor: Actor, assessmentId: string, locale: Locale) {
  const t = dashTranslator(locale);
  const ctx = await requireAssessment(db, actor, assessmentId);
  const { assessment, instrument } = ctx;
  const final = assessment.status === "final";
  const snapshot = final
    ? await db
        .selectFrom("score_snapshot as s")
        .select(["s.id", "s.total", "s.predicate", "s.result_json", "s.engine_version", "s.created_at"])
        .where("s.assessment_id", "=", assessment.id)
        .where("s.layer", "=", "self")
        .where(isLatestSnapshot("s"))
        .executeTakeFirst()
    : undefined;
  const answers = await loadAnswers(db, assessment.id);
  // The stored result for a final assessment (one JSON for the verdict details); a live score otherwise.
  const result: ScoreResult = snapshot
    ? (JSON.parse(snapshot.result_json) as ScoreResult)
    : scoreAssessment(instrument, answersObject(answers));
  const stored = snapshot ? new Map((await snapshotNodes(db, snapshot.id)).map((n) => [n.nodeId, n])) : null;
  const valueOf = (id: string) => (stored ? stored.get(id) : result.nodes[id]);

  const recap: RecapRow[] = [];
  walkTree(treeNodes(instrument), (n) => {
    const v = valueOf(n.id);
    recap.push({
      id: n.id,
      level: n.level,
      label: n.label,
      weight: n.weight,
      value: v?.value ?? 0,
      percent: v && v.max > 0 ? (v.value / v.max) * 100 : null,
    });
  });
  const total = { value: snapshot ? Number(snapshot.total) : result.total, max: instrument.total_weight };

  const outline = outlineOf(instrument);
  const areas = outline.areas;
  // How complete the answers are ("62 of 113 items answered"), beside the score they produce.
  const answeredIds = new Set(answers.filter((a) => a.value_json !== null).map((a) => a.item_id));
  const answered = [...outline.items.keys()].filter((id) => answeredIds.has(id)).length;
  // Incomplete: the overview's readiness check lists what is missing, each item linked.
  const completeness = {
    answered,
    total: outline.items.size,
    href: answered < outline.items.size ? assessmentHref(assessment.id, "readiness") : null,
  };
  const areaTable: DataTable = {
    columns: dashColumns(t, [
      ["node"],
      ["area"],
      ["weight", "number"],
      ["value", "number"],
      { key: "current", label: t("dash.col.percent"), format: "percent" },
    ]),
    rows: areas.map((a) => {
      const v = valueOf(a.id);
      return {
        node: a.id,
        area: a.label,
        weight: a.weight,
        value: v?.value ?? 0,
        current: v && v.max > 0 ? (v.value / v.max) * 100 : null,
        _label: `${a.id} ${a.label}`,
      };
    }),
  };
  const areasChart: ChartPayload<{ guides: { label: string; value: number }[] }> = {
    id: "report-areas",
    title: t("dash.report.areas"),
    table: areaTable,
    notes: [],
    csvHref: `/dashboard/csv/report-areas${queryString({ assessment: assessment.id })}`,
    meta: { guides: areaGuides(instrument) },
  };

  const history = (await unitAssessments(db, ctx.unit.id, assessment.instrument_id)).filter((r) => r.total !== null);
  const trend: ChartPayload<TrendMeta> = {
    id: "report-trend",
    title: t("dash.unit.trend", { unit: ctx.unit.name }),
    table: {
      columns: dashColumns(t, [["period"], ["total", "number"], ["predicate"]]),
      rows: history.map((r) => ({ period: String(r.year), total: r.total, predicate: r.predicate })),
    },
    notes: [],
    csvHref: `/dashboard/csv/unit-trend${queryString({ unit: ctx.unit.id, instrument: assessment.instrument_id })}`,
    meta: trendGuides(instrument),
  };

  const items = outlineOf(instrument).items;
  const notes = answers
    .filter((a) => a.note && a.note.trim())
    .map((a) => ({ itemId: a.item_id, question: items.get(a.item_id)?.question ?? a.item_id, note: a.note!.trim() }))
    .sort((x, y) => x.itemId.localeCompare(y.itemId, "en", { numeric: true }));

  const verdicts = Object.values(result.zi ?? {}).map((v: VerdictResult) => ({
    id: v.id,
    label: v.label,
    pass: v.pass,
    scorePass: v.scorePass,
    criteria: v.criteria.map((c) => ({ id: c.id, label: c.label, actual: c.actual, required: c.required, status: c.status, unit: c.unit })),
  }));

  const layers = await releasedLayerScores(db, ctx);

  return {
    assessment: { id: assessment.id, status: assessment.status, final, instrumentHash: assessment.instrument_hash },
    organisation: ctx.organisationName,
    unit: ctx.unit.name,
    period: { year: ctx.period.year, name: ctx.period.name },
    instrument: { id: instrument.id, title: instrument.title, version: instrument.version, regulation: instrument.regulation.reference },
    snapshot: snapshot ? { createdAt: snapshot.created_at, engineVersion: snapshot.engine_version } : null,
    total,
    completeness,
    predicate: snapshot
      ? snapshot.predicate
        ? { code: snapshot.predicate, label: result.predicate?.label ?? snapshot.predicate, ...(result.predicate?.targets ? { targets: result.predicate.targets } : {}) }
        : null
      : result.predicate
        ? { code: result.predicate.code, label: result.predicate.label, ...(result.predicate.targets ? { targets: result.predicate.targets } : {}) }
        : null,
    targetNotes: instrument.evaluation.portal_2025?.target_notes ?? {},
    verdicts,
    // The Indeks RB breakdown (RB 2023: RB General, applicable weight, koefisien, tematik), else null.
    index: result.index ?? null,
    recap,
    // The team's layer and the released evaluator layers with the effective score; null without a released evaluator layer.
    layers: layers.layers.some((l) => l.layer !== "self") ? layers : null,
    areasChart,
    trend,
    notes,
  };
}

/** The report's area chart, for its CSV download. */
export async function reportAreasChart(db: Db, actor: Actor, assessmentId: string, locale: Locale): Promise<ChartPayload<unknown>> {
  return (await assessmentReport(db, actor, assessmentId, locale)).areasChart;
}
