import type { Db } from "#db/client.server";
import { prepared } from "#db/prepared";
import type { Assessment, AssessmentStatus, Period, Unit } from "#db/schema";
import { can, type Action, type Actor } from "~/auth/permissions";
import { forbidden, notFound } from "~/auth/require.server";
import type { Instrument } from "~/domain/instrument/schema";
import { localizeInstrument } from "~/domain/instrument/localize";
import { getFrozenInstrument } from "~/services/instruments/frozen.server";
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

/**
 * The context as a page in `locale` shows it: the instrument's English texts in the English UI
 * (domain/instrument/localize.ts). For loaders only; saves, imports and exports keep the instrument.
 */
export function inLocale<C extends { instrument: Instrument }>(ctx: C, locale: string): C {
  return { ...ctx, instrument: localizeInstrument(ctx.instrument, locale) };
}
