/*
 * What an LKE workbook is written from: the instrument, the assessment's header and the layers of
 * answers the reader may see (gathered by export.server.ts, written by workbook.server.ts and
 * workbook-utama.server.ts). Types only.
 */
import type { Instrument } from "~/domain/instrument/schema";
import type { AnswerValue } from "~/domain/scoring/answers";
import type { LkeLayer } from "~/domain/lke/layout";

export interface LkeAnswer {
  value: AnswerValue;
  note: string | null;
  version: number;
  updatedAt?: string | null;
}

export interface LkeLayerData {
  layer: LkeLayer;
  answers: Record<string, LkeAnswer>;
}

export interface LkeExportData {
  instrument: Instrument;
  /** sha256 of the frozen content (null for a template of the current content file, when unknown). */
  instrumentHash: string | null;
  assessment: {
    id: string;
    unitName: string;
    unitCode: string | null;
    organisationName: string;
    year: number;
    periodName: string;
    status: string;
  } | null;
  exportedAt: string;
  exportedBy: string | null;
  /** The unit's own layer first, then the evaluator layers the reader may see. */
  layers: LkeLayerData[];
  /** Evidence per item: file names with their authorised download link, and links. */
  evidence: Record<string, Array<{ name: string; url: string }>>;
}
