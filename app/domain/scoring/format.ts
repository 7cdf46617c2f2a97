/**
 * Compact number for traces: at most 4 decimals, no trailing zeros ("0.6667", "1", "15.75").
 * Built from integer parts because it runs for every node of every scoring (hot path): V8 caches
 * small-integer strings, while String(double) and toFixed are several times slower.
 */
export function fmt(x: number): string {
  const k = Math.round(x * 1e4);
  if (!Number.isSafeInteger(k)) return String(x);
  const sign = k < 0 ? "-" : "";
  const a = k < 0 ? -k : k;
  const int = Math.floor(a / 1e4);
  let frac = a - int * 1e4;
  if (frac === 0) return sign + int;
  let digits = 4;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  let f = String(frac);
  while (f.length < digits) f = "0" + f;
  return sign + int + "." + f;
}

/** Display with a fixed number of decimals and the Indonesian decimal comma and dot grouping (1.234,50). */
export function fmtId(x: number, digits = 2): string {
  const [int = "0", frac] = x.toFixed(digits).split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return frac === undefined ? grouped : `${grouped},${frac}`;
}
