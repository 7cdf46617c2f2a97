/**
 * Background of a heat-map cell: white (no disagreement) to a light red (every item). The text on it is
 * the page's (#1d2433): the darkest cell (70 % lightness) keeps 5.5:1 contrast, above WCAG AA's 4.5:1
 * (the earlier 55 % gave 3.6:1). The share is also written in the cell, so colour is never the only cue.
 */
export function heat(share: number): string {
  const s = Math.min(1, Math.max(0, Number.isFinite(share) ? share : 0));
  return `hsl(0, 80%, ${Math.round(100 - s * 30)}%)`;
}
