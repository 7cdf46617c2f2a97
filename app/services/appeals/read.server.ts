import type { Db } from "#db/client.server";
import type { Appeal } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { appealRefusal, isAppealableItem, type AppealRefusal } from "~/domain/appeal/eligibility";
import { outlineOf } from "~/domain/instrument/outline";
import type { AnswerValue } from "~/domain/scoring/answers";
import type { Json } from "~/domain/seal/document";
import { canWriteLayer, type EvaluatorLayer } from "~/services/evaluation/layer-rows.server";
import { parseValue } from "~/services/workbench/answers.server";
import { canOnUnit, type AssessmentContext } from "~/services/workbench/assessments.server";
import { layerWindows, todayWib, type LayerWindow } from "./windows.server";

/*
 * Appeals, read side (issue #30): who is the organisation's team, the appeal records with their files and
 * seals, the rows a team may appeal now with the windows, and the overview's summary. Writing (filing,
 * deciding) is in appeals.server.ts.
 */

/** The organisation's own team: a membership in the assessment's organisation that may fill its assessment. */
export function isOwnTeam(actor: Actor, ctx: Pick<AssessmentContext, "assessment" | "unit">): boolean {
  return (
    actor.memberships.some((m) => m.organisationId === ctx.assessment.organisation_id) && canOnUnit(actor, "assessment.fill", ctx.unit)
  );
}

/** One row of a released evaluator layer, with whether the actor may appeal it now. */
export interface AppealableRow {
  itemId: string;
  areaId: string;
  layer: EvaluatorLayer;
  value: Json;
  selfValue: Json;
  note: string | null;
  refusal: AppealRefusal | null;
  openAppealId: string | null;
}

export interface AppealFileView {
  id: string;
  filename: string;
  mime: string;
  size: number;
}

export interface AppealView {
  id: string;
  assessmentId: string;
  itemId: string;
  layer: EvaluatorLayer;
  status: Appeal["status"];
  reason: string;
  filedBy: string | null;
  filedById: string | null;
  filedAt: string;
  valueBefore: Json;
  response: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  valueAfter: Json;
  sealSeq: number | null;
  /** Accepted: the layer's index after the new value, as the appeal seal's signed receipt records it. */
  layerTotal: number | null;
  files: AppealFileView[];
}

export const json = (text: string | null): Json => (text === null ? null : (JSON.parse(text) as Json));

/** Appeals with their filer, decider, seal and files, newest first (of one assessment, or the ids given). */
export async function loadAppeals(db: Db, where: { assessmentId?: string; ids?: string[] }): Promise<AppealView[]> {
  let q = db
    .selectFrom("appeal as a")
    .leftJoin("user as f", "f.id", "a.filed_by")
    .leftJoin("user as d", "d.id", "a.decided_by")
    .leftJoin("seal as s", "s.id", "a.seal_id")
    .selectAll("a")
    .select(["f.name as filer_name", "d.name as decider_name", "s.seq as seal_seq", "s.receipt_json as seal_receipt"])
    .orderBy("a.filed_at", "desc")
    .orderBy("a.id", "desc");
  if (where.assessmentId) q = q.where("a.assessment_id", "=", where.assessmentId);
  if (where.ids) {
    if (where.ids.length === 0) return [];
    q = q.where("a.id", "in", where.ids);
  }
  const rows = await q.execute();
  const files = rows.length
    ? await db
        .selectFrom("appeal_file")
        .select(["id", "appeal_id", "filename", "mime", "size"])
        .where(
          "appeal_id",
          "in",
          rows.map((r) => r.id),
        )
        .orderBy("created_at")
        .orderBy("id")
        .execute()
    : [];
  const byAppeal = new Map<string, AppealFileView[]>();
  for (const f of files)
    byAppeal.set(f.appeal_id, [
      ...(byAppeal.get(f.appeal_id) ?? []),
      { id: f.id, filename: f.filename, mime: f.mime, size: Number(f.size) },
    ]);
  return rows.map((r) => ({
    id: r.id,
    assessmentId: r.assessment_id,
    itemId: r.item_id,
    layer: r.layer,
    status: r.status,
    reason: r.reason,
    filedBy: r.filer_name,
    filedById: r.filed_by,
    filedAt: r.filed_at,
    valueBefore: json(r.value_before_json),
    response: r.response,
    decidedBy: r.decider_name,
    decidedAt: r.decided_at,
    valueAfter: json(r.value_after_json),
    sealSeq: r.seal_seq === null ? null : Number(r.seal_seq),
    layerTotal: r.seal_receipt ? ((JSON.parse(r.seal_receipt) as { appeal?: { layerTotal?: number } }).appeal?.layerTotal ?? null) : null,
    files: byAppeal.get(r.id) ?? [],
  }));
}

export interface AssessmentAppeals {
  windows: LayerWindow[];
  rows: AppealableRow[];
  appeals: AppealView[];
  /** The actor is the organisation's team (may file). */
  ownTeam: boolean;
  /** Layers whose appeals the actor may decide. */
  decides: EvaluatorLayer[];
}

/**
 * The appeals page of an assessment: each evaluator layer's window, every row of a released layer with a
 * value and whether the actor may appeal it now (the same rule the service applies), and the history.
 * The caller got ctx from requireAssessment (the actor may read the assessment).
 */
export async function assessmentAppeals(db: Db, actor: Actor, ctx: AssessmentContext, now: Date = new Date()): Promise<AssessmentAppeals> {
  const windows = await layerWindows(db, ctx, now);
  const released = windows.filter((w) => w.releasedAt !== null).map((w) => w.layer);
  const answers = released.length
    ? await db
        .selectFrom("answer")
        .select(["layer", "item_id", "value_json", "note"])
        .where("assessment_id", "=", ctx.assessment.id)
        .where("layer", "in", ["self", ...released])
        .execute()
    : [];
  const appeals = await loadAppeals(db, { assessmentId: ctx.assessment.id });
  const open = new Map(appeals.filter((a) => a.status === "diajukan").map((a) => [`${a.layer}:${a.itemId}`, a.id]));
  const self = new Map(answers.filter((a) => a.layer === "self").map((a) => [a.item_id, json(a.value_json)]));
  const outline = outlineOf(ctx.instrument);
  const order = new Map([...outline.items.keys()].map((id, i) => [id, i]));
  const ownTeam = isOwnTeam(actor, ctx);
  const today = todayWib(now);
  const rows: AppealableRow[] = [];
  for (const a of answers) {
    if (a.layer === "self" || a.value_json === null || !outline.items.has(a.item_id)) continue;
    const layer = a.layer;
    const w = windows.find((x) => x.layer === layer)!;
    const openId = open.get(`${layer}:${a.item_id}`) ?? null;
    rows.push({
      itemId: a.item_id,
      areaId: outline.areaOfItem.get(a.item_id) ?? "",
      layer,
      value: json(a.value_json),
      selfValue: self.get(a.item_id) ?? null,
      note: a.note,
      openAppealId: openId,
      refusal: appealRefusal({
        ownTeam,
        appealable: isAppealableItem(outline.items.get(a.item_id)),
        released: true,
        hasEvaluatorValue: true,
        openAppeal: openId !== null,
        window: w.window,
        today,
      }),
    });
  }
  rows.sort((x, y) => (order.get(x.itemId) ?? 0) - (order.get(y.itemId) ?? 0) || x.layer.localeCompare(y.layer));
  return {
    windows,
    rows,
    appeals,
    ownTeam,
    decides: (["internal", "external"] as const).filter((l) => canWriteLayer(actor, ctx, l)),
  };
}

/** The value a row had when appealed, parsed for the answer inputs. */
export const parsedBefore = (a: Pick<Appeal, "value_before_json">): AnswerValue => parseValue(a.value_before_json);

export interface AppealSummary {
  windows: LayerWindow[];
  counts: Record<Appeal["status"], number>;
  ownTeam: boolean;
}

/** For the assessment overview: the windows of released layers and how many appeals are in each state; null when there is nothing to show. */
export async function appealSummary(db: Db, actor: Actor, ctx: AssessmentContext, now: Date = new Date()): Promise<AppealSummary | null> {
  const windows = (await layerWindows(db, ctx, now)).filter((w) => w.releasedAt !== null || w.window?.source !== "default");
  const rows = await db
    .selectFrom("appeal")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .where("assessment_id", "=", ctx.assessment.id)
    .groupBy("status")
    .execute();
  const counts: Record<Appeal["status"], number> = { diajukan: 0, diterima: 0, ditolak: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  const released = windows.filter((w) => w.releasedAt !== null);
  if (released.length === 0 && rows.length === 0) return null;
  return { windows: released, counts, ownTeam: isOwnTeam(actor, ctx) };
}
