import type { Db } from "#db/client.server";
import type { Insertable } from "kysely";
import type { Layer, ScoreSnapshotNodeTable, ScoreSnapshotTable } from "#db/schema";
import type { Instrument } from "~/domain/instrument/schema";
import type { Answers } from "~/domain/scoring/answers";
import { ENGINE_VERSION, scoreAssessment } from "~/domain/scoring/score";
import { newId } from "~/utils/ids";

export interface SnapshotInput {
  assessmentId: string;
  instrumentHash: string;
  instrument: Instrument;
  layer: Layer;
  answers: Answers;
  actorId: string | null;
  now: string;
}

/** The rows of one snapshot: the scored result with its answers, and one row per node for the dashboards' SQL aggregates. */
export function snapshotRows(s: SnapshotInput): { snapshot: Insertable<ScoreSnapshotTable>; nodes: Insertable<ScoreSnapshotNodeTable>[] } {
  const result = scoreAssessment(s.instrument, s.answers);
  const id = newId();
  return {
    snapshot: {
      id,
      assessment_id: s.assessmentId,
      layer: s.layer,
      instrument_hash: s.instrumentHash,
      engine_version: ENGINE_VERSION,
      total: result.total,
      predicate: result.predicate?.code ?? null,
      result_json: JSON.stringify(result),
      answers_json: JSON.stringify(s.answers),
      created_at: s.now,
      created_by: s.actorId,
    },
    nodes: Object.values(result.nodes).map((n) => ({
      snapshot_id: id,
      node_id: n.id,
      level: n.level,
      value: n.value,
      max: n.max,
      answered: n.answered,
      items: n.items,
    })),
  };
}

/**
 * Scores one layer's answers and stores the snapshot (snapshotRows). Finalising (self) and releasing
 * a layer both come here, so a stored result always belongs to the stored answers.
 */
export async function storeSnapshot(db: Db, s: SnapshotInput): Promise<string> {
  const { snapshot, nodes } = snapshotRows(s);
  await db.insertInto("score_snapshot").values(snapshot).execute();
  // 7 parameters a row: 500 rows stay far below SQLite's and PostgreSQL's parameter limits.
  for (let i = 0; i < nodes.length; i += 500) await db.insertInto("score_snapshot_node").values(nodes.slice(i, i + 500)).execute();
  return snapshot.id;
}
