import type { Settings } from "../instrument/schema";
import type { AnswerValue } from "./answers";

export type ScoreLevel = "total" | "component" | "subcomponent" | "area" | "subarea" | "item";

/**
 * One node of the result. For an item, `value` is the item value v ∈ [0, 1] and `max` is 1;
 * for a weighted group, value = weight × mean(v); above that, value = Σ children. All unrounded.
 */
export interface NodeScore {
  id: string;
  level: ScoreLevel;
  label: string;
  value: number;
  max: number;
  /** value / max × 100, from unrounded values. */
  percent: number;
  /** Items answered below this node (an item node: 0 or 1). */
  answered: number;
  /** Items below this node (an item node: 1). */
  items: number;
  /** How the value was computed, e.g. "0.6667 = 1.00 × mean(1, 0, 1)". */
  trace: string;
  children: string[];
}

export interface ItemScore extends NodeScore {
  level: "item";
  answer: AnswerValue;
}

export interface ScoreWarning {
  itemId: string;
  code: string;
  message: string;
}

export interface PredicateResult {
  code: string;
  label: string;
  score: number;
  /**
   * The "target baik" check of the portal 2025 rule (settings.predicate_rule portal_2025; rb-2024 spec §5),
   * present only under that rule, whatever the band: rows with a target, how many reach it (raw answer ≥
   * target), and the ones that do not, in content order. `label` is the row's (group's) label; `actual`
   * is null when the row is unanswered or answered N/A (neither counts as met).
   */
  targets?: PredicateTargets;
}

export interface PredicateTargets {
  checked: number;
  met: number;
  unmet: { itemId: string; label: string; target: number; actual: number | null }[];
}

export type CriterionStatus = "pass" | "fail" | "unknown" | "not_applicable";

export interface CriterionResult {
  id: string;
  label: string;
  actual: number | boolean | null;
  required: number | boolean;
  /** null when the criterion cannot be decided from the answers (missing context) or does not apply. */
  pass: boolean | null;
  status: CriterionStatus;
  /** Whether `actual` and `required` are points, a percent of a weight, or a yes/no fact. */
  unit: "points" | "percent" | "flag";
}

export interface VerdictResult {
  id: string;
  label: string;
  /** True only if every applicable criterion passes; an unknown criterion keeps it false. */
  pass: boolean;
  /** True if every criterion decided by the scores passes (context criteria aside). */
  scorePass: boolean;
  /** Ids of criteria that need context the caller did not give (e.g. holds_wbk). */
  pending: string[];
  criteria: CriterionResult[];
}

/** The settings a result was scored under (the others do not change a number). */
export type ScoringSettings = Pick<Settings, "abcd_values" | "zi_area_min_scope">;

/**
 * The total as an index (RB 2023 spec §3): general = (Σ general nodes + adjustment) /
 * applicable weight × scale_to; value = general + Σ added. All unrounded.
 */
export interface IndexResult {
  label: string;
  general: {
    label: string;
    /** Σ of the general nodes as scored (not applicable rows count 0). */
    value: number;
    /** Σ of their weights, and of the weights of the rows that apply (penyesuaian bobot). */
    max: number;
    applicable: number;
    /** (value + adjustment) / applicable × scale_to. */
    adjusted: number;
    scaleTo: number;
  };
  adjustment: { id: string; label: string; value: number } | null;
  added: { id: string; label: string; value: number; max: number }[];
  /** Groups answered not applicable, in content order. */
  notApplicable: string[];
  value: number;
  /** How the value was computed, e.g. "(84.5 + −1) / 98 × 100 + 12.3 = 97.5". */
  trace: string;
}

export interface ScoreResult {
  engineVersion: string;
  instrument: string;
  version: string;
  settings: ScoringSettings;
  total: number;
  max: number;
  /** Every node by id ("total", then component, subcomponent, area, sub-area and item ids), parents before children in content order. */
  nodes: Record<string, NodeScore | ItemScore>;
  warnings: ScoreWarning[];
  /** Indeks RB predicate where the instrument defines bands, else null. */
  predicate: PredicateResult | null;
  /** WBK/WBBM verdicts keyed by verdict id where the instrument defines them, else null. */
  zi: Record<string, VerdictResult> | null;
  /** The index breakdown, present only where the instrument defines evaluation.index (RB 2023). */
  index?: IndexResult;
}

/** Facts outside the answers that some criteria need, keyed as named in the instrument (e.g. holds_wbk). */
export type ScoreContext = Record<string, number | boolean>;

export interface ScoreOptions {
  /** Overrides of the instrument settings (e.g. zi_area_min_scope: "per_half"). */
  settings?: Partial<Settings>;
  context?: ScoreContext;
}
