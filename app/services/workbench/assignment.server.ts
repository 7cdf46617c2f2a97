/**
 * The one assignment rule (issue #27), used by the editor's saves, evidence on an item, the area page
 * and the Excel import alike: an assessor who has at least one assignment in the assessment may
 * change only the items under the nodes assigned to them; an assessor with no assignment there (the
 * work was not divided for them) and a coordinator may change any item of their scope.
 */
import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import { outlineOf } from "~/domain/instrument/outline";
import type { AssessmentContext } from "./assessments.server";
import type { EditorRole } from "./rules";

/** Whether an assignment of `nodeId` covers `id` (the node itself or anything under it). */
export const covers = (nodeId: string, id: string) => id === nodeId || id.startsWith(`${nodeId}.`);

/**
 * The item ids this editor may change by assignment, or null when the rule does not restrict them
 * (a coordinator, or an assessor without any assignment in this assessment).
 */
export async function assignedItemsOf(db: Db, actor: Actor, ctx: AssessmentContext, role: EditorRole | null): Promise<Set<string> | null> {
  if (role !== "assessor") return null;
  const rows = await db
    .selectFrom("assignment")
    .select("node_id")
    .where("assessment_id", "=", ctx.assessment.id)
    .where("user_id", "=", actor.id)
    .execute();
  if (rows.length === 0) return null;
  const out = new Set<string>();
  for (const id of outlineOf(ctx.instrument).items.keys()) if (rows.some((r) => covers(r.node_id, id))) out.add(id);
  return out;
}

/** Whether the editor may change this item by assignment (see the file comment). */
export async function assignedTo(db: Db, actor: Actor, ctx: AssessmentContext, role: EditorRole | null, itemId: string): Promise<boolean> {
  const items = await assignedItemsOf(db, actor, ctx, role);
  return items === null || items.has(itemId);
}
