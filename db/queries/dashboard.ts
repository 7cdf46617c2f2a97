import { sql, type Expression, type SqlBool } from "kysely";
import type { Db } from "../client.server";

/**
 * Which stored snapshots a dashboard may aggregate: one organisation, one instrument family, and the
 * unit subtrees the viewer's scope allows (null = the whole organisation, [] = nothing).
 */
export interface SnapshotFilter {
  organisationId: string;
  instrumentId: string;
  unitPaths: readonly string[] | null;
}

/** `u.path` lies in one of the subtrees; a prefix compare with substr, so ids need no LIKE escaping. */
export function inSubtrees(paths: readonly string[] | null, column = "u.path"): Expression<SqlBool> {
  if (paths === null) return sql<SqlBool>`1 = 1`;
  if (paths.length === 0) return sql<SqlBool>`1 = 0`;
  const ref = sql.ref(column);
  return sql<SqlBool>`(${sql.join(
    paths.map((p) => sql`substr(${ref}, 1, ${p.length}) = ${p}`),
    sql` OR `,
  )})`;
}

/**
 * `a.unit_id` lies in the filter's subtrees: an uncorrelated subquery SQLite and PostgreSQL evaluate
 * once, so the whole-organisation case costs nothing and a subtree no join per row.
 */
export function unitInScope(f: SnapshotFilter, column = "a.unit_id"): Expression<SqlBool> {
  if (f.unitPaths === null) return sql<SqlBool>`1 = 1`;
  if (f.unitPaths.length === 0) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`${sql.ref(column)} IN (SELECT id FROM unit u WHERE u.organisation_id = ${f.organisationId} AND ${inSubtrees(f.unitPaths)})`;
}

/** The snapshot aliased `alias` is the newest of its assessment and layer (ties broken by id). */
export function isLatestSnapshot(alias: string): Expression<SqlBool> {
  const s = (c: string) => sql.ref(`${alias}.${c}`);
  return sql<SqlBool>`NOT EXISTS (SELECT 1 FROM score_snapshot newer WHERE newer.assessment_id = ${s("assessment_id")} AND newer.layer = ${s("layer")} AND (newer.created_at > ${s("created_at")} OR (newer.created_at = ${s("created_at")} AND newer.id > ${s("id")})))`;
}

/**
 * Final assessments in scope with their latest self snapshot: `a` assessment, `s` snapshot. Callers
 * add selections, groupings and the joins they need (unit names, node rows); each join is paid once per
 * snapshot, so none is added here.
 */
export function finalSnapshots(db: Db, f: SnapshotFilter) {
  return db
    .selectFrom("assessment as a")
    .innerJoin("score_snapshot as s", "s.assessment_id", "a.id")
    .where("a.organisation_id", "=", f.organisationId)
    .where("a.instrument_id", "=", f.instrumentId)
    .where("a.status", "=", "final")
    .where("s.layer", "=", "self")
    .where(unitInScope(f))
    .where(isLatestSnapshot("s"));
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

export interface TrendRow {
  periodId: string;
  year: number;
  periodName: string;
  mean: number;
  min: number;
  max: number;
  units: number;
}

/** Per period: mean, lowest and highest stored total over the final assessments in scope. */
export async function trendByPeriod(db: Db, f: SnapshotFilter): Promise<TrendRow[]> {
  const perPeriod = finalSnapshots(db, f)
    .select("a.period_id")
    .select((eb) => [
      eb.fn.avg<number>("s.total").as("mean"),
      eb.fn.min<number>("s.total").as("min"),
      eb.fn.max<number>("s.total").as("max"),
      eb.fn.countAll<number>().as("units"),
    ])
    .groupBy("a.period_id");
  const rows = await db
    .selectFrom(perPeriod.as("t"))
    .innerJoin("period as p", "p.id", "t.period_id")
    .select(["p.id as periodId", "p.year", "p.name as periodName", "t.mean", "t.min", "t.max", "t.units"])
    .orderBy("p.year")
    .execute();
  return rows.map((r) => ({
    periodId: r.periodId,
    year: Number(r.year),
    periodName: r.periodName,
    mean: num(r.mean),
    min: num(r.min),
    max: num(r.max),
    units: num(r.units),
  }));
}

export interface NodeSumRow {
  periodId: string;
  nodeId: string;
  value: number;
  max: number;
  snapshots: number;
}

/**
 * Σ value and Σ max per period of every node of one level (e.g. all areas): value / max is the node's
 * index as a share of its weight. Filtering on the level (not a list of ids) makes each snapshot one
 * index range in score_snapshot_node_level_idx instead of one seek per node.
 */
export async function levelSums(db: Db, f: SnapshotFilter, periodIds: readonly string[], level: string): Promise<NodeSumRow[]> {
  if (periodIds.length === 0) return [];
  const rows = await finalSnapshots(db, f)
    .innerJoin("score_snapshot_node as n", "n.snapshot_id", "s.id")
    .where("a.period_id", "in", [...periodIds])
    .where("n.level", "=", level)
    .select(["a.period_id as periodId", "n.node_id as nodeId"])
    .select((eb) => [
      eb.fn.sum<number>("n.value").as("value"),
      eb.fn.sum<number>("n.max").as("max"),
      eb.fn.countAll<number>().as("snapshots"),
    ])
    .groupBy(["a.period_id", "n.node_id"])
    .execute();
  return rows.map((r) => ({ periodId: r.periodId, nodeId: r.nodeId, value: num(r.value), max: num(r.max), snapshots: num(r.snapshots) }));
}

export interface UnitTotalRow {
  unitId: string;
  unitName: string;
  assessmentId: string;
  total: number;
  predicate: string | null;
}

/**
 * Stored totals of the units in one period, best first: the `half` highest and the `half` lowest (all
 * of them when there are at most 2 × half), and how many units there are in all — one pass, one sort.
 */
export async function unitTotals(
  db: Db,
  f: SnapshotFilter,
  periodId: string,
  half: number,
): Promise<{ rows: UnitTotalRow[]; count: number }> {
  const ranked = finalSnapshots(db, f)
    .innerJoin("unit as u", "u.id", "a.unit_id")
    .where("a.period_id", "=", periodId)
    .select(["u.id as unitId", "u.name as unitName", "a.id as assessmentId", "s.total", "s.predicate"])
    .select([sql<number>`ROW_NUMBER() OVER (ORDER BY s.total DESC, u.name)`.as("rank"), sql<number>`COUNT(*) OVER ()`.as("count")]);
  const rows = await db
    .selectFrom(ranked.as("t"))
    .selectAll()
    .where((eb) => eb.or([eb("t.rank", "<=", half), eb("t.rank", ">", sql<number>`t.count - ${half}`)]))
    .orderBy("t.rank")
    .execute();
  return {
    rows: rows.map((r) => ({
      unitId: r.unitId,
      unitName: r.unitName,
      assessmentId: r.assessmentId,
      total: num(r.total),
      predicate: r.predicate,
    })),
    count: num(rows[0]?.count),
  };
}

export interface ProgressRow {
  assessmentId: string;
  unitId: string;
  unitName: string;
  status: string;
  items: number;
  answered: number;
  confirmed: number;
}

/** `CASE a.instrument_hash WHEN … THEN <item count> END`: each frozen version knows its own number of items. */
function itemsOfHash(itemCounts: ReadonlyMap<string, number>) {
  if (itemCounts.size === 0) return sql<number>`1`;
  const whens = [...itemCounts].map(([hash, n]) => sql`WHEN ${hash} THEN ${sql.lit(n)}`);
  return sql<number>`(CASE a.instrument_hash ${sql.join(whens, sql` `)} ELSE 1 END)`;
}

export interface ProgressTotals {
  assessments: number;
  items: number;
  answered: number;
  confirmed: number;
}

const OPEN_STATUSES = ["draft", "submitted", "returned"] as const;
const openPeriods = (db: Db, f: SnapshotFilter) =>
  db.selectFrom("period").select("id").where("organisation_id", "=", f.organisationId).where("status", "=", "open");

/**
 * Open (not yet final) assessments of open periods in scope, with their answered and confirmed counts.
 * The answers are counted per assessment in a derived table that walks answer_self_answered_idx in
 * assessment order (a streaming aggregate, no sort of the answer rows).
 */
export function openProgressQuery(db: Db, f: SnapshotFilter, itemCounts: ReadonlyMap<string, number>) {
  const items = itemsOfHash(itemCounts);
  const open = db
    .selectFrom("assessment as a")
    .select("a.id")
    .where("a.organisation_id", "=", f.organisationId)
    .where("a.instrument_id", "=", f.instrumentId)
    .where("a.status", "in", OPEN_STATUSES)
    .where("a.period_id", "in", openPeriods(db, f))
    .where(unitInScope(f));
  const counts = db
    .selectFrom("answer as x")
    .select("x.assessment_id")
    .select((eb) => [
      eb.fn.countAll<number>().as("answered"),
      eb.fn.sum<number>(eb.case().when("x.carried_over", "=", 0).then(1).else(0).end()).as("confirmed"),
    ])
    .where("x.assessment_id", "in", open)
    // Literals, not parameters: SQLite matches a partial index (answer_self_answered_idx) only so.
    .where("x.layer", "=", sql.lit("self"))
    .where("x.value_json", "is not", null)
    .groupBy("x.assessment_id");
  return db
    .selectFrom("assessment as a")
    .innerJoin("unit as u", "u.id", "a.unit_id")
    .leftJoin(counts.as("c"), "c.assessment_id", "a.id")
    .where("a.id", "in", open)
    .select(["a.id as assessmentId", "u.id as unitId", "u.name as unitName", "a.status"])
    .select(items.as("items"))
    .select([
      sql<number>`COALESCE(c.answered, 0)`.as("answered"),
      sql<number>`COALESCE(c.confirmed, 0)`.as("confirmed"),
      // Totals over every open assessment in scope, not only the rows returned.
      sql<number>`COUNT(*) OVER ()`.as("allAssessments"),
      sql<number>`SUM(${items}) OVER ()`.as("allItems"),
      sql<number>`SUM(COALESCE(c.answered, 0)) OVER ()`.as("allAnswered"),
      sql<number>`SUM(COALESCE(c.confirmed, 0)) OVER ()`.as("allConfirmed"),
    ]);
}

/**
 * A page of a windowed query: its rows, and the totals its window functions (`… OVER ()`) repeat on
 * every row, read from the first one (from an empty row when the page is empty).
 */
export function pageWithTotals<R, Row, T>(rows: R[], row: (r: R) => Row, totals: (first: Partial<R>) => T): { rows: Row[]; totals: T } {
  return { rows: rows.map(row), totals: totals(rows[0] ?? {}) };
}

/** Open assessments, least confirmed first, at most `limit`, and the totals over all of them. */
export async function openProgress(
  db: Db,
  f: SnapshotFilter,
  itemCounts: ReadonlyMap<string, number>,
  limit: number,
): Promise<{ rows: ProgressRow[]; totals: ProgressTotals }> {
  const items = itemsOfHash(itemCounts);
  const rows = await openProgressQuery(db, f, itemCounts)
    .orderBy(sql`COALESCE(c.confirmed, 0) * 1.0 / ${items}`)
    .orderBy(sql`COALESCE(c.answered, 0) * 1.0 / ${items}`)
    .orderBy("u.name")
    .limit(limit)
    .execute();
  return pageWithTotals(
    rows,
    (r) => ({
      assessmentId: r.assessmentId,
      unitId: r.unitId,
      unitName: r.unitName,
      status: r.status,
      items: num(r.items),
      answered: num(r.answered),
      confirmed: num(r.confirmed),
    }),
    (first) => ({
      assessments: num(first.allAssessments),
      items: num(first.allItems),
      answered: num(first.allAnswered),
      confirmed: num(first.allConfirmed),
    }),
  );
}

/** Distinct instrument hashes of the assessments in scope that are still open, for their item counts. */
export async function openHashes(db: Db, f: SnapshotFilter): Promise<string[]> {
  const rows = await db
    .selectFrom("assessment as a")
    .where("a.organisation_id", "=", f.organisationId)
    .where("a.instrument_id", "=", f.instrumentId)
    .where("a.status", "in", OPEN_STATUSES)
    .where("a.period_id", "in", openPeriods(db, f))
    .select("a.instrument_hash")
    .distinct()
    .execute();
  return rows.map((r) => r.instrument_hash);
}
