import type { RenaksiPlan } from "./types";

/*
 * Whether an organisation's plan is complete for cycle year N, the portal dashboard's check
 * (rb-2024.md §2.3, WebDashboardController::rbGeneral): at least 5 baselines of year N − 1, at least
 * 5 targets of year N and at least 5 actions of year N. How exactly the portal counts is not written
 * out in the spec; Cermin counts [inferred]:
 *   baselines  KU indicators (plan entries) with a filled-in baseline of year N − 1 on any of their
 *              targets (once per entry, so a 2023–24 baseline copied onto every target counts once)
 *   targets    targets of year N with a filled-in target value
 *   actions    actions with text under the targets of year N
 */

export const COMPLETENESS_MINIMUM = 5;

export interface PlanCompleteness {
  year: number;
  baselines: number;
  targets: number;
  actions: number;
  minimum: number;
  complete: boolean;
}

export function planCompleteness(plan: RenaksiPlan, year: number, minimum = COMPLETENESS_MINIMUM): PlanCompleteness {
  let baselines = 0;
  let targets = 0;
  let actions = 0;
  for (const entry of plan.entries) {
    if (entry.targets.some((t) => t.baseline !== null && t.baseline.year === year - 1 && t.baseline.value !== null)) baselines++;
    for (const t of entry.targets) {
      if (t.year !== year) continue;
      if (t.target !== null) targets++;
      actions += t.actions.filter((a) => a.text.trim() !== "").length;
    }
  }
  const complete = baselines >= minimum && targets >= minimum && actions >= minimum;
  return { year, baselines, targets, actions, minimum, complete };
}
