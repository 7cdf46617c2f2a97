import { outlineOf } from "../instrument/outline";
import type { Instrument } from "../instrument/schema";
import type { FrameUnit, RiskFactors } from "./sampling";

/** An item's place in the total: the weights the sampler and the estimator use. */
export interface ItemWeight {
  itemId: string;
  /** Area id of the outline (the default stratum). */
  area: string;
  /** The weighted group (sub-area) the item belongs to. */
  group: string;
  /** w_i = group weight / items in group: the points the item adds to the total at value 1. */
  points: number;
  /** w_i / total weight: the item's share of the total (Σ over the instrument = 1). */
  share: number;
}

/**
 * Item weights of an instrument (README §4): sub-area value = weight × mean(v), so the total is
 * Σ_i w_i·v_i with w_i = group weight / items in group. This linearity is what lets a sample of
 * items stand for the whole assessment.
 */
export function itemWeights(instrument: Instrument): Map<string, ItemWeight> {
  const out = new Map<string, ItemWeight>();
  const total = instrument.total_weight;
  for (const area of outlineOf(instrument).areas) {
    for (const group of area.groups) {
      const points = group.items.length > 0 ? group.weight / group.items.length : 0;
      for (const item of group.items) {
        out.set(item.id, { itemId: item.id, area: area.id, group: group.id, points, share: total > 0 ? points / total : 0 });
      }
    }
  }
  return out;
}

/** Risk factors of an item nothing is known about: a clean item. */
export const NO_RISK: Readonly<RiskFactors> = Object.freeze({ jump: 0, evidence: "ok", carriedOver: false, unitBias: 0 });

/**
 * The sampling frame of one assessment: every item of the instrument (or those in `only`), keyed
 * `${assessmentId}:${itemId}`, weighted by its share of the total, stratified by outline area,
 * with the risk factors the caller knows (missing ones are those of a clean item).
 */
export function assessmentFrame(
  instrument: Instrument,
  assessmentId: string,
  riskOf: (itemId: string) => Partial<RiskFactors> | undefined = () => undefined,
  only?: ReadonlySet<string>,
): FrameUnit[] {
  const units: FrameUnit[] = [];
  for (const w of itemWeights(instrument).values()) {
    if (only && !only.has(w.itemId)) continue;
    units.push({
      key: `${assessmentId}:${w.itemId}`,
      assessmentId,
      itemId: w.itemId,
      area: w.area,
      weight: w.share,
      risk: { ...NO_RISK, ...riskOf(w.itemId) },
    });
  }
  return units;
}
