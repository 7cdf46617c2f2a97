import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import type { DataTable } from "~/components/charts/table-data";
import { dashTranslator, type DashT } from "~/components/dashboard/dash-t";
import { queryString, readParam } from "~/components/dashboard/query";
import { byGain, improvementsOf, planToTarget, type ItemImprovement, type PlanTarget } from "~/domain/analysis";
import { setElsewhere } from "~/domain/instrument/external";
import { localizeInstrument } from "~/domain/instrument/localize";
import { outlineOf } from "~/domain/instrument/outline";
import type { Instrument, Item } from "~/domain/instrument/schema";
import { scoreAssessment } from "~/domain/scoring/score";
import { formatNumber, type Locale } from "~/i18n";
import { answersObject, loadAnswers } from "~/services/workbench/answers.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { answerText } from "./drill.server";
import type { ChartPayload } from "./charts.server";
import { itemHref } from "~/services/workbench/links";

export const TOP_IMPROVEMENTS = 15;

/** The target from the query string: target=total&value=…, target=wbk or target=wbbm (default: WBK where the instrument has it). */
export function readTarget(url: URL, instrument: Instrument, currentTotal: number): PlanTarget {
  const verdicts = instrument.evaluation.zi_verdicts.map((v) => v.id);
  const kind = readParam(url, "target");
  if ((kind === "wbk" || kind === "wbbm") && verdicts.includes(kind)) return { kind };
  const raw = Number((readParam(url, "value") ?? "").replace(",", "."));
  if (kind === "total" && Number.isFinite(raw) && raw > 0) return { kind: "total", value: Math.min(raw, instrument.total_weight) };
  if (kind === null && verdicts.includes("wbk")) return { kind: "wbk" };
  return { kind: "total", value: Math.min(instrument.total_weight, Math.ceil(currentTotal / 5) * 5 + 5) };
}

/** Whether the planner counts items whose value another institution sets (query `external=1`); default: not. */
export function readIncludeExternal(url: URL): boolean {
  return readParam(url, "external") === "1";
}

/** Who sets an item's value, in words: the unit, or the institution the instrument names. */
function sourceOf(item: Item, t: DashT): string {
  if (!setElsewhere(item)) return t("dash.plan.source.unit");
  return item.scorer
    ? t("dash.plan.source.scorer", { scorer: item.scorer.replace(/\s*\[[^\]]*\]\s*$/, "") })
    : t("dash.plan.source.external");
}

/**
 * The items to improve, each linked to the item on its area page (`itemHref`), labelled by its
 * question in the reader's language; rows another institution sets are marked (`_external`).
 */
function improvementTable(rows: ItemImprovement[], shown: Instrument, t: DashT, locale: Locale, assessmentId: string): DataTable {
  const items = outlineOf(shown).items;
  const areas = new Map(outlineOf(shown).areas.map((a) => [a.id, a.label]));
  return {
    columns: [
      { key: "item", label: t("dash.plan.col.item") },
      { key: "question", label: t("dash.col.question") },
      { key: "area", label: t("dash.plan.col.area") },
      { key: "current", label: t("dash.plan.col.current") },
      { key: "best", label: t("dash.plan.col.best") },
      { key: "source", label: t("dash.plan.col.source") },
      { key: "gain", label: t("dash.plan.col.gain"), format: "number" },
    ],
    rows: rows.map((r) => {
      const item = items.get(r.id)!;
      return {
        item: r.id,
        question: item.question,
        area: `${r.areaId} ${areas.get(r.areaId) ?? r.areaLabel}`,
        current: answerText(item, r.current ?? undefined, locale) ?? t("dash.notAnswered"),
        best: answerText(item, r.best, locale) ?? "–",
        source: sourceOf(item, t),
        gain: r.gain,
        _label: `${r.id} ${item.question}`,
        _external: setElsewhere(item) ? 1 : null,
        _href: itemHref(assessmentId, r.areaId, r.id),
      };
    }),
    hrefKey: "_href",
  };
}

/**
 * What would raise an assessment's total: the items whose best feasible answer adds the most points,
 * and the smallest set of improvements that reaches a target (a total, or the WBK/WBBM score
 * criteria), re-scored by the engine (domain/analysis). Items whose value another institution sets
 * (domain/instrument/external: a scorer, a survey or index type) are left out unless `external=1`:
 * the unit cannot raise them by its own work. Scope: reading the assessment.
 */
export async function assessmentPlan(db: Db, actor: Actor, assessmentId: string, url: URL, locale: Locale) {
  const t = dashTranslator(locale);
  const fmt = (v: number) => formatNumber(v, locale, 2);
  const ctx = await requireAssessment(db, actor, assessmentId);
  const { instrument } = ctx;
  const shown = localizeInstrument(instrument, locale);
  const includeExternal = readIncludeExternal(url);
  const outline = outlineOf(instrument);
  const external = new Set([...outline.items.values()].filter(setElsewhere).map((i) => i.id));
  const answers = answersObject(await loadAnswers(db, assessmentId));
  const current = scoreAssessment(instrument, answers);
  const all = byGain(improvementsOf(instrument, answers, {}, current));
  const externalGains = all.filter((r) => external.has(r.id));
  const top = all.filter((r) => includeExternal || !external.has(r.id)).slice(0, TOP_IMPROVEMENTS);
  const resolvedTarget = readTarget(url, instrument, current.total);
  const finalPlan = planToTarget(instrument, answers, resolvedTarget, {}, includeExternal ? new Set() : external);
  const q = {
    target: resolvedTarget.kind,
    value: resolvedTarget.kind === "total" ? String(resolvedTarget.value) : null,
    external: includeExternal ? "1" : null,
  };
  const externalNote = externalGains.length
    ? includeExternal
      ? t("dash.plan.external.included")
      : t("dash.plan.external.excluded", {
          count: externalGains.length,
          gain: fmt(externalGains.reduce((s, r) => s + r.gain, 0)),
        })
    : "";
  const topChart: ChartPayload = {
    id: "plan",
    title: t("dash.plan.top"),
    table: improvementTable(top, shown, t, locale, assessmentId),
    notes: [top.length ? "" : t("dash.plan.noImprovements"), externalNote].filter(Boolean),
    csvHref: `/dashboard/csv/plan${queryString({ assessment: assessmentId, external: q.external })}`,
    meta: {},
  };
  const steps: ChartPayload = {
    id: "plan-steps",
    title: t("dash.plan.steps"),
    table: improvementTable(finalPlan.steps, shown, t, locale, assessmentId),
    notes: [],
    csvHref: `/dashboard/csv/plan-steps${queryString({ assessment: assessmentId, ...q })}`,
    meta: {},
  };
  const verdictOf = (id: string) => finalPlan.after.zi?.[id];
  const summary: string[] = [];
  if (finalPlan.before.reached) summary.push(t("dash.plan.reached"));
  else if (!finalPlan.reachable)
    summary.push(t(includeExternal || external.size === 0 ? "dash.plan.unreachable" : "dash.plan.unreachableOwn"));
  if (!finalPlan.before.reached)
    summary.push(
      t("dash.plan.result", { count: finalPlan.steps.length, before: fmt(finalPlan.before.total), after: fmt(finalPlan.after.total) }),
    );
  if (resolvedTarget.kind !== "total") {
    const v = verdictOf(resolvedTarget.kind);
    if (v)
      summary.push(
        t("dash.plan.verdictAfter", {
          verdict: resolvedTarget.kind.toUpperCase(),
          result: v.scorePass ? t("dash.report.verdictPass") : t("dash.report.verdictFail"),
        }),
      );
  }
  if (!finalPlan.before.reached && finalPlan.reachable)
    summary.push(finalPlan.minimal ? t("dash.plan.minimal") : t("dash.plan.notMinimal"));
  return {
    assessment: { id: assessmentId, status: ctx.assessment.status, final: ctx.assessment.status === "final" },
    unit: { id: ctx.unit.id, name: ctx.unit.name, organisationId: ctx.unit.organisation_id },
    period: { id: ctx.period.id, year: ctx.period.year, name: ctx.period.name },
    instrumentId: instrument.id,
    title: t("dash.plan.title", { unit: ctx.unit.name, period: ctx.period.name }),
    total: finalPlan.before.total,
    max: instrument.total_weight,
    targets: ["total", ...instrument.evaluation.zi_verdicts.map((v) => v.id)],
    target: resolvedTarget,
    /** The target total as the reader types it (decimal comma in Indonesian), for the form. */
    targetText: resolvedTarget.kind === "total" ? formatNumber(resolvedTarget.value, locale) : "",
    /** Whether items another institution sets are counted, and how many the instrument has. */
    external: { included: includeExternal, count: external.size },
    reachable: finalPlan.reachable,
    reached: finalPlan.before.reached,
    after: finalPlan.after.total,
    summary,
    top: topChart,
    steps,
  };
}

/** The planner's tables, for their CSV downloads. */
export async function planChart(
  db: Db,
  actor: Actor,
  chart: "plan" | "plan-steps",
  assessmentId: string,
  url: URL,
  locale: Locale,
): Promise<ChartPayload<unknown>> {
  const p = await assessmentPlan(db, actor, assessmentId, url, locale);
  return chart === "plan" ? p.top : p.steps;
}
