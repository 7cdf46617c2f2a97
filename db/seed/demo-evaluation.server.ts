import type { Transaction } from "kysely";
import type { Db } from "#db/client.server";
import type { Database, SampleDecision, SampleStrategy } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { loadActor } from "~/auth/require.server";
import { outlineOf } from "~/domain/instrument/outline";
import type { Item } from "~/domain/instrument/schema";
import type { AnswerValue } from "~/domain/scoring/answers";
import { parseValue } from "~/services/workbench/answers.server";
import { requireAssessment, type AssessmentContext } from "~/services/workbench/assessments.server";
import { updateFollowUp } from "~/services/evaluation/findings.server";
import { releaseLayer, saveEvaluatorAnswer } from "~/services/evaluation/layers.server";
import { type EvaluatorLayer } from "~/services/evaluation/layer-rows.server";
import { drawSampleAction } from "~/services/evaluation/samples.server";

/** One evaluator review in the demo: a sample drawn with a fixed seed, every item decided, the layer released. */
export interface DemoReview {
  assessmentId: string;
  layer: EvaluatorLayer;
  strategy: SampleStrategy;
  size: number;
  seed: string;
}

export interface DemoEvaluationSpec {
  evaluatorEmail: string;
  reviews: DemoReview[];
  /** Records the unit's follow-up (RATL) on the first released finding of this assessment. */
  followUp?: { assessmentId: string; byEmail: string; due: string };
}

/** Evaluator notes and recommendations, picked by position so the demo reads the same on every run. */
const ADJUST_NOTES = [
  "Bukti dukung belum menunjukkan pelaksanaan di seluruh bidang; nilai diturunkan satu tingkat.",
  "Dokumen yang dilampirkan masih rancangan dan belum ditetapkan pimpinan unit.",
  "Laporan monitoring hanya mencakup satu triwulan; belum rutin sepanjang tahun.",
];
const ADJUST_RECOMMENDATIONS = [
  "Lengkapi laporan pelaksanaan per triwulan dan tetapkan dokumen oleh pimpinan unit sebelum penilaian berikutnya.",
  "Perluas pelaksanaan ke seluruh bidang dan dokumentasikan hasil monitoring beserta tindak lanjutnya.",
];
const SEND_BACK_RECOMMENDATION =
  "Unggah SK tim yang sudah ditandatangani dan notulen rapat pembahasan; butir dinilai ulang setelah bukti lengkap.";

/**
 * The seed runs in one transaction, so a failure leaves the database empty and the next start seeds
 * again. The evaluator services open transactions of their own, which Kysely does not nest: here they
 * run as part of the seed's transaction.
 */
export function nestable(trx: Transaction<Database>): Db {
  const db: Db = new Proxy(trx, {
    get(target, prop) {
      if (prop === "transaction") return () => ({ execute: <T>(fn: (t: Db) => Promise<T>) => fn(db) });
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return db;
}

/** One step less generous than the team's answer (the next option, a survey score 0.2 lower), or null. */
export function lowerAnswer(item: Item, value: AnswerValue): AnswerValue | null {
  if (item.options?.length && typeof value === "string") {
    const i = item.options.findIndex((o) => o.code === value);
    return i >= 0 && i + 1 < item.options.length ? item.options[i + 1]!.code : null;
  }
  if (item.type === "survey_0_4" && typeof value === "number" && value >= 0.2) return Math.round((value - 0.2) * 100) / 100;
  return null;
}

interface Decision {
  decision: SampleDecision;
  value: AnswerValue;
  note: string | null;
  recommendation: string | null;
}

/**
 * The evaluator's decision on the k-th item of the review order: roughly one in three adjusted down
 * (every other adjustment with a recommendation for the RATL), the first eligible item after the
 * opening ones sent back with the team's answer kept, the rest agreed.
 */
export function demoDecision(item: Item, self: AnswerValue, k: number, sentBack: boolean): Decision {
  const lower = lowerAnswer(item, self);
  if (!sentBack && k >= 2 && typeof self === "string")
    return { decision: "send_back", value: self, note: null, recommendation: SEND_BACK_RECOMMENDATION };
  if (lower !== null && k % 3 === 1) {
    return {
      decision: "adjust",
      value: lower,
      note: ADJUST_NOTES[Math.floor(k / 3) % ADJUST_NOTES.length]!,
      recommendation: k % 2 === 1 ? ADJUST_RECOMMENDATIONS[Math.floor(k / 6) % ADJUST_RECOMMENDATIONS.length]! : null,
    };
  }
  return { decision: "agree", value: null, note: null, recommendation: null };
}

async function actorByEmail(db: Db, email: string): Promise<Actor> {
  return loadActor(db, await db.selectFrom("user").selectAll().where("email", "=", email).executeTakeFirstOrThrow());
}

/** Draws the sample, decides every item in review order, and releases the layer to the unit. */
async function review(db: Db, actor: Actor, ctx: AssessmentContext, r: DemoReview): Promise<void> {
  const sampleId = await drawSampleAction(db, actor, [ctx], { layer: r.layer, strategy: r.strategy, size: r.size, seed: r.seed });
  const items = await db
    .selectFrom("sample_item")
    .select(["id", "item_id"])
    .where("sample_id", "=", sampleId)
    .orderBy("position")
    .execute();
  const self = await db
    .selectFrom("answer")
    .select(["item_id", "value_json"])
    .where("assessment_id", "=", ctx.assessment.id)
    .where("layer", "=", "self")
    .execute();
  const selfValue = new Map(self.map((a) => [a.item_id, parseValue(a.value_json)]));
  const outline = outlineOf(ctx.instrument).items;
  let sentBack = false;
  for (const [k, si] of items.entries()) {
    const d = demoDecision(outline.get(si.item_id)!, selfValue.get(si.item_id) ?? null, k, sentBack);
    sentBack ||= d.decision === "send_back";
    await saveEvaluatorAnswer(db, actor, ctx, { layer: r.layer, itemId: si.item_id, sampleItemId: si.id, ...d });
  }
  await releaseLayer(db, actor, ctx, r.layer);
}

/**
 * Evaluator work on finished demo assessments, through the same services (rules, audit log) as the
 * evaluation screens: samples reviewed and released, findings, and one follow-up recorded by the unit.
 */
export async function seedDemoEvaluation(trx: Transaction<Database>, spec: DemoEvaluationSpec): Promise<void> {
  const db = nestable(trx);
  const evaluator = await actorByEmail(db, spec.evaluatorEmail);
  for (const r of spec.reviews) await review(db, evaluator, await requireAssessment(db, evaluator, r.assessmentId, "evaluation.read"), r);
  if (!spec.followUp) return;
  const finding = await db
    .selectFrom("finding")
    .select("id")
    .where("assessment_id", "=", spec.followUp.assessmentId)
    .orderBy("item_id")
    .executeTakeFirst();
  if (!finding) return;
  await updateFollowUp(db, await actorByEmail(db, spec.followUp.byEmail), finding.id, {
    action: "Menyusun SOP pemantauan triwulanan dan menetapkannya dengan keputusan kepala kantor.",
    owner: "Kepala Subbagian Tata Usaha",
    due: spec.followUp.due,
    status: "in_progress",
  });
}
