// Evaluator tools of issue #5, pure and browser-safe: spot-check sampling, the adjusted index
// estimate and ZI proposal eligibility.
export { allocateStrata, type StratumAllocation } from "./allocation";
export {
  ziEligibility,
  type Eligibility,
  type EligibilityCriterion,
  type EligibilityInput,
  type EligibilityStatus,
  type UnitFacts,
} from "./eligibility";
export {
  estimateIndex,
  quantile,
  ratioEstimate,
  zeroEventUpperBound,
  type EstimateInput,
  type EstimationUnit,
  type IndexEstimate,
  type ReviewedItem,
} from "./estimate";
export { assessmentFrame, itemWeights, NO_RISK, type ItemWeight } from "./frame";
export {
  BPK_OPINIONS,
  INDEKS_RB_BANDS,
  indeksRbBand,
  PREDICATES,
  predicateRank,
  ZI_PREREQUISITES,
  type BpkOpinion,
  type InstitutionPrerequisites,
  type OrganisationKind,
  type Predicate,
  type PrerequisiteThresholds,
  type ZiVerdictId,
} from "./prerequisites";
export { createRng, hashText, seed32, type Rng } from "./prng";
export {
  DEFAULT_RISK_PARAMS,
  drawSample,
  frameHash,
  frameMeanWeight,
  inclusionProbabilities,
  resolveRiskParams,
  riskWeight,
  type EvidenceState,
  type FrameUnit,
  type RiskExplanation,
  type RiskFactors,
  type RiskFactorShare,
  type RiskParams,
  type Sample,
  type SampledItem,
  type SampleSpec,
  type SampleStrategy,
} from "./sampling";
