/*
 * What is wrong with an instrument file, as data: a place, a message key and its parameters. The
 * domain names no language; the UI translates the key (app/i18n/instruments.{id,en}.ts) and the CLI
 * prints the English rendering of the same keys (app/i18n/instrument-issues.ts), so there is one set
 * of messages.
 */

/** A weight in a sum, as written in the file (a decimal, or a fraction "4/3"). */
export interface WeightTerm {
  id: string;
  weight: number | string;
}

/**
 * A parameter of a message: numbers are formatted in the reader's locale, lists of codes are joined
 * with commas, weight terms with " + ".
 */
export type IssueParam = string | number | readonly string[] | readonly WeightTerm[];
export type IssueParams = Readonly<Record<string, IssueParam>>;

/** Every message key the instrument domain uses; each has an Indonesian and an English text. */
export const INSTRUMENT_ISSUE_KEYS = [
  // YAML that cannot be read ({line}, {column}).
  "instrument.yaml.indent",
  "instrument.yaml.tab",
  "instrument.yaml.unclosed",
  "instrument.yaml.duplicateKey",
  "instrument.yaml.escape",
  "instrument.yaml.multipleDocs",
  "instrument.yaml.structure",
  "instrument.yaml.syntax",
  "instrument.yaml.unreadable",
  // The schema ({field}: the path below the nearest id).
  "instrument.schema.required",
  "instrument.schema.expectedText",
  "instrument.schema.expectedNumber",
  "instrument.schema.expectedBoolean",
  "instrument.schema.expectedList",
  "instrument.schema.expectedMapping",
  "instrument.schema.wrongType",
  "instrument.schema.literal",
  "instrument.schema.enum",
  "instrument.schema.discriminator",
  "instrument.schema.unknownKeys",
  "instrument.schema.empty",
  "instrument.schema.tooFewEntries",
  "instrument.schema.tooManyEntries",
  "instrument.schema.atLeast",
  "instrument.schema.above",
  "instrument.schema.atMost",
  "instrument.schema.below",
  "instrument.schema.integer",
  "instrument.schema.pattern",
  "instrument.schema.invalid",
  "instrument.schema.weightFormat",
  "instrument.schema.inputName",
  "instrument.schema.kebabId",
  "instrument.schema.snakeId",
  "instrument.schema.scaleOrder",
  "instrument.schema.bandOrder",
  // Weights and ids.
  "instrument.totalWeight",
  "instrument.weightSum",
  "instrument.weightPositive",
  "instrument.duplicateId",
  "instrument.idFileName",
  "instrument.id.parentPrefix",
  "instrument.id.groupPrefix",
  "instrument.id.code",
  "instrument.id.segment.component",
  "instrument.id.segment.subcomponent",
  "instrument.id.segment.area",
  "instrument.id.segment.subarea",
  "instrument.id.segment.item",
  "instrument.node.componentShape",
  "instrument.node.areaShape",
  // Answer scales.
  "instrument.scale.tooFewCodes",
  "instrument.scale.valueRange",
  "instrument.scale.abcdCodes",
  // Items.
  "instrument.item.forbidden.oneOption",
  "instrument.item.forbidden.computed",
  "instrument.item.forbidden.number",
  "instrument.item.forbidden.points",
  "instrument.item.forbidden.groupWeight",
  "instrument.item.scaleOptions",
  "instrument.item.optionValueNotAllowed",
  "instrument.item.optionValueRange",
  "instrument.item.duplicateOption",
  "instrument.item.choiceTooFew",
  "instrument.item.choiceValueMissing",
  "instrument.item.scaleMissing",
  "instrument.item.rangeScaledScale",
  "instrument.item.coefficientRange",
  "instrument.item.aloneInGroup",
  "instrument.item.surveyScale",
  "instrument.item.adjustmentOnlyCoefficients",
  "instrument.item.coefficientOutsideAdjustment",
  "instrument.item.notApplicableAlone",
  "instrument.item.coefficientNotApplicable",
  "instrument.item.coefficientMultiplier",
  "instrument.item.multiplierUnknown",
  "instrument.item.multiplierChained",
  "instrument.item.computedFromTwice",
  "instrument.item.computedFromType",
  "instrument.item.portalIdTwice",
  // Percent formulas.
  "instrument.formula.noInputs",
  "instrument.formula.missing",
  "instrument.formula.duplicateInput",
  "instrument.formula.unknownInput",
  "instrument.formula.informationalInput",
  // The index and the evaluation rules.
  "instrument.index.adjustmentUnnamed",
  "instrument.index.notComponent",
  "instrument.index.adjustmentInNodes",
  "instrument.index.namedTwice",
  "instrument.index.componentUnclaimed",
  "instrument.index.adjustmentNotAdjustment",
  "instrument.index.extraAdjustment",
  "instrument.evaluation.bandOverlap",
  "instrument.evaluation.portalMissing",
  "instrument.evaluation.unknownBand",
  "instrument.evaluation.unknownTarget",
  "instrument.evaluation.unknownNode",
  "instrument.evaluation.duplicateCriterion",
  "instrument.evaluation.areaGroupsMissing",
  // A portal weight table (lke_bobot) applied to an instrument (portal-weights.ts).
  "instrument.portal.header",
  "instrument.portal.group",
  "instrument.portal.number",
  "instrument.portal.duplicate",
  "instrument.portal.unknownId",
  "instrument.portal.missingRow",
  "instrument.portal.multiplier",
  "instrument.portal.range",
  // Item mappings between two versions.
  "instrument.mapping.oldUnknown",
  "instrument.mapping.newUnknown",
  "instrument.mapping.bothMap",
  "instrument.mapping.claimed",
] as const;
export type InstrumentIssueKey = (typeof INSTRUMENT_ISSUE_KEYS)[number];

const KEYS: ReadonlySet<string> = new Set(INSTRUMENT_ISSUE_KEYS);

export function isInstrumentIssueKey(value: unknown): value is InstrumentIssueKey {
  return typeof value === "string" && KEYS.has(value);
}

/**
 * One problem of an instrument file. `at` is where, in the file's own terms: the id of the row or node
 * it concerns, a YAML path (`answer_scales.abc`, `evaluation.index`) or the file name (YAML syntax and
 * problems of the whole file, the line then in the params).
 */
export interface InstrumentIssue<K extends string = InstrumentIssueKey> {
  at: string;
  key: K;
  params: IssueParams;
}

/** Builds an issue; `params` default to none. */
export function issue(at: string, key: InstrumentIssueKey, params: IssueParams = {}): InstrumentIssue {
  return { at, key, params };
}

/** A language-free line for logs and exception messages: `at: key {"param":…}`. */
export function issueCode(i: InstrumentIssue<string>): string {
  const params = Object.keys(i.params).length > 0 ? ` ${JSON.stringify(i.params)}` : "";
  return `${i.at}: ${i.key}${params}`;
}
