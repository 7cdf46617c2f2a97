import { sql } from "kysely";
import type { Db } from "../client.server";
import { finalSnapshots, isLatestSnapshot, pageWithTotals, unitInScope, type SnapshotFilter } from "./dashboard";

export interface LayerRow {
  unitId: string;
  unitName: string;
  assessmentId: string;
  self: number;
  internal: number | null;
  external: number | null;
}

export interface LayerSummary {
  assessments: number;
  meanSelf: number | null;
  meanInternal: number | null;
  meanExternal: number | null;
}

const internalTotal = sql<number | null>`MAX(CASE WHEN e.layer = 'internal' THEN e.total END)`;
const externalTotal = sql<number | null>`MAX(CASE WHEN e.layer = 'external' THEN e.total END)`;
const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/**
 * Self total next to the released evaluator layers' totals (the latest snapshot of each layer whose
 * release is not revoked), for the final assessments of one period; `evalPaths` narrows to the units
 * where the viewer may read evaluations. Largest downward correction first, at most `limit` rows, and
 * the means over all of them.
 */
export async function layerTotals(
  db: Db,
  f: SnapshotFilter,
  periodId: string,
  evalPaths: readonly string[] | null,
  limit: number,
): Promise<{ rows: LayerRow[]; summary: LayerSummary }> {
  const rows = await finalSnapshots(db, f)
    .innerJoin("layer_release as lr", (j) => j.onRef("lr.assessment_id", "=", "a.id").on("lr.revoked_at", "is", null))
    .innerJoin("score_snapshot as e", (j) => j.onRef("e.assessment_id", "=", "a.id").onRef("e.layer", "=", "lr.layer"))
    .innerJoin("unit as u", "u.id", "a.unit_id")
    .where("a.period_id", "=", periodId)
    .where("lr.layer", "in", ["internal", "external"])
    .where(unitInScope({ ...f, unitPaths: evalPaths }))
    .where(isLatestSnapshot("e"))
    .select(["u.id as unitId", "u.name as unitName", "a.id as assessmentId", "s.total as self"])
    .select([
      internalTotal.as("internal"),
      externalTotal.as("external"),
      sql<number>`COUNT(*) OVER ()`.as("allAssessments"),
      sql<number>`AVG(s.total) OVER ()`.as("meanSelf"),
      sql<number | null>`AVG(MAX(CASE WHEN e.layer = 'internal' THEN e.total END)) OVER ()`.as("meanInternal"),
      sql<number | null>`AVG(MAX(CASE WHEN e.layer = 'external' THEN e.total END)) OVER ()`.as("meanExternal"),
    ])
    .groupBy(["u.id", "u.name", "a.id", "s.total"])
    .orderBy(
      sql`COALESCE(MAX(CASE WHEN e.layer = 'external' THEN e.total END), MAX(CASE WHEN e.layer = 'internal' THEN e.total END)) - s.total`,
    )
    .orderBy("u.name")
    .limit(limit)
    .execute();
  const page = pageWithTotals(
    rows,
    (r) => ({
      unitId: r.unitId,
      unitName: r.unitName,
      assessmentId: r.assessmentId,
      self: Number(r.self),
      internal: n(r.internal),
      external: n(r.external),
    }),
    (first) => ({
      assessments: Number(first.allAssessments ?? 0),
      meanSelf: n(first.meanSelf),
      meanInternal: n(first.meanInternal),
      meanExternal: n(first.meanExternal),
    }),
  );
  return { rows: page.rows, summary: page.totals };
}
