/**
 * Changing which items an evidence row supports: attach to another item, detach from one, remove
 * from all. Links are soft-removed (removed_at); files are never deleted here (see gc.server.ts).
 */
import type { Db } from "#db/client.server";
import type { Evidence } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import type { AssessmentContext } from "~/services/workbench/assessments.server";
import {
  assertEditable,
  assertVisible,
  audit,
  fillContext,
  linkItem,
  liveEvidence,
  liveItemIds,
  summary,
  viewAfterChange,
  type EvidenceOptions,
  type Target,
} from "./access.server";
import { EvidenceError, type EvidenceView } from "./rules";

/** What a link change did, for the audit log; null when it changed nothing. */
type LinkChange = { action: string; after: Record<string, unknown> } | null;

interface LinkChangeInput {
  trx: Db;
  actor: Actor;
  ctx: AssessmentContext;
  row: Evidence;
  before: string[];
  /** The items of `before` whose link the actor may see (blind rounds). */
  visible: string[];
  evidenceId: string;
  itemId: string;
}

/**
 * Builds attach and detach on one frame: the item must be editable, then one transaction reads the
 * live row and its links, applies `change` and audits the before/after summaries.
 */
function itemLinkChange(change: (input: LinkChangeInput) => Promise<LinkChange>) {
  return async (
    db: Db,
    actor: Actor,
    assessment: Target,
    evidenceId: string,
    itemId: string,
    opts: EvidenceOptions = {},
  ): Promise<EvidenceView> => {
    const ctx = await fillContext(db, actor, assessment);
    await assertEditable(db, actor, ctx, itemId, opts);
    await db.transaction().execute(async (trx) => {
      const row = await liveEvidence(trx, ctx, evidenceId);
      const before = await liveItemIds(trx, evidenceId);
      const visible = await assertVisible(trx, actor, ctx, evidenceId);
      const done = await change({ trx, actor, ctx, row, before, visible, evidenceId, itemId });
      if (done) await audit(trx, actor, ctx, done.action, evidenceId, summary(row, before), done.after, opts);
    });
    return viewAfterChange(db, actor, ctx, evidenceId);
  };
}

/** Lets one evidence row support another item of the same assessment ("attach existing"). Idempotent. */
export const attachEvidence = itemLinkChange(async ({ trx, actor, ctx, row, before, evidenceId, itemId }) => {
  if (before.includes(itemId)) return null;
  await linkItem(trx, actor, ctx, evidenceId, itemId, new Date().toISOString());
  return { action: "evidence.attach", after: summary(row, [...before, itemId].sort()) };
});

/**
 * Unlinks evidence from one item (soft: removed_at). When no item is left the evidence row itself
 * is marked removed. Files are never deleted: a blob stays on disk even when nothing references it,
 * so no removal can ever destroy a file another row (or a carried-over assessment) still uses.
 */
export const detachEvidence = itemLinkChange(async ({ trx, actor, row, before, visible, evidenceId, itemId }) => {
  if (!visible.includes(itemId)) throw new EvidenceError("evidence.notFound", "evidenceId");
  const now = new Date().toISOString();
  await trx
    .updateTable("evidence_item")
    .set({ removed_at: now })
    .where("evidence_id", "=", evidenceId)
    .where("item_id", "=", itemId)
    .where("removed_at", "is", null)
    .execute();
  const after = before.filter((i) => i !== itemId);
  if (after.length === 0)
    await trx.updateTable("evidence").set({ removed_at: now, removed_by: actor.id }).where("id", "=", evidenceId).execute();
  return { action: "evidence.detach", after: { ...summary(row, after), removed: after.length === 0 } };
});

/** Removes evidence from every item at once; each of those items must be editable. */
export async function removeEvidence(
  db: Db,
  actor: Actor,
  assessment: Target,
  evidenceId: string,
  opts: EvidenceOptions = {},
): Promise<EvidenceView> {
  const ctx = await fillContext(db, actor, assessment);
  const row = await liveEvidence(db, ctx, evidenceId);
  const before = await liveItemIds(db, evidenceId);
  await assertVisible(db, actor, ctx, evidenceId);
  for (const itemId of before) await assertEditable(db, actor, ctx, itemId, opts);
  await db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    await trx
      .updateTable("evidence_item")
      .set({ removed_at: now })
      .where("evidence_id", "=", evidenceId)
      .where("removed_at", "is", null)
      .execute();
    await trx
      .updateTable("evidence")
      .set({ removed_at: now, removed_by: actor.id })
      .where("id", "=", evidenceId)
      .where("removed_at", "is", null)
      .execute();
    await audit(trx, actor, ctx, "evidence.remove", evidenceId, summary(row, before), { ...summary(row, []), removed: true }, opts);
  });
  return viewAfterChange(db, actor, ctx, evidenceId);
}
