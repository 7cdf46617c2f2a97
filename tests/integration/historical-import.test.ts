/**
 * Issue #26: a past workbook becomes a final historical assessment. The service writes the self
 * layer (and optionally a released external layer) with audit rows naming the workbook, stores the
 * snapshot, seals it with the workbook named in the signed receipt, and marks it; the dashboard trend,
 * the waterfall and the report show it. Refused for a user who may not roll out for the unit, for the
 * current open period, for a second assessment of the same unit/period/instrument, for an instrument
 * of another kind, and for answers the instrument does not accept.
 */
import fs from "node:fs";
import path from "node:path";
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
import type { Answers } from "~/domain/scoring/answers";
import { scoreAssessment } from "~/domain/scoring/score";
import type { HistoricalMarkView } from "~/components/workbench/historical";
import { importHistoricalWorkbook } from "~/services/excel/historical.server";
import { loadInstruments } from "~/services/instruments/catalog.server";
import * as page from "~/routes/assessments.historical";
import * as assessmentsList from "~/routes/assessments._index";
import * as overviewPage from "~/routes/assessments.$id._index";
import * as reportPage from "~/routes/reports.$id";
import * as receiptPage from "~/routes/assessments.$id.receipt";
import { makePeriod, makeUnit } from "../helpers/factories";
import { pmprbOfficialWorkbook } from "../helpers/official-lke";
import { callAction, callLoader } from "../helpers/remix";
import { randomAnswers } from "../unit/scoring/random-answers";
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

/* ---------------------------------------------------------------------------------------------- */
/* The page /assessments/historical with a hand-made official PMPRB workbook (two answer groups).  */

const pmprb = () => loadInstruments().find((l) => l.instrument.id === "pmprb-2014")!.instrument;
const layerAnswers = (seed: number): Answers =>
  Object.fromEntries(Object.entries(randomAnswers(pmprb(), seed)).filter(([, v]) => v !== null));
const upload = (bytes: Uint8Array, fields: Record<string, string>, name = "LKE RB 2018.xlsx") => {
  const form = new FormData();
  form.set("intent", "preview");
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set("file", new File([Buffer.from(bytes)], name, { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }));
  return form;
};

describe("the historical import page", () => {
  it("uploads, previews every group with its total, confirms the unit's and the evaluator's groups; refusals are 4xx in the form", async () => {
    const pageUnit = await makeUnit(db, w.ministry.id, w.eselon1, "Kantor Halaman");
    const p2018 = await makePeriod(db, w.ministry.id, 2018);
    const [unitLayer, evalLayer] = [layerAnswers(11), layerAnswers(12)];
    const bytes = await pmprbOfficialWorkbook(pmprb(), [
      { year: 2018, answers: unitLayer },
      { year: 2017, answers: evalLayer },
    ]);
    const cookie = w.cookies.coordinator;
    const list = await callLoader(assessmentsList, { path: "/assessments", cookie });
    expect(list.status).toBe(200);

    const noFile = new FormData();
    noFile.set("intent", "preview");
    noFile.set("unitId", pageUnit.id);
    noFile.set("periodId", p2018);
    noFile.set("instrumentId", "pmprb-2014");
    expect(await callAction(page, { path: "/assessments/historical", cookie, form: noFile })).toMatchObject({
      status: 400,
      data: { formError: "historical.fileRequired" },
    });
    expect(
      await callAction(page, {
        path: "/assessments/historical",
        cookie,
        form: upload(bytes, { unitId: "", periodId: p2018, instrumentId: "pmprb-2014" }),
      }),
    ).toMatchObject({
      status: 400,
      data: { formError: "error.form" },
    });
    expect(
      await callAction(page, {
        path: "/assessments/historical",
        cookie,
        form: upload(bytes, { unitId: pageUnit.id, periodId: periodNow, instrumentId: "pmprb-2014" }),
      }),
    ).toMatchObject({
      status: 400,
      data: { formError: "historical.periodNotPast" },
    });
    // A ZI workbook is not a PMPRB one.
    expect(
      await callAction(page, {
        path: "/assessments/historical",
        cookie,
        form: upload(bytes, { unitId: pageUnit.id, periodId: p2018, instrumentId: "zi-2021" }),
      }),
    ).toMatchObject({
      status: 400,
    });
    expect(
      await callAction(page, {
        path: "/assessments/historical",
        cookie: w.cookies.assessor,
        form: upload(bytes, { unitId: pageUnit.id, periodId: p2018, instrumentId: "pmprb-2014" }),
      }),
    ).toMatchObject({
      status: 403,
    });

    const posted = await callAction(page, {
      path: "/assessments/historical",
      cookie,
      form: upload(bytes, { unitId: pageUnit.id, periodId: p2018, instrumentId: "pmprb-2014" }),
    });
    expect(posted.status).toBe(302);
    const previewId = new URL(posted.location!, "http://x").searchParams.get("preview")!;
    const shown = await callLoader(page, { path: `/assessments/historical?preview=${previewId}`, cookie });
    const preview = (shown.data as { preview: { groups: { header: string; total: number; answered: number }[]; sha256: string } }).preview;
    expect(preview.groups.map((g) => g.header)).toEqual(["PENILAIAN TAHUN 2018", "PENILAIAN TAHUN 2017"]);
    expect(preview.groups[0]!.total).toBeCloseTo(scoreAssessment(pmprb(), unitLayer).total, 9);
    expect(preview.groups[1]!.total).toBeCloseTo(scoreAssessment(pmprb(), evalLayer).total, 9);
    // Another user cannot see or use it.
    expect((await callLoader(page, { path: `/assessments/historical?preview=${previewId}`, cookie: w.cookies.orgAdmin })).status).toBe(404);
    const confirm = (selfGroup: string, externalGroup: string) =>
      callAction(page, {
        path: `/assessments/historical?preview=${previewId}`,
        cookie,
        form: { intent: "confirm", previewId, selfGroup, externalGroup },
      });
    expect(await confirm("0", "0")).toMatchObject({ status: 400, data: { formError: "historical.sameGroup" } });
    expect(await confirm("0", "7")).toMatchObject({ status: 400, data: { formError: "historical.unknownGroup" } });
    const done = await confirm("0", "1");
    expect(done.status).toBe(302);
    const assessmentId = done.location!.split("/").pop()!;
    expect(await confirm("0", "")).toMatchObject({ status: 409, data: { formError: "historical.previewUsed" } });

    const overview = await callLoader(overviewPage, { path: `/assessments/${assessmentId}`, cookie, params: { id: assessmentId } });
    expect((overview.data as { historical: HistoricalMarkView }).historical).toMatchObject({
      fileName: "LKE RB 2018.xlsx",
      sha256: preview.sha256,
      groupHeader: "PENILAIAN TAHUN 2018",
      externalGroupHeader: "PENILAIAN TAHUN 2017",
    });
    const report = await callLoader(reportPage, { path: `/reports/${assessmentId}`, cookie, params: { id: assessmentId } });
    expect((report.data as { historical: HistoricalMarkView; total: { value: number } }).historical.sha256).toBe(preview.sha256);
    expect((report.data as { total: { value: number } }).total.value).toBeCloseTo(preview.groups[0]!.total, 9);
    const receipt = await callLoader(receiptPage, { path: `/assessments/${assessmentId}/receipt`, cookie, params: { id: assessmentId } });
    expect((receipt.data as { receipt: Receipt }).receipt.origin).toEqual({
      kind: "historical_import",
      file: "LKE RB 2018.xlsx",
      sha256: preview.sha256,
    });
    const external = await db
      .selectFrom("score_snapshot")
      .select("total")
      .where("assessment_id", "=", assessmentId)
      .where("layer", "=", "external")
      .executeTakeFirstOrThrow();
    expect(Number(external.total)).toBeCloseTo(scoreAssessment(pmprb(), { ...unitLayer, ...evalLayer }).total, 9);
    expect((await verifyAssessment(db, assessmentId)).ok).toBe(true);

    // The same unit, period and instrument again: refused.
    expect(
      await callAction(page, {
        path: "/assessments/historical",
        cookie,
        form: upload(bytes, { unitId: pageUnit.id, periodId: p2018, instrumentId: "pmprb-2014" }),
      }),
    ).toMatchObject({
      status: 409,
      data: { formError: "historical.exists" },
    });
  });
});

/* ---------------------------------------------------------------------------------------------- */
/* The real workbook: BPS's LKE PMPRB 2014 of 2015 as evaluated by KemenPANRB (../shared only).    */

const REAL = path.resolve(__dirname, "../../../shared/fixtures/official-workbooks/lke-pmprb-2014-evaluated.xlsx");
const realPresent = fs.existsSync(REAL);
if (!realPresent)
  console.warn(`historical-import: the real PMPRB workbook test is skipped, ${REAL} is absent (it lives only in ../shared/)`);

describe.skipIf(!realPresent)("the real PMPRB 2014 workbook of 2015 as two historical finals", () => {
  it("the 2015 group into 2015 and the 2014 group into 2014: both years in the trend, the waterfall and the report", async () => {
    const bps = await makeUnit(db, w.ministry.id, w.eselon1, "BPS (historis)");
    const [p2014, p2015] = [await makePeriod(db, w.ministry.id, 2014), await makePeriod(db, w.ministry.id, 2015)];
    const file = { name: "LKE RB BPS 2015 - Hasil Evaluasi Kemenpan.xlsx", bytes: new Uint8Array(fs.readFileSync(REAL)) };
    const r2015 = await importHistoricalWorkbook(db, coordinator, {
      unitId: bps.id,
      periodId: p2015,
      instrumentId: "pmprb-2014",
      file,
      layer: "PENILAIAN TAHUN 2015",
    });
    const r2014 = await importHistoricalWorkbook(db, coordinator, { unitId: bps.id, periodId: p2014, file, layer: "V" });
    expect(r2014.instrumentId).toBe("pmprb-2014");
    expect([r2015.self, r2014.self]).toEqual(["PENILAIAN TAHUN 2015", "PENILAIAN TAHUN 2014"]);
    expect(r2015.sha256).toMatch(/^ab8b0687/);
    expect(r2015.total).toBeCloseTo(72.2103, 4);
    expect(r2014.total).toBeCloseTo(60.8602, 4);

    const trend = await trendByPeriod(db, { organisationId: w.ministry.id, instrumentId: "pmprb-2014", unitPaths: [bps.path] });
    expect(trend.map((t) => t.year)).toEqual([2014, 2015]);
    expect(trend[0]!.mean).toBeCloseTo(60.8602, 4);
    expect(trend[1]!.mean).toBeCloseTo(72.2103, 4);

    const move = await unitMovement(db, coordinator, bps.id, new URL("http://x/dashboard/movement?instrument=pmprb-2014"), "id");
    expect([move.from?.year, move.to?.year]).toEqual([2014, 2015]);
    expect(move.explanation!.before).toBeCloseTo(60.8602, 4);
    expect(move.explanation!.after).toBeCloseTo(72.2103, 4);
    expect(move.explanation!.delta).toBeCloseTo(72.2103 - 60.8602, 3);
    expect(move.chart!.table.rows.map((r) => r.step)).toContain("2015");

    const report = await assessmentReport(db, coordinator, r2015.assessmentId, "id");
    expect(report.total.value).toBeCloseTo(72.2103, 4);
    expect(report.trend.table.rows.map((r) => r.period)).toEqual(["2014", "2015"]);
    expect(await historicalMark(db, r2015.assessmentId)).toMatchObject({
      fileName: file.name,
      sha256: r2015.sha256,
      groupHeader: "PENILAIAN TAHUN 2015",
    });
    for (const id of [r2014.assessmentId, r2015.assessmentId]) expect((await verifyAssessment(db, id)).ok).toBe(true);
  });
});
