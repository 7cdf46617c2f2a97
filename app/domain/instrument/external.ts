import type { AnswerType, Item } from "./schema";

/**
 * Answer types whose value the unit does not make by its own work: a published survey score (IPAK,
 * IPKP), an external index, points an external evaluation awards, a coefficient the national
 * evaluator sets.
 */
export const EXTERNAL_TYPES: readonly AnswerType[] = ["survey_0_4", "index_score", "external_points", "coefficient"];

/**
 * Whether another institution sets the item's value (issue #28: the planner must not advise a unit
 * to "raise" them): the instrument names who scores it (`scorer`: BPS, BPK, ANRI, the national
 * evaluator …), or its answer type is an external score. Read from the instrument's data only.
 */
export function setElsewhere(item: Pick<Item, "type" | "scorer">): boolean {
  return item.scorer !== undefined || EXTERNAL_TYPES.includes(item.type);
}
