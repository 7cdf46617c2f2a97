/**
 * Issue #26: a past workbook becomes a final historical assessment. The service writes the self
 * layer (and optionally a released external layer) with audit rows naming the workbook, stores the
 * snapshot, seals it with the workbook named in the signed receipt, and marks it; the dashboard trend,
 * the waterfall and the report show it. Refused for a user who may not roll out for the unit, for the
 * current open period, for a second assessment of the same unit/period/instrument, for an instrument
 * of another kind, and for answers the instrument does not accept.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "#db/client.server";
import { trendByPeriod } from "#db/queries/dashboard";
import type { Actor } from "~/auth/permissions";
import type { Receipt } from "~/domain/seal/document";
import { assessmentReport } from "~/services/dashboard/report.server";
import { unitMovement } from "~/services/dashboard/movement.server";
import { listSeals, verifyAssessment } from "~/services/seal/seal.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import {
  createHistoricalAssessment,
  historicalMark,
  HistoricalImportError,
  isHistoricalPeriod,
  type HistoricalInput,
} from "~/services/workbench/historical.server";
import { todayWib } from "~/services/workbench/rules";
import { makePeriod, makeUnit } from "../helpers/factories";
import { type World, freshWorld } from "../helpers/world";

let db: Db;
let w: World;
let coordinator: Actor;
let assessor: Actor;
let otherOrgAdmin: Actor;
const thisYear = Number(todayWib().slice(0, 4));
const [yearA, yearB] = [thisYear - 3, thisYear - 2];
let periodA = "";
let periodB = "";
let periodNow = "";
let unit: { id: string; path: string; name: string };

const file = { name: "lke-zi-lama.xlsx", sha256: "a".repeat(64) };
const base = (over: Partial<HistoricalInput> = {}): HistoricalInput => ({
  unitId: unit.id,
  periodId: periodA,
  instrumentId: "zi-2021",
  file,
  self: { answers: { "A.I.1.i.a": "Ya", "A.I.1.i.b": "B" }, notes: { "A.I.1.i.a": "SK Tim ZI 2021" }, header: "Jawaban" },
  ...over,
});

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HistoricalImportError) return e.key;
    if (e instanceof Response) return `http ${e.status}`;
    throw e;
  }
  return "accepted";
}

beforeAll(async () => {
  ({ db, w } = await freshWorld());
  coordinator = {
    id: w.users.coordinator.id,
    isAdmin: false,
    memberships: [{ organisationId: w.ministry.id, unitId: w.eselon1.id, unitPath: w.eselon1.path, role: "coordinator" }],
  };
  assessor = {
    id: w.users.assessor.id,
    isAdmin: false,
    memberships: [{ organisationId: w.ministry.id, unitId: w.service.id, unitPath: w.service.path, role: "assessor" }],
  };
  otherOrgAdmin = {
    id: w.users.otherOrgAdmin.id,
    isAdmin: false,
    memberships: [{ organisationId: w.other.id, unitId: null, unitPath: null, role: "org_admin" }],
  };
  unit = await makeUnit(db, w.ministry.id, w.eselon1, "Kantor Historis");
  periodA = await makePeriod(db, w.ministry.id, yearA);
  periodB = await makePeriod(db, w.ministry.id, yearB);
  periodNow = await makePeriod(db, w.ministry.id, thisYear + 1);
});

describe("which periods are historical", () => {
  it("a year before this one (WIB), or a closed period of this year; never the open current or a later one", () => {
    expect(isHistoricalPeriod({ year: 2025, status: "open" }, "2026-01-01")).toBe(true);
    expect(isHistoricalPeriod({ year: 2026, status: "open" }, "2026-12-31")).toBe(false);
    expect(isHistoricalPeriod({ year: 2026, status: "closed" }, "2026-12-31")).toBe(true);
    expect(isHistoricalPeriod({ year: 2027, status: "closed" }, "2026-12-31")).toBe(false);
  });
});

describe("createHistoricalAssessment", () => {
  let first = "";

  it("creates a final assessment with its self snapshot, audit rows naming the workbook, the mark and a seal that verifies", async () => {
    const r = await createHistoricalAssessment(db, coordinator, base());
    first = r.assessmentId;
    const a = await db.selectFrom("assessment").selectAll().where("id", "=", first).executeTakeFirstOrThrow();
    expect(a).toMatchObject({
      status: "final",
      unit_id: unit.id,
      period_id: periodA,
      instrument_id: "zi-2021",
      finalised_by: coordinator.id,
    });
    const frozen = await db.selectFrom("instrument_version").select("hash").where("hash", "=", a.instrument_hash).executeTakeFirst();
    expect(frozen).toBeDefined();

    const answers = await db
      .selectFrom("answer")
      .select(["layer", "item_id", "value_json", "note"])
      .where("assessment_id", "=", first)
      .orderBy("item_id")
      .execute();
    expect(answers).toEqual([
      { layer: "self", item_id: "A.I.1.i.a", value_json: '"Ya"', note: "SK Tim ZI 2021" },
      { layer: "self", item_id: "A.I.1.i.b", value_json: '"B"', note: null },
    ]);
    const audits = await db
      .selectFrom("audit_log")
      .select(["action", "after_json"])
      .where("entity_id", "=", `${first}:A.I.1.i.a`)
      .execute();
    expect(audits).toHaveLength(1);
    expect(JSON.parse(audits[0]!.after_json!).source).toEqual({ kind: "historical_import", file: file.name, sha256: file.sha256 });

    const snap = await db.selectFrom("score_snapshot").selectAll().where("assessment_id", "=", first).execute();
    expect(snap.map((s) => s.layer)).toEqual(["self"]);
    expect(Number(snap[0]!.total)).toBeCloseTo(r.total, 9);
    expect(r.total).toBeGreaterThan(0);

    expect(await historicalMark(db, first)).toMatchObject({
      fileName: file.name,
      sha256: file.sha256,
      groupHeader: "Jawaban",
      externalGroupHeader: null,
    });

    const seals = await listSeals(db, first);
    expect(seals.map((s) => [s.seq, s.event])).toEqual([[1, "finalise"]]);
    const receipt = JSON.parse(seals[0]!.receipt_json) as Receipt;
    expect(receipt.origin).toEqual({ kind: "historical_import", file: file.name, sha256: file.sha256 });
    const report = await verifyAssessment(db, first);
    expect(report.problems).toEqual([]);
    expect(report.mismatches).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.seals[0]!.origin?.file).toBe(file.name);
  });

  it("imports an evaluated group as the released external layer, with its own snapshot", async () => {
    const r = await createHistoricalAssessment(
      db,
      coordinator,
      base({
        periodId: periodB,
        self: { answers: { "A.I.1.i.a": "Ya", "A.I.1.i.b": "A", "A.I.1.ii.a": "Ya" }, header: "PENILAIAN UNIT" },
        external: { answers: { "A.I.1.i.a": "Ya", "A.I.1.i.b": "C" }, header: "PENILAIAN TPN" },
      }),
    );
    const released = await db
      .selectFrom("layer_release")
      .select(["layer", "revoked_at"])
      .where("assessment_id", "=", r.assessmentId)
      .execute();
    expect(released).toEqual([{ layer: "external", revoked_at: null }]);
    const snaps = await db
      .selectFrom("score_snapshot")
      .select(["layer", "total"])
      .where("assessment_id", "=", r.assessmentId)
      .orderBy("layer")
      .execute();
    expect(snaps.map((s) => s.layer)).toEqual(["external", "self"]);
    expect(r.externalTotal).not.toBeNull();
    expect(r.externalTotal!).toBeLessThan(r.total);
    expect(Number(snaps[0]!.total)).toBeCloseTo(r.externalTotal!, 9);
    const evalAudit = await db
      .selectFrom("audit_log")
      .select("after_json")
      .where("entity_id", "=", `eval:${r.assessmentId}:A.I.1.i.b`)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(evalAudit.after_json!)).toMatchObject({ layer: "external", value: "C", source: { kind: "historical_import" } });
    // The seal covers the released external layer too, and verifies.
    const seal = (await listSeals(db, r.assessmentId))[0]!;
    expect(Object.keys(JSON.parse(seal.document_json).state.layers).sort()).toEqual(["external", "self"]);
    expect((await verifyAssessment(db, r.assessmentId)).ok).toBe(true);
    expect(await historicalMark(db, r.assessmentId)).toMatchObject({ groupHeader: "PENILAIAN UNIT", externalGroupHeader: "PENILAIAN TPN" });
  });

  it("appears in the dashboard trend, the waterfall between the two years and the printable report", async () => {
    const trend = await trendByPeriod(db, { organisationId: w.ministry.id, instrumentId: "zi-2021", unitPaths: [unit.path] });
    expect(trend.map((t) => [t.year, t.units])).toEqual([
      [yearA, 1],
      [yearB, 1],
    ]);
    const move = await unitMovement(db, coordinator, unit.id, new URL("http://x/dashboard/movement"), "id");
    expect(move.from?.year).toBe(yearA);
    expect(move.to?.year).toBe(yearB);
    expect(move.chart).not.toBeNull();
    expect(move.explanation!.before).toBeCloseTo(trend[0]!.mean, 9);
    expect(move.explanation!.after).toBeCloseTo(trend[1]!.mean, 9);
    const report = await assessmentReport(db, coordinator, first, "id");
    expect(report.assessment.final).toBe(true);
    expect(report.snapshot).not.toBeNull();
    expect(report.total.value).toBeCloseTo(trend[0]!.mean, 9);
    expect(report.trend.table.rows.map((r) => r.period)).toEqual([String(yearA), String(yearB)]);
  });

  it("refuses a second assessment of the same unit, period and instrument", async () => {
    expect(await refusal(createHistoricalAssessment(db, coordinator, base()))).toBe("historical.exists");
    // The world's service unit already has a roll-out assessment in its period.
    expect(await refusal(createHistoricalAssessment(db, coordinator, base({ unitId: w.service.id, periodId: w.periodId })))).toMatch(
      /historical\.(exists|periodNotPast)/,
    );
  });

  it("refuses users who may not roll out for the unit", async () => {
    const other = await makePeriod(db, w.ministry.id, yearA - 1);
    expect(await refusal(createHistoricalAssessment(db, assessor, base({ periodId: other, unitId: w.service.id })))).toBe("http 403");
    expect(await refusal(createHistoricalAssessment(db, otherOrgAdmin, base({ periodId: other })))).toBe("http 404");
    const count = await db.selectFrom("assessment").select("id").where("period_id", "=", other).execute();
    expect(count).toEqual([]);
  });

  it("refuses the current open period, an instrument of another kind, answers the instrument rejects, and no answers", async () => {
    const other = await makePeriod(db, w.ministry.id, yearA - 2);
    expect(await refusal(createHistoricalAssessment(db, coordinator, base({ periodId: periodNow })))).toBe("historical.periodNotPast");
    expect(
      await refusal(
        createHistoricalAssessment(db, coordinator, base({ periodId: other, instrumentId: "rb-2023-kabkota", self: { answers: {} } })),
      ),
    ).toBe("historical.instrumentWrongKind");
    expect(
      await refusal(createHistoricalAssessment(db, coordinator, base({ periodId: other, self: { answers: { "A.I.1.i.b": "Z" } } }))),
    ).toBe("historical.invalidAnswer");
    expect(await refusal(createHistoricalAssessment(db, coordinator, base({ periodId: other, self: { answers: { "X.9": "Ya" } } })))).toBe(
      "historical.unknownItem",
    );
    expect(await refusal(createHistoricalAssessment(db, coordinator, base({ periodId: other, self: { answers: {} } })))).toBe(
      "historical.noAnswers",
    );
    expect(await refusal(createHistoricalAssessment(db, coordinator, base({ periodId: otherPeriodOf() })))).toBe(
      "historical.wrongOrganisation",
    );
    const count = await db.selectFrom("assessment").select("id").where("period_id", "=", other).execute();
    expect(count).toEqual([]);
  });

  it("reads through requireAssessment like any final", async () => {
    const ctx = await requireAssessment(db, coordinator, first);
    expect(ctx.assessment.status).toBe("final");
  });
});

const otherPeriodOf = () => w.otherPeriodId;
