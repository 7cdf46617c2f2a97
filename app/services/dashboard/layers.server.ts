import type { Db } from "#db/client.server";
import type { Layer } from "#db/schema";
import { getFrozenInstrument } from "~/services/instruments/frozen.server";
import { storeSnapshot } from "~/services/workbench/snapshots.server";
import { loadLayerRows, mergeLayers } from "~/services/evaluation/layer-rows.server";

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
  return storeSnapshot(db, {
    assessmentId,
    instrumentHash: assessment.instrument_hash,
    instrument,
    layer,
    answers,
    actorId,
    now,
  });
}
