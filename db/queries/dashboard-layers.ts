import { sql } from "kysely";
import type { Db } from "../client.server";
import { finalSnapshots, inSubtrees, isLatestSnapshot, type SnapshotFilter } from "./dashboard";

export interface LayerRow {
  unitId: string;
  unitName: string;
  assessmentId: string;
  self: number;
  internal: number | null;
  external: number | null;
}

/**
 * Self total next to the released evaluator layers' totals (latest snapshot of each layer whose
 * release is not revoked), for final assessments of one period. `evalPaths` narrows to the units
 * where the viewer may read evaluations. Largest downward adjustment first.
 */
function layerBase(db: Db, f: SnapshotFilter, periodId: string, evalPaths: readonly string[] | null) {
  return finalSnapshots(db, f)
    .innerJoin("layer_release as lr", (j) => j.onRef("lr.assessment_id", "=", "a.id").on("lr.revoked_at", "is", null))
    .innerJoin("score_snapshot as e", (j) => j.onRef("e.assessment_id", "=", "a.id").onRef("e.layer", "=", "lr.layer"))
    .where("a.period_id", "=", periodId)
    .where("lr.layer", "in", ["internal", "external"])
    .where(inSubtrees(evalPaths))
    .where(isLatestSnapshot("e"));
}

const internalTotal = sql<number | null>`MAX(CASE WHEN e.layer = 'internal' THEN e.total END)`;
const externalTotal = sql<number | null>`MAX(CASE WHEN e.layer = 'external' THEN e.total END)`;

export async function layerTotals(db: Db, f: SnapshotFilter, periodId: string, evalPaths: readonly string[] | null, limit: number): Promise<LayerRow[]> {
  const rows = await layerBase(db, f, periodId, evalPaths)
    .select(["u.id as unitId", "u.name as unitName", "a.id as assessmentId", "s.total as self"])
    .select([internalTotal.as("internal"), externalTotal.as("external")])
    .groupBy(["u.id", "u.name", "a.id", "s.total"])
    .orderBy(sql`COALESCE(MAX(CASE WHEN e.layer = 'external' THEN e.total END), MAX(CASE WHEN e.layer = 'internal' THEN e.total END)) - s.total`)
    .orderBy("u.name")
    .limit(limit)
    .execute();
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return rows.map((r) => ({ unitId: r.unitId, unitName: r.unitName, assessmentId: r.assessmentId, self: Number(r.self), internal: n(r.internal), external: n(r.external) }));
}

export interface LayerSummary {
  assessments: number;
  meanSelf: number | null;
  meanInternal: number | null;
  meanExternal: number | null;
}

/** Means over every assessment with a released evaluator layer (not only the rows charted). */
export async function layerSummary(db: Db, f: SnapshotFilter, periodId: string, evalPaths: readonly string[] | null): Promise<LayerSummary> {
  const inner = layerBase(db, f, periodId, evalPaths)
    .select(["a.id", "s.total as self"])
    .select([internalTotal.as("internal"), externalTotal.as("external")])
    .groupBy(["a.id", "s.total"]);
  const row = await db
    .selectFrom(inner.as("t"))
    .select((eb) => [
      eb.fn.countAll<number>().as("assessments"),
      eb.fn.avg<number>("t.self").as("meanSelf"),
      eb.fn.avg<number>("t.internal").as("meanInternal"),
      eb.fn.avg<number>("t.external").as("meanExternal"),
    ])
    .executeTakeFirst();
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return { assessments: Number(row?.assessments ?? 0), meanSelf: n(row?.meanSelf), meanInternal: n(row?.meanInternal), meanExternal: n(row?.meanExternal) };
}
