import type { Db } from "#db/client.server";
import { prepared } from "#db/prepared";
import type { Assessment, AssessmentStatus, Period, Unit } from "#db/schema";
import { can, type Action, type Actor } from "~/auth/permissions";
import { forbidden, notFound } from "~/auth/require.server";
import type { Instrument } from "~/domain/instrument/schema";
import { insertAnswer } from "./answer-row.server";
import { newId } from "~/utils/ids";
import { writeAudit } from "~/services/admin/audit.server";
import { validateAnswer } from "~/domain/scoring/score";
import type { AnswerValue } from "~/domain/scoring/answers";
import { fitOf } from "~/domain/instrument/applies";
import { localizeInstrument } from "~/domain/instrument/localize";
import { freezeInstrument, getFrozenInstrument, releaseMapping } from "~/services/instruments/frozen.server";
import { assertOrganisationActive } from "~/services/admin/organisations.server";
import { assessmentsWithUnit } from "#db/queries/joins";

export class AssessmentRuleError extends Error {
  constructor(
    public readonly key:
      | "assessments.exists"
      | "assessments.unknownInstrument"
      | "assessments.periodClosed"
      | "assessments.noUnits"
      | "assessments.wrongOrganisation"
      | "assessments.instrumentWrongKind"
      | "assessments.instrumentTooEarly",
  ) {
    super(key);
  }
}

export interface AssessmentContext {
  assessment: Assessment;
  unit: Unit;
  period: Period;
  organisationName: string;
  instrument: Instrument;
}

const scopeOfUnit = (unit: Pick<Unit, "organisation_id" | "path">) => ({
  type: "scope" as const,
  scope: { organisationId: unit.organisation_id, unitPath: unit.path },
});

/** May the actor do `action` on assessments of this unit? */
export function canOnUnit(actor: Actor, action: Action, unit: Pick<Unit, "organisation_id" | "path">): boolean {
  return can(actor, action, scopeOfUnit(unit));
}

// One round trip for the assessment, its unit, period and organisation: this runs on every autosave.
const assessmentWithContext = prepared((db: Db, assessmentId: string) =>
  assessmentsWithUnit(db)
    .innerJoin("organisation as o", "o.id", "a.organisation_id")
    .selectAll("a")
    .select([
      "u.organisation_id as u_organisation_id",
      "u.parent_id as u_parent_id",
      "u.path as u_path",
      "u.name as u_name",
      "u.kind as u_kind",
      "u.code as u_code",
      "u.archived_at as u_archived_at",
      "u.created_at as u_created_at",
      "p.organisation_id as p_organisation_id",
      "p.year as p_year",
      "p.name as p_name",
      "p.status as p_status",
      "p.fill_start as p_fill_start",
      "p.fill_end as p_fill_end",
      "p.review_end as p_review_end",
      "p.evaluation_end as p_evaluation_end",
      "p.created_at as p_created_at",
      "o.name as o_name",
    ])
    .where("a.id", "=", assessmentId),
);

/** One assessment with its unit, period and frozen instrument: 404 when missing, 403 when `action` is not allowed. */
export async function requireAssessment(db: Db, actor: Actor, id: string, action: Action = "assessment.read"): Promise<AssessmentContext> {
  const row = (await assessmentWithContext(db, id)).rows[0];
  if (!row) throw notFound();
  const unit: Unit = {
    id: row.unit_id,
    organisation_id: row.u_organisation_id,
    parent_id: row.u_parent_id,
    path: row.u_path,
    name: row.u_name,
    kind: row.u_kind,
    code: row.u_code,
    archived_at: row.u_archived_at,
    created_at: row.u_created_at,
  };
  if (!canOnUnit(actor, "assessment.read", unit)) throw notFound();
  if (!canOnUnit(actor, action, unit)) throw forbidden();
  const assessment: Assessment = {
    id: row.id,
    organisation_id: row.organisation_id,
    unit_id: row.unit_id,
    period_id: row.period_id,
    instrument_id: row.instrument_id,
    instrument_hash: row.instrument_hash,
    status: row.status,
    carried_from_id: row.carried_from_id,
    created_by: row.created_by,
    created_at: row.created_at,
    updated_at: row.updated_at,
    submitted_at: row.submitted_at,
    finalised_at: row.finalised_at,
    finalised_by: row.finalised_by,
  };
  const period: Period = {
    id: row.period_id,
    organisation_id: row.p_organisation_id,
    year: row.p_year,
    name: row.p_name,
    status: row.p_status,
    fill_start: row.p_fill_start,
    fill_end: row.p_fill_end,
    review_end: row.p_review_end,
    evaluation_end: row.p_evaluation_end,
    created_at: row.p_created_at,
  };
  return { assessment, unit, period, organisationName: row.o_name, instrument: await getFrozenInstrument(db, assessment.instrument_hash) };
}

export interface AssessmentRow {
  id: string;
  unitId: string;
  unitName: string;
  organisationName: string;
  year: number;
  periodId: string;
  instrumentId: string;
  status: AssessmentStatus;
  answered: number;
  confirmed: number;
  updatedAt: string;
}

/** Assessments whose unit lies in the actor's read scope, newest period first. */
export async function listAssessments(
  db: Db,
  actor: Actor,
  filter: { periodId?: string; organisationId?: string } = {},
): Promise<AssessmentRow[]> {
  let q = db
    .selectFrom("assessment")
    .innerJoin("unit", "unit.id", "assessment.unit_id")
    .innerJoin("period", "period.id", "assessment.period_id")
    .innerJoin("organisation", "organisation.id", "assessment.organisation_id")
    .select([
      "assessment.id",
      "assessment.unit_id",
      "unit.name as unit_name",
      "unit.path as unit_path",
      "unit.organisation_id",
      "organisation.name as organisation_name",
      "period.year",
      "assessment.period_id",
      "assessment.instrument_id",
      "assessment.status",
      "assessment.updated_at",
    ])
    .orderBy("period.year", "desc")
    .orderBy("unit.path");
  if (!actor.isAdmin) {
    const orgIds = [...new Set(actor.memberships.map((m) => m.organisationId))];
    if (orgIds.length === 0) return [];
    q = q.where("assessment.organisation_id", "in", orgIds);
  }
  if (filter.periodId) q = q.where("assessment.period_id", "=", filter.periodId);
  if (filter.organisationId) q = q.where("assessment.organisation_id", "=", filter.organisationId);
  const rows = (await q.execute()).filter((r) =>
    canOnUnit(actor, "assessment.read", { organisation_id: r.organisation_id, path: r.unit_path }),
  );
  if (rows.length === 0) return [];
  const counts = await db
    .selectFrom("answer")
    .select(["assessment_id"])
    .select((eb) => [
      eb.fn.count<number>("id").as("answered"),
      eb.fn.sum<number>(eb.case().when("carried_over", "=", 0).then(1).else(0).end()).as("confirmed"),
    ])
    .where("layer", "=", "self")
    .where("value_json", "is not", null)
    .where(
      "assessment_id",
      "in",
      rows.map((r) => r.id),
    )
    .groupBy("assessment_id")
    .execute();
  const byId = new Map(counts.map((c) => [c.assessment_id, c]));
  return rows.map((r) => ({
    id: r.id,
    unitId: r.unit_id,
    unitName: r.unit_name,
    organisationName: r.organisation_name,
    year: r.year,
    periodId: r.period_id,
    instrumentId: r.instrument_id,
    status: r.status,
    answered: Number(byId.get(r.id)?.answered ?? 0),
    confirmed: Number(byId.get(r.id)?.confirmed ?? 0),
    updatedAt: r.updated_at,
  }));
}

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

function itemIdsOf(instrument: Instrument): string[] {
  const ids: string[] = [];
  const visit = (node: { items?: { id: string }[] | null; subareas?: unknown[]; areas?: unknown[]; subcomponents?: unknown[] }) => {
    for (const item of node.items ?? []) ids.push(item.id);
    for (const child of [...(node.subcomponents ?? []), ...(node.areas ?? []), ...(node.subareas ?? [])]) visit(child as typeof node);
  };
  for (const component of instrument.tree) visit(component as Parameters<typeof visit>[0]);
  return ids;
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

/**
 * The context as a page in `locale` shows it: the instrument's English texts in the English UI
 * (domain/instrument/localize.ts). For loaders only; saves, imports and exports keep the instrument.
 */
export function inLocale<C extends { instrument: Instrument }>(ctx: C, locale: string): C {
  return { ...ctx, instrument: localizeInstrument(ctx.instrument, locale) };
}
