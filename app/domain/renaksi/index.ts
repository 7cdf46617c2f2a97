// Rencana aksi (RB action plans): content schema and parser, and the pure rules of rb-2024.md §2–§3.
// Browser-safe: no Node built-ins, no services, no database. See README.md.
export {
  IMPLAUSIBLE_PERCENT,
  asOfQuarter,
  indicatorAchievement,
  outputAchievement,
  type AchievementMode,
  type OutputAchievement,
} from "./achievement";
export {
  RENAKSI_BANDS_2024,
  RenaksiAnswerError,
  gradeFromShare,
  gradeRenaksi,
  renaksiCriteria,
  type CriterionGrade,
  type RenaksiAnswers,
  type RenaksiGrade,
} from "./grade";
export { implementationScore, type ImplementationScore, type ImplementationTrace, type ScoreNullReason } from "./implementation";
export { RenaksiContentError, parseRenaksiFile, renaksiContentForYear, type RenaksiContentIssue } from "./parse";
export { COMPLETENESS_MINIMUM, planCompleteness, type PlanCompleteness } from "./plan";
export { roundHalfAwayFromZero } from "./rounding";
export * from "./schema";
export { tematikRecap, type TematikRecap } from "./tematik";
export type * from "./types";
