import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import { forbidden } from "~/auth/require.server";
import { outlineOf } from "~/domain/instrument/outline";
import type { AssessmentContext } from "./assessments.server";
import { editorRole, parseValue, saveAnswerIn, WorkbenchError } from "./answers.server";

export interface ConfirmCarriedResult {
  /** Carried-over answers confirmed now. */
  confirmed: number;
  /** Carried-over answers this user may not confirm now (another assessor's area, a returned-only item, a closed window, …). */
  skipped: number;
}

/**
 * Confirms every carried-over self answer of the assessment, or of one area (issue #27): each one
 * exactly as a single confirm on the area page (saveAnswerIn with the stored value, note and version:
 * the same assignment, status and window rules, and an `answer.confirm` audit row per item). An item
 * the user may not change is skipped and counted; each item is its own transaction, so one refusal
 * does not undo the others.
 */
export async function confirmCarried(db: Db, actor: Actor, ctx: AssessmentContext, areaId: string | null): Promise<ConfirmCarriedResult> {
  if (!editorRole(actor, ctx)) throw forbidden();
  const outline = outlineOf(ctx.instrument);
  if (areaId !== null && !outline.areas.some((a) => a.id === areaId)) throw new WorkbenchError("workbench.unknownItem");
  const rows = await db
    .selectFrom("answer")
    .select(["item_id", "value_json", "note", "version"])
    .where("assessment_id", "=", ctx.assessment.id)
    .where("layer", "=", "self")
    .where("carried_over", "=", 1)
    .orderBy("item_id")
    .execute();
  const out: ConfirmCarriedResult = { confirmed: 0, skipped: 0 };
  for (const row of rows) {
    if (!outline.items.has(row.item_id)) continue;
    if (areaId !== null && outline.areaOfItem.get(row.item_id) !== areaId) continue;
    try {
      const input = { itemId: row.item_id, baseVersion: row.version, value: parseValue(row.value_json), note: row.note };
      const saved = await db.transaction().execute((trx) => saveAnswerIn(trx, actor, ctx, input));
      if (saved.ok) out.confirmed++;
      else out.skipped++;
    } catch (e) {
      if (e instanceof WorkbenchError || (e instanceof Response && e.status === 403)) out.skipped++;
      else throw e;
    }
  }
  return out;
}
