import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import { uploadRelease } from "~/services/instruments/releases.server";
import { createPlan, saveTarget } from "~/services/renaksi/plans.server";
import { addRenaksiFiles } from "~/services/renaksi/evidence.server";
import { fileAppealWithFiles } from "~/services/appeals/appeals.server";
import { releaseLayer, saveEvaluatorAnswer } from "~/services/evaluation/layers.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { createAssessments } from "~/services/workbench/rollout.server";
import { makeUnit } from "../helpers/factories";
import { outlineOf } from "~/domain/instrument/outline";
import { pdf } from "../fixtures/evidence/files";
import { freshDb } from "../helpers/db";
import { sessionCookie } from "../helpers/factories";
import { pmprbNext } from "../helpers/instrument-edits";
import { callAction, callLoader } from "../helpers/remix";
import { buildWorld, withTempDataDir, PERSONAS, type Persona, type World } from "../helpers/world";

type Expect = Record<Persona, number>;
const all = (status: number, overrides: Partial<Expect> = {}): Expect =>
  ({ ...Object.fromEntries(PERSONAS.map((p) => [p, status])), ...overrides }) as Expect;
const signedIn = (status: number, overrides: Partial<Expect> = {}) => all(status, { anon: 302, ...overrides });
const adminsOnly = (ok: number, overrides: Partial<Expect> = {}) =>
  signedIn(403, { admin: ok, orgAdmin: ok, otherOrgAdmin: ok, ...overrides });

interface RouteCase {
  params?: (w: World) => Record<string, string>;
  get?: Expect;
  /** freshSession: the request ends its session (logout), so it gets a throwaway one. */
  post?: { form: (w: World, p: Persona) => Record<string, string>; expect: Expect; freshSession?: boolean };
}

let n = 0;
/** A draft PMPRB release (uploaded in beforeAll) for the release page; the admin's POST publishes it. */
let releaseId = "";
/** The ministry's 2025 Rencana Aksi (created in beforeAll) with one target, for the plan pages (issue #29). */
let planId = "";
let planTargetId = "";
/** A PDF bukti dukung of that target (issue #29), for its download route. */
let planEvidenceId = "";
/** An appeal (issue #30) with a file, on a ZI assessment of its own (a unit below the service unit), for the appeal routes. */
const appeal = { assessmentId: "", id: "", fileId: "", itemId: "" };
const personaYear = (p: Persona) => String(2030 + PERSONAS.indexOf(p));
/** Distinct never-answered items, so each persona's first save starts from version 0. */
const ANSWER_ITEMS: Partial<Record<Persona, string>> = { admin: "A.I.1.i.a", coordinator: "A.I.1.i.b", assessor: "A.I.1.ii.a" };
/** Every route module must be listed here; a new route without an entry fails the test below. */
const MATRIX: Record<string, RouteCase> = {
  _index: { get: signedIn(200) },
  // Any unknown path: a 404 for everyone, signed in or not (the root loader then picks the reader's language).
  $: { params: () => ({ "*": "tidak/ada" }), get: all(404) },
  login: {
    get: all(302, { anon: 200 }),
    post: { form: (_w, p) => ({ email: `nobody-${p}@test.local`, password: "salah" }), expect: all(401) },
  },
  logout: { get: all(302), post: { form: () => ({}), expect: all(302), freshSession: true } },
  language: { get: all(302), post: { form: () => ({ locale: "en", redirectTo: "/" }), expect: all(302) } },
  healthz: { get: all(200), post: { form: () => ({}), expect: all(200) } },
  "set-password.$token": {
    params: () => ({ token: "not-a-real-token" }),
    get: all(200),
    post: { form: () => ({ password: "sebuah-kata-sandi", confirm: "sebuah-kata-sandi" }), expect: all(410) },
  },
  account: { get: signedIn(200), post: { form: () => ({ intent: "nothing" }), expect: signedIn(400) } },
  inbox: { get: signedIn(200), post: { form: () => ({ intent: "read-all" }), expect: all(302) } },
  units: { get: signedIn(200) },
  "admin.audit": { get: adminsOnly(200, { reviewer: 200 }) },
  "admin.organisations._index": {
    get: adminsOnly(200),
    post: { form: () => ({ name: `Instansi ${++n}`, kind: "pemda_provinsi" }), expect: signedIn(403, { admin: 302 }) },
  },
  "admin.organisations.$orgId._index": {
    params: (w) => ({ orgId: w.ministry.id }),
    get: signedIn(403, { admin: 200, orgAdmin: 200 }),
    post: {
      form: () => ({ intent: "update-org", name: "Kementerian Uji", kind: "kementerian_lembaga" }),
      expect: signedIn(403, { admin: 200, orgAdmin: 200 }),
    },
  },
  "admin.organisations.$orgId.periods": {
    params: (w) => ({ orgId: w.ministry.id }),
    get: signedIn(403, { admin: 200, orgAdmin: 200 }),
    post: {
      form: (w) => ({ intent: "update-period", periodId: w.periodId, fillStart: "2025-02-01" }),
      expect: signedIn(403, { admin: 200, orgAdmin: 200 }),
    },
  },
  "admin.instruments._index": {
    get: signedIn(403, { admin: 200 }),
    post: { form: () => ({ intent: "upload" }), expect: signedIn(403, { admin: 400 }) },
  },
  "admin.instruments.$releaseId": {
    params: () => ({ releaseId }),
    get: signedIn(403, { admin: 200 }),
    post: { form: () => ({ intent: "publish", confirm: "1" }), expect: signedIn(403, { admin: 200 }) },
  },
  "admin.users._index": {
    get: adminsOnly(200),
    post: {
      form: (w, p) => ({
        name: "Pengguna Baru",
        email: `baru-${p}-${++n}@test.local`,
        scope: p === "otherOrgAdmin" ? w.other.id : w.ministry.id,
        role: "assessor",
      }),
      expect: adminsOnly(200),
    },
  },
  "assessments._index": {
    get: signedIn(200),
    post: {
      form: (w) => ({ unitIds: w.service.id, periodId: w.periodId, instrumentId: "zi-2021" }),
      expect: signedIn(403, { admin: 200, orgAdmin: 200, coordinator: 200 }),
    },
  },
  "assessments.$id._index": {
    params: (w) => ({ id: w.assessmentId }),
    get: signedIn(200, { otherOrgAdmin: 404 }),
    post: {
      form: (w) => ({ intent: "assign", nodeId: "A.I.1", userId: w.users.assessor.id }),
      expect: signedIn(403, { admin: 200, orgAdmin: 200, coordinator: 200, otherOrgAdmin: 404 }),
    },
  },
  "assessments.$id.areas.$area": {
    params: (w) => ({ id: w.assessmentId, area: "A.I.1" }),
    get: signedIn(200, { otherOrgAdmin: 404 }),
    post: {
      form: (_w, p) => ({ intent: "comment", itemId: "A.I.1.i.a", body: `Komentar ${p}` }),
      expect: signedIn(200, { reviewer: 403, otherOrgAdmin: 404 }),
    },
  },
  "assessments.$id.answers": {
    params: (w) => ({ id: w.assessmentId }),
    get: all(404),
    post: {
      form: (_w, p) => ({ itemId: ANSWER_ITEMS[p] ?? "A.I.1.i.a", baseVersion: "0", value: p === "coordinator" ? "A" : "Ya" }),
      expect: signedIn(403, { admin: 200, coordinator: 200, assessor: 200, otherOrgAdmin: 404 }),
    },
  },
  "assessments.$id.confirm-carried": {
    params: (w) => ({ id: w.assessmentId }),
    get: all(404),
    post: {
      form: () => ({ area: "A.I.1" }),
      expect: signedIn(403, { admin: 302, coordinator: 302, assessor: 302, otherOrgAdmin: 404 }),
    },
  },
  "assessments.$id.evidence": {
    params: (w) => ({ id: w.assessmentId }),
    get: all(302),
    post: {
      form: (_w, p) => ({ intent: "link", itemId: "A.I.1.i.a", url: `https://example.go.id/${p}`, name: "SK" }),
      expect: signedIn(403, { admin: 200, coordinator: 200, assessor: 200, otherOrgAdmin: 404 }),
    },
  },
  "assessments.$id.lke": {
    params: (w) => ({ id: w.assessmentId }),
    get: signedIn(200, { otherOrgAdmin: 404 }),
    post: {
      form: () => ({ intent: "preview" }),
      expect: signedIn(403, { admin: 400, coordinator: 400, assessor: 400, evaluator: 400, otherOrgAdmin: 404 }),
    },
  },
  "assessments.$id.lke[.]xlsx": { params: (w) => ({ id: w.assessmentId }), get: signedIn(200, { otherOrgAdmin: 404 }) },
  "assessments.lke-bulk": { get: signedIn(200), post: { form: () => ({ intent: "import" }), expect: signedIn(400) } },
  "assessments.historical": {
    get: signedIn(403, { admin: 200, orgAdmin: 200, coordinator: 200, otherOrgAdmin: 200 }),
    post: {
      form: () => ({ intent: "confirm" }),
      expect: signedIn(403, { admin: 400, orgAdmin: 400, coordinator: 400, otherOrgAdmin: 400 }),
    },
  },
  "assessments.lke-bulk.$jobId[.]zip": { params: () => ({ jobId: "00000000-0000-4000-8000-000000000000" }), get: signedIn(404) },
  "lke.template.$instrument": { params: () => ({ instrument: "zi-2021" }), get: signedIn(200) },
  "evidence.$id.download": {
    params: (w) => ({ id: w.evidenceId }),
    get: signedIn(200, { otherOrgAdmin: 404 }),
  },
  "evaluations._index": { get: signedIn(200, { coordinator: 403, assessor: 403 }) },
  "evaluations.eligibility": {
    get: signedIn(200, { coordinator: 403, assessor: 403 }),
    post: {
      form: (w) => ({
        intent: "prerequisites",
        periodId: w.periodId,
        organisationId: w.ministry.id,
        bpkOpinion: "WTP",
        sakipPredicate: "BB",
        indeksRb: "72,5",
        spipLevel: "3",
      }),
      expect: signedIn(403, { admin: 200, orgAdmin: 200, evaluator: 200, otherOrgAdmin: 403 }),
    },
  },
  "evaluations.gaps": { get: signedIn(200, { coordinator: 403, assessor: 403 }) },
  // Roll-ups (issue #30): organisation-wide members and evaluators/reviewers see their own organisation's page (the
  // overview sends them there); unit-scoped members nothing; the list download and the national averages are wider scopes'.
  "rollup._index": { get: signedIn(302, { admin: 200, coordinator: 403, assessor: 403 }) },
  "rollup.organisations.$orgId": {
    params: (w) => ({ orgId: w.ministry.id }),
    get: signedIn(200, { coordinator: 403, assessor: 403, otherOrgAdmin: 404 }),
  },
  "rollup[.]csv": { get: signedIn(403, { admin: 200 }) },
  "rollup.national": {
    get: signedIn(403, { admin: 200 }),
    post: { form: () => ({ intent: "import" }), expect: signedIn(403, { admin: 400 }) },
  },
  "evaluations.assessments.$id": {
    params: (w) => ({ id: w.submittedAssessmentId }),
    get: signedIn(403, { admin: 200, orgAdmin: 200, reviewer: 200, evaluator: 200, otherOrgAdmin: 404 }),
    post: {
      form: () => ({ intent: "release", layer: "external", confirm: "yes" }),
      expect: signedIn(403, { admin: 200, evaluator: 200, otherOrgAdmin: 404 }),
    },
  },
  "evaluations.samples.$id": {
    params: (w) => ({ id: w.sampleId }),
    get: signedIn(403, { admin: 200, evaluator: 200, otherOrgAdmin: 404 }),
    post: {
      form: (w) => ({ sampleItemId: w.firstSampleItemId, decision: "agree" }),
      expect: signedIn(403, { admin: 302, evaluator: 302, otherOrgAdmin: 404 }),
    },
  },
  "dashboard._index": { get: signedIn(200) },
  "dashboard.csv.$chart": { params: () => ({ chart: "trend" }), get: signedIn(200) },
  "dashboard.xlsx.$chart": { params: () => ({ chart: "trend" }), get: signedIn(200) },
  "dashboard.units.$unitId": { params: (w) => ({ unitId: w.service.id }), get: signedIn(200, { otherOrgAdmin: 404 }) },
  "dashboard.movement.$unitId": { params: (w) => ({ unitId: w.service.id }), get: signedIn(200, { otherOrgAdmin: 404 }) },
  "dashboard.plan.$id": { params: (w) => ({ id: w.assessmentId }), get: signedIn(200, { otherOrgAdmin: 404 }) },
  "reports.$id": { params: (w) => ({ id: w.assessmentId }), get: signedIn(200, { otherOrgAdmin: 404 }) },
  "assessments.$id.blind": {
    params: (w) => ({ id: w.assessmentId }),
    get: signedIn(200, { otherOrgAdmin: 404 }),
    // The world has no blind round: a coordinator's reveal is a readable 400.
    post: {
      form: () => ({ intent: "reveal", areaId: "A.I.1" }),
      expect: signedIn(403, { admin: 400, orgAdmin: 400, coordinator: 400, otherOrgAdmin: 404 }),
    },
  },
  "assessments.$id.consensus.$area": {
    params: (w) => ({ id: w.assessmentId, area: "A.I.1" }),
    get: signedIn(404),
    post: {
      form: () => ({ intent: "consensus", itemId: "A.I.1.i.a", baseVersion: "0", value: "Ya" }),
      expect: signedIn(403, { admin: 400, coordinator: 400, assessor: 400, otherOrgAdmin: 404 }),
    },
  },
  about: { get: all(200) },
  // The accessibility statement (issue #28): a page without a loader, public.
  "about_.accessibility": {},
  "assessments.$id.receipt": { params: (w) => ({ id: w.assessmentId }), get: signedIn(200, { otherOrgAdmin: 404 }) },
  // The world's assessments were never submitted through the workflow: no seal, so no receipt file.
  "assessments.$id.receipt[.]json": { params: (w) => ({ id: w.assessmentId }), get: signedIn(404) },
  "assessments.$id.verify": { params: (w) => ({ id: w.assessmentId }), get: signedIn(200, { otherOrgAdmin: 404 }) },
  // Rencana Aksi (issue #29): read by anyone of the organisation; filled by its coordinators (any unit) and
  // organisation-wide assessors; graded by its evaluators; the schedule by its admin; another organisation's
  // admin does not see it (404).
  "renaksi._index": {
    get: signedIn(200),
    post: { form: (w, p) => ({ intent: "create", organisationId: w.ministry.id, year: personaYear(p) }), expect: signedIn(403, { admin: 302, coordinator: 302 }) },
  },
  "renaksi.for.$assessmentId": { params: (w) => ({ assessmentId: w.assessmentId }), get: all(302, { otherOrgAdmin: 404 }) },
  "renaksi.$planId._index": {
    params: () => ({ planId }),
    get: signedIn(200, { otherOrgAdmin: 404 }),
    post: { form: () => ({ intent: "schedule", mode: "portal" }), expect: signedIn(403, { admin: 200, orgAdmin: 200, otherOrgAdmin: 404 }) },
  },
  "renaksi.$planId.rencana": {
    params: () => ({ planId }),
    get: signedIn(200, { otherOrgAdmin: 404 }),
    post: { form: () => ({ intent: "save-target", indicatorCode: "IND02", target: "5" }), expect: signedIn(403, { admin: 200, coordinator: 200, otherOrgAdmin: 404 }) },
  },
  "renaksi.$planId.monev": {
    params: () => ({ planId }),
    get: signedIn(200, { otherOrgAdmin: 404 }),
    post: { form: () => ({ intent: "evaluator-note", entity: "target", id: planTargetId, note: "Catatan" }), expect: signedIn(403, { admin: 200, evaluator: 200, otherOrgAdmin: 404 }) },
  },
  "renaksi.$planId.penilaian": {
    params: () => ({ planId }),
    get: signedIn(200, { otherOrgAdmin: 404 }),
    post: { form: () => ({ intent: "grade", criterion: "PKU1", grade: "A" }), expect: signedIn(403, { admin: 200, evaluator: 200, otherOrgAdmin: 404 }) },
  },
  "renaksi.$planId.tematik": {
    params: () => ({ planId }),
    get: signedIn(200, { otherOrgAdmin: 404 }),
    post: { form: () => ({ intent: "add-node", theme: "KEMISKINAN", kind: "sasaran", name: "Sasaran uji" }), expect: signedIn(403, { admin: 200, coordinator: 200, otherOrgAdmin: 404 }) },
  },
  "renaksi.$planId.excel": {
    params: () => ({ planId }),
    get: signedIn(200, { otherOrgAdmin: 404 }),
    // No workbook attached: a readable 400 for the team, 403 for the others.
    post: { form: () => ({ intent: "preview" }), expect: signedIn(403, { admin: 400, coordinator: 400, otherOrgAdmin: 404 }) },
  },
  "renaksi.$planId.xlsx": { params: () => ({ planId }), get: signedIn(200, { otherOrgAdmin: 404 }) },
  // A target's bukti dukung file: downloaded by anyone who reads the plan.
  "renaksi.$planId.evidence.$evidenceId": { params: () => ({ planId, evidenceId: planEvidenceId }), get: signedIn(200, { otherOrgAdmin: 404 }) },
  // Sanggah (issue #30): the team's page (readers 200; only the team's post reaches the checks: the row's appeal is open → 409),
  // a file (readers of the assessment), the evaluator's queue and decide page (the layer's writers decide: an
  // empty response → 400), the system administrator's windows.
  "assessments.$id.appeals._index": {
    params: () => ({ id: appeal.assessmentId }),
    get: signedIn(200, { otherOrgAdmin: 404 }),
    post: {
      form: () => ({ intent: "file", layer: "external", itemId: appeal.itemId, reason: "Alasan" }),
      expect: signedIn(403, { coordinator: 409, assessor: 409, otherOrgAdmin: 404 }),
    },
  },
  "assessments.$id.appeals.$appealId.files.$fileId": {
    params: () => ({ id: appeal.assessmentId, appealId: appeal.id, fileId: appeal.fileId }),
    get: signedIn(200, { otherOrgAdmin: 404 }),
  },
  "evaluations.appeals._index": { get: signedIn(403, { admin: 200, coordinator: 200, evaluator: 200 }) },
  "evaluations.appeals.$appealId": {
    params: () => ({ appealId: appeal.id }),
    get: signedIn(200, { coordinator: 403, assessor: 403, otherOrgAdmin: 404 }),
    post: {
      form: () => ({ intent: "decide", decision: "reject", response: " " }),
      expect: signedIn(403, { admin: 400, evaluator: 400, otherOrgAdmin: 404 }),
    },
  },
  "admin.appeal-windows": {
    get: signedIn(403, { admin: 200 }),
    post: {
      form: () => ({ intent: "set", year: "2025", instrumentId: "zi-2021", organisationId: "", opensOn: "2026-03-01", closesOn: "2026-03-12" }),
      expect: signedIn(403, { admin: 200 }),
    },
  },
  "admin.users.$userId": {
    params: (w) => ({ userId: w.users.assessor.id }),
    get: signedIn(403, { admin: 200, orgAdmin: 200, reviewer: 200 }),
    post: { form: () => ({ intent: "rename", name: "Sari Asesor" }), expect: signedIn(403, { admin: 200, orgAdmin: 200 }) },
  },
};

const routeIds = fs
  .readdirSync(path.resolve("app/routes"))
  .map((f) => f.replace(/\.(tsx|ts)$/, ""))
  .sort();

let world: World;
let db: Db;
beforeAll(async () => {
  withTempDataDir();
  db = await freshDb();
  world = await buildWorld(db);
  const admin = { id: world.users.admin.id, isAdmin: true, memberships: [] };
  releaseId = (await uploadRelease(db, admin, { text: pmprbNext(), fileName: "pmprb-2014-1.1.0.yaml" })).release.id;
  planId = await createPlan(db, admin, world.ministry.id, 2025);
  await saveTarget(db, admin, planId, { indicatorCode: "IND01", baselineYear: 2024, baselineValue: 1, target: 2, unit: null, note: null });
  planTargetId = (await db.selectFrom("renaksi_target").select("id").where("plan_id", "=", planId).executeTakeFirstOrThrow()).id;
  planEvidenceId = (await addRenaksiFiles(db, admin, planId, planTargetId, [new File([pdf()], "bukti.pdf")], "Bukti target")).ids[0]!;
  const appealUnit = await makeUnit(db, world.ministry.id, world.service, "Loket Sanggah");
  appeal.assessmentId = (await createAssessments(db, admin, { unitIds: [appealUnit.id], periodId: world.periodId, instrumentId: "zi-2021", carryForward: false })).created[0]!;
  await db.updateTable("assessment").set({ status: "submitted" }).where("id", "=", appeal.assessmentId).execute();
  const appealCtx = await requireAssessment(db, admin, appeal.assessmentId);
  appeal.itemId = [...outlineOf(appealCtx.instrument).items.values()].find((i) => i.options?.length)!.id;
  const appealValue = outlineOf(appealCtx.instrument).items.get(appeal.itemId)!.options![0]!.code;
  await saveEvaluatorAnswer(db, admin, appealCtx, { layer: "external", itemId: appeal.itemId, decision: "adjust", value: appealValue, note: null, recommendation: null });
  await releaseLayer(db, admin, appealCtx, "external", { confirmed: true });
  const team = { id: world.users.coordinator.id, isAdmin: false, memberships: [{ organisationId: world.ministry.id, unitId: world.eselon1.id, unitPath: world.eselon1.path, role: "coordinator" as const }] };
  appeal.id = await fileAppealWithFiles(db, team, appealCtx, { layer: "external", itemId: appeal.itemId, reason: "Alasan" }, [new File([pdf()], "sanggah.pdf")]);
  appeal.fileId = (await db.selectFrom("appeal_file").select("id").where("appeal_id", "=", appeal.id).executeTakeFirstOrThrow()).id;
});

test("every route module is in the role × route matrix", () => {
  expect(Object.keys(MATRIX).sort()).toEqual(routeIds);
});

describe.each(routeIds.filter((id) => MATRIX[id]))("%s", (id) => {
  const rc = MATRIX[id]!;
  const load = () => import(`../../app/routes/${id}.${fs.existsSync(`app/routes/${id}.tsx`) ? "tsx" : "ts"}`);
  const urlPath =
    "/" +
    id
      .replace(/^_index$/, "")
      .replace(/\._index$/, "")
      .replace(/\./g, "/");

  test.each(PERSONAS)("GET as %s", async (persona) => {
    const mod = await load();
    if (!rc.get) return expect(mod.loader).toBeUndefined();
    const out = await callLoader(mod, { path: urlPath, cookie: world.cookies[persona], params: rc.params?.(world) });
    expect(out.status, `${id} GET as ${persona}`).toBe(rc.get[persona]);
  });

  test.each(PERSONAS)("POST as %s", async (persona) => {
    const mod = await load();
    if (!rc.post) return expect(mod.action).toBeUndefined();
    const cookie = rc.post.freshSession && persona !== "anon" ? await sessionCookie(db, world.users[persona].id) : world.cookies[persona];
    const out = await callAction(mod, { path: urlPath, cookie, params: rc.params?.(world), form: rc.post.form(world, persona) });
    expect(out.status, `${id} POST as ${persona}: ${JSON.stringify(out.data)}`).toBe(rc.post.expect[persona]);
  });
});

test("an organisation admin never sees another organisation", async () => {
  const orgs = await import("../../app/routes/admin.organisations._index");
  const out = await callLoader(orgs, { path: "/admin/organisations", cookie: world.cookies.otherOrgAdmin });
  const names = (out.data as { orgs: { name: string }[] }).orgs.map((o) => o.name);
  expect(names).toEqual(["Kabupaten Lain"]);
  const users = await import("../../app/routes/admin.users._index");
  const u = await callLoader(users, { path: "/admin/users", cookie: world.cookies.otherOrgAdmin });
  const data = u.data as { users: { email: string; memberships: { organisationId: string }[] }[]; scopes: { label: string }[] };
  expect(data.users.map((x) => x.email)).toContain(world.users.otherOrgAdmin.email);
  expect(data.users.flatMap((x) => x.memberships).every((m) => m.organisationId === world.other.id)).toBe(true);
  expect(data.scopes.every((s) => s.label.startsWith("Kabupaten Lain"))).toBe(true);
  const detail = await import("../../app/routes/admin.organisations.$orgId._index");
  const missing = await callLoader(detail, { path: "/admin/organisations/nope", cookie: world.cookies.admin, params: { orgId: "nope" } });
  expect(missing.status).toBe(404);
});
