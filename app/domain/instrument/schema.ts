import { z } from "zod";

/*
 * The content format of an instrument (LKE). Everything specific to a regulation — the tree, the
 * weights, the options, the ratio formulas and the evaluation thresholds — is data described here;
 * the scoring engine only knows the generic answer types and formula kinds.
 *
 * Structural rules that Zod cannot express well (weights adding up, the id scheme, formulas naming
 * declared inputs) are checked in `validate.ts`, which names the offending id. A custom message in a
 * schema below is a message key of `issues.ts` (translated in app/i18n/instruments.*.ts), never text.
 */

/** A weight: a decimal number, or an exact fraction "a/b" where the value is not a finite decimal (e.g. "1/3"). */
export const WeightSchema = z.union([
  z.number().finite().nonnegative(),
  z.string().regex(/^\d+(\.\d+)?\/\d+(\.\d+)?$/, "instrument.schema.weightFormat"),
]);
export type Weight = z.infer<typeof WeightSchema>;

export const ANSWER_TYPES = [
  "yes_no",
  "abc",
  "abcd",
  "abcde",
  "choice",
  "percent",
  "survey_0_4",
  "index_score",
  "external_points",
  "range_scaled",
  "coefficient",
] as const;
export const AnswerTypeSchema = z.enum(ANSWER_TYPES);
export type AnswerType = z.infer<typeof AnswerTypeSchema>;

/** Answer types whose value comes from the instrument's `answer_scales` table (one option per scale code). */
export const SCALED_TYPES = ["yes_no", "abc", "abcd", "abcde"] as const;
export type ScaledType = (typeof SCALED_TYPES)[number];
/** Whether an answer type reads its option values from an instrument scale (the one test for the family). */
export function isScaled(type: string): type is ScaledType {
  return (SCALED_TYPES as readonly string[]).includes(type);
}

/** Answer types answered with a single number on a declared scale. */
export const SCORE_TYPES = ["survey_0_4", "index_score"] as const;

/** Answer types answered with one number (a score, points, a published index value or a signed coefficient). */
export const NUMBER_TYPES = ["survey_0_4", "index_score", "external_points", "range_scaled", "coefficient"] as const;
export type NumberType = (typeof NUMBER_TYPES)[number];

/** The answer of an item marked `not_applicable` that does not apply to the organisation (a reason is required with it). */
export const NOT_APPLICABLE = "N/A";

export const SourceStatusSchema = z.enum(["verified", "app-only", "inferred", "unverified"]);
export type SourceStatus = z.infer<typeof SourceStatusSchema>;

export const OptionSchema = z
  .object({
    code: z.string().min(1),
    criterion: z.string().min(1),
    criterion_en: z.string().optional(),
    /** Only for `choice` items; scaled types take their values from `answer_scales`. */
    value: WeightSchema.optional(),
  })
  .strict();
export type Option = z.infer<typeof OptionSchema>;

export const InputSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/, "instrument.schema.inputName"),
    label: z.string().min(1),
    label_en: z.string().optional(),
    /** Informational inputs are recorded but take no part in the formula (e.g. complaints "in process"). */
    informational: z.boolean().default(false),
  })
  .strict();
export type Input = z.infer<typeof InputSchema>;

/** Where a rule comes from (README §5 tags): the regulation, a third-party app, or our own inference. */
export const RuleBasisSchema = z.enum(["verified", "app", "inferred"]);

export const ZeroOutcomeSchema = z
  .object({
    value: z.number().min(0).max(1),
    /** Flag the item for the reviewer ("nothing done scores 0"). */
    warn: z.boolean().default(false),
    basis: RuleBasisSchema.optional(),
  })
  .strict();
export type ZeroOutcome = z.infer<typeof ZeroOutcomeSchema>;

export const ZeroDenominatorSchema = z
  .object({
    default: ZeroOutcomeSchema,
    /** Overrides `default` when the numerator is zero as well (e.g. no violations last year nor this year → 1). */
    when_numerator_zero: ZeroOutcomeSchema.optional(),
  })
  .strict();

/** value = min(cap, max(0, numerator / Σ denominator)); several denominators are summed (sum-of-denominators). */
export const RatioFormulaSchema = z
  .object({
    kind: z.literal("ratio"),
    numerator: z.string(),
    denominator: z.array(z.string()).min(1),
    cap: z.number().gt(0).max(1).default(1),
    on_zero_denominator: ZeroDenominatorSchema,
    basis: RuleBasisSchema.optional(),
  })
  .strict();

/** value = min(cap, max(0, (before − after) / before)): a decrease relative to the earlier count. */
export const DecreaseRatioFormulaSchema = z
  .object({
    kind: z.literal("decrease_ratio"),
    before: z.string(),
    after: z.string(),
    cap: z.number().gt(0).max(1).default(1),
    on_zero_denominator: ZeroDenominatorSchema,
    basis: RuleBasisSchema.optional(),
  })
  .strict();

export const FormulaSchema = z.discriminatedUnion("kind", [RatioFormulaSchema, DecreaseRatioFormulaSchema]);
export type Formula = z.infer<typeof FormulaSchema>;

/**
 * A numeric range [min, max]. index_score / survey_0_4: value = (clamp(score) − min) / (max − min);
 * range_scaled: value = score / max, the score must lie in the range; coefficient: signed points.
 */
export const ScaleSchema = z
  .object({ min: z.number().finite(), max: z.number().finite() })
  .strict()
  .refine((s) => s.max > s.min, "instrument.schema.scaleOrder");

export const ItemSchema = z
  .object({
    id: z.string(),
    type: AnswerTypeSchema,
    question: z.string().min(1),
    question_en: z.string().optional(),
    options: z.array(OptionSchema).optional(),
    inputs: z.array(InputSchema).optional(),
    formula: FormulaSchema.optional(),
    scale: ScaleSchema.optional(),
    /** Penjelasan: how to read the question or compute the inputs. */
    guidance: z.string().optional(),
    guidance_en: z.string().optional(),
    /** Bukti dukung: the documents an assessor expects to see. */
    evidence: z.array(z.string()).default([]),
    /** Reviewer note on a print anomaly or a product decision. */
    note: z.string().optional(),
    status: SourceStatusSchema,
    /** The answer type the spec TSV gives when a product decision replaced it (README §0). */
    spec_type: z.string().optional(),
    /** Who publishes the value (BPKP, ANRI, LAN, BPS, …) where the row takes another institution's score. */
    scorer: z.string().min(1).optional(),
    /**
     * A weighted group (node id) whose score over its weight multiplies this item's value
     * (RB 2023: Implementasi × Rencana Aksi / 3; IKU × SAKIP / 4). The group must come earlier.
     */
    multiplier: z.string().min(1).optional(),
    /** The item may be answered "N/A" (with a reason): its group's weight leaves the renormalised index. */
    not_applicable: z.boolean().default(false),
    /**
     * The national Portal RB's `lke_parameter_id` of the row (rb-2024 spec §1.3, e.g. 2130): the key a
     * portal weight table (`lke_bobot`: bobot, range, target baik, pengali per row and kind) is imported by
     * (app/domain/instrument/portal-weights.ts).
     */
    portal_id: z.number().int().positive().optional(),
    /**
     * The value is not typed by hand but computed from the organisation's Rencana Aksi (rb-2024 spec §2):
     * `renaksi_strategi` = Strategi from the graded LKE Renaksi (the "Rencana Aksi Pembangunan RB General"
     * row, §2.5); `renaksi_implementasi` = the implementation score 0–100 from the realised outputs (the
     * "Tingkat Implementasi Rencana Aksi" row, §2.6). At most one item per value, and only on range_scaled
     * items (validate.ts).
     */
    computed_from: z.enum(["renaksi_strategi", "renaksi_implementasi"]).optional(),
  })
  .strict();
export type Item = z.infer<typeof ItemSchema>;

const nodeBase = {
  id: z.string(),
  label: z.string().min(1),
  label_en: z.string().optional(),
  weight: WeightSchema,
};

export const SubAreaSchema = z.object({ ...nodeBase, items: z.array(ItemSchema).min(1) }).strict();
export type SubArea = z.infer<typeof SubAreaSchema>;

/** An area holds sub-areas, or — like the ZI Hasil indicators — is itself the weighted group of its items. */
export const AreaSchema = z
  .object({
    ...nodeBase,
    subareas: z.array(SubAreaSchema).min(1).optional(),
    items: z.array(ItemSchema).min(1).optional(),
  })
  .strict();
export type Area = z.infer<typeof AreaSchema>;

export const SubcomponentSchema = z.object({ ...nodeBase, areas: z.array(AreaSchema).min(1) }).strict();
export type Subcomponent = z.infer<typeof SubcomponentSchema>;

/**
 * A component holds subcomponents (ZI: Pemenuhan, Reform) or areas directly (PMPRB 2014).
 * An `adjustment` component (RB 2023 koefisien) holds one coefficient item; it is outside
 * total_weight and enters the total only through `evaluation.index.adjustment`.
 */
export const ComponentSchema = z
  .object({
    ...nodeBase,
    subcomponents: z.array(SubcomponentSchema).min(1).optional(),
    areas: z.array(AreaSchema).min(1).optional(),
    adjustment: z.boolean().default(false),
  })
  .strict();
export type Component = z.infer<typeof ComponentSchema>;

const ScaleValuesSchema = z.record(z.string(), WeightSchema);
export type ScaleValues = z.infer<typeof ScaleValuesSchema>;

/** Value tables of the letter types (README §3); `abcd` has one per `abcd_values` setting. */
export const AnswerScalesSchema = z
  .object({
    yes_no: ScaleValuesSchema,
    abc: ScaleValuesSchema,
    abcd: z.object({ two_decimal: ScaleValuesSchema, exact_thirds: ScaleValuesSchema }).strict(),
    abcde: ScaleValuesSchema,
  })
  .strict();
export type AnswerScales = z.infer<typeof AnswerScalesSchema>;

export const AbcdValuesSchema = z.enum(["two_decimal", "exact_thirds"]);
export const ZiAreaMinScopeSchema = z.enum(["combined", "per_half"]);

/** `lke`: dotted ids component.subcomponent.area.sub-area.question (README §2); `codes`: node ids are the worksheet codes (X101, X10201), items code.letter. */
export const IdSchemeSchema = z.enum(["lke", "codes"]);
/** `bands`: the published predicate bands; `portal_2025`: the national portal's 2025 logic (unconfirmed, see evaluation.portal_2025). */
export const PredicateRuleSchema = z.enum(["bands", "portal_2025"]);

export const SettingsSchema = z
  .object({
    abcd_values: AbcdValuesSchema.default("two_decimal"),
    zi_area_min_scope: ZiAreaMinScopeSchema.default("combined"),
    id_scheme: IdSchemeSchema.default("lke"),
    predicate_rule: PredicateRuleSchema.default("bands"),
  })
  .strict();
export type Settings = z.infer<typeof SettingsSchema>;

/**
 * Indeks RB predicate band: score in (above, up_to] (README §6: lower bound exclusive, upper inclusive).
 * The top band may leave up_to out (no upper bound): the RB 2023 index can exceed 100.
 */
export const PredicateBandSchema = z
  .object({
    code: z.string().min(1),
    label: z.string().min(1),
    label_en: z.string().optional(),
    above: z.number(),
    up_to: z.number().optional(),
  })
  .strict()
  .refine((b) => b.up_to === undefined || b.up_to > b.above, "instrument.schema.bandOrder");
export type PredicateBand = z.infer<typeof PredicateBandSchema>;

const criterionBase = {
  id: z.string().regex(/^[a-z][a-z0-9_]*$/, "instrument.schema.snakeId"),
  label: z.string().min(1),
  label_en: z.string().optional(),
};

/** A context criterion the answers cannot decide (e.g. "already holds WBK"); reported as unknown or not applicable when absent. */
const WhenMissingSchema = z.enum(["unknown", "not_applicable"]);

export const CriterionSchema = z.discriminatedUnion("kind", [
  /** Node value (or the total) ≥ min. */
  z.object({ ...criterionBase, kind: z.literal("node_min"), node: z.string(), min: z.number() }).strict(),
  /** Every pengungkit area reaches min_percent of its weight, areas per `zi_area_min_scope`. */
  z.object({ ...criterionBase, kind: z.literal("area_percent_min"), min_percent: z.number().min(0).max(100) }).strict(),
  /** A number supplied with the assessment context ≥ min. */
  z
    .object({
      ...criterionBase,
      kind: z.literal("context_min"),
      context: z.string(),
      min: z.number(),
      when_missing: WhenMissingSchema,
    })
    .strict(),
  /** A yes/no fact supplied with the assessment context must be true. */
  z.object({ ...criterionBase, kind: z.literal("context_flag"), context: z.string(), when_missing: WhenMissingSchema }).strict(),
]);
export type Criterion = z.infer<typeof CriterionSchema>;

export const VerdictRuleSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, "instrument.schema.snakeId"),
    label: z.string().min(1),
    label_en: z.string().optional(),
    criteria: z.array(CriterionSchema).min(1),
  })
  .strict();
export type VerdictRule = z.infer<typeof VerdictRuleSchema>;

/** A combined pengungkit area (README §7): the Pemenuhan and Reform halves counted together. */
export const AreaGroupSchema = z.object({ id: z.string().min(1), label: z.string().min(1), nodes: z.array(z.string()).min(1) }).strict();
export type AreaGroup = z.infer<typeof AreaGroupSchema>;

const labelled = { label: z.string().min(1), label_en: z.string().optional() };

/**
 * The total as an index (RB 2023, spec §3): (Σ general nodes + adjustment) / Σ applicable weights of
 * the general nodes × scale_to, plus the `added` nodes. Without it the total is the sum of the components.
 */
export const IndexRuleSchema = z
  .object({
    ...labelled,
    general: z.object({ ...labelled, nodes: z.array(z.string()).min(1), scale_to: z.number().positive() }).strict(),
    /** An adjustment component whose (signed) points are added before renormalising. */
    adjustment: z.string().optional(),
    added: z.array(z.string()).default([]),
  })
  .strict();
export type IndexRule = z.infer<typeof IndexRuleSchema>;

/**
 * The national portal's 2025 predicate logic (spec §3, seen only in the portal's code, official text
 * a gap): the top band from `top_min` on; the band `conditional` only when every item with a
 * `target` meets it, otherwise `fallback`. Used only with settings.predicate_rule = portal_2025.
 */
export const Portal2025Schema = z
  .object({
    top: z.string().min(1),
    top_min: z.number(),
    conditional: z.string().min(1),
    fallback: z.object({ code: z.string().min(1), ...labelled }).strict(),
    /** The top band from top_min inclusive (score ≥ top_min, the portal's 2025 dashboard) or exclusive (score > top_min). */
    top_inclusive: z.boolean().default(true),
    /** Per item id, the "target baik" value the item's raw answer must reach (score ≥ target). */
    targets: z.record(z.string(), z.number()).default({}),
    /** Per item id, a note on a target that looks wrong (rb-2024 spec §1.3 ⚠, gap G4), shown with the target. */
    target_notes: z.record(z.string(), z.string()).default({}),
    basis: RuleBasisSchema.optional(),
  })
  .strict();
export type Portal2025 = z.infer<typeof Portal2025Schema>;

export const EvaluationSchema = z
  .object({
    index: IndexRuleSchema.optional(),
    portal_2025: Portal2025Schema.optional(),
    predicate_bands: z.array(PredicateBandSchema).default([]),
    zi_area_groups: z.array(AreaGroupSchema).default([]),
    zi_verdicts: z.array(VerdictRuleSchema).default([]),
  })
  .strict();
export type Evaluation = z.infer<typeof EvaluationSchema>;

/**
 * Where an instrument applies: organisation kinds (K/L, Provinsi, Kab/Kota; absent = any) and the
 * period years (the year assessed). A roll-out outside `organisation_kinds` or before `from_year`
 * is refused; after `until_year` the instrument is historical (labelled, not proposed).
 */
export const AppliesToSchema = z
  .object({
    organisation_kinds: z.array(z.string().min(1)).min(1).optional(),
    from_year: z.number().int().optional(),
    until_year: z.number().int().optional(),
    note: z.string().optional(),
  })
  .strict();
export type AppliesTo = z.infer<typeof AppliesToSchema>;

export const InstrumentSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, "instrument.schema.kebabId"),
    version: z.string().min(1),
    title: z.string().min(1),
    title_en: z.string().optional(),
    regulation: z.object({ reference: z.string().min(1), note: z.string().optional() }).strict(),
    status: z.enum(["draft", "published"]),
    applies_to: AppliesToSchema.optional(),
    /**
     * Instruments that measure the same thing under successive regimes (PMPRB 2014 → Evaluasi RB 2023:
     * both the Indeks RB). Trends and the waterfall run across a series, reporting the switch as a rule change.
     */
    series: z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/, "instrument.schema.kebabId")
      .optional(),
    settings: SettingsSchema.default({}),
    total_weight: z.number().positive(),
    answer_scales: AnswerScalesSchema,
    tree: z.array(ComponentSchema).min(1),
    evaluation: EvaluationSchema.default({}),
  })
  .strict();
export type Instrument = z.infer<typeof InstrumentSchema>;
/** The YAML as written, before defaults are applied. */
export type InstrumentInput = z.input<typeof InstrumentSchema>;
