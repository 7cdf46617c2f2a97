import { fmt } from "../scoring/format";
import { roundHalfAwayFromZero } from "./rounding";
import {
  GRADES,
  YES_NO,
  type ComputedNode,
  type ComputedRole,
  type Criterion,
  type Grade,
  type GradeBand,
  type LkeNode,
  type LkeRenaksiContent,
  type RenaksiAnswer,
} from "./schema";

/*
 * The LKE Renaksi (rb-2024.md §2.4): an evaluator grades the plan per criterion; the answers convert
 * to values by the content's conversion table (A 1, B 0,75, C 0,5, D 0,25, E 0; YA 1, TIDAK 0; a
 * missing answer counts 0) and computed nodes aggregate their children as the content says:
 *   PenilaianKU = round((s4 + s5 + s6) / 3, 2)            mean × 1, 2 decimals
 *   PenetapanRA = round(2 × (s8 + s9 + s10 + s11) / 4, 2)  mean × 2, 2 decimals
 *   Strategi    = PenilaianKU + PenetapanRA               sum, unrounded (0..3)
 * The rounding (2 decimals, half away from zero) is the portal's own (dosave / kalkulasi_skor).
 * Strategi is the raw score of the LKE RB row "Rencana Aksi Pembangunan RB General" (0–3, §2.5).
 * Nodes are found by the content's codes and roles, never by portal ids.
 */

/** Answers keyed by criterion code; null or absent = not answered (counts the conversion's `missing`). */
export type RenaksiAnswers = Readonly<Record<string, RenaksiAnswer | null | undefined>>;

export class RenaksiAnswerError extends Error {
  override readonly name = "RenaksiAnswerError";
  constructor(readonly issues: Array<{ code: string; problem: "unknown_code" | "not_a_criterion" | "wrong_answer_kind" }>) {
    super(`invalid LKE Renaksi answers: ${issues.map((i) => `${i.code} (${i.problem})`).join(", ")}`);
  }
}

export interface CriterionGrade {
  code: string;
  answer: RenaksiAnswer | null;
  /** The converted value (0..1). */
  value: number;
}

export interface RenaksiGrade {
  /** Penilaian Kegiatan Utama Road Map RB, 0..1, 2 decimals. */
  penilaianKU: number;
  /** Kriteria Penilaian Penetapan Rencana Aksi, 0..2, 2 decimals. */
  penetapanRA: number;
  /** Strategi Pelaksanaan RB General, 0..3 = the action-plan row's raw score in the LKE RB. */
  strategi: number;
  /** Graded criteria, in content order. */
  criteria: CriterionGrade[];
  /** Every node's value by code (criteria and computed nodes). */
  nodes: Record<string, number>;
  /** How each computed node came about, root last, '.' decimals. */
  trace: string[];
  /** Criteria left unanswered (counted 0). */
  unanswered: string[];
}

const isComputed = (n: LkeNode): n is ComputedNode => n.answer === "computed";

/** Every graded criterion of the worksheet, in content order. */
export function renaksiCriteria(lke: LkeRenaksiContent): Criterion[] {
  const out: Criterion[] = [];
  const walk = (n: LkeNode): void => {
    if (isComputed(n)) n.children.forEach(walk);
    else out.push(n);
  };
  walk(lke.root);
  return out;
}

/** The computed node carrying `role`. */
function byRole(root: ComputedNode, role: ComputedRole): ComputedNode | null {
  if (root.role === role) return root;
  for (const c of root.children) {
    if (!isComputed(c)) continue;
    const hit = byRole(c, role);
    if (hit) return hit;
  }
  return null;
}

/**
 * Grades the plan from the evaluator's answers.
 * @throws RenaksiAnswerError for an answer to an unknown code or to a computed node, or a grade letter
 *   on a YA/TIDAK criterion (and the reverse): never silently counted 0.
 */
export function gradeRenaksi(answers: RenaksiAnswers, lke: LkeRenaksiContent): RenaksiGrade {
  const criteria = renaksiCriteria(lke);
  const byCode = new Map(criteria.map((c) => [c.code, c]));
  const issues: RenaksiAnswerError["issues"] = [];
  const computedCodes = new Set<string>();
  const collect = (n: LkeNode): void => {
    if (isComputed(n)) {
      computedCodes.add(n.code);
      n.children.forEach(collect);
    }
  };
  collect(lke.root);
  for (const [code, answer] of Object.entries(answers)) {
    const c = byCode.get(code);
    if (!c) {
      issues.push({ code, problem: computedCodes.has(code) ? "not_a_criterion" : "unknown_code" });
      continue;
    }
    if (answer === null || answer === undefined) continue;
    const ok = c.answer === "grade" ? (GRADES as readonly string[]).includes(answer) : (YES_NO as readonly string[]).includes(answer);
    if (!ok) issues.push({ code, problem: "wrong_answer_kind" });
  }
  if (issues.length > 0) throw new RenaksiAnswerError(issues);

  const { conversion } = lke;
  const nodes: Record<string, number> = {};
  const trace: string[] = [];
  const unanswered: string[] = [];
  const graded: CriterionGrade[] = [];

  const value = (n: LkeNode): number => {
    if (!isComputed(n)) {
      const answer = answers[n.code] ?? null;
      let v: number;
      if (answer === null) {
        v = conversion.missing;
        unanswered.push(n.code);
      } else if (n.answer === "grade") v = conversion.grade[answer as Grade];
      else v = conversion.yes_no[answer as "YA" | "TIDAK"];
      nodes[n.code] = v;
      graded.push({ code: n.code, answer, value: v });
      return v;
    }
    const kids = n.children.map(value);
    const total = kids.reduce((s, k) => s + k, 0);
    const aggregated = n.aggregate === "mean" ? total / kids.length : total;
    const raw = n.factor * aggregated;
    const v = n.decimals === null ? raw : roundHalfAwayFromZero(raw, n.decimals);
    nodes[n.code] = v;
    const terms = `(${kids.map(fmt).join(" + ")})`;
    const expr = n.aggregate === "mean" ? `${terms} / ${kids.length}` : terms;
    const scaled = n.factor === 1 ? expr : `${fmt(n.factor)} × ${expr}`;
    trace.push(`${n.code} = ${n.decimals === null ? scaled : `round(${scaled}, ${n.decimals})`} = ${fmt(v)}`);
    return v;
  };
  const strategi = value(lke.root);
  const roleValue = (role: ComputedRole): number => {
    const node = byRole(lke.root, role);
    if (!node) throw new Error(`${lke.id}: no computed node with role ${role}`);
    return nodes[node.code] as number;
  };
  return {
    penilaianKU: roleValue("penilaian_ku"),
    penetapanRA: roleValue("penetapan_ra"),
    strategi: lke.root.role === "strategi" ? strategi : roleValue("strategi"),
    criteria: graded,
    nodes,
    trace,
    unanswered,
  };
}

/** The 2024 portal bands (§2.4): A = 100 %; B ≥ 75 %; C ≥ 50 %; D ≥ 10 %; E below. The content carries the same as data. */
export const RENAKSI_BANDS_2024: readonly GradeBand[] = Object.freeze([
  { grade: "A", from: 1 },
  { grade: "B", from: 0.75 },
  { grade: "C", from: 0.5 },
  { grade: "D", from: 0.1 },
  { grade: "E", from: 0 },
]);

/**
 * The grade for the share (0..1) of items that satisfy a criterion's condition: the first band whose
 * inclusive lower bound the share reaches (bands as in the content, highest first). A helper for the
 * evaluator's worksheet; the evaluator's grade is what counts.
 * Pass a count pair as `satisfied / total` (e.g. 15 of 21 KU adopted → 0.714… → C).
 */
export function gradeFromShare(share: number, bands: readonly GradeBand[] = RENAKSI_BANDS_2024): Grade {
  if (!Number.isFinite(share) || share < 0 || share > 1) throw new RangeError(`share ${share} is not in [0, 1]`);
  const sorted = [...bands].sort((a, b) => b.from - a.from);
  const hit = sorted.find((b) => share >= b.from);
  if (!hit) throw new RangeError(`no band covers share ${share}`);
  return hit.grade;
}
