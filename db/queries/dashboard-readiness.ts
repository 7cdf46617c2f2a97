import { sql, type RawBuilder } from "kysely";
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

function failFlag(c: ReadinessCriterion): RawBuilder<number> {
  if (c.kind === "node") {
    const [node] = c.nodes;
    return sql<number>`CASE WHEN COALESCE(SUM(CASE WHEN n.node_id = ${node} THEN n.value END), 0) < ${c.required - TOLERANCE} THEN 1 ELSE 0 END`;
  }
  const ids = sql.join(c.nodes.map((id) => sql`${id}`));
  const value = sql`SUM(CASE WHEN n.node_id IN (${ids}) THEN n.value ELSE 0 END)`;
  const max = sql`SUM(CASE WHEN n.node_id IN (${ids}) THEN n.max ELSE 0 END)`;
  return sql<number>`CASE WHEN (CASE WHEN ${max} > 0 THEN ${value} * 100.0 / ${max} ELSE 0 END) < ${c.required - TOLERANCE} THEN 1 ELSE 0 END`;
}

/**
 * How many units of a period pass each verdict on its score criteria, and how many miss by exactly
 * one — computed in the database from the stored node rows (one pass over ~20 nodes per snapshot).
 */
export async function readinessCounts(db: Db, f: SnapshotFilter, periodId: string, verdicts: readonly ReadinessVerdict[]): Promise<ReadinessCount[]> {
  const all = verdicts.flatMap((v) => v.criteria);
  if (all.length === 0) return [];
  const nodeIds = [...new Set(all.flatMap((c) => c.nodes))];
  const cols = verdicts.map((v, vi) => v.criteria.map((_c, ci) => `f${vi}_${ci}`));
  const inner = finalSnapshots(db, f)
    .innerJoin("score_snapshot_node as n", "n.snapshot_id", "s.id")
    .where("a.period_id", "=", periodId)
    .where("n.node_id", "in", nodeIds)
    .select("s.id")
    .select(verdicts.flatMap((v, vi) => v.criteria.map((c, ci) => failFlag(c).as(cols[vi]![ci]!))))
    .groupBy("s.id");
  const outer: RawBuilder<unknown>[] = [sql`COUNT(*) AS units`];
  cols.forEach((vc, vi) => {
    const fails = vc.length ? sql.join(vc.map((c) => sql.ref(`t.${c}`)), sql` + `) : sql`0`;
    outer.push(sql`SUM(CASE WHEN ${fails} = 0 THEN 1 ELSE 0 END) AS ${sql.ref(`p${vi}`)}`);
    outer.push(sql`SUM(CASE WHEN ${fails} = 1 THEN 1 ELSE 0 END) AS ${sql.ref(`m${vi}`)}`);
    for (const c of vc) {
      outer.push(sql`SUM(${sql.ref(`t.${c}`)}) AS ${sql.ref(`n${c}`)}`);
      outer.push(sql`SUM(CASE WHEN ${fails} = 1 AND ${sql.ref(`t.${c}`)} = 1 THEN 1 ELSE 0 END) AS ${sql.ref(`o${c}`)}`);
    }
  });
  const result = await sql<Record<string, unknown>>`SELECT ${sql.join(outer)} FROM (${inner}) t`.execute(db);
  const row = result.rows[0] ?? {};
  const n = (k: string) => Number(row[k] ?? 0);
  return verdicts.map((v, vi) => ({
    verdictId: v.id,
    units: n("units"),
    pass: n(`p${vi}`),
    missByOne: n(`m${vi}`),
    criteria: v.criteria.map((c, ci) => ({ id: c.id, failing: n(`n${cols[vi]![ci]}`), onlyFailing: n(`o${cols[vi]![ci]}`) })),
  }));
}
