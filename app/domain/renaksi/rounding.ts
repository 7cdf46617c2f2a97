/**
 * Rounds half away from zero to `decimals` places, as PHP's round() does in the portal (the only
 * places the rencana aksi rules round: rb-2024.md §2.4 PenilaianKU / PenetapanRA to 2 decimals, §2.6
 * the implementation score to an integer). The scaled value is first cut to 15 significant digits so
 * binary noise does not decide the half: 1.005 → 1.01 and 0.125 → 0.13, as PHP's pre-rounding gives,
 * where a bare Math.round(1.005 * 100) would give 1.00.
 */
export function roundHalfAwayFromZero(x: number, decimals = 0): number {
  if (!Number.isFinite(x)) throw new RangeError(`cannot round ${x}`);
  const p = 10 ** decimals;
  const scaled = Number((Math.abs(x) * p).toPrecision(15));
  const r = Math.floor(scaled + 0.5) / p;
  return x < 0 && r !== 0 ? -r : r;
}
