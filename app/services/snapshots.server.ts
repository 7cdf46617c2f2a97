import type { Db } from "#db/client.server";
import type { Layer } from "#db/schema";
import type { Answers } from "~/domain/scoring/answers";
import { ENGINE_VERSION } from "~/domain/scoring/score";
import type { ScoreResult } from "~/domain/scoring/types";
import { newId } from "~/utils/ids";

/**
 * Stores one scored layer of an assessment: the JSON result with the answers scored, and one row per
 * node for the dashboards' SQL aggregates. Finalising (self) and releasing a layer both come here.
 */
export async function storeSnapshot(
  db: Db,
  s: { assessmentId: string; instrumentHash: string; layer: Layer; result: ScoreResult; answers: Answers; actorId: string | null; now: string },
): Promise<string> {
  const id = newId();
  await db
    .insertInto("score_snapshot")
    .values({
      id,
      assessment_id: s.assessmentId,
      layer: s.layer,
      instrument_hash: s.instrumentHash,
      engine_version: ENGINE_VERSION,
      total: s.result.total,
      predicate: s.result.predicate?.code ?? null,
      result_json: JSON.stringify(s.result),
      answers_json: JSON.stringify(s.answers),
      created_at: s.now,
      created_by: s.actorId,
    })
    .execute();
  const nodes = Object.values(s.result.nodes).map((n) => ({
    snapshot_id: id,
    node_id: n.id,
    level: n.level,
    value: n.value,
    max: n.max,
    answered: n.answered,
    items: n.items,
  }));
  // 7 parameters a row: 500 rows stay far below SQLite's and PostgreSQL's parameter limits.
  for (let i = 0; i < nodes.length; i += 500) await db.insertInto("score_snapshot_node").values(nodes.slice(i, i + 500)).execute();
  return id;
}
