/*
 * Applying a stored LKE import preview: one transaction, every unblocked change, conflicts only
 * where chosen, through the editor's own saves (role, window, locked state, optimistic concurrency),
 * each audited with the workbook as its source. A change in Cermin after the preview aborts it all.
 * Clearances (a blank answer cell over an answered item) are applied only with `allowClear`: exactly
 * the ones the preview listed, each audited like any other save.
 */
import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import { forbidden, notFound } from "~/auth/require.server";
import { sameAnswer } from "~/domain/lke/cells";
import { assertItemEditable, parseValue, saveAnswerIn } from "~/services/workbench/answers.server";
import type { AssessmentContext } from "~/services/workbench/assessments.server";
import { writeAudit } from "~/services/admin/audit.server";
import { addLinkEvidenceIn } from "~/services/evidence/evidence.server";
import { saveEvaluatorAnswerIn } from "~/services/evaluation/layers.server";
import { changeKey, isClearance, type ImportChange, type ImportPreview } from "./import.server";

export class ImportApplyError extends Error {
  constructor(
    readonly key: "lke.stale" | "lke.applied" | "lke.nothing" | "lke.notFound" | "lke.onlyClears",
    readonly detail?: string,
  ) {
    super(detail ? `${key}: ${detail}` : key);
  }
}

/** A stored preview of this assessment, for the user who made it. */
export async function getImportPreview(
  db: Db,
  actor: Actor,
  ctx: AssessmentContext,
  importId: string,
): Promise<{ preview: ImportPreview; appliedAt: string | null }> {
  const row = await db
    .selectFrom("lke_import")
    .selectAll()
    .where("id", "=", importId)
    .where("assessment_id", "=", ctx.assessment.id)
    .executeTakeFirst();
  if (!row) throw notFound();
  if (row.user_id !== actor.id) throw forbidden();
  return { preview: JSON.parse(row.preview_json) as ImportPreview, appliedAt: row.applied_at };
}

export interface ApplyResult {
  answers: number;
  links: number;
  /** Answers cleared (included in `answers`). */
  cleared: number;
  /** Clearances left out because clearing was not allowed. */
  clearsLeftOut: number;
}

/** Which of the preview's changes an apply makes, and whether each one's answer part is applied. */
export function planApply(
  preview: Pick<ImportPreview, "changes">,
  opts: { takeConflicts?: string[]; allowClear?: boolean },
): { todo: Array<{ change: ImportChange; answer: boolean }>; clearsLeftOut: number } {
  const take = new Set(opts.takeConflicts ?? []);
  const todo: Array<{ change: ImportChange; answer: boolean }> = [];
  let clearsLeftOut = 0;
  for (const c of preview.changes) {
    if (c.blocked || (c.conflict && !take.has(changeKey(c)))) continue;
    const clears = isClearance(c);
    if (clears && !opts.allowClear) {
      clearsLeftOut++;
      // Its new links (if any) are still added; the answer stays.
      if (c.layer === "self" && c.newLinks.length) todo.push({ change: c, answer: false });
      continue;
    }
    todo.push({ change: c, answer: c.answerChanged });
  }
  return { todo, clearsLeftOut };
}

/**
 * Applies a stored preview as one transaction: every unblocked change, conflicts only where chosen.
 * A change made in Cermin after the preview aborts the whole import (nothing applied).
 */
export async function applyImport(
  db: Db,
  actor: Actor,
  ctx: AssessmentContext,
  importId: string,
  opts: { takeConflicts?: string[]; overrideReason?: string | null; allowClear?: boolean } = {},
): Promise<ApplyResult> {
  const { preview, appliedAt } = await getImportPreview(db, actor, ctx, importId);
  if (appliedAt) throw new ImportApplyError("lke.applied");
  const take = new Set(opts.takeConflicts ?? []);
  const { todo, clearsLeftOut } = planApply(preview, opts);
  if (todo.length === 0) {
    // Nothing but clearances: refused unless the user says to clear.
    if (clearsLeftOut) throw new ImportApplyError("lke.onlyClears", String(clearsLeftOut));
    throw new ImportApplyError("lke.nothing");
  }
  const source = { kind: "excel_import", importId, file: preview.fileName, sha256: preview.sha256 };
  const result: ApplyResult = { answers: 0, links: 0, cleared: 0, clearsLeftOut };
  await db.transaction().execute(async (trx) => {
    const used = await trx
      .updateTable("lke_import")
      .set({ applied_at: new Date().toISOString() })
      .where("id", "=", importId)
      .where("applied_at", "is", null)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) throw new ImportApplyError("lke.applied");
    for (const { change: c, answer } of todo) {
      const baseVersion = c.before?.version ?? 0;
      if (answer) {
        if (c.layer === "self") {
          const saved = await saveAnswerIn(
            trx,
            actor,
            ctx,
            { itemId: c.itemId, baseVersion, value: c.after.value, note: c.after.note, overrideReason: opts.overrideReason ?? null },
            source,
          );
          if (!saved.ok) throw new ImportApplyError("lke.stale", c.itemId);
        } else {
          const current = await trx
            .selectFrom("answer")
            .select(["version", "value_json"])
            .where("assessment_id", "=", ctx.assessment.id)
            .where("layer", "=", c.layer)
            .where("item_id", "=", c.itemId)
            .executeTakeFirst();
          if ((current?.version ?? 0) !== baseVersion) throw new ImportApplyError("lke.stale", c.itemId);
          const self = await trx
            .selectFrom("answer")
            .select("value_json")
            .where("assessment_id", "=", ctx.assessment.id)
            .where("layer", "=", "self")
            .where("item_id", "=", c.itemId)
            .executeTakeFirst();
          const agree = sameAnswer(parseValue(self?.value_json ?? null), c.after.value);
          await saveEvaluatorAnswerIn(
            trx,
            actor,
            ctx,
            {
              layer: c.layer,
              itemId: c.itemId,
              decision: agree ? "agree" : "adjust",
              value: c.after.value,
              note: c.after.note,
              recommendation: null,
            },
            source,
          );
        }
        result.answers++;
        if (isClearance(c)) result.cleared++;
      }
      if (c.layer === "self" && c.newLinks.length) {
        if (!answer) await assertItemEditable(trx, actor, ctx, c.itemId, opts.overrideReason ?? null);
        for (const url of c.newLinks) if (await addLinkEvidenceIn(trx, actor, ctx, c.itemId, url, source)) result.links++;
      }
    }
    await writeAudit(trx, {
      actorUserId: actor.id,
      organisationId: ctx.assessment.organisation_id,
      action: "lke.import",
      entityType: "assessment",
      entityId: ctx.assessment.id,
      after: {
        ...source,
        answers: result.answers,
        links: result.links,
        cleared: result.cleared,
        clearsLeftOut,
        conflictsTaken: [...take],
      },
    });
  });
  return result;
}
