import type { Db } from "#db/client.server";
import type { Assessment } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { forbidden, notFound } from "~/auth/require.server";
import type { Instrument } from "~/domain/instrument/schema";
import { itemsWithGroups } from "~/domain/instrument/tree";
import { insertAnswer } from "./answer-row.server";
import { newId } from "~/utils/ids";
import { writeAudit } from "~/services/admin/audit.server";
import { validateAnswer } from "~/domain/scoring/score";
import type { AnswerValue } from "~/domain/scoring/answers";
import { fitOf } from "~/domain/instrument/applies";
import { freezeInstrument, releaseMapping } from "~/services/instruments/frozen.server";
import { assertOrganisationActive } from "~/services/admin/organisations.server";
import { AssessmentRuleError, canOnUnit } from "./assessments.server";

/*
 * Roll-out: creating a period's assessments for units, with the frozen instrument and, optionally,
 * the previous period's answers and evidence carried forward (split from assessments.server.ts,
 * which keeps reading assessments: the scope guard and the lists).
 */

const itemIdsOf = (instrument: Instrument): string[] => itemsWithGroups(instrument).map(({ item }) => item.id);

/** The unit's assessment of this period and instrument family, if any (one each: the table's unique key). */
export async function existingAssessmentId(db: Db, unitId: string, periodId: string, instrumentId: string): Promise<string | null> {
  const row = await db
    .selectFrom("assessment")
    .select("id")
    .where("unit_id", "=", unitId)
    .where("period_id", "=", periodId)
    .where("instrument_id", "=", instrumentId)
    .executeTakeFirst();
  return row?.id ?? null;
}

/** The latest earlier-period assessment of the same unit and instrument family, for carry-forward. */
async function previousAssessment(db: Db, unitId: string, instrumentId: string, year: number): Promise<Assessment | undefined> {
  return db
    .selectFrom("assessment")
    .innerJoin("period", "period.id", "assessment.period_id")
    .selectAll("assessment")
    .where("assessment.unit_id", "=", unitId)
    .where("assessment.instrument_id", "=", instrumentId)
    .where("period.year", "<", year)
    .orderBy("period.year", "desc")
    .executeTakeFirst();
}

export interface CreateInput {
  unitIds: string[];
  periodId: string;
  instrumentId: string;
  carryForward: boolean;
}

/**
 * Creates one assessment per unit (a roll-out when several), freezing the current instrument content.
 * With carry-forward, answers whose item id still exists and their evidence are copied from the
 * previous period, each marked "carried over — confirm".
 */
export async function createAssessments(db: Db, actor: Actor, input: CreateInput): Promise<{ created: string[]; skipped: string[] }> {
  if (input.unitIds.length === 0) throw new AssessmentRuleError("assessments.noUnits");
  const period = await db.selectFrom("period").selectAll().where("id", "=", input.periodId).executeTakeFirst();
  if (!period) throw notFound();
  if (period.status !== "open") throw new AssessmentRuleError("assessments.periodClosed");
  const units = await db.selectFrom("unit").selectAll().where("id", "in", input.unitIds).where("archived_at", "is", null).execute();
  if (units.length !== new Set(input.unitIds).size) throw notFound();
  for (const u of units) {
    if (u.organisation_id !== period.organisation_id) throw new AssessmentRuleError("assessments.wrongOrganisation");
    if (!canOnUnit(actor, "assessment.create", u)) throw forbidden();
  }
  await assertOrganisationActive(db, period.organisation_id);
  const frozen = await freezeInstrument(db, input.instrumentId);
  if (!frozen) throw new AssessmentRuleError("assessments.unknownInstrument");
  // An agency-level tree is written for one kind of organisation and one regime (content applies_to).
  const org = await db.selectFrom("organisation").select("kind").where("id", "=", period.organisation_id).executeTakeFirstOrThrow();
  const fit = fitOf(frozen.instrument.applies_to, org.kind, period.year);
  if (fit === "wrong_kind") throw new AssessmentRuleError("assessments.instrumentWrongKind");
  if (fit === "too_early") throw new AssessmentRuleError("assessments.instrumentTooEarly");
  const itemIds = new Set(itemIdsOf(frozen.instrument));
  const created: string[] = [];
  const skipped: string[] = [];
  await db.transaction().execute(async (trx) => {
    for (const unit of units) {
      if (await existingAssessmentId(trx, unit.id, period.id, input.instrumentId)) {
        skipped.push(unit.id);
        continue;
      }
      const now = new Date().toISOString();
      const prev = input.carryForward ? await previousAssessment(trx, unit.id, input.instrumentId, period.year) : undefined;
      const id = newId();
      await trx
        .insertInto("assessment")
        .values({
          id,
          organisation_id: unit.organisation_id,
          unit_id: unit.id,
          period_id: period.id,
          instrument_id: input.instrumentId,
          instrument_hash: frozen.hash,
          status: "draft",
          carried_from_id: prev?.id ?? null,
          created_by: actor.id,
          created_at: now,
          updated_at: now,
          submitted_at: null,
          finalised_at: null,
          finalised_by: null,
        })
        .execute();
      if (prev) {
        // A new version published with an item-id mapping from the previous one carries answers to the new ids.
        const rename = prev.instrument_hash === frozen.hash ? null : await releaseMapping(trx, prev.instrument_hash, frozen.hash);
        await carryForward(trx, prev.id, id, frozen.instrument, itemIds, actor.id, now, rename);
      }
      await writeAudit(trx, {
        actorUserId: actor.id,
        organisationId: unit.organisation_id,
        action: "assessment.create",
        entityType: "assessment",
        entityId: id,
        after: {
          unitId: unit.id,
          periodId: period.id,
          instrumentId: input.instrumentId,
          instrumentHash: frozen.hash,
          carriedFrom: prev?.id ?? null,
        },
      });
      created.push(id);
    }
  });
  return { created, skipped };
}

async function carryForward(
  db: Db,
  fromId: string,
  toId: string,
  instrument: Instrument,
  itemIds: Set<string>,
  actorId: string,
  now: string,
  rename: Map<string, string | null> | null = null,
): Promise<void> {
  // Old id → new id: a mapped id (null: dropped), else the same id.
  const target = (itemId: string): string | null => (rename?.has(itemId) ? (rename.get(itemId) ?? null) : itemId);
  const answers = await db.selectFrom("answer").selectAll().where("assessment_id", "=", fromId).where("layer", "=", "self").execute();
  for (const a of answers) {
    const itemId = target(a.item_id);
    if (itemId === null || !itemIds.has(itemId) || a.value_json === null) continue;
    // An answer the new version's item rejects (another type, a range it left) is not carried.
    if (validateAnswer(instrument, itemId, JSON.parse(a.value_json) as AnswerValue).length > 0) continue;
    await insertAnswer(db, {
      assessmentId: toId,
      layer: "self",
      itemId,
      valueJson: a.value_json,
      note: a.note,
      version: 1,
      carriedOver: true,
      actorId,
      now,
    });
  }
  const evidence = await db
    .selectFrom("evidence")
    .selectAll()
    .where("assessment_id", "=", fromId)
    .where("removed_at", "is", null)
    .execute();
  for (const e of evidence) {
    const links = await db
      .selectFrom("evidence_item")
      .select("item_id")
      .where("evidence_id", "=", e.id)
      .where("removed_at", "is", null)
      .execute();
    const kept = links.flatMap((l) => {
      const itemId = target(l.item_id);
      return itemId !== null && itemIds.has(itemId) ? [{ item_id: itemId }] : [];
    });
    if (kept.length === 0) continue;
    const newEvidenceId = newId();
    await db
      .insertInto("evidence")
      .values({ ...e, id: newEvidenceId, assessment_id: toId, created_at: now })
      .execute();
    for (const l of kept) {
      await db
        .insertInto("evidence_item")
        .values({
          id: newId(),
          evidence_id: newEvidenceId,
          assessment_id: toId,
          item_id: l.item_id,
          created_at: now,
          created_by: actorId,
          removed_at: null,
        })
        .execute();
    }
  }
}
