import { z } from "zod";

/**
 * One answer as posted or stored (also the format of the CLI answers file):
 * "Ya"/"Tidak" or a letter "A"…"E" (or a choice code); a number for survey_0_4, index_score and
 * external_points; an object of named counts for percent items (e.g. {"agen": 2, "perubahan": 2});
 * null = not answered. Whether it fits its item is checked by the engine against the instrument.
 */
export const AnswerValueSchema = z.union([z.string().min(1), z.number(), z.record(z.string(), z.number()), z.null()]);
export type AnswerValue = z.infer<typeof AnswerValueSchema>;

/** Answers keyed by LKE item id (README §2: component.subcomponent.area.sub-area.question). A missing key means unanswered. */
export const AnswersSchema = z.record(z.string(), AnswerValueSchema);
export type Answers = z.infer<typeof AnswersSchema>;

/** An answer that does not fit its item: never scored as 0, always reported with the item id. */
export interface AnswerIssue {
  itemId: string;
  message: string;
  /** What the item accepts, e.g. `"Ya" or "Tidak"`. */
  expected: string;
}

export class AnswerError extends Error {
  override readonly name = "AnswerError";
  constructor(readonly issues: AnswerIssue[]) {
    super(`invalid answers:\n${issues.map((i) => `  - ${i.itemId}: ${i.message} (expected ${i.expected})`).join("\n")}`);
  }
}
