import type { AreaGroup, Criterion, Portal2025, PredicateBand, Settings, VerdictRule } from "../instrument/schema";
import type { Answers } from "./answers";
import type { CriterionResult, PredicateResult, PredicateTargets, ScoreContext, VerdictResult } from "./types";

/**
 * Threshold comparisons use unrounded values (README §4); this tolerance only absorbs binary
 * floating-point noise (e.g. 17.5 × 0.8 computed as 14.000000000000002), never a real difference.
 */
export const COMPARISON_TOLERANCE = 1e-9;

const atLeast = (actual: number, required: number) => actual >= required - COMPARISON_TOLERANCE;

/**
 * Indeks RB predicate: the band with above < score ≤ up_to (README §6, PermenPANRB 14/2014:
 * lower bound exclusive, upper inclusive). Null when no band contains the score (e.g. 0).
 */
export function indeksRbPredicate(score: number, bands: readonly PredicateBand[]): PredicateResult | null {
  for (const band of bands) {
    const aboveLower = score > band.above + COMPARISON_TOLERANCE;
    const withinUpper = band.up_to === undefined || score <= band.up_to + COMPARISON_TOLERANCE;
    if (aboveLower && withinUpper) return { code: band.code, label: band.label, score };
  }
  return null;
}

/** A row with a "target baik", resolved once per instrument (compile.ts): its item id, its group's label and the target. */
export interface TargetPlan {
  itemId: string;
  label: string;
  target: number;
}

/**
 * The "target baik" check (rb-2024 spec §5, portal `WebDashboardController::hasilEvaluasi`): all targets
 * are met when #rows with score ≥ target ≥ #rows with a target, compared on the raw score (the answer
 * as typed, not the weighted score). A row unanswered or answered N/A has no score, so it counts as
 * not met (actual null): the portal counts only rows whose score reaches the target. No targets: met.
 */
export function checkTargets(plan: readonly TargetPlan[], answers: Answers): PredicateTargets {
  const unmet: PredicateTargets["unmet"] = [];
  for (const t of plan) {
    const a = answers[t.itemId];
    const actual = typeof a === "number" ? a : null;
    if (actual === null || !(actual >= t.target - COMPARISON_TOLERANCE)) unmet.push({ itemId: t.itemId, label: t.label, target: t.target, actual });
  }
  return { checked: plan.length, met: plan.length - unmet.length, unmet };
}

/**
 * The national portal's 2025 predicate logic (rb-2024 spec §5, rb-2023 spec §3; seen only in the
 * portal's code): `top` from `top_min` on (≥ when `top_inclusive`, else >); below it the published
 * bands, except that everything above the `conditional` band's lower bound is that band only when
 * every row with a target reaches it (checkTargets), else `fallback` ("A-"). The target check is
 * returned with every band. `targets` defaults to the instrument's targets with their item ids as
 * labels (callers that score pass the compiled plan with the group labels).
 */
export function portalPredicate(
  score: number,
  bands: readonly PredicateBand[],
  portal: Portal2025,
  answers: Answers,
  targets: readonly TargetPlan[] = Object.entries(portal.targets).map(([itemId, target]) => ({ itemId, label: itemId, target })),
): PredicateResult | null {
  const check = checkTargets(targets, answers);
  const top = bands.find((b) => b.code === portal.top);
  const inclusive = portal.top_inclusive ?? true;
  const reachesTop = inclusive ? score >= portal.top_min - COMPARISON_TOLERANCE : score > portal.top_min + COMPARISON_TOLERANCE;
  if (top && reachesTop) return { code: top.code, label: top.label, score, targets: check };
  // Below the top, everything above the conditional band's lower bound is the conditional band (A: > 80 and < 100).
  const band = bands.find((b) => b.code === portal.conditional);
  if (!band || !(score > band.above + COMPARISON_TOLERANCE)) {
    const plain = indeksRbPredicate(score, bands);
    return plain && { ...plain, targets: check };
  }
  return check.unmet.length === 0
    ? { code: band.code, label: band.label, score, targets: check }
    : { code: portal.fallback.code, label: portal.fallback.label, score, targets: check };
}

function decided(
  c: Criterion,
  actual: number | boolean,
  required: number | boolean,
  pass: boolean,
  unit: CriterionResult["unit"],
): CriterionResult {
  return { id: c.id, label: c.label, actual, required, pass, status: pass ? "pass" : "fail", unit };
}

/** What a criterion reads of a node. */
export interface NodeFacts {
  value: number;
  max: number;
  label: string;
}

/** A pengungkit area unit of the per-area minimum: its criterion id and label and the node indices it adds up. */
interface AreaUnit {
  id: string;
  label: string;
  nodes: readonly number[];
}

/**
 * A criterion with its node ids resolved to indices (−1: no such node, counted as 0) and the ids
 * and labels of its area units built: scoring evaluates the same rules for every assessment.
 */
type CriterionPlan =
  | { kind: "node_min"; c: Extract<Criterion, { kind: "node_min" }>; node: number }
  | { kind: "area_percent_min"; c: Extract<Criterion, { kind: "area_percent_min" }>; units: AreaUnit[] }
  | { kind: "context_min" | "context_flag"; c: Extract<Criterion, { kind: "context_min" | "context_flag" }> };

export interface VerdictPlan {
  id: string;
  label: string;
  criteria: CriterionPlan[];
}

/**
 * Per-area minimum (README §7): each pengungkit area reaches min_percent of its weight. Scope
 * `combined` (default) takes the six areas of Lampiran II with both halves together (8/7/10/10/15/10);
 * `per_half` checks Pemenuhan and Reform areas separately (4/4, 3.5/3.5, …).
 */
function areaUnits(
  c: Extract<Criterion, { kind: "area_percent_min" }>,
  groups: readonly AreaGroup[],
  scope: Settings["zi_area_min_scope"],
  indexOf: (id: string) => number,
  labelOf: (id: string) => string | undefined,
): AreaUnit[] {
  return scope === "combined"
    ? groups.map((g) => ({ id: `${c.id}.${g.id}`, label: `${c.label}: ${g.label}`, nodes: g.nodes.map(indexOf) }))
    : groups.flatMap((g) => g.nodes.map((n) => ({ id: `${c.id}.${n}`, label: `${c.label}: ${labelOf(n) ?? n} (${n})`, nodes: [indexOf(n)] })));
}

/** Resolves the verdict rules against a node index (once per instrument, abcd setting and scope). */
export function planVerdicts(
  rules: readonly VerdictRule[],
  groups: readonly AreaGroup[],
  scope: Settings["zi_area_min_scope"],
  indexOf: (id: string) => number,
  labelOf: (id: string) => string | undefined,
): VerdictPlan[] {
  return rules.map((rule) => ({
    id: rule.id,
    label: rule.label,
    criteria: rule.criteria.map((c): CriterionPlan => {
      switch (c.kind) {
        case "node_min":
          return { kind: c.kind, c, node: indexOf(c.node) };
        case "area_percent_min":
          return { kind: c.kind, c, units: areaUnits(c, groups, scope, indexOf, labelOf) };
        case "context_min":
        case "context_flag":
          return { kind: c.kind, c };
      }
    }),
  }));
}

function areaResult(u: AreaUnit, minPercent: number, values: ArrayLike<number>, max: ArrayLike<number>): CriterionResult {
  let value = 0;
  let weight = 0;
  for (const i of u.nodes) {
    value += i < 0 ? 0 : (values[i] as number);
    weight += i < 0 ? 0 : (max[i] as number);
  }
  const percent = weight > 0 ? (value / weight) * 100 : 0;
  const pass = atLeast(percent, minPercent);
  return { id: u.id, label: u.label, actual: percent, required: minPercent, pass, status: pass ? "pass" : "fail", unit: "percent" };
}

function contextResult(c: Extract<Criterion, { kind: "context_min" | "context_flag" }>, context: ScoreContext): CriterionResult {
  const v = context[c.context];
  if (c.kind === "context_min") {
    if (typeof v !== "number") {
      return { id: c.id, label: c.label, actual: null, required: c.min, pass: null, status: c.when_missing, unit: "points" };
    }
    return decided(c, v, c.min, atLeast(v, c.min), "points");
  }
  if (typeof v !== "boolean") {
    return { id: c.id, label: c.label, actual: null, required: true, pass: null, status: c.when_missing, unit: "flag" };
  }
  return decided(c, v, true, v, "flag");
}

/** Tallies one criterion result into its verdict. */
function tally(out: VerdictResult, r: CriterionResult, fromContext: boolean): void {
  out.criteria.push(r);
  if (r.status === "unknown") out.pending.push(r.id);
  if (r.status === "fail" || r.status === "unknown") out.pass = false;
  if (!fromContext && r.pass !== true) out.scorePass = false;
}

/**
 * WBK / WBBM verdicts of a resolved plan over node values and maxima by index (see ziVerdicts).
 * Used by the engine, which keeps node values in arrays.
 */
export function evaluateVerdicts(
  plan: readonly VerdictPlan[],
  values: ArrayLike<number>,
  max: ArrayLike<number>,
  context: ScoreContext,
): Record<string, VerdictResult> {
  const out: Record<string, VerdictResult> = {};
  for (const rule of plan) {
    const v: VerdictResult = { id: rule.id, label: rule.label, pass: true, scorePass: true, pending: [], criteria: [] };
    for (const p of rule.criteria) {
      if (p.kind === "node_min") {
        const actual = p.node < 0 ? 0 : (values[p.node] as number);
        tally(v, decided(p.c, actual, p.c.min, atLeast(actual, p.c.min), "points"), false);
      } else if (p.kind === "area_percent_min") {
        for (const u of p.units) tally(v, areaResult(u, p.c.min_percent, values, max), false);
      } else {
        tally(v, contextResult(p.c, context), true);
      }
    }
    out[rule.id] = v;
  }
  return out;
}

/**
 * WBK / WBBM verdicts (PermenPANRB 90/2021 Lampiran II as amended by 5/2024; README §7): every
 * criterion ≥ its threshold on unrounded values. Criteria needing context (already holds WBK, the
 * Kawasan integration score) are "unknown" or "not_applicable" when the context is not given.
 */
export function ziVerdicts(
  rules: readonly VerdictRule[],
  groups: readonly AreaGroup[],
  scope: Settings["zi_area_min_scope"],
  nodes: Record<string, NodeFacts>,
  context: ScoreContext = {},
): Record<string, VerdictResult> {
  const ids = Object.keys(nodes);
  const index = new Map(ids.map((id, i) => [id, i]));
  const plan = planVerdicts(rules, groups, scope, (id) => index.get(id) ?? -1, (id) => nodes[id]?.label);
  const values = ids.map((id) => nodes[id]?.value ?? 0);
  const max = ids.map((id) => nodes[id]?.max ?? 0);
  return evaluateVerdicts(plan, values, max, context);
}
