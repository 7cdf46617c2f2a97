import { sql, type RawBuilder } from "kysely";
import { isPostgres } from "#db/dialect";
import type { Db } from "../client.server";
import { finalSnapshots, type SnapshotFilter } from "./dashboard";

/**
 * A score criterion of a verdict, resolved to node ids: `node` — the node's value ≥ required;
 * `percent` — Σ value / Σ max × 100 of the nodes ≥ required (a pengungkit area minimum).
 */
export interface ReadinessCriterion {
  id: string;
  label: string;
  kind: "node" | "percent";
  nodes: string[];
  required: number;
}

export interface ReadinessVerdict {
  id: string;
  label: string;
  criteria: ReadinessCriterion[];
}

export interface ReadinessCount {
  verdictId: string;
  units: number;
  pass: number;
  missByOne: number;
  /** Per criterion: units failing it, and units for which it is the only failing one. */
  criteria: { id: string; failing: number; onlyFailing: number }[];
}

/** Same tolerance as the engine's threshold comparisons (domain/scoring/thresholds.ts). */
const TOLERANCE = 1e-9;

/** The level with the most of `nodes` (at least 3), read as one index range per snapshot; else null. */
function rangeLevel(nodes: readonly string[], levelOf: ReadonlyMap<string, string>): string | null {
  const per = new Map<string, number>();
  for (const id of nodes) {
    const level = levelOf.get(id);
    if (level !== undefined) per.set(level, (per.get(level) ?? 0) + 1);
  }
  let best: string | null = null;
  for (const [level, n] of per) if (n >= 3 && (best === null || n > per.get(best)!)) best = level;
  return best;
}

/**
 * How many units of a period pass each verdict on its score criteria, and how many miss by exactly
 * one — in the database, from the stored node rows: each snapshot joins the ~20 nodes the criteria
 * read (one index probe each on score_snapshot_node_level_idx), each criterion becomes a 0/1 flag per
 * snapshot, and the flags are summed. `levelOf` gives each node's stored level.
 */
export async function readinessCounts(
  db: Db,
  f: SnapshotFilter,
  periodId: string,
  verdicts: readonly ReadinessVerdict[],
  levelOf: ReadonlyMap<string, string>,
  /** Nodes to sum over the same snapshots in the same pass (the areas chart of this period). */
  sumNodes: readonly string[] = [],
): Promise<{ counts: ReadinessCount[]; sums: Map<string, { value: number; max: number }> }> {
  if (verdicts.every((v) => v.criteria.length === 0)) return { counts: [], sums: new Map() };
  const nodes = [...new Set([...verdicts.flatMap((v) => v.criteria.flatMap((c) => c.nodes)), ...sumNodes])];
  const alias = new Map(nodes.map((id, i) => [id, `n${i}`]));
  const range = isPostgres(db) ? rangeLevel(nodes, levelOf) : null;
  const ref = (id: string, col: "value" | "max") =>
    sql`COALESCE(${sql.ref(range === null ? `${alias.get(id)!}.${col}` : `v.${alias.get(id)!}_${col}`)}, 0)`;
  const sum = (ids: string[], col: "value" | "max") =>
    sql.join(
      ids.map((id) => ref(id, col)),
      sql` + `,
    );
  const flag = (c: ReadinessCriterion): RawBuilder<number> =>
    c.kind === "node"
      ? sql<number>`CASE WHEN ${ref(c.nodes[0]!, "value")} < ${c.required - TOLERANCE} THEN 1 ELSE 0 END`
      : sql<number>`CASE WHEN (CASE WHEN (${sum(c.nodes, "max")}) > 0 THEN (${sum(c.nodes, "value")}) * 100.0 / (${sum(c.nodes, "max")}) ELSE 0 END) < ${c.required - TOLERANCE} THEN 1 ELSE 0 END`;

  const cols = verdicts.map((v, vi) => v.criteria.map((_c, ci) => `f${vi}_${ci}`));
  const ids = finalSnapshots(db, f).where("a.period_id", "=", periodId).select("s.id as sid");
  const probe = (id: string) =>
    sql`LEFT JOIN score_snapshot_node ${sql.id(alias.get(id)!)} ON ${sql.ref(`${alias.get(id)!}.snapshot_id`)} = t.sid AND ${sql.ref(`${alias.get(id)!}.level`)} = ${levelOf.get(id) ?? ""} AND ${sql.ref(`${alias.get(id)!}.node_id`)} = ${id}`;
  const flags = verdicts.flatMap((v, vi) => v.criteria.map((c, ci) => sql`${flag(c)} AS ${sql.id(cols[vi]![ci]!)}`));
  sumNodes.forEach((id, k) => flags.push(sql`${ref(id, "value")} AS ${sql.id(`val${k}`)}`, sql`${ref(id, "max")} AS ${sql.id(`max${k}`)}`));
  let perSnapshot: RawBuilder<unknown>;
  if (range === null) {
    perSnapshot = sql`SELECT t.sid, ${sql.join(flags)} FROM (${ids}) t ${sql.join(nodes.map(probe), sql` `)}`;
  } else {
    // PostgreSQL: one probe per node costs a planner ~20 joins to order and an index descent each per
    // snapshot. The nodes of the level read most (the areas) come instead from one index range per
    // snapshot, pivoted back into one column per node (v.nK_value / v.nK_max) by a GROUP BY; the
    // other nodes keep their probe (one row each, so MAX() is their value).
    const pivot = nodes.flatMap((id) => {
      const a = alias.get(id)!;
      const col = (c: "value" | "max") =>
        levelOf.get(id) === range
          ? sql`MAX(CASE WHEN r.node_id = ${id} THEN ${sql.ref(`r.${c}`)} END) AS ${sql.id(`${a}_${c}`)}`
          : sql`MAX(${sql.ref(`${a}.${c}`)}) AS ${sql.id(`${a}_${c}`)}`;
      return [col("value"), col("max")];
    });
    const others = nodes.filter((id) => levelOf.get(id) !== range).map(probe);
    const pivoted = sql`SELECT t.sid, ${sql.join(pivot)} FROM (${ids}) t ${sql.join(others, sql` `)} LEFT JOIN score_snapshot_node r ON r.snapshot_id = t.sid AND r.level = ${range} GROUP BY t.sid`;
    perSnapshot = sql`SELECT v.sid, ${sql.join(flags)} FROM (${pivoted}) v`;
  }

  const outer: RawBuilder<unknown>[] = [sql`COUNT(*) AS units`];
  cols.forEach((vc, vi) => {
    const fails = vc.length
      ? sql.join(
          vc.map((c) => sql.ref(`x.${c}`)),
          sql` + `,
        )
      : sql`0`;
    outer.push(sql`SUM(CASE WHEN ${fails} = 0 THEN 1 ELSE 0 END) AS ${sql.id(`p${vi}`)}`);
    outer.push(sql`SUM(CASE WHEN ${fails} = 1 THEN 1 ELSE 0 END) AS ${sql.id(`m${vi}`)}`);
    for (const c of vc) {
      outer.push(sql`SUM(${sql.ref(`x.${c}`)}) AS ${sql.id(`n${c}`)}`);
      outer.push(sql`SUM(CASE WHEN ${fails} = 1 AND ${sql.ref(`x.${c}`)} = 1 THEN 1 ELSE 0 END) AS ${sql.id(`o${c}`)}`);
    }
  });
  // MATERIALIZED: the flags are computed once per snapshot; a flattened subquery would re-evaluate
  // each flag expression in every sum that reads it.
  sumNodes.forEach((_id, k) =>
    outer.push(sql`SUM(${sql.ref(`x.val${k}`)}) AS ${sql.id(`sv${k}`)}`, sql`SUM(${sql.ref(`x.max${k}`)}) AS ${sql.id(`sm${k}`)}`),
  );
  const result = await sql<Record<string, unknown>>`WITH x AS MATERIALIZED (${perSnapshot}) SELECT ${sql.join(outer)} FROM x`.execute(db);
  const row = result.rows[0] ?? {};
  const n = (k: string) => Number(row[k] ?? 0);
  const counts = verdicts.map((v, vi) => ({
    verdictId: v.id,
    units: n("units"),
    pass: n(`p${vi}`),
    missByOne: n(`m${vi}`),
    criteria: v.criteria.map((c, ci) => ({ id: c.id, failing: n(`n${cols[vi]![ci]}`), onlyFailing: n(`o${cols[vi]![ci]}`) })),
  }));
  return { counts, sums: new Map(n("units") > 0 ? sumNodes.map((id, k) => [id, { value: n(`sv${k}`), max: n(`sm${k}`) }]) : []) };
}
