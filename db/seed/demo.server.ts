import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Db } from "#db/client.server";
import type { MembershipRole, OrganisationKind, Unit } from "#db/schema";
import { hashPassword } from "~/auth/password.server";
import { insertPeriod } from "./period";
import { newId } from "~/utils/ids";
import { writeAudit } from "~/services/admin/audit.server";
import { type DemoSpec, seedDemoAssessments } from "./demo-assessments.server";
import { seedDemoBlindRound } from "./demo-blind.server";
import { nestable, seedDemoEvaluation } from "./demo-evaluation.server";
import { seedDemoPlan } from "./demo-renaksi.server";
import { seedDemoAppeals } from "./demo-appeals.server";
import { loadActor } from "~/auth/require.server";
import type { UnitKind } from "~/services/admin/unit-kinds";

export const DEMO_MINISTRY_CODE = "KEMENDEMO";
export const DEMO_REGENCY_CODE = "KABDEMO";

export interface DemoLogin {
  role: MembershipRole | "admin";
  email: string;
  password: string;
  scope: string;
}

interface UnitSpec {
  name: string;
  kind: UnitKind;
  code: string;
  children?: UnitSpec[];
}

/** An eselon I with its service units, each given as [name, code]. */
const eselon1 = (name: string, code: string, units: [string, string][]): UnitSpec => ({
  name,
  kind: "eselon1",
  code,
  children: units.map(([unitName, unitCode]) => ({ name: unitName, kind: "unit_layanan", code: unitCode })),
});

const MINISTRY_UNITS: UnitSpec[] = [
  eselon1("Sekretariat Jenderal", "SETJEN", [
    ["Biro Organisasi dan Tata Laksana", "ORTALA"],
    ["Pusat Data dan Informasi", "PUSDATIN"],
  ]),
  eselon1("Direktorat Jenderal Pelayanan Perizinan", "DJPP", [
    ["Kantor Layanan Perizinan Jakarta", "KLP-JKT"],
    ["Kantor Layanan Perizinan Surabaya", "KLP-SBY"],
  ]),
  eselon1("Direktorat Jenderal Pengawasan", "DJPW", [
    ["Balai Pengawasan Medan", "BP-MDN"],
    ["Balai Pengawasan Makassar", "BP-MKS"],
  ]),
];

const REGENCY_UNITS: UnitSpec[] = [
  // The agency-level Evaluasi RB is coordinated by the Setda's Bagian Organisasi.
  { name: "Sekretariat Daerah", kind: "opd", code: "SETDA", children: [{ name: "Bagian Organisasi", kind: "bagian", code: "BAG-ORG" }] },
  { name: "Dinas Kesehatan", kind: "opd", code: "DINKES" },
  { name: "Dinas Pendidikan", kind: "opd", code: "DISDIK" },
  { name: "Dinas Kependudukan dan Pencatatan Sipil", kind: "opd", code: "DISDUKCAPIL" },
  { name: "Dinas Penanaman Modal dan PTSP", kind: "opd", code: "DPMPTSP" },
  { name: "RSUD Kabupaten Contoh", kind: "opd", code: "RSUD" },
];

export function generatePassword(): string {
  // 15 random bytes → 20 base64url characters (~120 bits); readable enough to type from the console.
  return crypto.randomBytes(15).toString("base64url");
}

export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  const row = await db.selectFrom("user").select("id").limit(1).executeTakeFirst();
  return !row;
}

async function insertUnits(db: Db, organisationId: string, specs: UnitSpec[], parent: Unit | null, now: string, out: Map<string, Unit>) {
  for (const spec of specs) {
    const id = newId();
    const unit: Unit = {
      id,
      organisation_id: organisationId,
      parent_id: parent?.id ?? null,
      path: `${parent?.path ?? "/"}${id}/`,
      name: spec.name,
      kind: spec.kind,
      code: spec.code,
      archived_at: null,
      created_at: now,
    };
    await db.insertInto("unit").values(unit).execute();
    out.set(spec.code, unit);
    if (spec.children) await insertUnits(db, organisationId, spec.children, unit, now, out);
  }
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** Year N is assessed during year N+1; the open period's windows are placed around the seeding date. */
async function insertOrganisation(db: Db, name: string, kind: OrganisationKind, code: string, now: string): Promise<{ id: string; periods: Map<number, string> }> {
  const id = newId();
  await db.insertInto("organisation").values({ id, name, kind, code, archived_at: null, created_at: now }).execute();
  const periods = new Map<number, string>();
  for (const year of [2022, 2023, 2024, 2025]) {
    const open = year === 2025;
    const windows = open
      ? { fill_start: day(-30), fill_end: day(60), review_end: day(90), evaluation_end: day(150) }
      : { fill_start: `${year + 1}-02-01`, fill_end: `${year + 1}-04-30`, review_end: `${year + 1}-05-31`, evaluation_end: `${year + 1}-09-30` };
    periods.set(year, await insertPeriod(db, { organisationId: id, year, status: open ? "open" : "closed", windows, now }));
  }
  return { id, periods };
}

/**
 * Demo data: one ministry (3 echelon-I units, 6 service units), one regency (5 OPD), periods 2022–2025,
 * one user per role. Passwords are random per database and returned (never stored in clear elsewhere).
 */
export async function seedDemo(db: Db): Promise<DemoLogin[]> {
  const now = new Date().toISOString();
  const logins: DemoLogin[] = [];
  await db.transaction().execute(async (trx) => {
    const ministryOrg = await insertOrganisation(trx, "Kementerian Pelayanan Publik (Demo)", "kementerian_lembaga", DEMO_MINISTRY_CODE, now);
    const regencyOrg = await insertOrganisation(trx, "Pemerintah Kabupaten Contoh (Demo)", "pemda_kabkota", DEMO_REGENCY_CODE, now);
    const ministry = ministryOrg.id;
    const regency = regencyOrg.id;
    const units = new Map<string, Unit>();
    await insertUnits(trx, ministry, MINISTRY_UNITS, null, now, units);
    await insertUnits(trx, regency, REGENCY_UNITS, null, now, units);

    const people: { email: string; name: string; role: MembershipRole | "admin"; org?: string; unitCode?: string; scope: string }[] = [
      { email: "admin@cermin.test", name: "Admin Sistem", role: "admin", scope: "sistem" },
      { email: "pengelola@kemendemo.test", name: "Rina Pengelola", role: "org_admin", org: ministry, scope: "Kementerian (seluruh)" },
      { email: "koordinator@kemendemo.test", name: "Budi Koordinator", role: "coordinator", org: ministry, unitCode: "DJPP", scope: "Ditjen Pelayanan Perizinan" },
      { email: "asesor@kemendemo.test", name: "Sari Asesor", role: "assessor", org: ministry, unitCode: "KLP-JKT", scope: "Kantor Layanan Perizinan Jakarta" },
      { email: "karo@kemendemo.test", name: "Agus Kepala Biro", role: "reviewer", org: ministry, scope: "Kementerian (seluruh)" },
      { email: "evaluator@kemendemo.test", name: "Dewi Evaluator", role: "evaluator", org: ministry, scope: "Kementerian (seluruh)" },
      { email: "pengelola@kabdemo.test", name: "Joko Pengelola Kabupaten", role: "org_admin", org: regency, scope: "Kabupaten (seluruh)" },
      { email: "koordinator@kabdemo.test", name: "Wulan Koordinator RB Kabupaten", role: "coordinator", org: regency, unitCode: "SETDA", scope: "Sekretariat Daerah" },
    ];
    for (const p of people) {
      const password = generatePassword();
      const userId = newId();
      await trx
        .insertInto("user")
        .values({
          id: userId,
          email: p.email,
          name: p.name,
          password_hash: await hashPassword(password),
          is_admin: p.role === "admin" ? 1 : 0,
          locale: null,
          disabled_at: null,
          password_changed_at: now,
          created_at: now,
        })
        .execute();
      if (p.role !== "admin" && p.org) {
        await trx
          .insertInto("membership")
          .values({ id: newId(), user_id: userId, organisation_id: p.org, unit_id: p.unitCode ? units.get(p.unitCode)!.id : null, role: p.role, created_at: now })
          .execute();
      }
      logins.push({ role: p.role, email: p.email, password, scope: p.scope });
    }
    const adminId = (await trx.selectFrom("user").select("id").where("email", "=", "admin@cermin.test").executeTakeFirstOrThrow()).id;
    const specs: DemoSpec[] = [];
    for (const [k, code] of ["KLP-JKT", "KLP-SBY", "BP-MDN", "BP-MKS"].entries()) {
      for (const year of [2023, 2024]) {
        specs.push({ unitId: units.get(code)!.id, organisationId: ministry, periodId: ministryOrg.periods.get(year)!, year, status: "final", quality: 0.35 + 0.15 * (year - 2023) + 0.1 * k, fraction: 1 });
      }
    }
    specs.push({ unitId: units.get("KLP-JKT")!.id, organisationId: ministry, periodId: ministryOrg.periods.get(2025)!, year: 2025, status: "draft", quality: 0.7, fraction: 0.4 });
    // The agency-level Evaluasi RB of each organisation, of its kind: 2023 on the 2023 worksheet (final);
    // 2024 on the 2024 worksheet, final, its A101/A102 computed from the 2024 Rencana Aksi (four quarters,
    // graded by the evaluator); 2025 being filled on the 2024 worksheet, its A102 following the 2025 plan
    // (two quarters reported, not graded yet), issue #29.
    const nested = nestable(trx);
    const actorOf = async (email: string) => {
      const u = await trx.selectFrom("user").selectAll().where("email", "=", email).executeTakeFirstOrThrow();
      return loadActor(nested, u);
    };
    const admin = await actorOf("admin@cermin.test");
    for (const [org, code, kind, rb2023, rb2024, team, evaluator, grades] of [
      [ministryOrg, "SETJEN", "kementerian_lembaga", "rb-2023-kl", "rb-2024-kl", "koordinator@kemendemo.test", "evaluator@kemendemo.test", ["A", "B", "YA", "B", "C", "B", "A"]],
      [regencyOrg, "SETDA", "pemda_kabkota", "rb-2023-kabkota", "rb-2024-kabkota", "koordinator@kabdemo.test", null, ["B", "B", "YA", "C", "C", "B", "B"]],
    ] as const) {
      const teamActor = await actorOf(team);
      // The regency has no evaluator account in the demo: the system admin grades as the national evaluator.
      const evaluatorActor = evaluator ? await actorOf(evaluator) : admin;
      const plan2024 = await seedDemoPlan(nested, { organisationId: org.id, organisationKind: kind, year: 2024, team: teamActor, evaluator: evaluatorActor, quarters: 4, grades: [...grades], seed: code.length * 31 });
      const plan2025 = await seedDemoPlan(nested, { organisationId: org.id, organisationKind: kind, year: 2025, team: teamActor, evaluator: null, quarters: 2, grades: null, seed: code.length * 37 });
      const base = { unitId: units.get(code)!.id, organisationId: org.id };
      specs.push({ ...base, instrumentId: rb2023, periodId: org.periods.get(2023)!, year: 2023, status: "final", quality: 0.45, fraction: 1 });
      specs.push({ ...base, instrumentId: rb2024, periodId: org.periods.get(2024)!, year: 2024, status: "final", quality: 0.5, fraction: 1, computed: plan2024.computed });
      specs.push({ ...base, instrumentId: rb2024, periodId: org.periods.get(2025)!, year: 2025, status: "draft", quality: 0.65, fraction: 0.6, computed: plan2025.computed });
    }
    const assessmentIds = await seedDemoAssessments(trx, specs, adminId);
    const final2024 = (code: string) => assessmentIds[specs.findIndex((s) => s.unitId === units.get(code)!.id && s.year === 2024)]!;
    // TPI reviewed two 2024 units by area; TPN, to whom the better one was proposed, checked it by risk.
    // All released, so the self-vs-evaluator chart and the evaluator's gaps have data. Jakarta has no
    // evaluated past: its 2025 draft is where the evaluation flow is tried from the start.
    await seedDemoEvaluation(trx, {
      evaluatorEmail: "evaluator@kemendemo.test",
      reviews: [
        { assessmentId: final2024("KLP-SBY"), layer: "internal", strategy: "stratified", size: 12, seed: "demo-tpi-2024-klp-sby" },
        { assessmentId: final2024("BP-MDN"), layer: "internal", strategy: "stratified", size: 12, seed: "demo-tpi-2024-bp-mdn" },
        { assessmentId: final2024("BP-MDN"), layer: "external", strategy: "risk", size: 8, seed: "demo-tpn-2024-bp-mdn" },
      ],
      followUp: { assessmentId: final2024("KLP-SBY"), byEmail: "koordinator@kemendemo.test", due: "2025-12-31" },
    });
    // Penilaian bersama: one finished blind round with its consensus on the Jakarta 2025 draft (issue #14).
    const jakarta2025 = assessmentIds[specs.findIndex((s) => s.unitId === units.get("KLP-JKT")!.id && s.year === 2025)]!;
    await seedDemoBlindRound(trx, { assessmentId: jakarta2025, coordinatorEmail: "koordinator@kemendemo.test", assessorEmail: "asesor@kemendemo.test" });
    // Sanggah (issue #30): the regency's 2024 RB results released by the national evaluator (the admin here),
    // the window open on the seed date, one appeal accepted with a re-score and a seal, one still open.
    await seedDemoAppeals(nested, { assessmentId: final2024("SETDA"), team: await actorOf("koordinator@kabdemo.test"), evaluator: admin });
    await writeAudit(trx, { actorUserId: null, organisationId: null, action: "demo.seed", entityType: "system", entityId: null });
  });
  return logins;
}

export function demoLoginsText(logins: DemoLogin[]): string {
  const lines = logins.map((l) => `${l.role.padEnd(12)} ${l.email.padEnd(30)} ${l.password}   (${l.scope})`);
  return ["Cermin demo logins (generated for this database; keep private)", "", ...lines, ""].join("\n");
}

export function writeDemoLogins(dir: string, logins: DemoLogin[]): string {
  const file = path.join(dir, "demo-logins.txt");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, demoLoginsText(logins), { mode: 0o600 });
  return file;
}
