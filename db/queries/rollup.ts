import { sql, type RawBuilder } from "kysely";
import { isPostgres } from "#db/dialect";
import type { Db } from "../client.server";
import type { OrganisationKind } from "../schema";

/**
 * Roll-ups across organisations (issue #30, spec rb-2024 §6): one peer group = the organisations of one
 * kind assessed on one instrument in one year. Every figure is aggregated here, in SQL, from stored
 * snapshots; nothing loops over organisations in JavaScript.
 *
 * Which snapshot is an organisation's result (`resultSnapshots`): among the snapshots of its final (or, for
 * an evaluator layer, submitted) assessments of that instrument and year, the released, non-revoked
 * evaluator layer of the highest authority (external TPN over internal TPI), else the team's own (self)
 * snapshot of a final assessment; the newest of that layer. When an organisation has several such
 * assessments (several units), the same order decides, then the newest.
 */
export interface PeerFilter {
  year: number;
  kind: OrganisationKind;
  instrumentId: string;
}

/** Evaluasi RB (rb-…) and PMPRB (pmprb-…): the agency-level instruments, by id prefix. */
export const AGENCY_INSTRUMENT_PREFIXES = ["rb-", "pmprb-"] as const;

const isPg = (db: Db) => isPostgres(db);
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Authority of a layer for the result: external (TPN) 3, internal (TPI) 2, self 1. */
const AUTHORITY = sql`CASE s.layer WHEN 'external' THEN 3 WHEN 'internal' THEN 2 ELSE 1 END`;

/**
 * Final assessments of the peer group's instrument and year (an uncorrelated period subquery, evaluated
 * once); with `instrumentId` and `kind` null, every agency-level instrument and kind of that year.
 */
function peerAssessments(db: Db, f: { year: number; kind: OrganisationKind | null; instrumentId: string | null }, organisationId?: string) {
  let q = db
    .selectFrom("assessment as a")
    .innerJoin("organisation as o", "o.id", "a.organisation_id")
    .innerJoin("score_snapshot as s", "s.assessment_id", "a.id")
    .where("a.period_id", "in", db.selectFrom("period").select("id").where("year", "=", f.year))
    .where("o.archived_at", "is", null);
  q =
    f.instrumentId !== null
      ? q.where("a.instrument_id", "=", f.instrumentId)
      : q.where((eb) => eb.or(AGENCY_INSTRUMENT_PREFIXES.map((p) => eb("a.instrument_id", "like", `${p}%`))));
  if (f.kind !== null) q = q.where("o.kind", "=", f.kind);
  if (organisationId !== undefined) q = q.where("a.organisation_id", "=", organisationId);
  return q.where((eb) =>
    eb.or([
      eb.and([eb("s.layer", "=", "self"), eb("a.status", "=", "final")]),
      eb.and([
        eb("s.layer", "in", ["internal", "external"]),
        eb("a.status", "in", ["submitted", "final"]),
        eb.exists(
          eb
            .selectFrom("layer_release as lr")
            .select("lr.id")
            .whereRef("lr.assessment_id", "=", "a.id")
            .whereRef("lr.layer", "=", "s.layer")
            .where("lr.revoked_at", "is", null),
        ),
      ]),
    ]),
  );
}

/**
 * The result snapshot of every organisation of the peer group (one row each): `r.org_id`, `r.parent_id`,
 * `r.snapshot_id`, `r.total`, `r.predicate`, `r.layer`. Read from score_snapshot_latest_idx alone (it
 * covers these columns), never from the snapshot rows with their large JSON.
 */
export function resultSnapshots(db: Db, f: PeerFilter | { year: number; kind: null; instrumentId: null }, organisationId?: string) {
  const ranked = peerAssessments(db, f, organisationId).select([
    "a.organisation_id as org_id",
    "o.kind",
    "a.instrument_id",
    "o.parent_id",
    "a.id as assessment_id",
    "s.id as snapshot_id",
    "s.total",
    "s.predicate",
    "s.layer",
    sql<number>`ROW_NUMBER() OVER (PARTITION BY a.organisation_id ORDER BY ${AUTHORITY} DESC, s.created_at DESC, s.id DESC)`.as("rn"),
  ]);
  return db.with(
    (cte) => cte("r").materialized(),
    () =>
      db
        .selectFrom(ranked.as("x"))
        .select([
          "x.org_id",
          "x.kind",
          "x.instrument_id",
          "x.parent_id",
          "x.assessment_id",
          "x.snapshot_id",
          "x.total",
          "x.predicate",
          "x.layer",
        ])
        .where("x.rn", "=", 1),
  );
}

export interface PeerSummary {
  organisations: number;
  meanTotal: number | null;
  /** Organisations per stored predicate code ("" = none). */
  predicates: Record<string, number>;
  /** Of the organisations with a result, those in `visibleIds` (all of them when it is null). */
  visible: number;
  /** With `rankTotal`: how many have a higher Indeks RB (the rank is this + 1). */
  higher: number;
}

/** How many organisations have a result, their mean Indeks RB and the predicate distribution: one pass. */
export async function peerSummary(
  db: Db,
  f: PeerFilter,
  visibleIds: readonly string[] | null = null,
  rankTotal: number | null = null,
): Promise<PeerSummary> {
  const visible =
    visibleIds === null
      ? sql<number>`COUNT(*)`
      : visibleIds.length === 0
        ? sql<number>`0`
        : sql<number>`SUM(CASE WHEN r.org_id IN (${sql.join(visibleIds)}) THEN 1 ELSE 0 END)`;
  const rows = await resultSnapshots(db, f)
    .selectFrom("r")
    .select((eb) => [
      sql<string>`COALESCE(r.predicate, '')`.as("predicate"),
      eb.fn.countAll<number>().as("n"),
      eb.fn.sum<number>("r.total").as("sum"),
      visible.as("visible"),
      (rankTotal === null ? sql<number>`0` : sql<number>`SUM(CASE WHEN r.total > ${rankTotal} THEN 1 ELSE 0 END)`).as("higher"),
    ])
    .groupBy(sql`COALESCE(r.predicate, '')`)
    .execute();
  const predicates: Record<string, number> = {};
  let organisations = 0;
  let sum = 0;
  let seen = 0;
  let higher = 0;
  for (const r of rows) {
    predicates[r.predicate] = num(r.n);
    organisations += num(r.n);
    sum += num(r.sum);
    seen += num(r.visible);
    higher += num(r.higher);
  }
  return { organisations, meanTotal: organisations > 0 ? sum / organisations : null, predicates, visible: seen, higher };
}

export interface KindPredicates {
  kind: OrganisationKind;
  instrumentId: string;
  predicate: string;
  organisations: number;
  visible: number;
  /** Σ Indeks RB of those organisations. */
  sum: number;
}

/**
 * Every kind's predicate distribution in one pass: the result snapshot of every organisation with an
 * agency-level assessment that year, counted per kind, instrument and predicate ("" = none), with how many
 * of them are in `visibleIds` (null = all).
 */
export async function predicatesByKind(db: Db, year: number, visibleIds: readonly string[] | null): Promise<KindPredicates[]> {
  const visible =
    visibleIds === null
      ? sql<number>`COUNT(*)`
      : visibleIds.length === 0
        ? sql<number>`0`
        : sql<number>`SUM(CASE WHEN r.org_id IN (${sql.join(visibleIds)}) THEN 1 ELSE 0 END)`;
  const rows = await resultSnapshots(db, { year, kind: null, instrumentId: null })
    .selectFrom("r")
    .select(["r.kind", "r.instrument_id as instrumentId", sql<string>`COALESCE(r.predicate, '')`.as("predicate")])
    .select((eb) => [eb.fn.countAll<number>().as("n"), visible.as("visible"), eb.fn.sum<number>("r.total").as("sum")])
    .groupBy(["r.kind", "r.instrument_id", sql`COALESCE(r.predicate, '')`])
    .execute();
  return rows.map((r) => ({
    kind: r.kind,
    instrumentId: r.instrumentId,
    predicate: r.predicate,
    organisations: num(r.n),
    visible: num(r.visible),
    sum: num(r.sum),
  }));
}

export interface RowStat {
  nodeId: string;
  /** Organisations with a result. */
  organisations: number;
  /** …of which answered at least one item of the row. */
  filled: number;
  /** Σ row percentage (value / max × 100) over the filled, applicable rows, and how many they are. */
  sumPercent: number;
  counted: number;
}

/**
 * Per indicator row (every node of the given levels) across the peer group: filled, and the sum and count of
 * row percentages — the portal's capaian_index, whose unweighted mean is rata_rata_nasional (spec §6).
 * A row counts when it was answered (answered > 0) and applies (max > 0: an N/A row has no maximum).
 */
export async function rowStats(db: Db, snapshotIds: readonly string[], levels: readonly string[]): Promise<RowStat[]> {
  if (levels.length === 0 || snapshotIds.length === 0) return [];
  const counted = sql<number>`CASE WHEN n.answered > 0 AND n.max > 0 THEN 1 ELSE 0 END`;
  const rows = await db
    .selectFrom("score_snapshot_node as n")
    .where("n.snapshot_id", "in", [...snapshotIds])
    // The level first: each snapshot's rows are then one range of score_snapshot_node_rollup_idx.
    // Filtering on the rows' level only (not a list of ids) keeps this one index range per snapshot;
    // the caller picks its rows from the few dozen groups returned.
    .where("n.level", "in", [...levels])
    .select("n.node_id as nodeId")
    .select((eb) => [
      eb.fn.countAll<number>().as("organisations"),
      eb.fn.sum<number>(sql`CASE WHEN n.answered > 0 THEN 1 ELSE 0 END`).as("filled"),
      eb.fn.sum<number>(sql`CASE WHEN n.answered > 0 AND n.max > 0 THEN n.value * 100.0 / n.max ELSE 0 END`).as("sumPercent"),
      eb.fn.sum<number>(counted).as("counted"),
    ])
    .groupBy("n.node_id")
    .execute();
  return rows.map((r) => ({
    nodeId: r.nodeId,
    organisations: num(r.organisations),
    filled: num(r.filled),
    sumPercent: num(r.sumPercent),
    counted: num(r.counted),
  }));
}

export interface Target {
  itemId: string;
  target: number;
}

export interface TargetStat {
  itemId: string;
  /** Organisations whose result has a number for the row (N/A or unanswered: no score, not met). */
  scored: number;
  met: number;
  /** Mean raw score (the answer as typed) over those with a number. */
  meanScore: number | null;
}

/**
 * The numeric answers of the result snapshots to the rows with a target: one row per (snapshot, target
 * item) whose stored answer is a number — `snapshot_id`, `item_id`, `target`, `score`. Each snapshot's
 * answers are parsed once (json_each), not once per target.
 */
function scoredTargets(db: Db, snapshots: RawBuilder<unknown>, targets: readonly Target[]) {
  if (isPg(db)) {
    // Each document becomes jsonb once, in a materialised CTE (inlined, the cast ran once per target and the
    // wide documents rode along into the sort), then one binary lookup per target row.
    const table = sql.join(
      targets.map((t) => sql`(CAST(${t.itemId} AS text), CAST(${t.target} AS double precision))`),
      sql`, `,
    );
    return sql`(WITH d AS MATERIALIZED (SELECT s.id, s.answers_json::jsonb AS doc FROM score_snapshot s WHERE s.id IN (${snapshots}))
      SELECT d.id AS snapshot_id, t.item_id, t.target, CAST(d.doc ->> t.item_id AS double precision) AS score
      FROM d CROSS JOIN (VALUES ${table}) AS t(item_id, target)
      WHERE jsonb_typeof(d.doc -> t.item_id) = 'number')`;
  }
  // SQLite: CROSS JOIN fixes the join order (snapshots, then their answers, each parsed once by json_each);
  // the target comes from a CASE on the key, not a join with a table of targets, which SQLite would scan
  // once per answer.
  const keys = sql.join(targets.map((t) => sql`${t.itemId}`));
  const target = sql`CASE j.key ${sql.join(
    targets.map((t) => sql`WHEN ${t.itemId} THEN CAST(${t.target} AS double precision)`),
    sql` `,
  )} END`;
  return sql`(SELECT s.id AS snapshot_id, j.key AS item_id, ${target} AS target, j.value AS score
    FROM score_snapshot s CROSS JOIN json_each(s.answers_json) j
    WHERE s.id IN (${snapshots}) AND j.key IN (${keys}) AND j.type IN ('integer', 'real'))`;
}

/** Met: the raw score reaches the target (spec §5), with the engine's tolerance for binary noise. */
const MET = sql`x.score >= x.target - 1e-9`;

/**
 * Per row with a target baik (spec §5: met = raw score ≥ target, compared on the answer as typed): how many
 * of the peer group have a score, meet it, and their mean score. A row answered N/A or not at all has no
 * score and does not meet its target.
 */
export async function targetStats(db: Db, snapshotIds: readonly string[], targets: readonly Target[]): Promise<TargetStat[]> {
  if (targets.length === 0 || snapshotIds.length === 0) return [];
  const { rows } = await sql<{ itemId: string; scored: unknown; met: unknown; meanScore: unknown }>`
    SELECT x.item_id AS "itemId", COUNT(*) AS scored, SUM(CASE WHEN ${MET} THEN 1 ELSE 0 END) AS met, AVG(x.score) AS "meanScore"
    FROM ${scoredTargets(db, sql.join(snapshotIds.map((id) => sql`${id}`)), targets)} x
    GROUP BY x.item_id`.execute(db);
  return rows.map((r) => ({ itemId: r.itemId, scored: num(r.scored), met: num(r.met), meanScore: numOrNull(r.meanScore) }));
}

/**
 * The ids of the peer group's result snapshots: chosen once per page, then handed to the per-row
 * aggregates (rowStats, targetStats) so that they do not choose them again.
 */
export async function resultSnapshotIds(db: Db, f: PeerFilter): Promise<string[]> {
  const rows = await resultSnapshots(db, f).selectFrom("r").select("r.snapshot_id").execute();
  return rows.map((r) => r.snapshot_id);
}

/** Targets met per snapshot, for the given snapshots only (a page of results). */
export async function targetsMetBySnapshot(
  db: Db,
  snapshotIds: readonly string[],
  targets: readonly Target[],
): Promise<Map<string, number>> {
  if (snapshotIds.length === 0 || targets.length === 0) return new Map();
  const { rows } = await sql<{ snapshotId: string; met: unknown }>`
    SELECT x.snapshot_id AS "snapshotId", SUM(CASE WHEN ${MET} THEN 1 ELSE 0 END) AS met
    FROM ${scoredTargets(db, sql.join(snapshotIds.map((id) => sql`${id}`)), targets)} x
    GROUP BY x.snapshot_id`.execute(db);
  return new Map(rows.map((r) => [r.snapshotId, num(r.met)]));
}

export interface OrgResult {
  organisationId: string;
  name: string;
  parentId: string | null;
  assessmentId: string;
  layer: string;
  total: number;
  predicate: string | null;
  /** Rows with a target baik that this organisation meets. */
  targetsMet: number;
}

/**
 * The results (the given result snapshots, `resultSnapshotIds`) of the organisations in `organisationIds`
 * (null = all of them), best first, at most `limit` from `offset`, with how many there are in all; with each
 * one's count of targets met.
 */
export async function orgResults(
  db: Db,
  snapshotIds: readonly string[],
  opts: { organisationIds: readonly string[] | null; parentId?: string; targets: readonly Target[]; limit: number; offset: number },
): Promise<{ rows: OrgResult[]; count: number }> {
  if ((opts.organisationIds !== null && opts.organisationIds.length === 0) || snapshotIds.length === 0) return { rows: [], count: 0 };
  let q = db
    .selectFrom("score_snapshot as s")
    .innerJoin("assessment as a", "a.id", "s.assessment_id")
    .innerJoin("organisation as o", "o.id", "a.organisation_id")
    .where("s.id", "in", [...snapshotIds]);
  if (opts.organisationIds !== null) q = q.where("o.id", "in", [...opts.organisationIds]);
  if (opts.parentId !== undefined) q = q.where("o.parent_id", "=", opts.parentId);
  const rows = await q
    .select([
      "o.id as organisationId",
      "o.name",
      "o.parent_id as parentId",
      "a.id as assessmentId",
      "s.id as snapshotId",
      "s.layer",
      "s.total",
      "s.predicate",
    ])
    .select(sql<number>`COUNT(*) OVER ()`.as("count"))
    .orderBy("s.total", "desc")
    .orderBy("o.name")
    .limit(opts.limit)
    .offset(opts.offset)
    .execute();
  const met = await targetsMetBySnapshot(
    db,
    rows.map((r) => r.snapshotId),
    opts.targets,
  );
  return {
    rows: rows.map((r) => ({
      organisationId: r.organisationId,
      name: r.name,
      parentId: r.parentId,
      assessmentId: r.assessmentId,
      layer: r.layer,
      total: num(r.total),
      predicate: r.predicate,
      targetsMet: met.get(r.snapshotId) ?? 0,
    })),
    count: num(rows[0]?.count),
  };
}

export interface OwnResult {
  assessmentId: string;
  snapshotId: string;
  layer: string;
  total: number;
  predicate: string | null;
  answers: Record<string, unknown>;
  nodes: { nodeId: string; value: number; max: number; answered: number }[];
}

/** One organisation's result snapshot (the same rule, for that organisation alone) with its node rows, or null. */
export async function ownResult(db: Db, f: PeerFilter, organisationId: string): Promise<OwnResult | null> {
  const row = await resultSnapshots(db, f, organisationId)
    .selectFrom("r")
    .innerJoin("score_snapshot as s", "s.id", "r.snapshot_id")
    .select(["r.assessment_id", "r.snapshot_id", "r.layer", "r.total", "r.predicate", "s.answers_json"])
    .executeTakeFirst();
  if (!row) return null;
  const nodes = await db
    .selectFrom("score_snapshot_node")
    .select(["node_id as nodeId", "value", "max", "answered"])
    .where("snapshot_id", "=", row.snapshot_id)
    .execute();
  return {
    assessmentId: row.assessment_id,
    snapshotId: row.snapshot_id,
    layer: row.layer,
    total: num(row.total),
    predicate: row.predicate,
    answers: JSON.parse(row.answers_json) as Record<string, unknown>,
    nodes: nodes.map((n) => ({ nodeId: n.nodeId, value: num(n.value), max: num(n.max), answered: num(n.answered) })),
  };
}

/** Which agency-level instrument the organisations of one kind used in one year, most used first (final assessments). */
export async function instrumentsOfYear(db: Db, year: number, kind: OrganisationKind, isAgencyInstrument: (id: string) => boolean) {
  const rows = await db
    .selectFrom("assessment as a")
    .innerJoin("organisation as o", "o.id", "a.organisation_id")
    .where("a.period_id", "in", db.selectFrom("period").select("id").where("year", "=", year))
    .where("o.kind", "=", kind)
    .where("a.status", "in", ["submitted", "final"])
    .select(["a.instrument_id as instrumentId", sql<string>`MAX(a.instrument_hash)`.as("anyHash")])
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .groupBy("a.instrument_id")
    .execute();
  return rows
    .filter((r) => isAgencyInstrument(r.instrumentId))
    .map((r) => ({ instrumentId: r.instrumentId, assessments: num(r.n) }))
    .sort((a, b) => b.assessments - a.assessments || a.instrumentId.localeCompare(b.instrumentId));
}

/** The newest frozen version (hash) of an instrument used that year by that kind. */
export async function newestHash(db: Db, f: PeerFilter): Promise<string | null> {
  const row = await db
    .selectFrom("assessment as a")
    .innerJoin("organisation as o", "o.id", "a.organisation_id")
    .innerJoin("instrument_version as v", "v.hash", "a.instrument_hash")
    .where("a.instrument_id", "=", f.instrumentId)
    .where("a.period_id", "in", db.selectFrom("period").select("id").where("year", "=", f.year))
    .where("o.kind", "=", f.kind)
    .select("a.instrument_hash")
    .orderBy("v.created_at", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.instrument_hash ?? null;
}

/** Years in which any organisation (or the one given) has an agency-level assessment (submitted or final), newest first. */
export async function rollupYears(db: Db, instrumentPrefixes: readonly string[], organisationId?: string): Promise<number[]> {
  let q = db.selectFrom("period as p").select("p.year").distinct();
  if (organisationId !== undefined) q = q.where("p.organisation_id", "=", organisationId);
  const rows = await q
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("assessment as a")
          .select("a.id")
          .whereRef("a.period_id", "=", "p.id")
          .where("a.status", "in", ["submitted", "final"])
          .where((w) => w.or(instrumentPrefixes.map((prefix) => w("a.instrument_id", "like", `${prefix}%`)))),
      ),
    )
    .orderBy("p.year", "desc")
    .execute();
  return rows.map((r) => Number(r.year));
}
