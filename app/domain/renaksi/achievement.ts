import { fmt } from "../scoring/format";
import type { OutputQuarters, Quarter, Quarterly } from "./types";

/*
 * Achievement of one output indicator (capaian output), rb-2024.md §2.6. Nothing is rounded here.
 *
 * "portal" (default): the monitoring form's hitungTotal, for parity with the national portal:
 *   capaian_tw = target_tw > 0 ? realisasi_tw / target_tw × 100 : 0
 *   total      = Σ capaian_tw / count(capaian_tw > 0)
 *   Quarters with 0 achievement are left out of the mean (the portal behaviour §2.6 lists); a reported
 *   output whose quarters are all 0 would be 0/0 in the portal: 0 here (the spec's proposal); an output
 *   with nothing reported has total null ("empty"; it still counts in the score's denominator).
 * "strict": realisasi_total / target_total × 100 (Cermin's proposal in §2.6; an output with nothing
 *   reported is 0, an output without any target is null).
 */

export type AchievementMode = "portal" | "strict";

/** At or above this percentage an output's achievement is flagged (and the Tematik recap ignores it, §3.3). */
export const IMPLAUSIBLE_PERCENT = 300;

export interface OutputAchievement {
  mode: AchievementMode;
  /**
   * capaian_tw per quarter in percent: null where the quarter's realisation is not reported; 0 where the
   * target is not above 0 (as the portal shows it).
   */
  perQuarter: Quarterly;
  /** capaian_output_total in percent; null = nothing to report (see the mode). Never capped. */
  total: number | null;
  /** Σ realisasi_tw (empty counts 0). */
  realisasiTotal: number;
  /** Σ target_tw (empty counts 0). */
  targetTotal: number;
  /** Whether some quarter has a target above 0 (the score's denominator counts such outputs). */
  hasTarget: boolean;
  /** Whether any quarter's realisation is filled in. */
  reported: boolean;
  /** Quarters averaged in portal mode (capaian_tw > 0); in strict mode the quarters with a realisation. */
  countedQuarters: number;
  /** The total or a quarter is ≥ 300 % (IMPLAUSIBLE_PERCENT): likely a unit slip, worth a look. */
  over300: boolean;
  /** How the total came about, '.' decimals. */
  trace: string;
}

function check(values: Quarterly, what: string): void {
  if (values.length !== 4) throw new RangeError(`${what}: expected 4 quarters, got ${values.length}`);
  for (const v of values) {
    if (v !== null && (!Number.isFinite(v) || v < 0)) throw new RangeError(`${what}: ${v} is not a non-negative number`);
  }
}

const sum = (values: Quarterly): number => values.reduce<number>((s, v) => s + (v ?? 0), 0);

/** Percentage achieved of a target, the rule of both the output quarters and the indicator (§2.2, §2.6). */
function percent(realisasi: number, target: number): number {
  return (realisasi / target) * 100;
}

/**
 * The achievement of one output in the given mode (default "portal"). Throws RangeError for a value
 * that is negative or not a finite number (never silently scored as 0).
 */
export function outputAchievement(output: OutputQuarters, mode: AchievementMode = "portal"): OutputAchievement {
  check(output.targetTw, "targetTw");
  check(output.realisasiTw, "realisasiTw");
  const perQuarter = output.realisasiTw.map((r, i) => {
    if (r === null) return null;
    const t = output.targetTw[i] ?? null;
    return t !== null && t > 0 ? percent(r, t) : 0;
  }) as unknown as Quarterly;
  const realisasiTotal = sum(output.realisasiTw);
  const targetTotal = sum(output.targetTw);
  const hasTarget = output.targetTw.some((t) => t !== null && t > 0);
  const reported = output.realisasiTw.some((r) => r !== null);

  let total: number | null;
  let countedQuarters: number;
  let trace: string;
  if (mode === "portal") {
    const counted = perQuarter.filter((c): c is number => c !== null && c > 0);
    countedQuarters = counted.length;
    if (!reported) {
      total = null;
      trace = "not reported";
    } else if (counted.length === 0) {
      total = 0; // 0/0 in the portal's browser code; §2.6 proposes 0
      trace = "no quarter above 0 → 0";
    } else {
      total = counted.reduce((s, c) => s + c, 0) / counted.length;
      trace = `(${counted.map(fmt).join(" + ")}) / ${counted.length} = ${fmt(total)}`;
    }
  } else {
    countedQuarters = output.realisasiTw.filter((r) => r !== null).length;
    if (targetTotal > 0) {
      total = percent(realisasiTotal, targetTotal);
      trace = `${fmt(realisasiTotal)} / ${fmt(targetTotal)} × 100 = ${fmt(total)}`;
    } else {
      total = null;
      trace = "no target";
    }
  }
  const over300 = (total ?? 0) >= IMPLAUSIBLE_PERCENT || perQuarter.some((c) => c !== null && c >= IMPLAUSIBLE_PERCENT);
  return { mode, perQuarter, total, realisasiTotal, targetTotal, hasTarget, reported, countedQuarters, over300, trace };
}

/**
 * The output as known at the end of quarter `q` (monitoring in the middle of the year): realisations
 * and targets of later quarters become empty. Targets are cut too, so the score measures the plan to
 * date: in strict mode the total compares with the target so far, and an output whose targets all fall
 * after `q` has no target yet and leaves the score's denominator. In portal mode the later quarters,
 * now unreported, were never counted anyway (capaian 0 is left out of the mean). The portal itself has
 * no such filter (§2.3: one window for all quarters); this is Cermin's [inferred] reading.
 * Other fields of the output are kept as they are.
 */
export function asOfQuarter<T extends OutputQuarters>(output: T, q: Quarter): T {
  if (![1, 2, 3, 4].includes(q)) throw new RangeError(`quarter ${String(q)} is not 1..4`);
  const cut = (values: Quarterly): Quarterly => values.map((v, i) => (i < q ? v : null)) as unknown as Quarterly;
  return { ...output, targetTw: cut(output.targetTw), realisasiTw: cut(output.realisasiTw) };
}

/**
 * Achievement of a KU indicator against its target in monitoring (§2.2, the portal's hitungCapaian):
 * realisasi / target × 100, unrounded and uncapped; null when the target is 0 or empty or the
 * realisation is empty.
 */
export function indicatorAchievement(target: number | null, realisasi: number | null): number | null {
  if (target === null || target === 0 || realisasi === null) return null;
  if (!Number.isFinite(target) || !Number.isFinite(realisasi)) throw new RangeError("target and realisasi must be finite numbers");
  return percent(realisasi, target);
}
