import { fmt } from "../scoring/format";
import { outputAchievement, type AchievementMode, type OutputAchievement } from "./achievement";
import { roundHalfAwayFromZero } from "./rounding";
import type { OutputQuarters } from "./types";

/*
 * Tingkat Implementasi Rencana Aksi: the 0–100 score of the LKE RB row "Tingkat Implementasi Rencana
 * Aksi RB General" (rb-2024.md §2.6; 2024 portal row 2131). Only the 0–100 score is computed here: the
 * weighting (score / 100 × 7, × the action-plan row's score / 3 where the instrument sets that row as
 * multiplier) is the scoring engine's, from the instrument content.
 *
 * "portal" (default), the admin batch lke_utama_score_generateRbGeneral:
 *   score = min(100, round_half_away_from_zero(Σ capaian_output_total / #outputs with some target_tw > 0))
 *   An output with nothing reported adds 0 to the numerator and still counts in the denominator.
 *   The rounding to an integer is the portal's own rule (PHP round).
 * "strict": the same mean over strict per-output totals (realisasi_total / target_total × 100), capped
 *   at 100 but NOT rounded: §2.6 gives its example as 56,25, and the instrument row accepts decimals.
 *
 * Either way the score is null when the numerator or the denominator is 0 or empty: the portal then
 * skips the organisation (the row keeps no value). The UI should show "belum dapat dihitung" /
 * "cannot be computed yet" with the reason (`reason`), and leave the instrument row unanswered rather
 * than enter 0.
 * The outputs are those of the actions under the organisation's targets of the cycle year (§2.6);
 * choosing them is the caller's job.
 */

export type ScoreNullReason = "no_outputs_with_target" | "no_achievement";

export interface ImplementationTrace {
  mode: AchievementMode;
  /** Per output, in input order: its total (null = empty) and whether it counts in the denominator. */
  outputs: Array<{ index: number; total: number | null; inDenominator: boolean }>;
  numerator: number;
  denominator: number;
  /** numerator / denominator, unrounded (null when not computable). */
  mean: number | null;
  /** After the mode's rounding (portal: integer; strict: unrounded). */
  rounded: number | null;
  /** Whether the cap at 100 changed the value. */
  capped: boolean;
}

export interface ImplementationScore {
  mode: AchievementMode;
  /** 0..100, or null when it cannot be computed (see reason). */
  score: number | null;
  reason: ScoreNullReason | null;
  /** Per-output achievement as computed (uncapped). */
  outputs: OutputAchievement[];
  trace: ImplementationTrace;
  /** The same as plain text with '.' decimals, e.g. "(100 + 100 + 50 + 0) / 4 = 62.5 → round 63 → min(100, 63) = 63". */
  traceText: string;
}

export function implementationScore(outputs: readonly OutputQuarters[], mode: AchievementMode = "portal"): ImplementationScore {
  const achieved = outputs.map((o) => outputAchievement(o, mode));
  const rows = achieved.map((a, index) => ({ index, total: a.total, inDenominator: a.hasTarget }));
  // The portal sums capaian_output_total of every output; one without a target has 0 (or empty) there.
  const numerator = achieved.reduce((s, a) => s + (a.total ?? 0), 0);
  const denominator = rows.filter((r) => r.inDenominator).length;
  const terms = rows.map((r) => fmt(r.total ?? 0)).join(" + ");

  if (denominator === 0 || numerator === 0) {
    const reason: ScoreNullReason = denominator === 0 ? "no_outputs_with_target" : "no_achievement";
    const trace: ImplementationTrace = { mode, outputs: rows, numerator, denominator, mean: null, rounded: null, capped: false };
    const traceText =
      reason === "no_outputs_with_target"
        ? "no output with a quarterly target above 0 → not computed"
        : `(${terms || "0"}) = 0 → not computed`;
    return { mode, score: null, reason, outputs: achieved, trace, traceText };
  }

  const mean = numerator / denominator;
  // An absurdly small target can make a total Infinity; it is capped like any value above 100
  // (min and the integer rounding commute, 100 being an integer).
  const rounded = mode === "portal" && Number.isFinite(mean) ? roundHalfAwayFromZero(mean, 0) : mean;
  const score = Math.min(100, rounded);
  const trace: ImplementationTrace = { mode, outputs: rows, numerator, denominator, mean, rounded, capped: score !== rounded };
  const steps = [`(${terms}) / ${denominator} = ${fmt(mean)}`];
  if (mode === "portal") steps.push(`round ${fmt(rounded)}`);
  steps.push(`min(100, ${fmt(rounded)}) = ${fmt(score)}`);
  return { mode, score, reason: null, outputs: achieved, trace, traceText: steps.join(" → ") };
}
