/**
 * What every evidence change shares: the fill permission on the assessment, the item being editable
 * now, the audit entry, and the live rows and links it reads. Used by add.server.ts and links.server.ts.
 */
import type { Db } from "#db/client.server";
import type { Evidence } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { forbidden, notFound } from "~/auth/require.server";
import { outlineOf } from "~/domain/instrument/outline";
import { newId } from "~/utils/ids";
import { assertItemEditable, WorkbenchError } from "~/services/workbench/answers.server";
import { canOnUnit, requireAssessment, type AssessmentContext } from "~/services/workbench/assessments.server";
import { writeAudit } from "~/services/admin/audit.server";
import { blindScope, hiddenFrom } from "~/services/blind/visibility.server";
import { EvidenceError, type EvidenceView } from "./rules";
import { loadViews } from "./store.server";

export interface EvidenceOptions {
  ip?: string | null;
  /** An organisation admin's reason for acting outside the fill window (logged by assertItemEditable). */
  overrideReason?: string | null;
}

export type Target = string | AssessmentContext;

/** The assessment with fill permission: loads it by id, or re-checks an already loaded context (pure, no query). */
export async function fillContext(db: Db, actor: Actor, target: Target): Promise<AssessmentContext> {
  if (typeof target === "string") return requireAssessment(db, actor, target, "assessment.fill");
  if (!canOnUnit(actor, "assessment.read", target.unit)) throw notFound();
  if (!canOnUnit(actor, "assessment.fill", target.unit)) throw forbidden();
  return target;
}

/** The item must exist in the frozen instrument and be editable now (status, returned items, fill window). */
export async function assertEditable(db: Db, actor: Actor, ctx: AssessmentContext, itemId: string, opts: EvidenceOptions): Promise<void> {
  if (!outlineOf(ctx.instrument).items.has(itemId)) throw new EvidenceError("evidence.unknownItem", "itemId");
  try {
    await assertItemEditable(db, actor, ctx, itemId, opts.overrideReason ?? null);
  } catch (e) {
    if (e instanceof WorkbenchError) throw new EvidenceError(e.key, null, {}, e.key === "workbench.unknownItem" ? 400 : 403);
    throw e;
  }
}

export const audit = (
  db: Db,
  actor: Actor,
  ctx: AssessmentContext,
  action: string,
  entityId: string,
  before: unknown,
  after: unknown,
  opts: EvidenceOptions,
) =>
  writeAudit(db, {
    actorUserId: actor.id,
    organisationId: ctx.assessment.organisation_id,
    action,
    entityType: "evidence",
    entityId,
    before,
    after,
    ip: opts.ip ?? null,
  });

export async function liveItemIds(db: Db, evidenceId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("evidence_item")
    .select("item_id")
    .where("evidence_id", "=", evidenceId)
    .where("removed_at", "is", null)
    .orderBy("item_id")
    .execute();
  return rows.map((r) => r.item_id);
}

export async function linkItem(
  db: Db,
  actor: Actor,
  ctx: AssessmentContext,
  evidenceId: string,
  itemId: string,
  now: string,
): Promise<void> {
  await db
    .insertInto("evidence_item")
    .values({
      id: newId(),
      evidence_id: evidenceId,
      assessment_id: ctx.assessment.id,
      item_id: itemId,
      created_at: now,
      created_by: actor.id,
      removed_at: null,
    })
    .execute();
}

export async function liveEvidence(db: Db, ctx: AssessmentContext, evidenceId: string): Promise<Evidence> {
  const row = await db
    .selectFrom("evidence")
    .selectAll()
    .where("id", "=", evidenceId)
    .where("assessment_id", "=", ctx.assessment.id)
    .where("removed_at", "is", null)
    .executeTakeFirst();
  if (!row) throw new EvidenceError("evidence.notFound", "evidenceId");
  return row;
}

export const summary = (row: Evidence, itemIds: string[]) => ({ name: row.name, sha256: row.blob_sha256, url: row.url, itemIds });

/** The view of one evidence row after a change, as the actor sees it; removed rows are included so the caller sees the removal. */
export async function viewAfterChange(db: Db, actor: Actor, ctx: AssessmentContext, evidenceId: string): Promise<EvidenceView> {
  return (await loadViews(db, ctx.assessment.id, [evidenceId], false, viewerOf(actor, ctx)))[0]!;
}

export const viewerOf = (actor: Actor, ctx: AssessmentContext) => ({ id: actor.id, instrument: ctx.instrument });

/**
 * The items whose live link to this evidence the actor may see (blind/visibility.server.ts: another
 * rater's links in an open blind round are not theirs to see), and whether the evidence has live links at all.
 */
export async function visibleLinks(db: Db, actor: Actor, ctx: AssessmentContext, evidenceId: string): Promise<{ any: boolean; visible: string[] }> {
  const links = await db
    .selectFrom("evidence_item")
    .select(["item_id", "created_by", "created_at"])
    .where("evidence_id", "=", evidenceId)
    .where("removed_at", "is", null)
    .orderBy("item_id")
    .execute();
  if (links.length === 0) return { any: false, visible: [] };
  const scope = await blindScope(db, ctx.assessment.id, ctx.instrument);
  const visible = links.filter((l) => !hiddenFrom(scope, actor.id, { itemId: l.item_id, authorId: l.created_by, at: l.created_at }));
  return { any: true, visible: visible.map((l) => l.item_id) };
}

/** Another rater's blind evidence does not exist for the actor: changing it by id answers "not found". Returns the visible links. */
export async function assertVisible(db: Db, actor: Actor, ctx: AssessmentContext, evidenceId: string): Promise<string[]> {
  const links = await visibleLinks(db, actor, ctx, evidenceId);
  if (links.any && links.visible.length === 0) throw new EvidenceError("evidence.notFound", "evidenceId");
  return links.visible;
}
