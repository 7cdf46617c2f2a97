import { NOT_APPLICABLE, type Instrument } from "../instrument/schema";
import { AnswerError, type AnswerIssue, type Answers, type AnswerValue } from "./answers";
import { compile, verdictPlan, type Compiled } from "./compile";
import { fmt } from "./format";
import { itemValue, type Findings } from "./item-value";
import { ScoredAssessment } from "./result";
import { evaluateVerdicts, indeksRbPredicate, portalPredicate } from "./thresholds";
import type { IndexResult, ScoreContext, ScoreOptions, ScoreResult, ScoringSettings } from "./types";

/**
 * Version of the scoring rules. Stored with every frozen score: bump it whenever a change could
 * alter a number for the same instrument and answers.
 */
export const ENGINE_VERSION = "1.0.0";

const NO_COUNTS: number[] = [];
const NO_CONTEXT: ScoreContext = Object.freeze({});

/**
 * Scores one assessment (PermenPANRB 90/2021 Lampiran III; PermenPANRB 14/2014; domain README §3–§7):
 *   item value v ∈ [0, 1] per answer type; sub-area = weight × mean(v); area, subcomponent,
 *   component and total = Σ children; percent = value / max × 100; all unrounded.
 * Unanswered items score 0 and are counted as unanswered. Pure and synchronous.
 * Totals, predicate, verdicts and warnings are computed here; `nodes` (every node with its trace)
 * is built from the stored values on first access.
 * @throws AnswerError naming every invalid answer (never scored as 0) and every unknown item id.
 */
export function scoreAssessment(instrument: Instrument, answers: Answers, options: ScoreOptions = {}): ScoreResult {
  const settings: ScoringSettings = {
    abcd_values: options.settings?.abcd_values ?? instrument.settings.abcd_values,
    zi_area_min_scope: options.settings?.zi_area_min_scope ?? instrument.settings.zi_area_min_scope,
  };
  const c = compile(instrument, settings.abcd_values);
  const values = c.zeroValues.slice();
  const counts = c.countSlots > 0 ? c.zeroCounts.slice() : NO_COUNTS;
  // The answers as scored: `nodes` may be built later, after the caller changed its answers object.
  const given = new Array<AnswerValue | undefined>(c.items.length);
  const findings: Findings = { issues: [], warnings: [] };
  const { items, groups, groupItems, itemNode, max } = c;
  let seen = 0; // answer keys that belong to an item
  let notApplicable: number[] | null = null; // groups answered N/A (rare: allocated on first)

  // The group value is weight × mean(v) (README §4: questions are equal-weighted within a group).
  for (let g = 0; g < groups.length; g++) {
    const first = groupItems[g] as number;
    const end = groupItems[g + 1] as number;
    let sum = 0;
    for (let k = first; k < end; k++) {
      const p = items[k]!;
      const answer = answers[p.id];
      given[k] = answer;
      let v = 0;
      if (answer !== undefined) {
        seen++;
        if (answer === NOT_APPLICABLE && p.naAllowed) (notApplicable ??= []).push(groups[g] as number);
        else if (answer !== null) v = itemValue(p, answer, counts, findings);
        // RB 2023: the row's score × the multiplier group's score over its weight (an earlier group).
        if (p.mult >= 0 && v !== 0) v *= (values[p.mult] as number) / (max[p.mult] as number);
      }
      values[itemNode[k] as number] = v;
      sum += v;
    }
    const gi = groups[g] as number;
    values[gi] = end > first ? (max[gi] as number) * (sum / (end - first)) : 0;
  }
  // Sums in child order, children before parents: the same additions in the same order as a recursive walk.
  const { sumOrder, childStart, childIdx } = c;
  for (let s = 0; s < sumOrder.length; s++) {
    const i = sumOrder[s] as number;
    let v = 0;
    for (let j = childStart[i] as number; j < (childStart[i + 1] as number); j++) v += values[childIdx[j] as number] as number;
    values[i] = v;
  }

  // Answers for ids the instrument does not have (typos, another instrument's file) are errors too.
  // Checked only when the key count says so: enumerating a large answers object is a hot-path cost.
  const issues: AnswerIssue[] = findings.issues;
  if (Object.keys(answers).length !== seen) {
    for (const key of Object.keys(answers)) {
      if (!c.itemIds.has(key)) {
        issues.unshift({ itemId: key, message: `no item "${key}" in ${instrument.id}`, expected: "an item id of the instrument" });
      }
    }
  }
  if (issues.length > 0) throw new AnswerError(issues);

  const index = c.index ? indexOf(c, values, notApplicable) : null;
  if (index) values[0] = index.value;
  const total = values[0] as number;
  const bands = instrument.evaluation.predicate_bands;
  const portal = instrument.evaluation.portal_2025;
  const rule = options.settings?.predicate_rule ?? instrument.settings.predicate_rule;
  const zi =
    instrument.evaluation.zi_verdicts.length > 0
      ? evaluateVerdicts(verdictPlan(instrument, c, settings.zi_area_min_scope), values, max, options.context ?? NO_CONTEXT)
      : null;
  return new ScoredAssessment(
    ENGINE_VERSION,
    instrument.id,
    instrument.version,
    settings,
    total,
    instrument.total_weight,
    findings.warnings,
    bands.length === 0
      ? null
      : rule === "portal_2025" && portal
        ? portalPredicate(total, bands, portal, answers, c.targets)
        : indeksRbPredicate(total, bands),
    zi,
    index,
    { compiled: c, values, given, counts },
  );
}

/**
 * The total as an index (spec rb-2023 §3, evaluation.index): RB General adjusted =
 * (Σ general nodes + koefisien) / Σ weights of the rows that apply × scale_to; index = that + Σ added
 * (RB Tematik). A group answered not applicable scores 0 and its weight leaves the denominator.
 */
function indexOf(c: Compiled, values: readonly number[], notApplicable: readonly number[] | null): IndexResult {
  const plan = c.index!;
  const { max, parent, ids, labels } = c;
  // Weight that does not apply, per node: each N/A group's weight counted up its ancestors.
  let excluded: Map<number, number> | null = null;
  for (const g of notApplicable ?? []) {
    excluded ??= new Map();
    for (let i = g; i >= 0; i = parent[i] as number) excluded.set(i, (excluded.get(i) ?? 0) + (max[g] as number));
  }
  let general = 0;
  let generalMax = 0;
  let applicable = 0;
  for (const i of plan.general) {
    general += values[i] as number;
    generalMax += max[i] as number;
    applicable += (max[i] as number) - (excluded?.get(i) ?? 0);
  }
  const adj = plan.adjustment;
  const adjustment = adj < 0 ? null : { id: ids[adj] as string, label: labels[adj] as string, value: values[adj] as number };
  const adjusted = applicable > 0 ? ((general + (adjustment?.value ?? 0)) / applicable) * plan.scaleTo : 0;
  let value = adjusted;
  const added = Array.from(plan.added, (i) => {
    value += values[i] as number;
    return { id: ids[i] as string, label: labels[i] as string, value: values[i] as number, max: max[i] as number };
  });
  const koef = adjustment ? ` + ${fmt(adjustment.value)}` : "";
  const plus = added.map((a) => ` + ${fmt(a.value)}`).join("");
  return {
    label: plan.label,
    general: { label: plan.generalLabel, value: general, max: generalMax, applicable, adjusted, scaleTo: plan.scaleTo },
    adjustment,
    added,
    notApplicable: (notApplicable ?? []).map((g) => ids[g] as string),
    value,
    trace: `${fmt(value)} = (${fmt(general)}${koef}) / ${fmt(applicable)} × ${fmt(plan.scaleTo)}${plus}`,
  };
}

/**
 * The problems of one answer, as `validateAnswers(instrument, { [itemId]: value })` reports them,
 * without scoring the whole instrument (the autosave path validates one answer per request).
 */
export function validateAnswer(instrument: Instrument, itemId: string, value: AnswerValue, options: ScoreOptions = {}): AnswerIssue[] {
  const c = compile(instrument, options.settings?.abcd_values ?? instrument.settings.abcd_values);
  const p = c.items.find((item) => item.id === itemId);
  if (!p) return [{ itemId, message: `no item "${itemId}" in ${instrument.id}`, expected: "an item id of the instrument" }];
  if (value === null || (value === NOT_APPLICABLE && p.naAllowed)) return [];
  const findings: Findings = { issues: [], warnings: [] };
  itemValue(p, value, c.countSlots > 0 ? c.zeroCounts.slice() : [], findings);
  return findings.issues;
}

/** All answer problems without throwing (for forms): an empty list means the answers can be scored. */
export function validateAnswers(instrument: Instrument, answers: Answers, options: ScoreOptions = {}): AnswerIssue[] {
  try {
    scoreAssessment(instrument, answers, options);
    return [];
  } catch (e) {
    if (e instanceof AnswerError) return e.issues;
    throw e;
  }
}
