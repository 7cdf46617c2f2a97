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

/** The snapshot aliased `alias` is the newest of its assessment and layer (ties broken by id). */
export function isLatestSnapshot(alias: string): Expression<SqlBool> {
  const s = (c: string) => sql.ref(`${alias}.${c}`);
  return sql<SqlBool>`NOT EXISTS (SELECT 1 FROM score_snapshot newer WHERE newer.assessment_id = ${s("assessment_id")} AND newer.layer = ${s("layer")} AND (newer.created_at > ${s("created_at")} OR (newer.created_at = ${s("created_at")} AND newer.id > ${s("id")})))`;
}

/**
 * Final assessments in scope joined with their latest self snapshot: `a` assessment, `u` unit,
 * `p` period, `s` snapshot. Callers add their own selections and groupings.
 */
export function finalSnapshots(db: Db, f: SnapshotFilter) {
  return db
    .selectFrom("assessment as a")
    .innerJoin("unit as u", "u.id", "a.unit_id")
    .innerJoin("period as p", "p.id", "a.period_id")
    .innerJoin("score_snapshot as s", "s.assessment_id", "a.id")
    .where("a.organisation_id", "=", f.organisationId)
    .where("a.instrument_id", "=", f.instrumentId)
    .where("a.status", "=", "final")
    .where("s.layer", "=", "self")
    .where(inSubtrees(f.unitPaths))
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

/** Per period: mean, lowest and highest stored total over the final assessments in scope (optionally one unit). */
export async function trendByPeriod(db: Db, f: SnapshotFilter, unitId?: string): Promise<TrendRow[]> {
  let q = finalSnapshots(db, f)
    .select(["p.id as periodId", "p.year", "p.name as periodName"])
    .select((eb) => [eb.fn.avg<number>("s.total").as("mean"), eb.fn.min<number>("s.total").as("min"), eb.fn.max<number>("s.total").as("max"), eb.fn.countAll<number>().as("units")])
    .groupBy(["p.id", "p.year", "p.name"])
    .orderBy("p.year");
  if (unitId) q = q.where("u.id", "=", unitId);
  const rows = await q.execute();
  return rows.map((r) => ({ periodId: r.periodId, year: Number(r.year), periodName: r.periodName, mean: num(r.mean), min: num(r.min), max: num(r.max), units: num(r.units) }));
}

export interface NodeSumRow {
  periodId: string;
  nodeId: string;
  value: number;
  max: number;
  snapshots: number;
}

/** Σ value and Σ max of the given nodes per period: value / max is the node's index as a share of its weight. */
export async function nodeSums(db: Db, f: SnapshotFilter, periodIds: readonly string[], nodeIds: readonly string[]): Promise<NodeSumRow[]> {
  if (periodIds.length === 0 || nodeIds.length === 0) return [];
  const rows = await finalSnapshots(db, f)
    .innerJoin("score_snapshot_node as n", "n.snapshot_id", "s.id")
    .where("a.period_id", "in", [...periodIds])
    .where("n.node_id", "in", [...nodeIds])
    .select(["a.period_id as periodId", "n.node_id as nodeId"])
    .select((eb) => [eb.fn.sum<number>("n.value").as("value"), eb.fn.sum<number>("n.max").as("max"), eb.fn.countAll<number>().as("snapshots")])
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
 * Stored totals of the units in one period, best or worst first, at most `limit`; with the number of
 * units in scope, so a chart can say how many it left out.
 */
export async function unitTotals(db: Db, f: SnapshotFilter, periodId: string, order: "desc" | "asc", limit: number): Promise<UnitTotalRow[]> {
  const rows = await finalSnapshots(db, f)
    .where("a.period_id", "=", periodId)
    .select(["u.id as unitId", "u.name as unitName", "a.id as assessmentId", "s.total", "s.predicate"])
    .orderBy("s.total", order)
    .orderBy("u.name")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, total: num(r.total) }));
}

export async function countFinal(db: Db, f: SnapshotFilter, periodId: string): Promise<number> {
  const row = await finalSnapshots(db, f)
    .where("a.period_id", "=", periodId)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirst();
  return num(row?.n);
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

/** Open (not yet final) assessments in open periods, least confirmed first, at most `limit`. */
export async function openProgress(db: Db, f: SnapshotFilter, itemCounts: ReadonlyMap<string, number>, limit: number): Promise<ProgressRow[]> {
  const items = itemsOfHash(itemCounts);
  const rows = await db
    .selectFrom("assessment as a")
    .innerJoin("unit as u", "u.id", "a.unit_id")
    .innerJoin("period as p", "p.id", "a.period_id")
    .leftJoin("answer as x", (j) => j.onRef("x.assessment_id", "=", "a.id").on("x.layer", "=", "self").on("x.value_json", "is not", null))
    .where("a.organisation_id", "=", f.organisationId)
    .where("a.instrument_id", "=", f.instrumentId)
    .where("a.status", "!=", "final")
    .where("p.status", "=", "open")
    .where(inSubtrees(f.unitPaths))
    .select(["a.id as assessmentId", "u.id as unitId", "u.name as unitName", "a.status"])
    .select(items.as("items"))
    .select((eb) => [
      eb.fn.count<number>("x.id").as("answered"),
      eb.fn.sum<number>(eb.case().when("x.carried_over", "=", 0).then(1).else(0).end()).as("confirmed"),
    ])
    .groupBy(["a.id", "u.id", "u.name", "a.status", "a.instrument_hash"])
    .orderBy(sql`SUM(CASE WHEN x.carried_over = 0 THEN 1 ELSE 0 END) * 1.0 / ${items}`)
    .orderBy(sql`COUNT(x.id) * 1.0 / ${items}`)
    .orderBy("u.name")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, items: num(r.items), answered: num(r.answered), confirmed: num(r.confirmed) }));
}

export interface ProgressTotals {
  assessments: number;
  items: number;
  answered: number;
  confirmed: number;
}

/** The same population as openProgress, summed. */
export async function openProgressTotals(db: Db, f: SnapshotFilter, itemCounts: ReadonlyMap<string, number>): Promise<ProgressTotals> {
  const base = db
    .selectFrom("assessment as a")
    .innerJoin("unit as u", "u.id", "a.unit_id")
    .innerJoin("period as p", "p.id", "a.period_id")
    .where("a.organisation_id", "=", f.organisationId)
    .where("a.instrument_id", "=", f.instrumentId)
    .where("a.status", "!=", "final")
    .where("p.status", "=", "open")
    .where(inSubtrees(f.unitPaths));
  const head = await base
    .select((eb) => [eb.fn.countAll<number>().as("assessments"), eb.fn.sum<number>(itemsOfHash(itemCounts)).as("items")])
    .executeTakeFirst();
  const answers = await base
    .innerJoin("answer as x", "x.assessment_id", "a.id")
    .where("x.layer", "=", "self")
    .where("x.value_json", "is not", null)
    .select((eb) => [eb.fn.countAll<number>().as("answered"), eb.fn.sum<number>(eb.case().when("x.carried_over", "=", 0).then(1).else(0).end()).as("confirmed")])
    .executeTakeFirst();
  return { assessments: num(head?.assessments), items: num(head?.items), answered: num(answers?.answered), confirmed: num(answers?.confirmed) };
}

/** Distinct instrument hashes of the assessments in scope that are still open, for their item counts. */
export async function openHashes(db: Db, f: SnapshotFilter): Promise<string[]> {
  const rows = await db
    .selectFrom("assessment as a")
    .innerJoin("period as p", "p.id", "a.period_id")
    .where("a.organisation_id", "=", f.organisationId)
    .where("a.instrument_id", "=", f.instrumentId)
    .where("a.status", "!=", "final")
    .where("p.status", "=", "open")
    .select("a.instrument_hash")
    .distinct()
    .execute();
  return rows.map((r) => r.instrument_hash);
}
