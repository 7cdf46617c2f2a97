import type { Db } from "../client.server";
import type { AssessmentStatus } from "../schema";
import { isLatestSnapshot } from "./dashboard";

export interface UnitAssessmentRow {
  assessmentId: string;
  periodId: string;
  year: number;
  periodName: string;
  status: AssessmentStatus;
  instrumentHash: string;
  snapshotId: string | null;
  total: number | null;
  predicate: string | null;
}

/** Every assessment of one unit and instrument family, oldest period first, with its latest self snapshot when final. */
export async function unitAssessments(db: Db, unitId: string, instrumentId: string | readonly string[]): Promise<UnitAssessmentRow[]> {
  const ids = typeof instrumentId === "string" ? [instrumentId] : [...instrumentId];
  const rows = await db
    .selectFrom("assessment as a")
    .innerJoin("period as p", "p.id", "a.period_id")
    .leftJoin("score_snapshot as s", (j) => j.onRef("s.assessment_id", "=", "a.id").on("s.layer", "=", "self").on(isLatestSnapshot("s")))
    .where("a.unit_id", "=", unitId)
    .where("a.instrument_id", "in", ids)
    .select([
      "a.id as assessmentId",
      "p.id as periodId",
      "p.year",
      "p.name as periodName",
      "a.status",
      "a.instrument_hash as instrumentHash",
      "s.id as snapshotId",
      "s.total",
      "s.predicate",
    ])
    .orderBy("p.year")
    .execute();
  return rows.map((r) => ({
    ...r,
    year: Number(r.year),
    // A reopened assessment keeps its old snapshot, but its numbers are no longer the final ones.
    snapshotId: r.status === "final" ? r.snapshotId : null,
    total: r.status === "final" && r.total !== null ? Number(r.total) : null,
    predicate: r.status === "final" ? r.predicate : null,
  }));
}

/** Instrument families a unit has assessments for. */
export async function unitInstruments(db: Db, unitId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("assessment")
    .select("instrument_id")
    .distinct()
    .where("unit_id", "=", unitId)
    .orderBy("instrument_id")
    .execute();
  return rows.map((r) => r.instrument_id);
}

export interface NodeRow {
  nodeId: string;
  level: string;
  value: number;
  max: number;
  answered: number;
  items: number;
}

/** Stored node rows of one snapshot (all of them when nodeIds is omitted). */
export async function snapshotNodes(db: Db, snapshotId: string, nodeIds?: readonly string[]): Promise<NodeRow[]> {
  if (nodeIds && nodeIds.length === 0) return [];
  let q = db
    .selectFrom("score_snapshot_node")
    .select(["node_id as nodeId", "level", "value", "max", "answered", "items"])
    .where("snapshot_id", "=", snapshotId);
  if (nodeIds) q = q.where("node_id", "in", [...nodeIds]);
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, value: Number(r.value), max: Number(r.max), answered: Number(r.answered), items: Number(r.items) }));
}

export async function snapshotRecord(db: Db, snapshotId: string) {
  return db
    .selectFrom("score_snapshot")
    .select(["id", "assessment_id", "total", "predicate", "engine_version", "instrument_hash", "created_at", "answers_json", "result_json"])
    .where("id", "=", snapshotId)
    .executeTakeFirst();
}

export interface ItemFacts {
  note: string | null;
  evidence: number;
}

/** Notes of the team's answers and the number of live evidence links, per item. */
export async function itemFacts(db: Db, assessmentId: string, itemIds: readonly string[]): Promise<Map<string, ItemFacts>> {
  const out = new Map<string, ItemFacts>();
  if (itemIds.length === 0) return out;
  const notes = await db
    .selectFrom("answer")
    .select(["item_id", "note"])
    .where("assessment_id", "=", assessmentId)
    .where("layer", "=", "self")
    .where("item_id", "in", [...itemIds])
    .execute();
  const counts = await db
    .selectFrom("evidence_item as ei")
    .innerJoin("evidence as e", "e.id", "ei.evidence_id")
    .select(["ei.item_id"])
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("ei.assessment_id", "=", assessmentId)
    .where("ei.item_id", "in", [...itemIds])
    .where("ei.removed_at", "is", null)
    .where("e.removed_at", "is", null)
    .groupBy("ei.item_id")
    .execute();
  for (const id of itemIds) out.set(id, { note: null, evidence: 0 });
  for (const n of notes) out.get(n.item_id)!.note = n.note;
  for (const c of counts) out.get(c.item_id)!.evidence = Number(c.n);
  return out;
}
