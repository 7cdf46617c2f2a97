import type { Instrument, VerdictRule } from "../instrument/schema";
import type { Answers } from "../scoring/answers";
import { scoreAssessment } from "../scoring/score";
import { COMPARISON_TOLERANCE, planVerdicts } from "../scoring/thresholds";
import type { PredicateResult, ScoreOptions, ScoreResult, VerdictResult } from "../scoring/types";
import { byGain, improvementsOf, type ItemImprovement } from "./best-answer";
import { minimumCover, type CoverMethod, type Requirement } from "./plan-search";

/*
 * "What would raise it" (issue #6), part two: the smallest set of item improvements (each item
 * moved to its best feasible answer, see best-answer.ts) that reaches a target, re-scored by the
 * engine. The search itself is in plan-search.ts (exact: laminar DP; proof there).
 *
 * Verdict targets use every *score* criterion of the instrument's rule (node minima such as the
 * total, Pengungkit, IPAK, capaian kinerja, IPKP, and each pengungkit area as % of its weight, in
 * the scope of zi_area_min_scope). Context criteria (already holds WBK, the Kawasan integration
 * score) cannot be raised by answering items: they are taken as given and ignored, so "reached"
 * means the verdict's `scorePass`.
 */

export type PlanTarget = { kind: "total"; value: number } | { kind: "wbk" } | { kind: "wbbm" };

export interface PlanOutcome {
  total: number;
  predicate: PredicateResult | null;
  /** The engine's WBK/WBBM verdicts (null when the instrument has none). */
  zi: Record<string, VerdictResult> | null;
  /** The target's score criteria all pass (total ≥ value − 1e-9, or the verdict's scorePass). */
  reached: boolean;
  /** Ids of the target's score criteria that fail (e.g. "area_min.3", "total"). */
  failing: string[];
}

export interface Plan {
  target: PlanTarget;
  /** False when even every item at its best answer misses the target. */
  reachable: boolean;
  /** True when no smaller set reaches the target (always so for total and ZI-style verdict rules). */
  minimal: boolean;
  method: CoverMethod;
  /** The improvements to make, largest gain first; when unreachable, every possible improvement (the best achievable). */
  steps: ItemImprovement[];
  /** The answers with the steps applied. */
  answers: Answers;
  before: PlanOutcome;
  after: PlanOutcome;
}

/** A score criterion as a covering requirement, before its items are mapped to candidates. */
interface Criterion {
  id: string;
  nodes: readonly string[];
  /** Points still missing: threshold (less the engine's comparison tolerance) − current value. */
  need: number;
}

function ruleOf(instrument: Instrument, target: PlanTarget): VerdictRule | null {
  if (target.kind === "total") return null;
  const rule = instrument.evaluation.zi_verdicts.find((r) => r.id === target.kind);
  if (!rule) throw new Error(`${instrument.id} has no verdict rule "${target.kind}"`);
  return rule;
}

/**
 * The score criteria of a rule, resolved exactly as the engine resolves them (planVerdicts: the
 * same area units per scope), each as points still missing. The engine passes a node_min when
 * value ≥ min − tol and an area when value / weight × 100 ≥ min% − tol; the needs below are those
 * inequalities solved for the missing points.
 */
function criteriaOf(instrument: Instrument, rule: VerdictRule, result: ScoreResult): Criterion[] {
  const ids = Object.keys(result.nodes);
  const index = new Map(ids.map((id, i) => [id, i]));
  const nodeAt = (i: number) => (i < 0 ? undefined : result.nodes[ids[i] as string]);
  const [plan] = planVerdicts(
    [rule],
    instrument.evaluation.zi_area_groups,
    result.settings.zi_area_min_scope,
    (id) => index.get(id) ?? -1,
    () => undefined,
  );
  const out: Criterion[] = [];
  for (const p of plan?.criteria ?? []) {
    if (p.kind === "node_min") {
      out.push({
        id: p.c.id,
        nodes: p.node < 0 ? [] : [ids[p.node] as string],
        need: p.c.min - COMPARISON_TOLERANCE - (nodeAt(p.node)?.value ?? 0),
      });
    } else if (p.kind === "area_percent_min") {
      for (const u of p.units) {
        let value = 0;
        let weight = 0;
        for (const i of u.nodes) {
          value += nodeAt(i)?.value ?? 0;
          weight += nodeAt(i)?.max ?? 0;
        }
        const min = p.c.min_percent - COMPARISON_TOLERANCE;
        // A unit of weight 0 scores 0 %: met or unreachable, whatever is answered.
        const need = weight > 0 ? (min / 100) * weight - value : min <= 0 ? -Infinity : Infinity;
        out.push({ id: u.id, nodes: u.nodes.flatMap((i) => (i < 0 ? [] : [ids[i] as string])), need });
      }
    }
  }
  return out;
}

/** Item ids below a node (the node itself if it is an item). */
function itemsUnder(result: ScoreResult, id: string, out: string[] = []): string[] {
  const node = result.nodes[id];
  if (!node) return out;
  if (node.level === "item") out.push(id);
  else for (const c of node.children) itemsUnder(result, c, out);
  return out;
}

function outcome(instrument: Instrument, target: PlanTarget, result: ScoreResult): PlanOutcome {
  const base = { total: result.total, predicate: result.predicate, zi: result.zi };
  if (target.kind === "total") {
    const reached = result.total >= target.value - COMPARISON_TOLERANCE;
    return { ...base, reached, failing: reached ? [] : ["total"] };
  }
  const verdict = result.zi?.[target.kind];
  const context = new Set(
    ruleOf(instrument, target)
      ?.criteria.filter((c) => c.kind.startsWith("context"))
      .map((c) => c.id),
  );
  const failing = (verdict?.criteria ?? []).filter((c) => !context.has(c.id) && c.pass !== true).map((c) => c.id);
  return { ...base, reached: verdict?.scorePass ?? false, failing };
}

/**
 * The smallest set X of item improvements with every target criterion met:
 *   Σ_{i ∈ X below node k} w_g / n_g × (v_best,i − v_i) ≥ threshold_k − value_k  for each criterion k
 * (total target: one criterion on the total). Exact (see plan-search.ts); the result is re-scored
 * by the engine. Among the smallest sets the laminar DP returns one with the largest total gain.
 * Unreachable targets return every improvement and the best achievable outcome. Items in `fixed`
 * keep their current answer (e.g. values another institution sets, which the unit cannot raise).
 * @throws Error when the instrument has no such verdict rule; RangeError for a non-finite total;
 *   AnswerError for invalid answers.
 */
export function planToTarget(
  instrument: Instrument,
  answers: Answers,
  target: PlanTarget,
  options: ScoreOptions = {},
  fixed: ReadonlySet<string> = new Set(),
): Plan {
  if (target.kind === "total" && !Number.isFinite(target.value))
    throw new RangeError(`target total must be a finite number, got ${target.value}`);
  const rule = ruleOf(instrument, target);
  const now = scoreAssessment(instrument, answers, options);
  const candidates = byGain(improvementsOf(instrument, answers, options, now)).filter((c) => !fixed.has(c.id));
  const slot = new Map(candidates.map((c, k) => [c.id, k]));
  const criteria: Criterion[] = rule
    ? criteriaOf(instrument, rule, now)
    : [{ id: "total", nodes: ["total"], need: (target as { value: number }).value - COMPARISON_TOLERANCE - now.total }];
  const requirements: Requirement[] = criteria.map((c) => ({
    members: c.nodes.flatMap((n) => itemsUnder(now, n)).flatMap((id) => (slot.has(id) ? [slot.get(id) as number] : [])),
    need: c.need,
  }));
  const cover = minimumCover(
    candidates.map((c) => c.gain),
    requirements,
  );
  const chosen = cover.chosen ? cover.chosen.map((k) => candidates[k] as ItemImprovement) : candidates;
  const steps = [...chosen].sort((x, y) => (slot.get(x.id) as number) - (slot.get(y.id) as number));
  const applied: Answers = { ...answers };
  for (const s of steps) applied[s.id] = s.best;
  const after = steps.length > 0 ? scoreAssessment(instrument, applied, options) : now;
  return {
    target,
    reachable: cover.chosen !== null,
    // An index instrument's gains (best-answer.ts: each the engine's own Δ total) are super-additive
    // where a multiplier source and its row both improve: the set reaches the target, but a smaller
    // one might too, so it is not claimed minimal there.
    minimal: cover.minimal && instrument.evaluation.index === undefined,
    method: cover.method,
    steps,
    answers: applied,
    before: outcome(instrument, target, now),
    after: outcome(instrument, target, after),
  };
}
