// The one way a new answer row is written (self answers, evaluator layers, answers carried into a new
// assessment): a fresh answer is pending review, without a review note.
import type { Db } from "#db/client.server";
import type { Layer } from "#db/schema";
import { newId } from "~/utils/ids";

export interface NewAnswer {
  assessmentId: string;
  layer: Layer;
  itemId: string;
  valueJson: string | null;
  note: string | null;
  version: number;
  /** Copied from an earlier assessment rather than typed in this one. */
  carriedOver?: boolean;
  actorId: string;
  now: string;
}

export async function insertAnswer(db: Db, a: NewAnswer): Promise<void> {
  await db
    .insertInto("answer")
    .values({
      id: newId(),
      assessment_id: a.assessmentId,
      layer: a.layer,
      item_id: a.itemId,
      value_json: a.valueJson,
      note: a.note,
      version: a.version,
      carried_over: a.carriedOver ? 1 : 0,
      review_status: "pending",
      review_note: null,
      updated_by: a.actorId,
      updated_at: a.now,
    })
    .execute();
}
