import fs from "node:fs";
import ExcelJS from "exceljs";
import { beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import { outlineOf } from "~/domain/instrument/outline";
import { scoreAssessment } from "~/domain/scoring/score";
import { answersObject, loadAnswers } from "~/services/workbench/answers.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { assessmentAgreement } from "~/services/blind/results.server";
import { DEMO_BLIND_AREA } from "#db/seed/demo-blind.server";
import { seedDemo } from "#db/seed/demo.server";
import { freshDb } from "../helpers/db";
import { makeUser, sessionCookie } from "../helpers/factories";
import { callAction, callLoader, makeRequest } from "../helpers/remix";
import { type World, freshWorld } from "../helpers/world";

/**
 * Blind scoring (issue #14): before the reveal no route, CSV, report or export returns one rater's
 * answers to anybody else (every role); after it the consensus view shows them, and the consensus
 * answer drives the score and the LKE export.
 */

const AREA = "A.I.1";
const MARK_A = "PENANDA-RAHASIA-A-7Q2";
const MARK_B = "PENANDA-RAHASIA-B-9X4";

let db: Db;
let w: World;
let raterB: { id: string };
let cookies: Record<string, string>;
let items: { id: string; options: string[] }[];

const route = (id: string) => import(`../../app/routes/${id}.${fs.existsSync(`app/routes/${id}.tsx`) ? "tsx" : "ts"}`);
const load = async (id: string, path: string, cookie: string, params: Record<string, string>) => callLoader(await route(id), { path, cookie, params });

beforeAll(async () => {
  ({ db, w } = await freshWorld());
  raterB = await makeUser(db, { role: "assessor", organisationId: w.ministry.id, unitId: w.service.id });
  cookies = {
    assessorA: w.cookies.assessor!,
    assessorB: await sessionCookie(db, raterB.id),
    coordinator: w.cookies.coordinator!,
    reviewer: w.cookies.reviewer!,
    orgAdmin: w.cookies.orgAdmin!,
    evaluator: w.cookies.evaluator!,
    admin: w.cookies.admin!,
  };
  const ctx = await requireAssessment(db, { id: w.users.admin.id, isAdmin: true, memberships: [] }, w.assessmentId);
  const area = outlineOf(ctx.instrument).areas.find((a) => a.id === AREA)!;
  items = area.groups.flatMap((g) => g.items.map((i) => ({ id: i.id, options: (i.options ?? []).map((o) => o.code) })));
});

async function post(id: string, path: string, cookie: string, params: Record<string, string>, form: Record<string, string> | FormData) {
  return callAction(await route(id), { path, cookie, params, form });
}

const ids = () => ({ id: w.assessmentId });
const base = () => `/assessments/${w.assessmentId}`;

/** Every response that shows answers, as one serialised text, for the viewer with this cookie. */
async function everything(cookie: string): Promise<string> {
  const parts: unknown[] = [];
  const grab = async (id: string, path: string, params: Record<string, string> = ids()) => {
    const out = await load(id, path, cookie, params);
    expect(out.status, `${id} ${path}`).toBeLessThan(500);
    parts.push(out.data);
  };
  await grab("assessments.$id._index", base());
  for (const area of [AREA, "A.I.2"]) await grab("assessments.$id.areas.$area", `${base()}/areas/${area}`, { id: w.assessmentId, area });
  await grab("assessments.$id.answers", `${base()}/answers`);
  await grab("assessments.$id.blind", `${base()}/blind`);
  await grab("assessments.$id.consensus.$area", `${base()}/consensus/${AREA}`, { id: w.assessmentId, area: AREA });
  await grab("assessments.$id.lke", `${base()}/lke`);
  await grab("reports.$id", `/reports/${w.assessmentId}`);
  await grab("evaluations.assessments.$id", `/evaluations/assessments/${w.assessmentId}`);
  await grab("dashboard.plan.$id", `/dashboard/plan/${w.assessmentId}`);
  await grab("admin.audit", "/admin/audit");
  await grab("dashboard._index", "/dashboard");
  for (const chart of ["trend", "areas", "units", "progress", "layers", "readiness", "unit-items", "unit-nodes"]) {
    await grab("dashboard.csv.$chart", `/dashboard/csv/${chart}?unit=${w.service.id}`, { chart });
  }
  parts.push(await workbookText(cookie));
  // The autosave answer of a rater carries only their own answer: covered by the saves below.
  return JSON.stringify(parts);
}

/** Every cell of the LKE workbook export, as text (null when the viewer may not export). */
async function workbookText(cookie: string): Promise<string> {
  const mod = await route("assessments.$id.lke[.]xlsx");
  const request = makeRequest({ path: `${base()}/lke.xlsx`, cookie });
  const res = await (mod.loader as (a: unknown) => Promise<Response>)({ request, params: ids(), context: {} }).catch((e: unknown) => e as Response);
  if (res.status !== 200) return `status ${res.status}`;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  const cells: string[] = [];
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => cells.push(`${ws.name}!${c.address}=${JSON.stringify(c.value)}`))));
  return cells.join("\n");
}

async function jawaban(cookie: string, itemId: string): Promise<unknown> {
  const text = await workbookText(cookie);
  const mod = await route("assessments.$id.lke[.]xlsx");
  const res = await (mod.loader as (a: unknown) => Promise<Response>)({ request: makeRequest({ path: `${base()}/lke.xlsx`, cookie }), params: ids(), context: {} });
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  const ws = wb.getWorksheet("Jawaban")!;
  const header = ws.getRow(1).values as unknown[];
  const kode = header.indexOf("Kode");
  const answer = header.indexOf("Jawaban");
  let found: unknown = undefined;
  ws.eachRow((row) => {
    if (row.getCell(kode).value === itemId) found = row.getCell(answer).value;
  });
  expect(text.length).toBeGreaterThan(0);
  return found;
}

/** Rater A answers the first option everywhere; rater B the last, except agreeing on the first item. */
const answerOf = (rater: "A" | "B", i: number) => (rater === "A" || i === 0 ? items[i]!.options[0]! : items[i]!.options.at(-1)!);

async function fill(rater: "A" | "B", cookie: string) {
  for (const [i, item] of items.entries()) {
    const out = await post("assessments.$id.answers", `${base()}/answers`, cookie, ids(), {
      itemId: item.id,
      baseVersion: "0",
      value: answerOf(rater, i),
      note: `${rater === "A" ? MARK_A : MARK_B} ${item.id}`,
    });
    expect(out.status, JSON.stringify(out.data)).toBe(200);
    // The save's answer carries only the saver's own answer.
    expect(JSON.stringify(out.data)).not.toContain(rater === "A" ? MARK_B : MARK_A);
  }
}

test("blind round: nobody sees another rater's answers before the reveal; consensus drives score and export", async () => {
  // The coordinator starts penilaian bersama on A.I.1 with two assessors (plain form post).
  const start = new FormData();
  start.set("intent", "start");
  start.append("areaIds", AREA);
  start.append("raterIds", w.users.assessor.id);
  const tooFew = await post("assessments.$id.blind", `${base()}/blind`, cookies.coordinator!, ids(), start);
  expect(tooFew.status).toBe(400);
  expect((tooFew.data as { formError: string }).formError).toBe("blind.tooFewRaters");
  start.append("raterIds", raterB.id);
  expect((await post("assessments.$id.blind", `${base()}/blind`, cookies.assessorA!, ids(), start)).status).toBe(403);
  expect((await post("assessments.$id.blind", `${base()}/blind`, cookies.coordinator!, ids(), start)).status).toBe(200);

  // While the round is open the self layer of the area takes no saves (nor imports).
  const selfSave = await post("assessments.$id.answers", `${base()}/answers`, cookies.coordinator!, ids(), { itemId: items[0]!.id, baseVersion: "0", value: items[0]!.options[0]! });
  expect(selfSave.status).toBe(400);
  expect((selfSave.data as { formError: string }).formError).toBe("workbench.blindRoundOpen");

  await fill("A", cookies.assessorA!);
  // A half-filled B: the area page shows B only B's own answers.
  const firstB = await post("assessments.$id.answers", `${base()}/answers`, cookies.assessorB!, ids(), { itemId: items[0]!.id, baseVersion: "0", value: answerOf("B", 0), note: `${MARK_B} ${items[0]!.id}` });
  expect(firstB.status).toBe(200);
  // Finishing with items left is refused, readably.
  const early = await post("assessments.$id.areas.$area", `${base()}/areas/${AREA}`, cookies.assessorB!, { id: w.assessmentId, area: AREA }, { intent: "blind-finish" });
  expect(early.status).toBe(400);
  expect((early.data as { formError: string }).formError).toBe("blind.incomplete");
  for (const [i, item] of items.entries()) {
    if (i === 0) continue;
    const out = await post("assessments.$id.answers", `${base()}/answers`, cookies.assessorB!, ids(), { itemId: item.id, baseVersion: "0", value: answerOf("B", i), note: `${MARK_B} ${item.id}` });
    expect(out.status).toBe(200);
  }

  // The blindness matrix: each role × every route and export that shows answers.
  const sees: Record<string, { own: string | null; never: string[] }> = {
    assessorA: { own: MARK_A, never: [MARK_B] },
    assessorB: { own: MARK_B, never: [MARK_A] },
    coordinator: { own: null, never: [MARK_A, MARK_B] },
    reviewer: { own: null, never: [MARK_A, MARK_B] },
    orgAdmin: { own: null, never: [MARK_A, MARK_B] },
    evaluator: { own: null, never: [MARK_A, MARK_B] },
    admin: { own: null, never: [MARK_A, MARK_B] },
  };
  for (const [persona, rule] of Object.entries(sees)) {
    const text = await everything(cookies[persona]!);
    for (const marker of rule.never) expect(text.includes(marker), `${persona} sees ${marker}`).toBe(false);
    if (rule.own) expect(text.includes(rule.own), `${persona} sees their own answers`).toBe(true);
  }
  // The area page gives a rater their own answers as the answers it scores live.
  const areaA = await load("assessments.$id.areas.$area", `${base()}/areas/${AREA}`, cookies.assessorA!, { id: w.assessmentId, area: AREA });
  const answersA = (areaA.data as { answers: Record<string, { value: unknown }>; blind: { rater: boolean } }).answers;
  expect(Object.values(answersA).map((a) => a.value)).toEqual(items.map((_, i) => answerOf("A", i)));
  // The coordinator sees progress, never values; the consensus view is refused until the reveal.
  const panel = await load("assessments.$id.blind", `${base()}/blind`, cookies.coordinator!, ids());
  const round = (panel.data as { rounds: { raters: { answered: number; finished: boolean }[] }[] }).rounds[0]!;
  expect(round.raters.map((r) => r.answered)).toEqual([items.length, items.length]);
  expect((await load("assessments.$id.consensus.$area", `${base()}/consensus/${AREA}`, cookies.coordinator!, { id: w.assessmentId, area: AREA })).status).toBe(409);

  // Reveal: refused without a reason while someone has not finished; then both finish and it opens.
  const reveal = { intent: "reveal", areaId: AREA };
  const forced = await post("assessments.$id.blind", `${base()}/blind`, cookies.coordinator!, ids(), reveal);
  expect((forced.data as { formError: string }).formError).toBe("blind.notFinishedReason");
  for (const cookie of [cookies.assessorA!, cookies.assessorB!]) {
    expect((await post("assessments.$id.areas.$area", `${base()}/areas/${AREA}`, cookie, { id: w.assessmentId, area: AREA }, { intent: "blind-finish" })).status).toBe(200);
  }
  const late = await post("assessments.$id.answers", `${base()}/answers`, cookies.assessorA!, ids(), { itemId: items[0]!.id, baseVersion: "1", value: items[0]!.options[0]! });
  expect((late.data as { formError: string }).formError).toBe("blind.finished");
  expect((await post("assessments.$id.blind", `${base()}/blind`, cookies.coordinator!, ids(), reveal)).status).toBe(200);
  // Both raters learn of the reveal in their inbox, with a link to the consensus view.
  const told = await db.selectFrom("notification").select(["user_id", "link"]).where("kind", "=", "consensus_revealed").where("assessment_id", "=", w.assessmentId).execute();
  expect(told.map((n) => n.user_id).sort()).toEqual([w.users.assessor.id, raterB.id].sort());
  expect(told[0]!.link).toBe(`/assessments/${w.assessmentId}/consensus/${AREA}`);

  // The consensus view: every rater's answers, values, totals, the heat map.
  const view = await load("assessments.$id.consensus.$area", `${base()}/consensus/${AREA}`, cookies.coordinator!, { id: w.assessmentId, area: AREA });
  expect(view.status).toBe(200);
  const v = view.data as {
    raters: { total: number }[];
    groups: { disagreementShare: number; items: { id: string; raters: { value: unknown; note: string | null; itemValue: number | null }[]; spread: { min: number; max: number; disagreement: boolean } }[] }[];
    agreement: { share: { share: number } };
  };
  const text = JSON.stringify(v);
  expect(text).toContain(MARK_A);
  expect(text).toContain(MARK_B);
  expect(v.raters).toHaveLength(2);
  expect(v.raters.map((r) => r.total).sort()).toEqual([...v.raters.map((r) => r.total)].sort());
  const first = v.groups[0]!.items[0]!;
  expect(first.spread.disagreement).toBe(false);
  expect(v.agreement.share.share).toBeCloseTo(1 / items.length, 10);
  // An abc item where A said A and B said C: two steps apart.
  const abc = v.groups.flatMap((g) => g.items).find((i) => items.find((x) => x.id === i.id)!.options.length === 3)!;
  expect(abc.spread.disagreement).toBe(true);

  // Record consensus: the majority (a tie here: either answer) needs no reason; another answer does.
  const consensusPath = `${base()}/consensus/${AREA}`;
  const cParams = { id: w.assessmentId, area: AREA };
  const agreed = items[0]!;
  const noReason = await post("assessments.$id.consensus.$area", consensusPath, cookies.coordinator!, cParams, { intent: "consensus", itemId: agreed.id, baseVersion: "0", value: agreed.options.at(-1)! });
  expect((noReason.data as { formError: string }).formError).toBe("blind.reasonRequired");
  expect((await post("assessments.$id.consensus.$area", consensusPath, cookies.reviewer!, cParams, { intent: "consensus", itemId: agreed.id, baseVersion: "0", value: agreed.options[0]! })).status).toBe(403);
  for (const [i, item] of items.entries()) {
    const value = answerOf("A", i);
    const out = await post("assessments.$id.consensus.$area", consensusPath, cookies.coordinator!, cParams, { intent: "consensus", itemId: item.id, baseVersion: "0", value, note: "konsensus" });
    expect(out.status, JSON.stringify(out.data)).toBe(302);
  }
  const departed = await post("assessments.$id.consensus.$area", consensusPath, cookies.coordinator!, cParams, {
    intent: "consensus",
    itemId: agreed.id,
    baseVersion: "1",
    value: agreed.options.at(-1)!,
    reason: "Bukti SK tim belum ditandatangani",
  });
  expect(departed.status).toBe(302);
  const audit = await db.selectFrom("audit_log").select(["action", "reason"]).where("action", "like", "blind.%").execute();
  expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["blind.start", "blind.answer", "blind.finish", "blind.reveal", "blind.consensus"]));
  expect(audit.some((a) => a.reason === "Bukti SK tim belum ditandatangani")).toBe(true);

  // The consensus is the self layer: the overview total and the LKE workbook follow it.
  const ctx = await requireAssessment(db, { id: w.users.admin.id, isAdmin: true, memberships: [] }, w.assessmentId);
  const expected = scoreAssessment(ctx.instrument, answersObject(await loadAnswers(db, w.assessmentId))).total;
  const overview = await load("assessments.$id._index", base(), cookies.coordinator!, ids());
  const od = overview.data as { summary: { total: number }; blind: { agreement: { share: number } } };
  expect(od.summary.total).toBeCloseTo(expected, 10);
  expect(od.summary.total).toBeGreaterThan(0);
  expect(od.blind.agreement.share).toBeCloseTo(1 / items.length, 10);
  expect(await jawaban(cookies.coordinator!, agreed.id)).toBe(agreed.options.at(-1));
  expect(await jawaban(cookies.coordinator!, items[1]!.id)).toBe(items[1]!.options[0]);

  // The organisation dashboard's agreement table lists the assessment with the same figure.
  const dashboard = await load("dashboard._index", "/dashboard", cookies.reviewer!, {});
  const agreementRows = (dashboard.data as { agreement: { assessmentId: string; share: number }[] }).agreement;
  expect(agreementRows.map((r) => r.assessmentId)).toEqual([w.assessmentId]);
  expect(agreementRows[0]!.share).toBeCloseTo(1 / items.length, 10);
  // After the reveal evaluators see the individual answers beside the consensus.
  const evaluatorView = await load("evaluations.assessments.$id", `/evaluations/assessments/${w.assessmentId}`, cookies.evaluator!, ids());
  const ev = JSON.stringify((evaluatorView.data as { individuals: unknown }).individuals);
  expect(ev).toContain(MARK_A);
  expect(ev).toContain(MARK_B);
  // Individual answers stay read-only after the reveal: a rater's save now edits the team's self answer.
  const after = await post("assessments.$id.answers", `${base()}/answers`, cookies.assessorB!, ids(), { itemId: items[1]!.id, baseVersion: "1", value: items[1]!.options[1]! });
  expect(after.status).toBe(200);
  const kept = await db.selectFrom("individual_answer").select("value_json").where("user_id", "=", raterB.id).where("item_id", "=", items[1]!.id).executeTakeFirstOrThrow();
  expect(JSON.parse(kept.value_json!)).toBe(answerOf("B", 1));
  expect(answerOf("B", 1)).not.toBe(items[1]!.options[1]);
});

test("the demo has one finished blind round with its consensus, seeded through the services", async () => {
  const demo = await freshDb();
  await seedDemo(demo);
  const rounds = await demo.selectFrom("blind_round").selectAll().execute();
  expect(rounds).toHaveLength(1);
  expect(rounds[0]).toMatchObject({ area_id: DEMO_BLIND_AREA, status: "revealed", reveal_reason: null });
  const raters = await demo.selectFrom("blind_rater").selectAll().where("round_id", "=", rounds[0]!.id).execute();
  expect(raters).toHaveLength(2);
  expect(raters.every((r) => r.finished_at !== null)).toBe(true);
  const admin = await demo.selectFrom("user").select("id").where("email", "=", "admin@cermin.test").executeTakeFirstOrThrow();
  const ctx = await requireAssessment(demo, { id: admin.id, isAdmin: true, memberships: [] }, rounds[0]!.assessment_id);
  const area = outlineOf(ctx.instrument).areas.find((a) => a.id === DEMO_BLIND_AREA)!;
  const individual = await demo.selectFrom("individual_answer").selectAll().where("round_id", "=", rounds[0]!.id).execute();
  expect(individual).toHaveLength(area.itemCount * 2);
  // Every item's self answer is the recorded consensus (audited as such).
  const consensus = await demo.selectFrom("audit_log").select("entity_id").where("action", "=", "blind.consensus").execute();
  expect(consensus).toHaveLength(area.itemCount);
  const agreement = await assessmentAgreement(demo, ctx);
  expect(agreement?.share).not.toBeNull();
});
