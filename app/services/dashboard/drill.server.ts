import type { Db } from "#db/client.server";
import type { PredicateTargets } from "~/domain/scoring/types";
import {
  itemFacts,
  snapshotNodes,
  snapshotRecord,
  unitAssessments,
  unitInstruments,
  type UnitAssessmentRow,
} from "#db/queries/dashboard-drill";
import type { Unit } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { notFound } from "~/auth/require.server";
import type { DataTable } from "~/components/charts/table-data";
import { dashColumns, dashTranslator, type DashT } from "~/components/dashboard/dash-t";
import { queryString, readParam } from "~/components/dashboard/query";
import { localizeInstrument } from "~/domain/instrument/localize";
import { outlineOf } from "~/domain/instrument/outline";
import type { Instrument, Item } from "~/domain/instrument/schema";
import { treeNodes, walkTree, type TreeNode } from "~/domain/instrument/tree";
import type { AnswerValue } from "~/domain/scoring/answers";
import type { Locale } from "~/i18n";
import { answerText as readAnswer } from "~/components/evaluation/answer-text";
import { canOnUnit } from "~/services/workbench/assessments.server";
import { areaGuides, trendGuides, type ChartPayload, type TrendMeta } from "./charts.server";
import { getFrozenInstrument } from "~/services/instruments/frozen.server";
import { itemHref } from "~/services/workbench/links";

export interface Crumb {
  label: string;
  href: string;
}

interface DrillTarget {
  /** The node drilled into; null = the whole assessment (its areas). */
  node: TreeNode | null;
  /** Ancestors from the area down to the node. */
  trail: TreeNode[];
  /** Child nodes to chart (areas, or an area's sub-areas); empty for a weighted group of items. */
  children: { id: string; label: string; weight: number }[];
  /** The items, when the node is a weighted group. */
  items: Item[] | null;
}

function findTarget(instrument: Instrument, nodeId: string | null): DrillTarget | null {
  if (nodeId === null)
    return {
      node: null,
      trail: [],
      children: outlineOf(instrument).areas.map((a) => ({ id: a.id, label: a.label, weight: a.weight })),
      items: null,
    };
  const parents = new Map<string, TreeNode | null>();
  let found: TreeNode | null = null;
  walkTree(treeNodes(instrument), (n, parent) => {
    parents.set(n.id, parent);
    if (n.id === nodeId) found = n;
  });
  const node = found as TreeNode | null;
  if (!node || (node.level !== "area" && node.level !== "subarea")) return null;
  const trail: TreeNode[] = [];
  for (let p: TreeNode | null = node; p && (p.level === "area" || p.level === "subarea"); p = parents.get(p.id) ?? null) trail.unshift(p);
  return {
    node,
    trail,
    children: node.items ? [] : node.children.map((c) => ({ id: c.id, label: c.label, weight: c.weight })),
    items: node.items,
  };
}

/**
 * An answer as a reader sees it (components/evaluation/answer-text: the option with its criterion,
 * numbers and counts in the locale's format, never "3.11"); null when unanswered.
 */
export function answerText(item: Item, value: AnswerValue | undefined, locale: Locale): string | null {
  if (value === undefined || value === null) return null;
  return readAnswer(item, value, locale);
}

async function requireUnit(db: Db, actor: Actor, unitId: string): Promise<Unit> {
  const unit = await db.selectFrom("unit").selectAll().where("id", "=", unitId).executeTakeFirst();
  if (!unit || !canOnUnit(actor, "assessment.read", unit)) throw notFound();
  return unit;
}

/**
 * One unit's drill-down: its totals over periods, and for the chosen period the areas, an area's
 * sub-areas, or a sub-area's items with answers and evidence counts — every value from the stored
 * snapshot of that period. Throws 404 outside the viewer's scope.
 */
export async function unitDrill(db: Db, actor: Actor, unitId: string, url: URL, locale: Locale) {
  const t = dashTranslator(locale);
  const unit = await requireUnit(db, actor, unitId);
  const instruments = await unitInstruments(db, unit.id);
  const wanted = readParam(url, "instrument");
  if (wanted && !instruments.includes(wanted)) throw notFound();
  const instrumentId = wanted ?? (instruments.includes("zi-2021") ? "zi-2021" : (instruments[0] ?? "zi-2021"));
  const rows = await unitAssessments(db, unit.id, instrumentId);
  const periodParam = readParam(url, "period");
  const withSnapshot = rows.filter((r) => r.snapshotId);
  const chosen: UnitAssessmentRow | null = periodParam
    ? (rows.find((r) => r.periodId === periodParam) ?? null)
    : (withSnapshot[withSnapshot.length - 1] ?? rows[rows.length - 1] ?? null);
  if (periodParam && !chosen) {
    const p = await db
      .selectFrom("period")
      .select("id")
      .where("id", "=", periodParam)
      .where("organisation_id", "=", unit.organisation_id)
      .executeTakeFirst();
    if (!p) throw notFound();
  }
  const previous = chosen ? ([...withSnapshot].reverse().find((r) => r.year < chosen.year) ?? null) : null;
  const base = { instrument: instrumentId, period: chosen?.periodId ?? periodParam };
  const selfHref = (node: string | null) => `/dashboard/units/${unit.id}${queryString(base, { node })}`;
  const csv = (id: string, node: string | null = null) => `/dashboard/csv/${id}${queryString({ unit: unit.id, ...base }, { node })}`;

  const trend: ChartPayload<TrendMeta> = {
    id: "unit-trend",
    title: t("dash.unit.trend", { unit: unit.name }),
    table: {
      columns: dashColumns(t, [["period"], ["total", "number"], ["predicate"]]),
      rows: withSnapshot.map((r) => ({
        period: String(r.year),
        total: r.total,
        predicate: r.predicate,
        _href: `/dashboard/units/${unit.id}${queryString({ instrument: instrumentId, period: r.periodId })}`,
      })),
      hrefKey: "_href",
    },
    notes: [],
    csvHref: csv("unit-trend"),
    meta: { bands: [], lines: [], max: 100 },
  };

  const result = {
    unit: { id: unit.id, name: unit.name, organisationId: unit.organisation_id },
    instrumentId,
    instruments,
    periods: rows.map((r) => ({ id: r.periodId, year: r.year, status: r.status })),
    chosen,
    previous: previous ? { periodId: previous.periodId, year: previous.year } : null,
    trend,
    nodes: null as ChartPayload<{ series: string[]; guides: { label: string; value: number }[] }> | null,
    items: null as ChartPayload | null,
    crumbs: [] as Crumb[],
    snapshot: null as { total: number; predicate: string | null; createdAt: string; engineVersion: string; targets?: PredicateTargets } | null,
    targetNotes: {} as Record<string, string>,
    nodeId: null as string | null,
  };
  result.crumbs.push({
    label: t("dash.crumb.dashboard"),
    href: `/dashboard${queryString({ org: unit.organisation_id, instrument: instrumentId, period: base.period })}`,
  });
  result.crumbs.push({ label: `${unit.name}${chosen ? ` · ${chosen.year}` : ""}`, href: selfHref(null) });
  if (!chosen?.snapshotId) return result;

  // Labels, questions and answers in the reader's language where the instrument has them.
  const instrument = localizeInstrument(await getFrozenInstrument(db, chosen.instrumentHash), locale);
  result.trend.meta = trendGuides(instrument);
  const nodeParam = readParam(url, "node");
  const target = findTarget(instrument, nodeParam);
  if (!target) throw notFound();
  result.nodeId = target.node?.id ?? null;
  for (const n of target.trail) result.crumbs.push({ label: `${n.id} ${n.label}`, href: selfHref(n.id) });
  const snap = await snapshotRecord(db, chosen.snapshotId);
  if (!snap) throw notFound();
  // The target-baik check behind an A / A- predicate (rb-2024 §5), from the stored result; only instruments with that rule.
  const targets =
    instrument.settings.predicate_rule === "portal_2025" ? (JSON.parse(snap.result_json) as { predicate?: { targets?: PredicateTargets } | null }).predicate?.targets : undefined;
  result.snapshot = {
    total: Number(snap.total),
    predicate: snap.predicate,
    createdAt: snap.created_at,
    engineVersion: snap.engine_version,
    ...(targets ? { targets } : {}),
  };
  result.targetNotes = instrument.evaluation.portal_2025?.target_notes ?? {};

  if (target.items) {
    result.items = await itemsChart(db, chosen, snap.answers_json, target, t, locale, csv("unit-items", target.node!.id));
  } else {
    result.nodes = await nodesChart(db, chosen, previous, target, t, selfHref, csv("unit-nodes", target.node?.id ?? null));
    result.nodes.meta.guides = target.node ? [] : areaGuides(instrument);
  }
  return result;
}

async function nodesChart(
  db: Db,
  chosen: UnitAssessmentRow,
  previous: UnitAssessmentRow | null,
  target: DrillTarget,
  t: DashT,
  href: (node: string) => string,
  csvHref: string,
): Promise<ChartPayload<{ series: string[]; guides: { label: string; value: number }[] }>> {
  const ids = target.children.map((c) => c.id);
  const now = new Map((await snapshotNodes(db, chosen.snapshotId!, ids)).map((n) => [n.nodeId, n]));
  const before = previous?.snapshotId ? new Map((await snapshotNodes(db, previous.snapshotId, ids)).map((n) => [n.nodeId, n])) : null;
  const pct = (n: { value: number; max: number } | undefined) => (n && n.max > 0 ? (n.value / n.max) * 100 : null);
  const cur = String(chosen.year);
  const prev = previous ? String(previous.year) : null;
  const columns: DataTable["columns"] = dashColumns(t, [["node"], ["label"], ["weight", "number"], ["value", "number"]]);
  if (prev) columns.push({ key: "previous", label: t("dash.col.percentOf", { period: prev }), format: "percent" });
  columns.push({ key: "current", label: t("dash.col.percentOf", { period: cur }), format: "percent" });
  const nodeName = target.node ? `${target.node.id} ${target.node.label}` : t("dash.unit.areas");
  return {
    id: "unit-nodes",
    title: prev
      ? t("dash.unit.nodes", { node: nodeName, period: cur, previous: prev })
      : t("dash.unit.nodesSingle", { node: nodeName, period: cur }),
    table: {
      columns,
      rows: target.children.map((c) => ({
        node: c.id,
        label: c.label,
        weight: c.weight,
        value: now.get(c.id)?.value ?? null,
        ...(prev ? { previous: pct(before?.get(c.id)) } : {}),
        current: pct(now.get(c.id)),
        _label: `${c.id} ${c.label}`,
        _href: href(c.id),
      })),
      hrefKey: "_href",
    },
    notes: [],
    csvHref,
    meta: { series: prev ? ["previous", "current"] : ["current"], guides: [] },
  };
}

async function itemsChart(
  db: Db,
  chosen: UnitAssessmentRow,
  answersJson: string,
  target: DrillTarget,
  t: DashT,
  locale: Locale,
  csvHref: string,
): Promise<ChartPayload> {
  const items = target.items!;
  const answers = JSON.parse(answersJson) as Record<string, AnswerValue>;
  const nodes = new Map(
    (
      await snapshotNodes(
        db,
        chosen.snapshotId!,
        items.map((i) => i.id),
      )
    ).map((n) => [n.nodeId, n]),
  );
  const facts = await itemFacts(
    db,
    chosen.assessmentId,
    items.map((i) => i.id),
  );
  const perItem = target.node!.weight / items.length;
  return {
    id: "unit-items",
    title: t("dash.unit.items", { node: `${target.node!.id} ${target.node!.label}`, period: String(chosen.year) }),
    table: {
      columns: dashColumns(t, [
        { key: "item", label: t("dash.col.node") },
        ["question"],
        ["answer"],
        { key: "value", label: t("dash.col.itemValue"), format: "number" },
        ["points", "number"],
        ["evidence", "int"],
        ["note"],
      ]),
      rows: items.map((item) => {
        const v = nodes.get(item.id)?.value ?? null;
        return {
          item: item.id,
          question: item.question,
          answer: answerText(item, answers[item.id], locale) ?? t("dash.notAnswered"),
          value: v,
          points: v === null ? null : perItem * v,
          evidence: facts.get(item.id)?.evidence ?? 0,
          note: facts.get(item.id)?.note ?? null,
          // The item's name on the chart (wrapped, the full text in its title); the code alone says little.
          _label: `${item.id} ${item.question}`,
          _href: itemHref(chosen.assessmentId, target.trail[0]!.id, item.id),
        };
      }),
      hrefKey: "_href",
    },
    notes: [],
    csvHref,
    meta: {},
  };
}
