import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import { requirePermission } from "~/auth/require.server";
import {
  DEFAULT_APPEAL_WORKING_DAYS,
  isIsoDate,
  resolveWindow,
  wibDate,
  windowPhase,
  type AppealWindowView,
  type ExplicitWindow,
  type IsoDate,
  type WindowPhase,
} from "~/domain/appeal/window";
import { writeAudit } from "~/services/admin/audit.server";
import type { EvaluatorLayer } from "~/services/evaluation/layer-rows.server";
import { loadInstruments } from "~/services/instruments/catalog.server";
import type { AssessmentContext } from "~/services/workbench/assessments.server";
import { newId } from "~/utils/ids";
import { AppealError } from "./errors";
import { holidayFiles, holidays } from "./holidays.server";

/*
 * Appeal windows (issue #30): the default (N working days from a layer's release, holidays as data) and the
 * explicit windows the system administrator sets per (year, instrument), for the whole installation or one
 * organisation (which wins). Dates are WIB calendar days, inclusive.
 */

/** Today in WIB; tests and the seed pass a fixed instant. */
export const todayWib = (now: Date = new Date()): IsoDate => wibDate(now);

/** The explicit windows of a year and instrument, the latest set per organisation (null = installation-wide). */
export async function explicitWindows(db: Db, year: number, instrumentId: string): Promise<(ExplicitWindow & { id: string })[]> {
  const rows = await db
    .selectFrom("appeal_window")
    .select(["id", "organisation_id", "opens_on", "closes_on", "set_at"])
    .where("year", "=", year)
    .where("instrument_id", "=", instrumentId)
    .orderBy("set_at", "desc")
    .orderBy("id", "desc")
    .execute();
  const seen = new Set<string | null>();
  const out: (ExplicitWindow & { id: string })[] = [];
  for (const r of rows) {
    if (seen.has(r.organisation_id)) continue;
    seen.add(r.organisation_id);
    out.push({ id: r.id, organisationId: r.organisation_id, opensOn: r.opens_on, closesOn: r.closes_on });
  }
  return out;
}

/** The latest live (not revoked) release of each evaluator layer of an assessment. */
export async function liveReleases(db: Db, assessmentId: string): Promise<Map<EvaluatorLayer, string>> {
  const rows = await db
    .selectFrom("layer_release")
    .select(["layer", "released_at"])
    .where("assessment_id", "=", assessmentId)
    .where("revoked_at", "is", null)
    .orderBy("released_at")
    .execute();
  const out = new Map<EvaluatorLayer, string>();
  for (const r of rows) if (r.layer !== "self") out.set(r.layer, r.released_at);
  return out;
}

export interface LayerWindow {
  layer: EvaluatorLayer;
  /** When the layer was released (null: not released, or the release was revoked). */
  releasedAt: string | null;
  window: AppealWindowView | null;
  phase: WindowPhase | null;
}

/** The window of each evaluator layer of an assessment, as it applies today. */
export async function layerWindows(db: Db, ctx: AssessmentContext, now: Date = new Date()): Promise<LayerWindow[]> {
  const releases = await liveReleases(db, ctx.assessment.id);
  const explicit = await explicitWindows(db, ctx.period.year, ctx.assessment.instrument_id);
  const calendar = holidays();
  const today = todayWib(now);
  return (["internal", "external"] as const).map((layer) => {
    const releasedAt = releases.get(layer) ?? null;
    const window = resolveWindow({ organisationId: ctx.assessment.organisation_id, explicit, releasedAt, calendar });
    return { layer, releasedAt, window, phase: window ? windowPhase(window, today, calendar) : null };
  });
}

/** Instruments a window may name: the content files and any instrument an assessment uses. */
async function knownInstrumentIds(db: Db): Promise<string[]> {
  const used = await db.selectFrom("assessment").select("instrument_id").distinct().execute();
  return [...new Set([...loadInstruments().map((l) => l.instrument.id), ...used.map((u) => u.instrument_id)])].sort();
}

const requireSystemAdmin = (actor: Actor) => requirePermission(actor, "system.manage", { type: "system" });

export interface WindowSettings {
  workingDays: number;
  holidayYears: { year: number; days: number; sources: string[] }[];
  /** (year, instrument) pairs that have assessments, with their explicit windows. */
  rows: {
    year: number;
    instrumentId: string;
    releasedLayers: number;
    installation: { id: string; opensOn: string; closesOn: string } | null;
    organisations: { id: string; organisationId: string; organisationName: string; opensOn: string; closesOn: string }[];
  }[];
  organisations: { id: string; name: string }[];
  instruments: string[];
}

/** The administrator's page: the default rule, the holiday years known, and every explicit window. */
export async function windowSettings(db: Db, actor: Actor): Promise<WindowSettings> {
  requireSystemAdmin(actor);
  const pairs = await db
    .selectFrom("assessment as a")
    .innerJoin("period as p", "p.id", "a.period_id")
    .select(["p.year", "a.instrument_id"])
    .distinct()
    .execute();
  const released = await db
    .selectFrom("layer_release as r")
    .innerJoin("assessment as a", "a.id", "r.assessment_id")
    .innerJoin("period as p", "p.id", "a.period_id")
    .select(["p.year", "a.instrument_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("r.revoked_at", "is", null)
    .groupBy(["p.year", "a.instrument_id"])
    .execute();
  const windows = await db
    .selectFrom("appeal_window as w")
    .leftJoin("organisation as o", "o.id", "w.organisation_id")
    .select([
      "w.id",
      "w.year",
      "w.instrument_id",
      "w.organisation_id",
      "w.opens_on",
      "w.closes_on",
      "w.set_at",
      "o.name as organisation_name",
    ])
    .orderBy("w.set_at", "desc")
    .orderBy("w.id", "desc")
    .execute();
  const key = (year: number, instrumentId: string) => `${year}|${instrumentId}`;
  const rows = new Map<string, WindowSettings["rows"][number]>();
  const ensure = (year: number, instrumentId: string) => {
    const k = key(Number(year), instrumentId);
    let row = rows.get(k);
    if (!row) {
      row = { year: Number(year), instrumentId, releasedLayers: 0, installation: null, organisations: [] };
      rows.set(k, row);
    }
    return row;
  };
  for (const p of pairs) ensure(p.year, p.instrument_id);
  for (const r of released) ensure(r.year, r.instrument_id).releasedLayers = Number(r.n);
  const seen = new Set<string>();
  for (const w of windows) {
    const row = ensure(w.year, w.instrument_id);
    const k = `${key(Number(w.year), w.instrument_id)}|${w.organisation_id ?? ""}`;
    if (seen.has(k)) continue;
    seen.add(k);
    if (w.organisation_id === null) row.installation = { id: w.id, opensOn: w.opens_on, closesOn: w.closes_on };
    else
      row.organisations.push({
        id: w.id,
        organisationId: w.organisation_id,
        organisationName: w.organisation_name ?? w.organisation_id,
        opensOn: w.opens_on,
        closesOn: w.closes_on,
      });
  }
  const organisations = await db
    .selectFrom("organisation")
    .select(["id", "name"])
    .where("archived_at", "is", null)
    .orderBy("name")
    .execute();
  return {
    workingDays: DEFAULT_APPEAL_WORKING_DAYS,
    holidayYears: holidayFiles().map((f) => ({ year: f.year, days: f.days.length, sources: f.sources.map((s) => s.title) })),
    rows: [...rows.values()].sort((a, b) => b.year - a.year || a.instrumentId.localeCompare(b.instrumentId)),
    organisations,
    instruments: await knownInstrumentIds(db),
  };
}

export interface WindowInput {
  year: number;
  instrumentId: string;
  organisationId: string | null;
  opensOn: string;
  closesOn: string;
}

/** Sets (or replaces) the explicit window of (year, instrument, organisation or installation); audited. */
export async function setWindow(db: Db, actor: Actor, input: WindowInput): Promise<string> {
  requireSystemAdmin(actor);
  if (!isIsoDate(input.opensOn) || !isIsoDate(input.closesOn)) throw new AppealError("appeal.window.invalidDates");
  if (input.closesOn < input.opensOn) throw new AppealError("appeal.window.order");
  if (!(await knownInstrumentIds(db)).includes(input.instrumentId)) throw new AppealError("appeal.window.unknownInstrument");
  if (input.organisationId) {
    const org = await db.selectFrom("organisation").select("id").where("id", "=", input.organisationId).executeTakeFirst();
    if (!org) throw new AppealError("appeal.window.unknownOrganisation");
  }
  return db.transaction().execute(async (trx) => {
    let q = trx.selectFrom("appeal_window").selectAll().where("year", "=", input.year).where("instrument_id", "=", input.instrumentId);
    q = input.organisationId ? q.where("organisation_id", "=", input.organisationId) : q.where("organisation_id", "is", null);
    const before = await q.execute();
    if (before.length)
      await trx
        .deleteFrom("appeal_window")
        .where(
          "id",
          "in",
          before.map((b) => b.id),
        )
        .execute();
    const id = newId();
    await trx
      .insertInto("appeal_window")
      .values({
        id,
        year: input.year,
        instrument_id: input.instrumentId,
        organisation_id: input.organisationId,
        opens_on: input.opensOn,
        closes_on: input.closesOn,
        set_by: actor.id,
        set_at: new Date().toISOString(),
      })
      .execute();
    await writeAudit(trx, {
      actorUserId: actor.id,
      organisationId: input.organisationId,
      action: "appeal.window.set",
      entityType: "appeal_window",
      entityId: id,
      before: before[0] ? { opensOn: before[0].opens_on, closesOn: before[0].closes_on } : undefined,
      after: { ...input },
    });
    return id;
  });
}

/** Removes an explicit window (the default applies again); audited. */
export async function removeWindow(db: Db, actor: Actor, id: string): Promise<void> {
  requireSystemAdmin(actor);
  const row = await db.selectFrom("appeal_window").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new AppealError("appeal.notFound", 404);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("appeal_window").where("id", "=", id).execute();
    await writeAudit(trx, {
      actorUserId: actor.id,
      organisationId: row.organisation_id,
      action: "appeal.window.remove",
      entityType: "appeal_window",
      entityId: id,
      before: {
        year: row.year,
        instrumentId: row.instrument_id,
        organisationId: row.organisation_id,
        opensOn: row.opens_on,
        closesOn: row.closes_on,
      },
    });
  });
}
