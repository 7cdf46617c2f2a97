/*
 * Comparing the texts of an official LKE's rows with the instrument's: roman numerals, labels without
 * their numbering and printed weight, and how alike a count row's label is to an input's label.
 * Generic Indonesian function words only; no item text is known here.
 */
import { norm } from "./numbered-header.server";

export const romanValue = (s: string): number => {
  const v: Record<string, number> = { i: 1, v: 5, x: 10, l: 50 };
  let total = 0;
  const t = s.toLowerCase();
  for (let i = 0; i < t.length; i++) {
    const a = v[t[i]!] ?? 0;
    const b = v[t[i + 1] ?? ""] ?? 0;
    total += a < b ? -a : a;
  }
  return total;
};

/** A label without its numbering and printed weight: "MANAJEMEN PERUBAHAN (5)" → "manajemen perubahan". */
export const bareLabel = (s: string) =>
  norm(s.replace(/\(\s*\d+([.,]\d+)?\s*\)\s*$/, ""))
    .replace(/^([ivx]+|[a-z]|\d+) /, "")
    .trim();

const STOP = new Set(["jumlah", "yang", "dan", "di", "ke", "dari", "untuk", "dengan", "atau", "pada", "dalam"]);
const tokens = (s: string) =>
  norm(s)
    .split(" ")
    .filter((t) => t && !STOP.has(t));

/** How alike a count row's label is to an input's label: shared words (a word matches another it begins), Dice coefficient. */
export function likeness(a: string, b: string): number {
  const x = tokens(a);
  const y = tokens(b);
  if (!x.length || !y.length) return 0;
  const hit = (w: string, ws: string[]) =>
    ws.some((v) => v === w || (Math.min(v.length, w.length) >= 5 && (v.startsWith(w) || w.startsWith(v))));
  const shared = x.filter((w) => hit(w, y)).length + y.filter((w) => hit(w, x)).length;
  return shared / (x.length + y.length);
}
