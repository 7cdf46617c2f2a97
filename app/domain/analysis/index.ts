export { bestFeasible, byGain, improvementsOf, topImprovements, type ItemImprovement } from "./best-answer";
export { minimumCover, SEARCH_BUDGET, type CoverMethod, type CoverResult, type Requirement } from "./plan-search";
export { planToTarget, type Plan, type PlanOutcome, type PlanTarget } from "./planner";
export {
  explainChange,
  WATERFALL_TOLERANCE,
  type AreaChange,
  type ChangeExplanation,
  type ChangePart,
  type GroupChange,
  type ItemChange,
  type ScoredSide,
  type SideSummary,
} from "./waterfall";
