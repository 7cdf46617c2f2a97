// Seeded pseudo-random numbers for everything that must reproduce: scale seeds, golden answer sets,
// fuzz runs (a failure reproduces from its printed seed). Never for secrets: use node:crypto.

/** mulberry32: small, fast, and the same sequence on every platform; numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
