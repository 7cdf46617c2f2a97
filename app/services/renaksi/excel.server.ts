/*
 * The Rencana Aksi as an Excel workbook (issue #29, spec rb-2024 §2.2, §3.2): export in the portal's
 * template shape, import with a preview first (per row what is added, changed or cleared; nothing
 * written) and an apply that writes everything in one transaction, audited once ("renaksi.import"),
 * with the plan's version bumped and A101/A102 re-scored once. Layout: excel-shape.ts.
 *
 * Rules of the import:
 * - Row identity. "Rencana Aksi": (kode_indikator, rencana_aksi, indikator_output); "RB Tematik": the
 *   output by (tema, permasalahan, rencana_aksi, indikator_output), and the cells of the row that name
 *   a sasaran, an indikator road map or an indikator permasalahan identify those nodes by name under
 *   their parent (Cermin keeps the road map branch and the problem branch apart; a row carries one of
 *   each). The same identity twice is the next output with that identity (the n-th row ↔ the n-th
 *   output, in the plan's order), so a plan with repeated names survives a round trip.
 * - Changing an identity cell (an action's text, an output's indicator) adds a new row; nothing is
 *   ever deleted by an import: rows missing from the workbook stay as they are.
 * - A blank cell over a stored value clears it: applied only with `confirmClear`.
 * - Any error (unknown indicator code or theme, a non-number or negative number, a required cell
 *   left blank, a closed window for the column changed, conflicting values for one node) names the
 *   sheet and cell, and nothing is written.
 * - Planning columns need the plan window open, realisation columns the monitoring window.
 * - RB Tematik keeps the budget realisation as one total (realisasi_anggaran, as the portal does):
 *   Cermin shows the sum of the quarters; a changed total is booked in TW4 and the other quarters emptied.
 */
import { createHash } from "node:crypto";
import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import { writeAudit } from "~/services/admin/audit.server";
import { requirePlan } from "./access.server";
import { renaksiContentFor } from "./content.server";
import { MAX_PLAN_WORKBOOK_BYTES } from "./excel-shape";
import { rescorePlan } from "./rescore.server";
import { RenaksiExcelError, type PlanImportPreview, type PlanImportResult } from "./excel-types";
import { diffPlan, countsOf } from "./excel-diff.server";
import { readBook } from "./excel-read.server";
export { exportPlanWorkbook, planWorkbookFileName } from "./excel-export.server";
export {
  RenaksiExcelError,
  type FieldChange,
  type ImportEntity,
  type PlanExcelIssue,
  type PlanImportPreview,
  type PlanImportResult,
  type RowChange,
} from "./excel-types";

// ── Preview and apply ─────────────────────────────────────────────────────────────────────────

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** What importing the workbook would change, row by row, and every problem with its sheet and cell. Writes nothing. */
export async function previewPlanImport(
  db: Db,
  actor: Actor,
  planId: string,
  bytes: Uint8Array,
  fileName = "rencana-aksi.xlsx",
): Promise<PlanImportPreview> {
  const ctx = await requirePlan(db, actor, planId, "fill");
  const book = await readBook(bytes, fileName, ctx.plan.id);
  const diff = await diffPlan(db, ctx, renaksiContentFor(ctx.plan.year), book);
  return {
    sha256: sha256(bytes),
    planVersion: ctx.plan.version,
    changes: diff.changes,
    errors: diff.errors,
    counts: countsOf(diff.changes),
  };
}

/**
 * Applies the workbook: everything or nothing, in one transaction, one "renaksi.import" audit row,
 * the plan's version bumped and A101/A102 re-scored once. Refused (RenaksiExcelError) when the
 * workbook has errors, when it would clear values and `confirmClear` is not given, or when the plan
 * changed since the preview (`expectedVersion`).
 */
export async function applyPlanImport(
  db: Db,
  actor: Actor,
  planId: string,
  bytes: Uint8Array,
  opts: { confirmClear?: boolean; expectedVersion?: number; fileName?: string } = {},
): Promise<PlanImportResult> {
  const ctx = await requirePlan(db, actor, planId, "fill");
  if (opts.expectedVersion !== undefined && opts.expectedVersion !== ctx.plan.version) throw new RenaksiExcelError("renaksiExcel.stale");
  const fileName = opts.fileName ?? "rencana-aksi.xlsx";
  const book = await readBook(bytes, fileName, ctx.plan.id);
  const content = renaksiContentFor(ctx.plan.year);
  return db.transaction().execute(async (trx) => {
    const now = await trx.selectFrom("renaksi_plan").select("version").where("id", "=", planId).executeTakeFirstOrThrow();
    if (now.version !== ctx.plan.version) throw new RenaksiExcelError("renaksiExcel.stale");
    const diff = await diffPlan(trx, ctx, content, book);
    if (diff.errors.length) throw new RenaksiExcelError("renaksiExcel.hasErrors", { count: diff.errors.length }, diff.errors);
    const counts = countsOf(diff.changes);
    if (counts.cleared > 0 && !opts.confirmClear) throw new RenaksiExcelError("renaksiExcel.clearNeedsConfirm", { count: counts.cleared });
    if (diff.ops.length === 0) return counts;
    const positions = new Map<string, number>();
    const next = async (table: "renaksi_action" | "renaksi_output" | "tematik_node") => {
      if (!positions.has(table)) {
        const r = await trx
          .selectFrom(table)
          .select((eb) => eb.fn.max("position").as("m"))
          .where("plan_id", "=", planId)
          .executeTakeFirst();
        positions.set(table, Number(r?.m ?? 0));
      }
      const p = positions.get(table)! + 1;
      positions.set(table, p);
      return p;
    };
    for (const op of diff.ops) {
      if (op.t === "node") {
        await trx
          .insertInto("tematik_node")
          .values({
            id: op.id,
            plan_id: planId,
            theme: op.theme,
            kind: op.kind,
            parent_id: op.parentId,
            name: op.name,
            ...op.cols,
            evaluator_note: null,
            position: await next("tematik_node"),
          })
          .execute();
      } else if (op.t === "nodeUpdate") {
        await trx.updateTable("tematik_node").set(op.cols).where("id", "=", op.id).where("plan_id", "=", planId).execute();
      } else if (op.t === "action") {
        await trx
          .insertInto("renaksi_action")
          .values({
            id: op.id,
            plan_id: planId,
            target_id: op.targetId,
            tematik_node_id: op.nodeId,
            text: op.text,
            position: await next("renaksi_action"),
          })
          .execute();
      } else if (op.t === "output") {
        await trx
          .insertInto("renaksi_output")
          .values({
            id: op.id,
            plan_id: planId,
            action_id: op.actionId,
            ...op.cols,
            budget_tw_json: JSON.stringify([null, null, null, null]),
            evaluator_note: null,
            position: await next("renaksi_output"),
          })
          .execute();
      } else {
        await trx.updateTable("renaksi_output").set(op.cols).where("id", "=", op.id).where("plan_id", "=", planId).execute();
      }
    }
    await trx
      .updateTable("renaksi_plan")
      .set({ version: ctx.plan.version + 1, updated_at: new Date().toISOString() })
      .where("id", "=", planId)
      .execute();
    await writeAudit(trx, {
      actorUserId: actor.id,
      organisationId: ctx.plan.organisation_id,
      action: "renaksi.import",
      entityType: "renaksi_plan",
      entityId: planId,
      before: { version: ctx.plan.version },
      after: {
        file: fileName,
        sha256: sha256(bytes),
        ...counts,
        // The changes themselves (at most 500, the rest counted), so the audit log shows what the workbook did.
        changes: diff.changes
          .slice(0, 500)
          .map((c) => ({
            sheet: c.sheet,
            row: c.row,
            op: c.op,
            entity: c.entity,
            name: c.name,
            fields: c.fields.map((f) => ({ column: f.column, before: f.before, after: f.after })),
          })),
        more: Math.max(0, diff.changes.length - 500),
      },
    });
    await rescorePlan(trx, actor, planId);
    return counts;
  });
}

export { MAX_PLAN_WORKBOOK_BYTES };
