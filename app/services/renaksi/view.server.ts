import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import { outputAchievement, indicatorAchievement, type OutputAchievement } from "~/domain/renaksi/achievement";
import { renaksiCriteria } from "~/domain/renaksi/grade";
import { planCompleteness, type PlanCompleteness } from "~/domain/renaksi/plan";
import { tematikRecap, type TematikRecap } from "~/domain/renaksi/tematik";
import type { PlanEntry } from "~/domain/renaksi/types";
import type { Locale } from "~/i18n";
import { windowOpen, type PlanContext } from "./access.server";
import { computePlan, type PlanScores } from "./compute.server";
import { renaksiContentFor } from "./content.server";
import { mayAdminister } from "./schedule.server";
import { quarters, type Quarter4 } from "./quarters";
import { todayWib } from "~/services/workbench/rules";
import { canOnUnit } from "~/services/workbench/assessments.server";

/*
 * The read model of a plan's pages (spec rb-2024 §2–3): the organisation kind's indicators grouped by
 * kegiatan utama, targets with their actions and outputs and each output's achievement, completeness,
 * the LKE Renaksi grades and the two computed figures, the RB Tematik chain with its recap, and the
 * RB assessments of the year that receive A101/A102. Texts in the reader's language.
 */

export interface OutputView {
  id: string;
  actionId: string;
  indicator: string;
  unit: string;
  targetTw: Quarter4;
  realisationTw: Quarter4;
  budgetTotal: number | null;
  budgetRealisationTw: Quarter4;
  implementer: string | null;
  coordinator: string | null;
  focus: string | null;
  note: string | null;
  evaluatorNote: string | null;
  achievement: Pick<OutputAchievement, "perQuarter" | "total" | "over300" | "hasTarget">;
}

export interface ActionView {
  id: string;
  text: string;
  outputs: OutputView[];
}

export interface TargetView {
  id: string;
  indicatorCode: string;
  indicatorName: string;
  kuCode: string;
  baselineYear: number | null;
  baselineValue: number | null;
  target: number | null;
  unit: string | null;
  realisasi: number | null;
  achievement: number | null;
  note: string | null;
  evaluatorNote: string | null;
  actions: ActionView[];
  /** Live bukti dukung (files and links) of the target (evidence.server.ts). */
  evidenceCount: number;
}

export interface TematikNodeView {
  id: string;
  kind: string;
  parentId: string | null;
  name: string;
  goal: string | null;
  target: number | null;
  unit: string | null;
  realisasi: number | null;
  achievement: number | null;
  note: string | null;
  evaluatorNote: string | null;
  actions: ActionView[];
}

export interface ThemeView {
  code: string;
  name: string;
  nodes: TematikNodeView[];
  recap: TematikRecap;
}

export interface PlanView {
  plan: { id: string; year: number; mode: "portal" | "strict"; version: number; updatedAt: string; contentVersion: string };
  schedule: Record<"plan_open" | "plan_close" | "monev_open" | "monev_close" | "grading_close" | "due_tw1" | "due_tw2" | "due_tw3" | "due_tw4", string | null>;
  open: { plan: boolean; monev: boolean; grading: boolean };
  organisation: { id: string; name: string; kind: string };
  canFill: boolean;
  canGrade: boolean;
  canAdmin: boolean;
  kegiatan: { code: string; number: number; name: string; indicators: { code: string; name: string }[] }[];
  targets: TargetView[];
  completeness: PlanCompleteness;
  scores: PlanScores;
  criteria: { code: string; label: string; text: string; guidance: string; answer: "grade" | "yes_no"; grade: string | null; note: string | null; recommendation: string | null; gradedAt: string | null }[];
  gaps: string[];
  /** The year of the master data when the plan's year has none yet (2025 runs on the 2024 files), else null. */
  carriedFrom: number | null;
  assessments: { id: string; status: string; instrumentId: string; unitName: string }[];
  themes: ThemeView[];
  focus: { code: string; name: string }[];
}

const q = (json: string) => quarters(json);

export async function loadPlanView(db: Db, actor: Actor, ctx: PlanContext, locale: Locale): Promise<PlanView> {
  const { plan, organisation } = ctx;
  const content = renaksiContentFor(plan.year);
  const en = locale === "en";
  const [targets, actions, outputs, grades, nodes, assessments, scores, evidence] = await Promise.all([
    db.selectFrom("renaksi_target").selectAll().where("plan_id", "=", plan.id).orderBy("position").execute(),
    db.selectFrom("renaksi_action").selectAll().where("plan_id", "=", plan.id).orderBy("position").execute(),
    db.selectFrom("renaksi_output").selectAll().where("plan_id", "=", plan.id).orderBy("position").execute(),
    db.selectFrom("renaksi_grade").selectAll().where("plan_id", "=", plan.id).execute(),
    db.selectFrom("tematik_node").selectAll().where("plan_id", "=", plan.id).orderBy("position").execute(),
    db
      .selectFrom("assessment as a")
      .innerJoin("period as p", "p.id", "a.period_id")
      .innerJoin("unit as u", "u.id", "a.unit_id")
      .select(["a.id", "a.status", "a.instrument_id", "u.name as unit_name", "u.organisation_id", "u.path"])
      .where("a.organisation_id", "=", plan.organisation_id)
      .where("p.year", "=", plan.year)
      .where("a.instrument_id", "like", "rb-%")
      .execute(),
    computePlan(db, plan),
    db
      .selectFrom("renaksi_evidence")
      .select((eb) => ["target_id", eb.fn.countAll().as("n")])
      .where("plan_id", "=", plan.id)
      .where("removed_at", "is", null)
      .groupBy("target_id")
      .execute(),
  ]);
  const evidenceCounts = new Map(evidence.map((e) => [e.target_id, Number(e.n)]));
  const indicators = new Map((content?.general.indicators ?? []).map((i) => [i.code, i]));
  const outputView = (o: (typeof outputs)[number]): OutputView => {
    const targetTw = q(o.target_tw_json);
    const realisationTw = q(o.realisation_tw_json);
    const a = outputAchievement({ targetTw, realisasiTw: realisationTw }, plan.mode);
    return {
      id: o.id,
      actionId: o.action_id,
      indicator: o.indicator,
      unit: o.unit,
      targetTw,
      realisationTw,
      budgetTotal: o.budget_total,
      budgetRealisationTw: q(o.budget_realisation_tw_json),
      implementer: o.implementer,
      coordinator: o.coordinator,
      focus: o.focus,
      note: o.note,
      evaluatorNote: o.evaluator_note,
      achievement: { perQuarter: a.perQuarter, total: a.total, over300: a.over300, hasTarget: a.hasTarget },
    };
  };
  const actionViews = (filter: (a: (typeof actions)[number]) => boolean): ActionView[] =>
    actions.filter(filter).map((a) => ({ id: a.id, text: a.text, outputs: outputs.filter((o) => o.action_id === a.id).map(outputView) }));

  const targetViews: TargetView[] = targets.map((t) => {
    const ind = indicators.get(t.indicator_code);
    return {
      id: t.id,
      indicatorCode: t.indicator_code,
      indicatorName: ind ? (en ? ind.name_en : ind.name) : t.indicator_code,
      kuCode: ind?.kegiatan_utama ?? "",
      baselineYear: t.baseline_year,
      baselineValue: t.baseline_value,
      target: t.target,
      unit: t.unit,
      realisasi: t.realisasi,
      achievement: indicatorAchievement(t.target, t.realisasi),
      note: t.note,
      evaluatorNote: t.evaluator_note,
      actions: actionViews((a) => a.target_id === t.id),
      evidenceCount: evidenceCounts.get(t.id) ?? 0,
    };
  });
  // The domain's plan shape (one target per entry, the plan's year) for the completeness rule.
  const entries: PlanEntry[] = targetViews.map((t) => ({
    kegiatanUtama: t.kuCode,
    indicator: t.indicatorCode,
    targets: [
      {
        year: plan.year,
        target: t.target,
        baseline: t.baselineYear === null ? null : { year: t.baselineYear, value: t.baselineValue },
        realisasiIndikator: t.realisasi,
        catatan: t.note,
        actions: t.actions.map((a) => ({ text: a.text, outputs: [] })),
      },
    ],
  }));

  const kegiatan = (content?.general.kegiatan_utama ?? [])
    .map((k) => ({
      code: k.code,
      number: k.number,
      name: en ? k.name_en : k.name,
      indicators: (content?.general.indicators ?? [])
        .filter((i) => i.kegiatan_utama === k.code && (i.kinds as string[]).includes(organisation.kind))
        .map((i) => ({ code: i.code, name: en ? i.name_en : i.name })),
    }))
    .filter((k) => k.indicators.length > 0);

  const gradeBy = new Map(grades.map((g) => [g.criterion, g]));
  const criteria = content
    ? renaksiCriteria(content.lke).map((c) => {
        const g = gradeBy.get(c.code);
        return {
          code: c.code,
          label: en ? c.label_en : c.label,
          text: en ? c.text_en : c.text,
          guidance: en ? c.guidance_en : c.guidance,
          answer: c.answer,
          grade: g?.grade ?? null,
          note: g?.note ?? null,
          recommendation: g?.recommendation ?? null,
          gradedAt: g?.graded_at ?? null,
        };
      })
    : [];

  const nodeView = (n: (typeof nodes)[number]): TematikNodeView => ({
    id: n.id,
    kind: n.kind,
    parentId: n.parent_id,
    name: n.name,
    goal: n.goal,
    target: n.target,
    unit: n.unit,
    realisasi: n.realisasi,
    achievement: indicatorAchievement(n.target, n.realisasi),
    note: n.note,
    evaluatorNote: n.evaluator_note,
    actions: actionViews((a) => a.tematik_node_id === n.id),
  });
  const themes: ThemeView[] = (content?.tematik.themes ?? []).map((th) => {
    const themeNodes = nodes.filter((n) => n.theme === th.code).map(nodeView);
    const themeOutputs = themeNodes.flatMap((n) => n.actions.flatMap((a) => a.outputs));
    return {
      code: th.code,
      // The name of the theme's LKE rows for this kind (K/L "Laju Inflasi", Pemda "Pengendalian Inflasi"); English: the theme's.
      name: en ? th.name_en : (th.lke_name[organisation.kind as keyof typeof th.lke_name] ?? th.name),
      nodes: themeNodes,
      recap: tematikRecap(
        themeOutputs.map((o) => ({ targetTw: o.targetTw, realisasiTw: o.realisationTw })),
        plan.mode,
      ),
    };
  });

  const today = todayWib();
  const { id: _id, organisation_id: _o, year: _y, content_version, mode, version, created_by: _c, created_at: _ca, updated_at, ...schedule } = plan;
  return {
    plan: { id: plan.id, year: plan.year, mode, version, updatedAt: updated_at, contentVersion: content_version },
    schedule,
    open: {
      plan: windowOpen(plan.plan_open, plan.plan_close, today),
      monev: windowOpen(plan.monev_open, plan.monev_close, today),
      grading: windowOpen(null, plan.grading_close, today),
    },
    organisation,
    canFill: ctx.canFill,
    canGrade: ctx.canGrade,
    canAdmin: mayAdminister(actor, organisation.id),
    kegiatan,
    targets: targetViews,
    completeness: planCompleteness({ entries }, plan.year),
    scores,
    criteria,
    carriedFrom: content?.carriedForward ? content.general.year : null,
    gaps: content ? [...content.general.gaps, ...content.lke.gaps, ...content.tematik.gaps].map((g) => (en ? g.note_en : g.note)) : [],
    // Only the assessments the reader may open (a unit-scoped coordinator does not see the Sekretariat's).
    assessments: assessments.filter((a) => canOnUnit(actor, "assessment.read", { organisation_id: a.organisation_id, path: a.path })).map((a) => ({ id: a.id, status: a.status, instrumentId: a.instrument_id, unitName: a.unit_name })),
    themes,
    focus: (content?.tematik.fokus_intervensi ?? []).map((f) => ({ code: f.code, name: en ? f.name_en : f.name })),
  };
}
