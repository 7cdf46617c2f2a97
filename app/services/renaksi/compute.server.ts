import type { Db } from "#db/client.server";
import type { RenaksiPlan } from "#db/schema";
import { gradeRenaksi, type RenaksiGrade } from "~/domain/renaksi/grade";
import { implementationScore, type ImplementationScore } from "~/domain/renaksi/implementation";
import type { RenaksiAnswer } from "~/domain/renaksi/schema";
import type { OutputQuarters } from "~/domain/renaksi/types";
import { renaksiContentFor } from "./content.server";
import { quarters } from "./quarters";

/*
 * The two figures a plan gives the RB assessment (spec rb-2024 §2.5, §2.6), through the pure domain
 * functions (app/domain/renaksi): the same functions the plan pages, the CLI and the tests use.
 */

export interface PlanScores {
  /** A101: Strategi from the LKE Renaksi grades; null until the evaluator has graded a criterion. */
  strategi: (RenaksiGrade & { value: number }) | null;
  /** A102: the implementation score 0–100 of the RB General outputs (score null: not computable, see reason). */
  implementation: ImplementationScore;
  gradedCriteria: number;
}

export async function generalOutputs(db: Db, planId: string): Promise<OutputQuarters[]> {
  const rows = await db
    .selectFrom("renaksi_output as o")
    .innerJoin("renaksi_action as a", "a.id", "o.action_id")
    .select(["o.target_tw_json", "o.realisation_tw_json"])
    .where("o.plan_id", "=", planId)
    .where("a.target_id", "is not", null)
    .orderBy("o.position")
    .execute();
  return rows.map((r) => ({ targetTw: quarters(r.target_tw_json), realisasiTw: quarters(r.realisation_tw_json) }));
}

export async function computePlan(db: Db, plan: Pick<RenaksiPlan, "id" | "year" | "mode">): Promise<PlanScores> {
  const content = renaksiContentFor(plan.year);
  const grades = await db.selectFrom("renaksi_grade").select(["criterion", "grade"]).where("plan_id", "=", plan.id).execute();
  const answers: Record<string, RenaksiAnswer | null> = {};
  let graded = 0;
  for (const g of grades) {
    answers[g.criterion] = g.grade as RenaksiAnswer | null;
    if (g.grade !== null) graded++;
  }
  const grade = content && graded > 0 ? gradeRenaksi(answers, content.lke) : null;
  return {
    strategi: grade ? { ...grade, value: grade.strategi } : null,
    implementation: implementationScore(await generalOutputs(db, plan.id), plan.mode),
    gradedCriteria: graded,
  };
}
