// The joins most reads start from, named once: an assessment with its unit and period, and a score
// snapshot with its assessment, unit and period. Aliases: s (snapshot), a, u, p.
import type { Db } from "#db/client.server";

/** Assessments (a) with their unit (u) and period (p). */
export function assessmentsWithUnit(db: Db) {
  return db.selectFrom("assessment as a").innerJoin("unit as u", "u.id", "a.unit_id").innerJoin("period as p", "p.id", "a.period_id");
}

/** Score snapshots (s) with their assessment (a), unit (u) and period (p). */
export function snapshotsWithUnit(db: Db) {
  return db
    .selectFrom("score_snapshot as s")
    .innerJoin("assessment as a", "a.id", "s.assessment_id")
    .innerJoin("unit as u", "u.id", "a.unit_id")
    .innerJoin("period as p", "p.id", "a.period_id");
}
