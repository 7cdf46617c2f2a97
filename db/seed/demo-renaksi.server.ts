import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import { renaksiCriteria } from "~/domain/renaksi/grade";
import { computePlan } from "~/services/renaksi/compute.server";
import { renaksiContentFor } from "~/services/renaksi/content.server";
import { addAction, addOutput, createPlan, saveGrade, saveMonev, saveTarget, saveTargetRealisation } from "~/services/renaksi/plans.server";
import { addTematikNode } from "~/services/renaksi/tematik.server";
import { computedNote } from "~/services/renaksi/rescore.server";
import { demoRandom } from "./demo-assessments.server";

/*
 * Demo Rencana Aksi (issue #29): for an organisation and year, targets for six indicators of its kind
 * with baselines, one or two actions with outputs, quarters of realisation, an RB Tematik chain for one
 * theme, and (optionally) the evaluator's LKE Renaksi grades — all through the services, so the
 * audit trail reads like a real year. Returns the plan id and the values its RB assessment receives.
 */

export interface DemoPlanSpec {
  organisationId: string;
  organisationKind: string;
  year: number;
  team: Actor;
  evaluator: Actor | null;
  /** Quarters reported (1..4). */
  quarters: number;
  /** LKE Renaksi answers in content order (7 criteria); null = not graded. */
  grades: string[] | null;
  seed: number;
}

export async function seedDemoPlan(db: Db, spec: DemoPlanSpec): Promise<{ planId: string; computed: Record<string, { value: number; note: string }> }> {
  const content = renaksiContentFor(spec.year)!;
  const rnd = demoRandom(spec.seed);
  const planId = await createPlan(db, spec.team, spec.organisationId, spec.year);
  const indicators = content.general.indicators.filter((i) => (i.kinds as string[]).includes(spec.organisationKind)).slice(0, 6);
  for (const [k, ind] of indicators.entries()) {
    const baseline = Math.round(40 + rnd() * 40);
    await saveTarget(db, spec.team, planId, {
      indicatorCode: ind.code,
      baselineYear: spec.year - 1,
      baselineValue: baseline,
      target: baseline + 5 + Math.round(rnd() * 10),
      unit: "nilai",
      note: null,
    });
    const target = await db.selectFrom("renaksi_target").select(["id", "target"]).where("plan_id", "=", planId).where("indicator_code", "=", ind.code).executeTakeFirstOrThrow();
    const actionId = await addAction(db, spec.team, planId, { targetId: target.id }, `Memperkuat ${ind.name.charAt(0).toLowerCase()}${ind.name.slice(1)} melalui peta proses bisnis dan SOP`);
    const outputs = k < 2 ? 2 : 1;
    for (let o = 0; o < outputs; o++) {
      const targetTw: [number, number, number, number] = o === 0 ? [1, 1, 1, 1] : [0, 2, 0, 2];
      const outputId = await addOutput(db, spec.team, planId, actionId, {
        indicator: o === 0 ? `Laporan kemajuan ${ind.name}` : `Dokumen kebijakan ${ind.name}`,
        unit: o === 0 ? "laporan" : "dokumen",
        targetTw,
        budgetTotal: 25_000_000 * (o + 1),
        implementer: "Biro Organisasi",
        coordinator: "Sekretaris",
        focus: null,
      });
      for (let q = 1; q <= spec.quarters; q++) {
        const t = targetTw[q - 1]!;
        const real = t === 0 ? 0 : rnd() < 0.8 ? t : Math.max(0, t - 1);
        await saveMonev(db, spec.team, planId, outputId, { quarter: q as 1 | 2 | 3 | 4, realisation: real, budgetRealisation: real > 0 ? 6_000_000 * (o + 1) : 0, note: null });
      }
    }
    if (spec.quarters === 4) await saveTargetRealisation(db, spec.team, planId, target.id, (target.target ?? 0) - Math.round(rnd() * 6), null);
  }
  // RB Tematik: one theme's chain (sasaran → indikator; permasalahan → indikator → rencana aksi → output).
  const theme = content.tematik.themes[0]!;
  const sasaran = await addTematikNode(db, spec.team, planId, { theme: theme.code, kind: "sasaran", parentId: null, name: "Menurunnya angka kemiskinan", goal: null, target: null, unit: null });
  await addTematikNode(db, spec.team, planId, { theme: theme.code, kind: "indikator_roadmap", parentId: sasaran, name: "Persentase penduduk miskin", goal: null, target: 8.5, unit: "%" });
  const problem = await addTematikNode(db, spec.team, planId, { theme: theme.code, kind: "permasalahan", parentId: null, name: "Data penerima bantuan belum padu", goal: "Data terpadu kesejahteraan sosial mutakhir", target: null, unit: null });
  await addTematikNode(db, spec.team, planId, { theme: theme.code, kind: "indikator_permasalahan", parentId: problem, name: "Persentase data penerima yang dimutakhirkan", goal: null, target: 90, unit: "%" });
  const tematikAction = await addAction(db, spec.team, planId, { tematikNodeId: problem }, "Pemutakhiran data penerima bantuan sosial");
  const tematikOutput = await addOutput(db, spec.team, planId, tematikAction, {
    indicator: "Basis data penerima termutakhir",
    unit: "basis data",
    targetTw: [0, 1, 0, 1],
    budgetTotal: 40_000_000,
    implementer: "Dinas Sosial",
    coordinator: "Bappeda",
    focus: content.tematik.fokus_intervensi[4]?.code ?? null,
  });
  for (let q = 1; q <= spec.quarters; q++) await saveMonev(db, spec.team, planId, tematikOutput, { quarter: q as 1 | 2 | 3 | 4, realisation: q % 2 === 0 ? 1 : 0, budgetRealisation: null, note: null });

  if (spec.grades && spec.evaluator) {
    for (const [i, c] of renaksiCriteria(content.lke).entries()) {
      await saveGrade(db, spec.evaluator, planId, { criterion: c.code, grade: spec.grades[i] ?? null, note: i === 4 ? "Sebagian indikator output belum mengukur hasil aksi." : null, recommendation: i === 4 ? "Rumuskan indikator output yang langsung mengukur rencana aksi." : null });
    }
  }
  const plan = await db.selectFrom("renaksi_plan").selectAll().where("id", "=", planId).executeTakeFirstOrThrow();
  const scores = await computePlan(db, plan);
  const computed: Record<string, { value: number; note: string }> = {};
  if (scores.strategi) computed["A101.a"] = { value: scores.strategi.value, note: computedNote("renaksi_strategi", spec.year, scores) };
  if (scores.implementation.score !== null) computed["A102.a"] = { value: scores.implementation.score, note: computedNote("renaksi_implementasi", spec.year, scores) };
  return { planId, computed };
}
