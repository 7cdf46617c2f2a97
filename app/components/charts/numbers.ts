/** Numbers as charts and their tables show them. Pure (server and browser). */
import { formatNumber, type Locale } from "~/i18n";

/** v, or 0 where it shows as zero with `digits` decimals: never "−0,00". */
export function shownZero(v: number, digits: number): number {
  return Math.abs(v) < 0.5 / 10 ** digits ? 0 : v;
}

/** A signed change with two decimals; a value that rounds to zero reads 0,00 without a sign. */
export function signedNumber(v: number, locale: Locale, digits = 2): string {
  const r = shownZero(v, digits);
  if (r === 0) return formatNumber(0, locale, digits);
  return `${r > 0 ? "+" : "−"}${formatNumber(Math.abs(r), locale, digits)}`;
}

/** v rounded to `digits` decimals, with −0 as 0. */
export function roundTo(v: number, digits: number): number {
  const f = 10 ** digits;
  const r = Math.round(v * f) / f;
  return r === 0 ? 0 : r;
}

/** Round ticks across [lo, hi]: steps of 1, 2, 2.5 or 5 × 10^k, about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 4): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * pow >= raw) ?? 10) * pow;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9; v += step) out.push(roundTo(v, 6));
  return out;
}

/** A number in a chart's format: "62,50 %", "45", "78,61". */
export function chartNumber(v: number, format: "number" | "percent" | "int", locale: Locale, digits = 2): string {
  const r = shownZero(v, format === "int" ? 0 : digits);
  if (format === "percent") return `${formatNumber(r, locale, digits)} %`;
  return formatNumber(r, locale, format === "int" ? 0 : digits);
}
