import type { AreaGroup, Criterion, PredicateBand, Settings, VerdictRule } from "../instrument/schema";
import type { CriterionResult, NodeScore, PredicateResult, ScoreContext, VerdictResult } from "./types";

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
    const withinUpper = score <= band.up_to + COMPARISON_TOLERANCE;
    if (aboveLower && withinUpper) return { code: band.code, label: band.label, score };
  }
  return null;
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

/**
 * Per-area minimum (README §7): each pengungkit area reaches min_percent of its weight. Scope
 * `combined` (default) takes the six areas of Lampiran II with both halves together (8/7/10/10/15/10);
 * `per_half` checks Pemenuhan and Reform areas separately (4/4, 3.5/3.5, …).
 */
function areaCriteria(
  c: Extract<Criterion, { kind: "area_percent_min" }>,
  groups: readonly AreaGroup[],
  scope: Settings["zi_area_min_scope"],
  nodes: Record<string, NodeScore>,
): CriterionResult[] {
  const units =
    scope === "combined"
      ? groups.map((g) => ({ id: `${c.id}.${g.id}`, label: `${c.label}: ${g.label}`, nodes: g.nodes }))
      : groups.flatMap((g) =>
          g.nodes.map((n) => ({ id: `${c.id}.${n}`, label: `${c.label}: ${nodes[n]?.label ?? n} (${n})`, nodes: [n] })),
        );
  return units.map((u) => {
    let value = 0;
    let max = 0;
    for (const id of u.nodes) {
      value += nodes[id]?.value ?? 0;
      max += nodes[id]?.max ?? 0;
    }
    const percent = max > 0 ? (value / max) * 100 : 0;
    const pass = atLeast(percent, c.min_percent);
    return {
      id: u.id,
      label: u.label,
      actual: percent,
      required: c.min_percent,
      pass,
      status: pass ? "pass" : "fail",
      unit: "percent" as const,
    };
  });
}

function criterionResults(
  c: Criterion,
  nodes: Record<string, NodeScore>,
  groups: readonly AreaGroup[],
  scope: Settings["zi_area_min_scope"],
  context: ScoreContext,
): CriterionResult[] {
  switch (c.kind) {
    case "node_min": {
      const actual = nodes[c.node]?.value ?? 0;
      return [decided(c, actual, c.min, atLeast(actual, c.min), "points")];
    }
    case "area_percent_min":
      return areaCriteria(c, groups, scope, nodes);
    case "context_min": {
      const v = context[c.context];
      if (typeof v !== "number") {
        return [{ id: c.id, label: c.label, actual: null, required: c.min, pass: null, status: c.when_missing, unit: "points" }];
      }
      return [decided(c, v, c.min, atLeast(v, c.min), "points")];
    }
    case "context_flag": {
      const v = context[c.context];
      if (typeof v !== "boolean") {
        return [{ id: c.id, label: c.label, actual: null, required: true, pass: null, status: c.when_missing, unit: "flag" }];
      }
      return [decided(c, v, true, v, "flag")];
    }
  }
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
  nodes: Record<string, NodeScore>,
  context: ScoreContext = {},
): Record<string, VerdictResult> {
  const out: Record<string, VerdictResult> = {};
  for (const rule of rules) {
    const criteria: CriterionResult[] = [];
    let pass = true;
    let scorePass = true;
    const pending: string[] = [];
    for (const c of rule.criteria) {
      const fromContext = c.kind === "context_min" || c.kind === "context_flag";
      for (const r of criterionResults(c, nodes, groups, scope, context)) {
        criteria.push(r);
        if (r.status === "unknown") pending.push(r.id);
        if (r.status === "fail" || r.status === "unknown") pass = false;
        if (!fromContext && r.pass !== true) scorePass = false;
      }
    }
    out[rule.id] = { id: rule.id, label: rule.label, pass, scorePass, pending, criteria };
  }
  return out;
}
