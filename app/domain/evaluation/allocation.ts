import { randomIndex, type Rng } from "./prng";

/** A stratum of the frame (an area) and how many of its units the sample takes. */
export interface StratumAllocation {
  id: string;
  /** N_h: units of the frame in this stratum. */
  size: number;
  /** n_h: units drawn from it. */
  sample: number;
  /** π for every unit of the stratum: n_h/N_h, times the chance the stratum gets its slot when n < H. */
  inclusion: number;
}

/**
 * Splits n over strata: proportional allocation n·N_h/N with at least one unit per stratum
 * whenever n ≥ H (so every area is looked at), rounded by largest remainder (Hamilton), never more
 * than N_h. With fewer units than strata (n < H) each of the n largest strata gets one unit; strata
 * tied at the cut-off share the remaining slots at random (seeded), and π records that chance.
 * Deterministic ties: larger stratum first, then stratum id.
 */
export function allocateStrata(strata: readonly { id: string; size: number }[], n: number, rng: Rng): StratumAllocation[] {
  const list = strata.filter((s) => s.size > 0).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const N = list.reduce((s, x) => s + x.size, 0);
  const H = list.length;
  const take = Math.min(Math.max(0, n), N);
  if (H === 0) return [];
  if (take < H) return fewerThanStrata(list, take, rng);

  const quota = list.map((s) => (take * s.size) / N);
  const alloc = list.map((s, h) => Math.min(s.size, Math.max(1, Math.floor(quota[h]!))));
  let total = alloc.reduce((s, x) => s + x, 0);
  // Largest remainder: add where the quota is most under-served; remove (the minimum of 1 can
  // overshoot n when many strata are small) where it is most over-served, never below 1.
  const best = (score: (h: number) => number, eligible: (h: number) => boolean): number => {
    let pick = -1;
    for (let h = 0; h < H; h++) {
      if (!eligible(h)) continue;
      if (pick < 0) {
        pick = h;
        continue;
      }
      const d = score(h) - score(pick);
      if (d > 1e-12 || (Math.abs(d) <= 1e-12 && list[h]!.size > list[pick]!.size)) pick = h;
    }
    return pick;
  };
  while (total < take) {
    const h = best(
      (k) => quota[k]! - alloc[k]!,
      (k) => alloc[k]! < list[k]!.size,
    );
    alloc[h]!++;
    total++;
  }
  while (total > take) {
    const h = best(
      (k) => alloc[k]! - quota[k]!,
      (k) => alloc[k]! > 1,
    );
    alloc[h]!--;
    total--;
  }
  return list.map((s, h) => ({ id: s.id, size: s.size, sample: alloc[h]!, inclusion: alloc[h]! / s.size }));
}

/** n < H: one unit from each of the n largest strata; ties at the cut-off drawn with the seeded stream. */
function fewerThanStrata(list: readonly { id: string; size: number }[], take: number, rng: Rng): StratumAllocation[] {
  const bySize = [...list].sort((a, b) => b.size - a.size);
  const chance = new Map<string, number>();
  const chosen = new Set<string>();
  if (take > 0) {
    const cut = bySize[take - 1]!.size;
    const above = bySize.filter((s) => s.size > cut);
    const tied = bySize.filter((s) => s.size === cut);
    for (const s of above) {
      chance.set(s.id, 1);
      chosen.add(s.id);
    }
    const slots = take - above.length;
    for (const s of tied) chance.set(s.id, slots / tied.length);
    // Partial Fisher–Yates over the tied strata (in id order, so the draw is reproducible).
    const pool = [...tied];
    for (let k = 0; k < slots; k++) {
      const j = k + randomIndex(rng, pool.length - k);
      [pool[k], pool[j]] = [pool[j]!, pool[k]!];
      chosen.add(pool[k]!.id);
    }
  }
  return list.map((s) => ({
    id: s.id,
    size: s.size,
    sample: chosen.has(s.id) ? 1 : 0,
    inclusion: (chance.get(s.id) ?? 0) / s.size,
  }));
}
