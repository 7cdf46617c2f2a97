export { AnswerError, AnswersSchema, AnswerValueSchema, type AnswerIssue, type Answers, type AnswerValue } from "./answers";
export { fmt, fmtId } from "./format";
export { ENGINE_VERSION, scoreAssessment, validateAnswer, validateAnswers } from "./score";
export { COMPARISON_TOLERANCE, indeksRbPredicate, ziVerdicts } from "./thresholds";
export type * from "./types";
