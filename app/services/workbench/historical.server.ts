/*
 * Historical import (issue #26): a past workbook (the official PMPRB 2014 workbook of 2015, a ZI
 * workbook of 2021–2024, one exported by Cermin) becomes a final assessment of a past period, as if it
 * had been filled and finalised here:
 *
 * - the assessment freezes the instrument's current published version, like a roll-out;
 * - the workbook's answers are the `self` layer (one audit row per item, source
 *   `{ kind: "historical_import", file, sha256 }`); optionally another answer group of the same
 *   workbook is the external evaluator's layer (KemenPANRB's evaluation), released;
 * - the self snapshot is stored as finalising stores it (writeSnapshot), the external layer's as
 *   releasing stores it (writeLayerSnapshot), so every trend, waterfall and report shows the year;
 * - it is sealed like any final, the seal's document and signed receipt naming the workbook;
 * - `historical_import` marks it "diimpor dari buku kerja" with the file's name and SHA-256.
 *
 * Refused unless the actor may roll out assessments for the unit (`assessment.create`), the period
 * is historical (see isHistoricalPeriod), the unit has no assessment of the instrument family in the
 * period yet, the instrument fits the organisation's kind and the year, and every answer is one the
 * instrument accepts. Reading the workbook is excel/historical.server.ts; this file takes answers.
 */
import type { Db } from "#db/client.server";
import type { Assessment, Period } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { forbidden, notFound } from "~/auth/require.server";
import { fitOf } from "~/domain/instrument/applies";
import { outlineOf } from "~/domain/instrument/outline";
import type { Instrument } from "~/domain/instrument/schema";
import type { Answers, AnswerValue } from "~/domain/scoring/answers";
import { scoreAssessment, validateAnswer } from "~/domain/scoring/score";
import type { SealOrigin } from "~/domain/seal/document";
import { newId } from "~/utils/ids";
import { writeAudit } from "~/services/admin/audit.server";
import { assertOrganisationActive } from "~/services/admin/organisations.server";
import { writeLayerSnapshot } from "~/services/dashboard/layers.server";
import { freezeInstrument } from "~/services/instruments/frozen.server";
import { installationKey } from "~/services/seal/keys.server";
import { sealAssessment } from "~/services/seal/seal.server";
import { insertAnswer } from "./answer-row.server";
import { itemKey } from "./answers.server";
import { canOnUnit } from "./assessments.server";
import { existingAssessmentId } from "./rollout.server";
import { todayWib } from "./rules";
import { writeSnapshot } from "./workflow.server";

export type HistoricalErrorKey =
  | "historical.periodNotPast"
  | "historical.exists"
  | "historical.unknownInstrument"
  | "historical.wrongOrganisation"
  | "historical.instrumentWrongKind"
  | "historical.instrumentTooEarly"
  | "historical.noAnswers"
  | "historical.invalidAnswer"
  | "historical.unknownItem"
  | "historical.wrongInstrument"
  | "historical.unknownGroup"
  | "historical.sameGroup"
  | "historical.previewUsed";

export class HistoricalImportError extends Error {
  constructor(
    readonly key: HistoricalErrorKey,
    /** Item ids, a group header or counts, for the message. */
    readonly detail?: string,
  ) {
    super(detail ? `${key}: ${detail}` : key);
  }
}

/** One layer of the workbook: its answers, optional notes by item, and the header of the column group it came from. */
export interface HistoricalLayer {
  answers: Answers;
  notes?: Record<string, string>;
  header?: string;
}

export interface HistoricalInput {
  unitId: string;
  periodId: string;
  /** The instrument family (content `id`); its current published version is frozen. */
  instrumentId: string;
  file: { name: string; sha256: string };
  self: HistoricalLayer;
  /** The evaluator's layer of the same workbook, imported as the released external layer. */
  external?: HistoricalLayer & { header: string };
}

export interface HistoricalResult {
  assessmentId: string;
  snapshotId: string;
  externalSnapshotId: string | null;
  total: number;
  externalTotal: number | null;
  seal: { seq: number; sealHash: string };
}

/**
 * Which periods take a historical import: one whose year lies before the current year in WIB, or a
 * closed period of the current year. The open period of this year (or a later one) is filled in the
 * workbench and its workbook imported through the LKE import, which keeps the review trail.
 */
export function isHistoricalPeriod(period: Pick<Period, "year" | "status">, today: string = todayWib()): boolean {
  const year = Number(today.slice(0, 4));
  return period.year < year || (period.status === "closed" && period.year <= year);
}

export interface HistoricalTarget {
  unit: { id: string; name: string; organisation_id: string; path: string };
  period: Period;
  frozen: { instrument: Instrument; hash: string };
}

/**
 * The checks that need no workbook: the unit and period exist in one organisation, the actor may roll
 * out for the unit, the period is historical, the unit has no assessment of the family there, the
 * instrument exists and fits. Returns the instrument version a new assessment would freeze.
 */
export async function checkHistoricalTarget(
  db: Db,
  actor: Actor,
  input: Pick<HistoricalInput, "unitId" | "periodId" | "instrumentId">,
): Promise<HistoricalTarget> {
  const unit = await db
    .selectFrom("unit")
    .select(["id", "name", "organisation_id", "path"])
    .where("id", "=", input.unitId)
    .where("archived_at", "is", null)
    .executeTakeFirst();
  if (!unit || !canOnUnit(actor, "assessment.read", unit)) throw notFound();
  if (!canOnUnit(actor, "assessment.create", unit)) throw forbidden();
  const period = await db.selectFrom("period").selectAll().where("id", "=", input.periodId).executeTakeFirst();
  if (!period) throw notFound();
  if (period.organisation_id !== unit.organisation_id) throw new HistoricalImportError("historical.wrongOrganisation");
  if (!isHistoricalPeriod(period)) throw new HistoricalImportError("historical.periodNotPast", String(period.year));
  await assertOrganisationActive(db, unit.organisation_id);
  await assertNoAssessment(db, input);
  const frozen = await freezeInstrument(db, input.instrumentId);
  if (!frozen) throw new HistoricalImportError("historical.unknownInstrument", input.instrumentId);
  const org = await db.selectFrom("organisation").select("kind").where("id", "=", unit.organisation_id).executeTakeFirstOrThrow();
  const fit = fitOf(frozen.instrument.applies_to, org.kind, period.year);
  if (fit === "wrong_kind") throw new HistoricalImportError("historical.instrumentWrongKind");
  if (fit === "too_early") throw new HistoricalImportError("historical.instrumentTooEarly");
  return { unit, period, frozen: { instrument: frozen.instrument, hash: frozen.hash } };
}

/** One assessment per unit, period and instrument family (the table's unique key): a second is refused. */
async function assertNoAssessment(db: Db, input: Pick<HistoricalInput, "unitId" | "periodId" | "instrumentId">): Promise<void> {
  const exists = await existingAssessmentId(db, input.unitId, input.periodId, input.instrumentId);
  if (exists) throw new HistoricalImportError("historical.exists", exists);
}

/** Every answer must name an item of the instrument and be one it accepts: the first few offenders are named. */
function assertAnswers(instrument: Instrument, layer: HistoricalLayer): void {
  const items = outlineOf(instrument).items;
  const unknown = [...Object.keys(layer.answers), ...Object.keys(layer.notes ?? {})].filter((id) => !items.has(id));
  if (unknown.length) throw new HistoricalImportError("historical.unknownItem", [...new Set(unknown)].slice(0, 10).join(", "));
  const invalid = Object.entries(layer.answers).filter(([id, v]) => v !== null && validateAnswer(instrument, id, v).length > 0);
  if (invalid.length)
    throw new HistoricalImportError(
      "historical.invalidAnswer",
      invalid
        .slice(0, 10)
        .map(([id]) => id)
        .join(", "),
    );
}

/** The answers object the engine scores: null answers left out. */
const answered = (answers: Answers): Answers => Object.fromEntries(Object.entries(answers).filter(([, v]) => v !== null));

/** The score of one layer as the engine computes it (the preview's totals, the CLI's summary). */
export function scoreLayer(instrument: Instrument, answers: Answers): { total: number; predicate: string | null; answered: number } {
  const a = answered(answers);
  const result = scoreAssessment(instrument, a);
  return { total: result.total, predicate: result.predicate?.code ?? null, answered: Object.keys(a).length };
}

/**
 * Creates the final historical assessment in one transaction (see the header). Nothing is written
 * when any check fails.
 */
export async function createHistoricalAssessment(db: Db, actor: Actor, input: HistoricalInput): Promise<HistoricalResult> {
  const target = await checkHistoricalTarget(db, actor, input);
  const { instrument, hash } = target.frozen;
  const self = answered(input.self.answers);
  if (Object.keys(self).length === 0) throw new HistoricalImportError("historical.noAnswers");
  assertAnswers(instrument, input.self);
  if (input.external) assertAnswers(instrument, input.external);
  const origin: SealOrigin = { kind: "historical_import", file: input.file.name, sha256: input.file.sha256 };
  const source = { kind: "historical_import", file: input.file.name, sha256: input.file.sha256 };
  const now = new Date().toISOString();
  const id = newId();
  return db.transaction().execute(async (trx) => {
    // Checked again inside the transaction; the unique key refuses a concurrent twin in any case.
    await assertNoAssessment(trx, input);
    const assessment: Assessment = {
      id,
      organisation_id: target.unit.organisation_id,
      unit_id: target.unit.id,
      period_id: target.period.id,
      instrument_id: input.instrumentId,
      instrument_hash: hash,
      status: "final",
      carried_from_id: null,
      created_by: actor.id,
      created_at: now,
      updated_at: now,
      submitted_at: now,
      finalised_at: now,
      finalised_by: actor.id,
    };
    await trx.insertInto("assessment").values(assessment).execute();
    await writeAudit(trx, {
      actorUserId: actor.id,
      organisationId: target.unit.organisation_id,
      action: "assessment.create",
      entityType: "assessment",
      entityId: id,
      after: {
        unitId: target.unit.id,
        periodId: target.period.id,
        instrumentId: input.instrumentId,
        instrumentHash: hash,
        carriedFrom: null,
        source,
      },
    });
    await writeLayer(trx, actor, {
      assessmentId: id,
      organisationId: target.unit.organisation_id,
      layer: "self",
      data: input.self,
      source,
      now,
    });
    let externalSnapshotId: string | null = null;
    if (input.external) {
      await writeLayer(trx, actor, {
        assessmentId: id,
        organisationId: target.unit.organisation_id,
        layer: "external",
        data: input.external,
        source,
        now,
      });
      // Released at once: the evaluation the workbook records was published long ago.
      await trx
        .insertInto("layer_release")
        .values({
          id: newId(),
          assessment_id: id,
          layer: "external",
          released_at: now,
          released_by: actor.id,
          revoked_at: null,
          revoked_by: null,
          revoke_reason: null,
        })
        .execute();
      externalSnapshotId = await writeLayerSnapshot(trx, id, "external", actor.id, now);
      await writeAudit(trx, {
        actorUserId: actor.id,
        organisationId: target.unit.organisation_id,
        action: "evaluation.release",
        entityType: "assessment",
        entityId: id,
        after: { layer: "external", source },
      });
    }
    const snapshotId = await writeSnapshot(trx, { assessment, instrument }, self, actor.id, now);
    await trx
      .insertInto("historical_import")
      .values({
        id: newId(),
        assessment_id: id,
        file_name: input.file.name,
        file_sha256: input.file.sha256,
        group_header: input.self.header ?? "",
        external_group_header: input.external?.header ?? null,
        imported_by: actor.id,
        imported_at: now,
      })
      .execute();
    await writeAudit(trx, {
      actorUserId: actor.id,
      organisationId: target.unit.organisation_id,
      action: "assessment.final",
      entityType: "assessment",
      entityId: id,
      before: { status: null },
      after: { status: "final", source, selfGroup: input.self.header ?? null, externalGroup: input.external?.header ?? null },
    });
    const seal = await sealAssessment(trx, actor, id, "finalise", now, installationKey(), origin);
    const externalTotal = input.external ? scoreLayer(instrument, { ...self, ...answered(input.external.answers) }).total : null;
    return {
      assessmentId: id,
      snapshotId,
      externalSnapshotId,
      total: scoreLayer(instrument, self).total,
      externalTotal,
      seal: { seq: seal.seq, sealHash: seal.seal_hash },
    };
  });
}

/** Writes one layer's answers through the one answer-row writer, each with its audit row naming the workbook. */
async function writeLayer(
  db: Db,
  actor: Actor,
  w: {
    assessmentId: string;
    organisationId: string;
    layer: "self" | "external";
    data: HistoricalLayer;
    source: Record<string, unknown>;
    now: string;
  },
): Promise<void> {
  const notes = w.data.notes ?? {};
  const ids = [...new Set([...Object.keys(w.data.answers), ...Object.keys(notes)])].sort();
  for (const itemId of ids) {
    const value: AnswerValue = w.data.answers[itemId] ?? null;
    const note = notes[itemId]?.trim() || null;
    if (value === null && note === null) continue;
    await insertAnswer(db, {
      assessmentId: w.assessmentId,
      layer: w.layer,
      itemId,
      valueJson: value === null ? null : JSON.stringify(value),
      note,
      version: 1,
      actorId: actor.id,
      now: w.now,
    });
    const key = itemKey(w.assessmentId, itemId);
    await writeAudit(db, {
      actorUserId: actor.id,
      organisationId: w.organisationId,
      // The evaluator layer's rows are keyed apart from the item's history, as evaluation/layers.server.ts keys them.
      action: w.layer === "self" ? "answer.save" : "evaluation.adjust",
      entityType: w.layer === "self" ? "answer" : "evaluation",
      entityId: w.layer === "self" ? key : `eval:${key}`,
      after:
        w.layer === "self"
          ? { value, note, version: 1, source: w.source }
          : { layer: w.layer, value, note, recommendation: null, source: w.source },
    });
  }
}

export interface HistoricalMark {
  fileName: string;
  sha256: string;
  groupHeader: string;
  externalGroupHeader: string | null;
  importedAt: string;
  importedBy: string | null;
}

/** The "diimpor dari buku kerja" mark of an assessment, or null when it was not imported so. */
export async function historicalMark(db: Db, assessmentId: string): Promise<HistoricalMark | null> {
  const row = await db
    .selectFrom("historical_import as h")
    .leftJoin("user as u", "u.id", "h.imported_by")
    .select(["h.file_name", "h.file_sha256", "h.group_header", "h.external_group_header", "h.imported_at", "u.name"])
    .where("h.assessment_id", "=", assessmentId)
    .executeTakeFirst();
  return row
    ? {
        fileName: row.file_name,
        sha256: row.file_sha256,
        groupHeader: row.group_header,
        externalGroupHeader: row.external_group_header,
        importedAt: row.imported_at,
        importedBy: row.name,
      }
    : null;
}
