/*
 * Seeded randomness for spot-check samples and bootstrap intervals. Everything an evaluator draws
 * must be reproducible from the stored seed, on the server and in the browser alike, so the
 * platform's unseeded generator is never used here.
 */

/** A source of uniform numbers in [0, 1) with 53 random bits. */
export type Rng = () => number;

/**
 * cyrb53-style string hash (two 32-bit Murmur-like lanes): stable across platforms, good avalanche,
 * used for seeds and for the frame fingerprint. Returns the two lanes.
 */
function hashLanes(text: string, salt = 0): [number, number] {
  let h1 = 0xdeadbeef ^ salt;
  let h2 = 0x41c6ce57 ^ salt;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h1 >>> 0, h2 >>> 0];
}

/** A stable 16-hex-digit fingerprint of a string (64 bits from two hash lanes; not cryptographic). */
export function hashText(text: string): string {
  const [a, b] = hashLanes(text);
  return a.toString(16).padStart(8, "0") + b.toString(16).padStart(8, "0");
}

/**
 * The 32-bit seed of a seed value: an integer in [0, 2³²) is used as is, anything else (a string,
 * a fraction, a negative number) is hashed, so "2026-TPI-1" and 42 are both valid seeds.
 */
export function seed32(seed: string | number): number {
  if (typeof seed === "number" && Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32) return seed >>> 0;
  return hashLanes(String(seed))[0];
}

/** splitmix32 step: spreads one 32-bit seed over the four words of the xoshiro state. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * xoshiro128** (Blackman & Vigna 2018), seeded through splitmix32 from `seed32(seed)`.
 * Each call returns a float u ∈ [0, 1) built from 53 bits of two outputs, so 1 − u is never 0
 * and log(1 − u) is always finite (needed by the Efraimidis–Spirakis keys).
 */
export function createRng(seed: string | number): Rng {
  const init = { s: seed32(seed) };
  let a = splitmix32(init);
  let b = splitmix32(init);
  let c = splitmix32(init);
  let d = splitmix32(init);
  const next32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  return () => {
    const hi = next32() >>> 5; // 27 bits
    const lo = next32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A uniform integer in [0, n) (n ≤ 2⁵³). */
export function randomIndex(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}
