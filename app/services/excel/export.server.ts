/*
 * What goes into an exported LKE workbook: the assessment's answers in every layer the reader may
 * see (the unit's own; TPI/TPN once released or to their own evaluators), evidence names with the
 * authorised download link, and the answer versions for conflict detection on import.
 */
import type { Stream } from "node:stream";
import ExcelJS from "exceljs";
import type { Db } from "#db/client.server";
import type { Layer } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { parseValue } from "~/services/workbench/answers.server";
import type { AssessmentContext } from "~/services/workbench/assessments.server";
import { currentInstrument } from "~/services/instruments/frozen.server";
import { listEvidence } from "~/services/evidence/store.server";
import { loadLayerRows, visibleLayers } from "~/services/evaluation/layer-rows.server";
import type { LkeExportData, LkeLayerData } from "./export-data";
import { buildLkeWorkbook } from "./workbook.server";

export interface ExportOptions {
  /** Origin for evidence download links (e.g. https://cermin.example.go.id); relative paths without it. */
  origin?: string | null;
}

/** The data of one assessment's workbook, as the actor may see it. Call after requireAssessment. */
export async function assessmentExportData(db: Db, actor: Actor, ctx: AssessmentContext, opts: ExportOptions = {}): Promise<LkeExportData> {
  const layers = await visibleLayers(db, actor, ctx);
  const rows = await loadLayerRows(db, ctx.assessment.id, layers);
  const layerData: LkeLayerData[] = layers.map((layer: Layer) => ({
    layer,
    answers: Object.fromEntries(
      rows[layer].map((r) => [r.item_id, { value: parseValue(r.value_json), note: r.note, version: r.version, updatedAt: r.updated_at }]),
    ),
  }));
  const { byItem } = await listEvidence(db, ctx.assessment.id);
  const origin = (opts.origin ?? "").replace(/\/$/, "");
  const evidence: LkeExportData["evidence"] = {};
  for (const [itemId, list] of Object.entries(byItem)) {
    evidence[itemId] = list.map((e) =>
      e.kind === "link"
        ? { name: e.name, url: e.url ?? "" }
        : { name: e.name, url: `${origin}/evidence/${encodeURIComponent(e.id)}/download` },
    );
  }
  const who = await db.selectFrom("user").select(["name", "email"]).where("id", "=", actor.id).executeTakeFirst();
  return {
    instrument: ctx.instrument,
    instrumentHash: ctx.assessment.instrument_hash,
    assessment: {
      id: ctx.assessment.id,
      unitName: ctx.unit.name,
      unitCode: ctx.unit.code,
      organisationName: ctx.organisationName,
      year: ctx.period.year,
      periodName: ctx.period.name,
      status: ctx.assessment.status,
    },
    exportedAt: new Date().toISOString(),
    exportedBy: who ? `${who.name} <${who.email}>` : null,
    layers: layerData,
    evidence,
  };
}

export async function exportAssessmentWorkbook(db: Db, actor: Actor, ctx: AssessmentContext, opts: ExportOptions = {}): Promise<Buffer> {
  const wb = buildLkeWorkbook(await assessmentExportData(db, actor, ctx, opts));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * The same workbook written through ExcelJS's streaming writer into `stream` (a bulk export: no
 * whole workbook in memory). Resolves when the workbook has been written.
 */
export async function streamAssessmentWorkbook(
  db: Db,
  actor: Actor,
  ctx: AssessmentContext,
  stream: NodeJS.WritableStream,
  opts: ExportOptions = {},
): Promise<void> {
  const data = await assessmentExportData(db, actor, ctx, opts);
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: stream as unknown as Stream,
    useStyles: true,
    useSharedStrings: false,
  });
  buildLkeWorkbook(data, writer);
  await writer.commit();
}

/**
 * A blank workbook of the version of an instrument new assessments get now (content file or published
 * release; null when the family has no published version).
 */
export async function templateWorkbook(db: Db, instrumentId: string, exportedBy: string | null = null): Promise<Buffer | null> {
  const current = await currentInstrument(db, instrumentId);
  if (!current) return null;
  const wb = buildLkeWorkbook({
    instrument: current.instrument,
    instrumentHash: current.hash,
    assessment: null,
    exportedAt: new Date().toISOString(),
    exportedBy,
    layers: [{ layer: "self", answers: {} }],
    evidence: {},
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** "LKE zi-2021 KLP-JKT 2025.xlsx" */
export function workbookFileName(ctx: AssessmentContext): string {
  const unit = (ctx.unit.code ?? ctx.unit.name).replace(/[^\p{L}\p{N}._-]+/gu, "-").slice(0, 60);
  return `LKE ${ctx.assessment.instrument_id} ${unit} ${ctx.period.year}.xlsx`;
}
