import type { Db } from "#db/client.server";
import { ORGANISATION_KINDS, type OrganisationKind } from "#db/schema";
import {
  orgResults,
  peerSummary,
  predicatesByKind,
  resultSnapshotIds,
  type KindPredicates,
  rollupYears,
  rowStats,
  targetStats,
  type OrgResult,
  type PeerSummary,
  type RowStat,
  type TargetStat,
} from "#db/queries/rollup";
import type { Actor } from "~/auth/permissions";
import { forbidden } from "~/auth/require.server";
import { AGENCY_INSTRUMENT_PREFIXES, peerModel, type PeerModel } from "./model.server";
import { nationalAverages, type NationalValue } from "./national.server";
import { rollupScope, type RollupScope } from "./scope.server";

/**
 * Roll-ups across organisations (issue #30, spec rb-2024 §6). Averages are over the whole installation's
 * peer group ("rata-rata instalasi"); names and results of single organisations only for those in the
 * viewer's scope (scope.server.ts). A viewer who is not a system admin sees no average, distribution or
 * per-indicator figure of a peer group in which one or two organisations outside their scope have results
 * (it would tell those organisations' results): `hidden`, said on the page.
 */

/** Fewer organisations than this outside the viewer's scope (but some) and the peer group's figures are withheld. */
export const MIN_OTHERS = 3;
export { PREDICATE_ORDER } from "./rules";
export const PAGE_SIZE = 50;

export interface RollupQuery {
  year: number | null;
  kind: OrganisationKind | null;
  instrument: string | null;
  page: number;
  /** The overview's per-indicator means of the year before, beside this year's (one more aggregate: on request). */
  compare: boolean;
}

export function parseRollupQuery(url: URL): RollupQuery {
  const p = url.searchParams;
  const year = Number(p.get("year"));
  const kind = p.get("kind");
  const instrument = p.get("instrument");
  const page = Number(p.get("page"));
  return {
    year: Number.isInteger(year) && year >= 2000 && year <= 2100 ? year : null,
    kind: (ORGANISATION_KINDS as readonly string[]).includes(kind ?? "") ? (kind as OrganisationKind) : null,
    instrument: instrument && /^[a-z0-9][a-z0-9.-]{0,80}$/.test(instrument) ? instrument : null,
    page: Number.isInteger(page) && page >= 1 && page <= 10_000 ? page : 1,
    compare: p.get("compare") === "1",
  };
}

export interface IndicatorRow {
  id: string;
  label: string;
  parentId: string;
  organisations: number;
  filled: number;
  notYet: number;
  /** Unweighted mean of the row's percentage over the peer group (null: nobody filled it). */
  mean: number | null;
  target: number | null;
  scored: number;
  met: number;
  /** met / organisations × 100 (a row without a score counts as not met, spec §5). */
  metShare: number | null;
  meanScore: number | null;
  /** The same row's mean the year before (same node id; null when it did not exist or nobody filled it). */
  previousMean: number | null;
}

export interface SubcomponentRow {
  id: string;
  label: string;
  depth: number;
  /** Mean of the row percentages of every indicator below, over the peer group (spec §6 rata_rata_nasional). */
  mean: number | null;
  national: NationalValue | null;
}

export interface TargetSummary {
  /** Indicator rows with a target baik. */
  rows: number;
  /** (organisation, row) pairs that meet their target, out of `pairs`. */
  met: number;
  pairs: number;
  share: number | null;
  /** Best and worst indicators by share meeting the target (5 each, at most). */
  top: { id: string; label: string; share: number }[];
  bottom: { id: string; label: string; share: number }[];
}

export interface PeerFigures {
  /** The peer group's result snapshots (their ids), for the list of results. */
  snapshotIds: string[];
  summary: PeerSummary;
  subcomponents: SubcomponentRow[];
  indicators: IndicatorRow[];
  targets: TargetSummary;
  national: Record<string, NationalValue>;
}

export const share = (a: number, b: number) => (b > 0 ? (a / b) * 100 : null);

/** Peer figures from the SQL aggregates (JavaScript only combines the per-row sums: a few dozen rows). */
export function combine(
  model: PeerModel,
  summary: PeerSummary,
  stats: RowStat[],
  previous: RowStat[],
  targets: TargetStat[],
  national: Record<string, NationalValue>,
): PeerFigures {
  const byRow = new Map(stats.map((s) => [s.nodeId, s]));
  const prevByRow = new Map(previous.map((s) => [s.nodeId, s]));
  const byTarget = new Map(targets.map((t) => [t.itemId, t]));
  const indicators: IndicatorRow[] = model.indicators.map((def) => {
    const s = byRow.get(def.id);
    const p = prevByRow.get(def.id);
    const t = def.target ? byTarget.get(def.target.itemId) : undefined;
    const organisations = summary.organisations;
    return {
      id: def.id,
      label: def.label,
      parentId: def.parentId,
      organisations,
      filled: s?.filled ?? 0,
      notYet: organisations - (s?.filled ?? 0),
      mean: s && s.counted > 0 ? s.sumPercent / s.counted : null,
      target: def.target?.target ?? null,
      scored: t?.scored ?? 0,
      met: t?.met ?? 0,
      metShare: def.target ? share(t?.met ?? 0, organisations) : null,
      meanScore: t?.meanScore ?? null,
      previousMean: p && p.counted > 0 ? p.sumPercent / p.counted : null,
    };
  });
  // Adjustment components (the koefisien) stand outside the total: no sub-component mean for them.
  const subcomponents = model.subcomponents
    .filter((sc) => !sc.adjustment)
    .map((sc) => {
      let sum = 0;
      let counted = 0;
      for (const def of model.indicators) {
        if (!def.ancestors.includes(sc.id)) continue;
        const s = byRow.get(def.id);
        if (!s) continue;
        sum += s.sumPercent;
        counted += s.counted;
      }
      return { id: sc.id, label: sc.label, depth: sc.depth, mean: counted > 0 ? sum / counted : null, national: national[sc.id] ?? null };
    });
  const withTarget = indicators.filter((i) => i.target !== null);
  const met = withTarget.reduce((n, i) => n + i.met, 0);
  const pairs = withTarget.length * summary.organisations;
  const ranked = withTarget
    .filter((i) => i.metShare !== null)
    .map((i) => ({ id: i.id, label: i.label, share: i.metShare! }))
    .sort((a, b) => b.share - a.share || a.id.localeCompare(b.id));
  const half = Math.min(5, Math.floor(ranked.length / 2));
  return {
    snapshotIds: [],
    summary,
    subcomponents,
    indicators,
    targets: {
      rows: withTarget.length,
      met,
      pairs,
      share: share(met, pairs),
      top: ranked.slice(0, half),
      bottom: ranked.slice(-half).reverse(),
    },
    national,
  };
}

/**
 * The peer figures of one model: the aggregate queries (summary unless given, rows this year and, with
 * `previous`, last year, targets) and the national rows.
 */
export async function peerFigures(
  db: Db,
  model: PeerModel,
  previous: PeerModel | null,
  visibleIds: readonly string[] | null,
  known: PeerSummary | null = null,
  rankTotal: number | null = null,
): Promise<PeerFigures> {
  const levels = [...new Set(model.indicators.map((i) => i.level))];
  // The summary and the national rows beside the chain ids → per-row aggregates (concurrent on PostgreSQL).
  const perRow = async () => {
    const [snapshots, previousSnapshots] = await Promise.all([
      resultSnapshotIds(db, model.filter),
      previous ? resultSnapshotIds(db, previous.filter) : Promise.resolve([]),
    ]);
    const [stats, prev, targets] = await Promise.all([
      rowStats(db, snapshots, levels),
      rowStats(db, previousSnapshots, levels),
      targetStats(db, snapshots, model.targets),
    ]);
    return { snapshots, stats, prev, targets };
  };
  const [summary, national, { snapshots, stats, prev, targets }] = await Promise.all([
    known ?? peerSummary(db, model.filter, visibleIds, rankTotal),
    nationalAverages(db, model.filter.year, model.filter.kind, model.filter.instrumentId),
    perRow(),
  ]);
  return { ...combine(model, summary, stats, prev, targets, national), snapshotIds: snapshots };
}

/** Withheld for a non-admin when one or two organisations outside their scope have results. */
export function isHidden(scope: RollupScope, summary: PeerSummary): boolean {
  if (scope.mode === "all") return false;
  const outside = summary.organisations - summary.visible;
  return outside > 0 && outside < MIN_OTHERS;
}

/** The years with results and the one shown: the wanted one, else the newest (for one organisation: the newest it has a result in). */
export async function chooseYear(
  db: Db,
  wanted: number | null,
  organisationId?: string,
): Promise<{ years: number[]; year: number | null }> {
  const years = await rollupYears(db, AGENCY_INSTRUMENT_PREFIXES);
  if (wanted !== null && years.includes(wanted)) return { years, year: wanted };
  const own = organisationId === undefined ? [] : await rollupYears(db, AGENCY_INSTRUMENT_PREFIXES, organisationId);
  return { years, year: own[0] ?? years[0] ?? null };
}

export interface KindDistribution {
  kind: OrganisationKind;
  instrumentId: string | null;
  organisations: number;
  counts: Record<string, number>;
  hidden: boolean;
}

export interface RollupOverview {
  mode: "all" | "orgs";
  years: number[];
  year: number | null;
  kind: OrganisationKind;
  instruments: string[];
  model: { instrumentId: string; title: string } | null;
  figures: PeerFigures | null;
  hidden: boolean;
  distribution: KindDistribution[];
  organisations: { rows: (OrgResult & { parentName: string | null })[]; count: number; page: number; pages: number };
  previousYear: number | null;
  /** Whether the previous year's means were computed (`compare=1`). */
  compared: boolean;
}

/**
 * The roll-up overview for viewers who may see several organisations (admin, multi-organisation evaluators
 * and reviewers, provinces). A viewer with only their own organisation gets `{ own: id }`: their own page.
 */
export async function rollupOverview(db: Db, actor: Actor, q: RollupQuery, locale: string): Promise<RollupOverview | { own: string }> {
  const scope = await rollupScope(db, actor);
  if (scope.mode === "none") throw forbidden();
  if (scope.mode === "own") return { own: scope.ownIds[0]! };
  const visible = scope.organisationIds;
  const { years, year } = await chooseYear(db, q.year);
  const kind = q.kind ?? (await defaultKind(db, visible));
  // Nothing to aggregate (no year yet, or no instrument for the kind): the page says so.
  const mode = scope.mode;
  const blank = (distribution: RollupOverview["distribution"]): RollupOverview => ({
    mode,
    years,
    year,
    kind,
    instruments: [],
    model: null,
    figures: null,
    hidden: false,
    distribution,
    organisations: { rows: [], count: 0, page: 1, pages: 1 },
    previousYear: null,
    compared: false,
  });
  if (year === null) return blank([]);

  // Independent reads run together (on PostgreSQL on separate connections; SQLite runs them in turn).
  const [byKind, peer] = await Promise.all([predicatesByKind(db, year, visible), peerModel(db, year, kind, locale, q.instrument)]);
  const distribution = ORGANISATION_KINDS.map((k) =>
    distributionOf(scope, k, byKind, k === kind ? (peer?.model.filter.instrumentId ?? null) : null),
  );
  if (!peer) return blank(distribution);
  const previousYear = years.find((y) => y < year) ?? null;
  const previous = previousYear === null || !q.compare ? null : ((await peerModel(db, previousYear, kind, locale))?.model ?? null);
  const figures = await peerFigures(db, peer.model, previous, visible, summaryOf(byKind, kind, peer.model.filter.instrumentId));
  const hidden = isHidden(scope, figures.summary);
  const list = await orgResults(db, figures.snapshotIds, {
    organisationIds: visible,
    targets: peer.model.targets,
    limit: PAGE_SIZE,
    offset: (q.page - 1) * PAGE_SIZE,
  });
  const parentIds = [...new Set(list.rows.map((r) => r.parentId).filter((p): p is string => p !== null))];
  const parents = parentIds.length ? await db.selectFrom("organisation").select(["id", "name"]).where("id", "in", parentIds).execute() : [];
  const parentName = new Map(parents.map((p) => [p.id, p.name]));
  // A parent outside the viewer's scope is not named.
  const named = (id: string | null) => (id && (visible === null || visible.includes(id)) ? (parentName.get(id) ?? null) : null);
  return {
    mode: scope.mode,
    years,
    year,
    kind,
    instruments: peer.instruments,
    model: { instrumentId: peer.model.filter.instrumentId, title: peer.model.title },
    figures: hidden ? null : figures,
    hidden,
    distribution,
    organisations: {
      rows: list.rows.map((r) => ({ ...r, parentName: named(r.parentId) })),
      count: list.count,
      page: q.page,
      pages: Math.max(1, Math.ceil(list.count / PAGE_SIZE)),
    },
    previousYear,
    compared: previous !== null,
  };
}

/** One kind's predicate counts (the instrument with most results, or the chosen one). */
export function distributionOf(
  scope: RollupScope,
  kind: OrganisationKind,
  rows: KindPredicates[],
  instrumentId: string | null,
): KindDistribution {
  const mine = rows.filter((r) => r.kind === kind);
  const perInstrument = new Map<string, number>();
  for (const r of mine) perInstrument.set(r.instrumentId, (perInstrument.get(r.instrumentId) ?? 0) + r.organisations);
  const chosen = instrumentId ?? [...perInstrument].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null;
  if (chosen === null) return { kind, instrumentId: null, organisations: 0, counts: {}, hidden: false };
  const s = summaryOf(rows, kind, chosen);
  return { kind, instrumentId: chosen, organisations: s.organisations, counts: s.predicates, hidden: isHidden(scope, s) };
}

/** A peer group's summary from the one-pass distribution rows. */
export function summaryOf(rows: KindPredicates[], kind: OrganisationKind, instrumentId: string): PeerSummary {
  const predicates: Record<string, number> = {};
  let organisations = 0;
  let visible = 0;
  let sum = 0;
  for (const r of rows) {
    if (r.kind !== kind || r.instrumentId !== instrumentId) continue;
    predicates[r.predicate] = r.organisations;
    organisations += r.organisations;
    visible += r.visible;
    sum += r.sum;
  }
  return { organisations, meanTotal: organisations > 0 ? sum / organisations : null, predicates, visible, higher: 0 };
}

/** The kind shown first: the most common kind among the viewer's organisations (admin: regencies, the largest group). */
export async function defaultKind(db: Db, visible: readonly string[] | null): Promise<OrganisationKind> {
  if (visible === null || visible.length === 0) return "pemda_kabkota";
  const rows = await db
    .selectFrom("organisation")
    .select(["kind"])
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("id", "in", [...visible])
    .groupBy("kind")
    .execute();
  return [...rows].sort((a, b) => Number(b.n) - Number(a.n))[0]?.kind ?? "pemda_kabkota";
}

/**
 * Every organisation of the viewer's scope with a result in the peer group, as a data table for the CSV
 * (labels already translated by the caller). Organisation users (`own` scope) get no list: 403.
 */
export async function rollupResultsTable(db: Db, actor: Actor, q: RollupQuery, locale: string, label: (key: MessageKeyLike) => string) {
  const scope = await rollupScope(db, actor);
  if (scope.mode === "none" || scope.mode === "own") throw forbidden();
  const { year } = await chooseYear(db, q.year);
  const kind = q.kind ?? (await defaultKind(db, scope.organisationIds));
  const peer = year === null ? null : await peerModel(db, year, kind, locale, q.instrument);
  const list = peer
    ? await orgResults(db, await resultSnapshotIds(db, peer.model.filter), {
        organisationIds: scope.organisationIds,
        targets: peer.model.targets,
        limit: 100_000,
        offset: 0,
      })
    : { rows: [], count: 0 };
  return {
    name: `rekap-${kind}-${year ?? "x"}`,
    table: {
      columns: [
        { key: "organisation", label: label("rollup.organisation") },
        { key: "year", label: label("rollup.year"), format: "int" as const },
        { key: "instrument", label: label("rollup.instrument") },
        { key: "total", label: label("rollup.indexRb"), format: "number" as const },
        { key: "predicate", label: label("rollup.predicate") },
        { key: "targetsMet", label: label("rollup.targetsMet"), format: "int" as const },
        { key: "source", label: label("rollup.source") },
      ],
      rows: list.rows.map((r) => ({
        organisation: r.name,
        year: year ?? 0,
        instrument: peer?.model.filter.instrumentId ?? "",
        total: r.total,
        predicate: r.predicate ?? "",
        targetsMet: r.targetsMet,
        source: label(
          r.layer === "external" ? "rollup.layer.external" : r.layer === "internal" ? "rollup.layer.internal" : "rollup.layer.self",
        ),
      })),
    },
  };
}

type MessageKeyLike =
  | "rollup.organisation"
  | "rollup.year"
  | "rollup.instrument"
  | "rollup.indexRb"
  | "rollup.predicate"
  | "rollup.targetsMet"
  | "rollup.source"
  | "rollup.layer.external"
  | "rollup.layer.internal"
  | "rollup.layer.self";
