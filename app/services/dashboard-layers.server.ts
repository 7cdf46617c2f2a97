import type { Db } from "#db/client.server";
import type { Layer } from "#db/schema";
import { ENGINE_VERSION, scoreAssessment } from "~/domain/scoring/score";
import { newId } from "~/utils/ids";
import { getFrozenInstrument } from "./frozen-instruments.server";
import { loadLayerRows, mergeLayers } from "./layers.server";

/**
 * Stores the score of an evaluator layer as a snapshot (layer = "internal" / "external"): the team's
 * answers with this layer's answers prevailing — the same total the assessment page shows for the
 * layer. Call it when a layer is released (and again if its answers change afterwards); dashboards
 * read only snapshots whose layer release is not revoked. Returns the snapshot id.
 */
export async function writeLayerSnapshot(
  db: Db,
  assessmentId: string,
  layer: Exclude<Layer, "self">,
  actorId: string | null,
  now = new Date().toISOString(),
): Promise<string> {
  const assessment = await db
    .selectFrom("assessment")
    .select(["id", "instrument_hash"])
    .where("id", "=", assessmentId)
    .executeTakeFirstOrThrow();
  const instrument = await getFrozenInstrument(db, assessment.instrument_hash);
  const rows = await loadLayerRows(db, assessmentId, ["self", layer]);
  const { answers } = mergeLayers(rows, ["self", layer]);
  const result = scoreAssessment(instrument, answers);
  const id = newId();
  await db
    .insertInto("score_snapshot")
    .values({
      id,
      assessment_id: assessmentId,
      layer,
      instrument_hash: assessment.instrument_hash,
      engine_version: ENGINE_VERSION,
      total: result.total,
      predicate: result.predicate?.code ?? null,
      result_json: JSON.stringify(result),
      answers_json: JSON.stringify(answers),
      created_at: now,
      created_by: actorId,
    })
    .execute();
  const nodes = Object.values(result.nodes).map((n) => ({
    snapshot_id: id,
    node_id: n.id,
    level: n.level,
    value: n.value,
    max: n.max,
    answered: n.answered,
    items: n.items,
  }));
  for (let i = 0; i < nodes.length; i += 500)
    await db
      .insertInto("score_snapshot_node")
      .values(nodes.slice(i, i + 500))
      .execute();
  return id;
}
