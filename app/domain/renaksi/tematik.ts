import { IMPLAUSIBLE_PERCENT, outputAchievement, type AchievementMode } from "./achievement";
import type { OutputQuarters, Quarterly } from "./types";

/*
 * The recap of RB Tematik output achievement per organisation × theme that the evaluator sees
 * (rb-2024.md §3.3, CapaianOutputController::rbTematikCapaianOutputGenerate):
 *   perTw[i]      mean capaian_output_tw over outputs with target_tw > 0 and capaian > 0, ignoring
 *                 values ≥ 300 %; null when no output qualifies
 *   total         mean capaian_output_total over outputs with target_total > 0 and total < 300 %;
 *                 outputs whose total is empty (nothing reported) are left out, as an SQL AVG leaves
 *                 out NULL [inferred]; null when none qualifies
 *   pengisianTw[i] % of the outputs with a target that quarter whose capaian is > 0 (how much of the
 *                 monitoring is filled in); null when no output has a target that quarter
 * Unrounded. capaian_output_total is whatever rule filled it: the monitoring form's (portal mode) or
 * the Tematik Excel import's realisasi_total / target_total (strict mode), hence the `mode` parameter.
 * No rule turns the recap into the Tematik LKE rows (§3.3; rubric gap G7).
 */

export interface TematikRecap {
  perTw: Quarterly;
  total: number | null;
  pengisianTw: Quarterly;
  /** Outputs in the recap. */
  outputs: number;
  /** Quarter values and totals left out for being ≥ 300 %. */
  ignoredOver300: number;
}

const mean = (xs: number[]): number | null => (xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length);

export function tematikRecap(outputs: readonly OutputQuarters[], mode: AchievementMode = "portal"): TematikRecap {
  const achieved = outputs.map((o) => ({ o, a: outputAchievement(o, mode) }));
  let ignoredOver300 = 0;
  const perTw: Array<number | null> = [];
  const pengisianTw: Array<number | null> = [];
  for (let i = 0; i < 4; i++) {
    const withTarget = achieved.filter(({ o }) => (o.targetTw[i] ?? 0) > 0);
    const positive = withTarget.map(({ a }) => a.perQuarter[i] ?? 0).filter((c) => c > 0);
    const plausible = positive.filter((c) => c < IMPLAUSIBLE_PERCENT);
    ignoredOver300 += positive.length - plausible.length;
    perTw.push(mean(plausible));
    pengisianTw.push(withTarget.length === 0 ? null : (positive.length / withTarget.length) * 100);
  }
  const totals = achieved.filter(({ a }) => a.targetTotal > 0 && a.total !== null).map(({ a }) => a.total as number);
  const plausibleTotals = totals.filter((t) => t < IMPLAUSIBLE_PERCENT);
  ignoredOver300 += totals.length - plausibleTotals.length;
  return {
    perTw: perTw as unknown as Quarterly,
    total: mean(plausibleTotals),
    pengisianTw: pengisianTw as unknown as Quarterly,
    outputs: outputs.length,
    ignoredOver300,
  };
}
