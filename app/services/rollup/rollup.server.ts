import type { Db } from "#db/client.server";
import { ORGANISATION_KINDS, type OrganisationKind } from "#db/schema";
import {
  orgResults,
  ownResult,
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
import { forbidden, notFound } from "~/auth/require.server";
import { COMPARISON_TOLERANCE } from "~/domain/scoring/thresholds";
import { AGENCY_INSTRUMENT_PREFIXES, peerModel, type PeerModel } from "./model.server";
import { nationalAverages, type NationalValue } from "./national.server";
import { accessTo, rollupScope, type RollupScope } from "./scope.server";

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

const share = (a: number, b: number) => (b > 0 ? (a / b) * 100 : null);

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
async function peerFigures(
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
async function chooseYear(db: Db, wanted: number | null, organisationId?: string): Promise<{ years: number[]; year: number | null }> {
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
function distributionOf(scope: RollupScope, kind: OrganisationKind, rows: KindPredicates[], instrumentId: string | null): KindDistribution {
  const mine = rows.filter((r) => r.kind === kind);
  const perInstrument = new Map<string, number>();
  for (const r of mine) perInstrument.set(r.instrumentId, (perInstrument.get(r.instrumentId) ?? 0) + r.organisations);
  const chosen = instrumentId ?? [...perInstrument].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null;
  if (chosen === null) return { kind, instrumentId: null, organisations: 0, counts: {}, hidden: false };
  const s = summaryOf(rows, kind, chosen);
  return { kind, instrumentId: chosen, organisations: s.organisations, counts: s.predicates, hidden: isHidden(scope, s) };
}

/** A peer group's summary from the one-pass distribution rows. */
function summaryOf(rows: KindPredicates[], kind: OrganisationKind, instrumentId: string): PeerSummary {
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
async function defaultKind(db: Db, visible: readonly string[] | null): Promise<OrganisationKind> {
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

export interface OwnIndicator {
  id: string;
  label: string;
  parentId: string;
  percent: number | null;
  filled: boolean;
  score: number | null;
  target: number | null;
  met: boolean | null;
  previousPercent: number | null;
  /** Peer figures of the row (absent when withheld). */
  peerMean: number | null;
  peerMetShare: number | null;
}

export interface OrganisationRollup {
  access: "full" | "own";
  /** Whether the viewer may go back to the overview (several organisations in scope). */
  overview: boolean;
  organisation: { id: string; name: string; kind: OrganisationKind; parentId: string | null; parentName: string | null };
  years: number[];
  year: number | null;
  model: { instrumentId: string; title: string } | null;
  result: { layer: string; total: number; predicate: string | null; rank: number | null; of: number | null; assessmentId: string } | null;
  previous: { year: number; total: number; predicate: string | null } | null;
  subcomponents: (SubcomponentRow & { own: number | null })[];
  indicators: OwnIndicator[];
  targets: {
    rows: number;
    met: number;
    share: number | null;
    peerShare: number | null;
    unmet: { id: string; label: string; target: number; score: number | null }[];
  };
  peer: { organisations: number; meanTotal: number | null; national: NationalValue | null; predicates: Record<string, number> } | null;
  hidden: boolean;
  alone: boolean;
  regencies: { rows: OrgResult[]; count: number } | null;
}

const numberOf = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/**
 * One organisation's roll-up page: its result against the peer group. With `own` access (an organisation
 * user) nothing names or identifies another organisation: not the parent, not the regencies, no list.
 */
export async function organisationRollup(
  db: Db,
  actor: Actor,
  organisationId: string,
  q: RollupQuery,
  locale: string,
): Promise<OrganisationRollup> {
  const scope = await rollupScope(db, actor);
  if (scope.mode === "none") throw forbidden();
  const access = accessTo(scope, organisationId);
  if (!access) throw notFound();
  const org = await db
    .selectFrom("organisation")
    .select(["id", "name", "kind", "parent_id", "archived_at"])
    .where("id", "=", organisationId)
    .executeTakeFirst();
  if (!org || org.archived_at) throw notFound();
  const parent =
    access === "full" && org.parent_id && accessTo(scope, org.parent_id) === "full"
      ? await db.selectFrom("organisation").select("name").where("id", "=", org.parent_id).executeTakeFirst()
      : undefined;
  const { years, year } = await chooseYear(db, q.year, org.id);
  const base: OrganisationRollup = {
    access,
    overview: scope.mode !== "own",
    organisation: { id: org.id, name: org.name, kind: org.kind, parentId: parent ? org.parent_id : null, parentName: parent?.name ?? null },
    years,
    year,
    model: null,
    result: null,
    previous: null,
    subcomponents: [],
    indicators: [],
    targets: { rows: 0, met: 0, share: null, peerShare: null, unmet: [] },
    peer: null,
    hidden: false,
    alone: false,
    regencies: null,
  };
  if (year === null) return base;
  const visible = scope.mode === "all" ? null : scope.mode === "own" ? scope.ownIds : scope.organisationIds!;
  // A province's regencies, whether or not the province itself has a result that year; read beside the rest.
  const regencyList = async (): Promise<OrganisationRollup["regencies"]> => {
    if (access !== "full" || org.kind !== "pemda_provinsi") return null;
    const kab = await peerModel(db, year, "pemda_kabkota", locale);
    if (!kab) return { rows: [], count: 0 };
    const ids = await resultSnapshotIds(db, kab.model.filter);
    return orgResults(db, ids, { organisationIds: visible, parentId: org.id, targets: kab.model.targets, limit: 500, offset: 0 });
  };
  const previousYear = years.find((y) => y < year) ?? null;
  const [regencies, peer, previousPeer] = await Promise.all([
    regencyList(),
    peerModel(db, year, org.kind, locale, q.instrument),
    previousYear === null ? Promise.resolve(null) : peerModel(db, previousYear, org.kind, locale),
  ]);
  if (!peer) return { ...base, regencies };
  const model = peer.model;
  const previousModel = previousPeer?.model ?? null;
  const [own, prevOwn] = await Promise.all([
    ownResult(db, model.filter, org.id),
    previousModel ? ownResult(db, previousModel.filter, org.id) : Promise.resolve(null),
  ]);
  const figures = await peerFigures(db, model, null, visible, null, own?.total ?? null);
  const hidden = isHidden(scope, figures.summary);
  const alone = scope.mode !== "all" && figures.summary.organisations - figures.summary.visible === 0 && access === "own";
  const withhold = hidden || alone;
  const ownNode = new Map((own?.nodes ?? []).map((n) => [n.nodeId, n]));
  const prevNode = new Map((prevOwn?.nodes ?? []).map((n) => [n.nodeId, n]));
  const pct = (n: { value: number; max: number; answered: number } | undefined) =>
    n && n.answered > 0 && n.max > 0 ? (n.value / n.max) * 100 : null;
  const peerRow = new Map(figures.indicators.map((i) => [i.id, i]));
  const indicators: OwnIndicator[] = model.indicators.map((def) => {
    const n = ownNode.get(def.id);
    const score = def.target ? numberOf(own?.answers[def.target.itemId]) : null;
    const p = peerRow.get(def.id);
    return {
      id: def.id,
      label: def.label,
      parentId: def.parentId,
      percent: pct(n),
      filled: (n?.answered ?? 0) > 0,
      score,
      target: def.target?.target ?? null,
      met: def.target && own ? score !== null && score >= def.target.target - COMPARISON_TOLERANCE : null,
      previousPercent: pct(prevNode.get(def.id)),
      peerMean: withhold ? null : (p?.mean ?? null),
      peerMetShare: withhold ? null : (p?.metShare ?? null),
    };
  });
  const withTarget = indicators.filter((i) => i.target !== null);
  const metCount = withTarget.filter((i) => i.met).length;
  const subcomponents = figures.subcomponents.map((sc) => {
    const n = ownNode.get(sc.id);
    return { ...sc, mean: withhold ? null : sc.mean, own: n && n.max > 0 ? (n.value / n.max) * 100 : null };
  });
  return {
    ...base,
    model: { instrumentId: model.filter.instrumentId, title: model.title },
    result: own
      ? {
          layer: own.layer,
          total: own.total,
          predicate: own.predicate,
          rank: withhold ? null : figures.summary.higher + 1,
          of: withhold ? null : figures.summary.organisations,
          assessmentId: own.assessmentId,
        }
      : null,
    previous: prevOwn && previousYear !== null ? { year: previousYear, total: prevOwn.total, predicate: prevOwn.predicate } : null,
    subcomponents,
    indicators,
    targets: {
      rows: own ? withTarget.length : 0,
      met: metCount,
      share: own ? share(metCount, withTarget.length) : null,
      peerShare: withhold ? null : figures.targets.share,
      unmet: withTarget.filter((i) => i.met === false).map((i) => ({ id: i.id, label: i.label, target: i.target!, score: i.score })),
    },
    peer: withhold
      ? null
      : {
          organisations: figures.summary.organisations,
          meanTotal: figures.summary.meanTotal,
          national: figures.national.total ?? null,
          predicates: figures.summary.predicates,
        },
    hidden,
    alone,
    regencies,
  };
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
