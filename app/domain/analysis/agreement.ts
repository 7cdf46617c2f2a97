/**
 * Inter-rater agreement of a blind round (issue #14): the share of items on which every rater gave the
 * same answer, and Krippendorff's alpha for nominal data. Pure: no db, runs in the browser too.
 *
 * A "unit" is one item; its values are the raters' answers as category labels (null = not answered).
 */

export type Unit = readonly (string | null)[];

export interface AgreementShare {
  /** Units with at least two answers (only those can show agreement). */
  pairable: number;
  /** Pairable units on which every answer is the same. */
  agreed: number;
  /** agreed / pairable; null when nothing is pairable. */
  share: number | null;
}

/** Share of items where all raters agreed = #{units with ≥ 2 answers, all equal} / #{units with ≥ 2 answers}. */
export function computeAgreementShare(units: readonly Unit[]): AgreementShare {
  let pairable = 0;
  let agreed = 0;
  for (const unit of units) {
    const values = unit.filter((v): v is string => v !== null);
    if (values.length < 2) continue;
    pairable++;
    if (values.every((v) => v === values[0])) agreed++;
  }
  return { pairable, agreed, share: pairable === 0 ? null : agreed / pairable };
}

export interface AlphaResult {
  /** Pairable values n (answers in units with ≥ 2 answers). */
  values: number;
  /** Observed and expected disagreement; alpha = 1 − Do / De. */
  observed: number;
  expected: number;
  /** Null when undefined: fewer than two pairable values or no variation at all (De = 0). */
  alpha: number | null;
}

/**
 * Krippendorff's alpha, nominal metric, with missing values (Krippendorff 2011, "Computing
 * Krippendorff's alpha-reliability", §C): coincidences o_ck = Σ_u (pairs c–k in u) / (m_u − 1) over units
 * with m_u ≥ 2 values, n_c = Σ_k o_ck, n = Σ_c n_c; Do = Σ_{c≠k} o_ck / n, De = Σ_{c≠k} n_c·n_k / (n(n − 1));
 * alpha = 1 − Do / De.
 */
export function computeKrippendorffAlphaNominal(units: readonly Unit[]): AlphaResult {
  const coincidence = new Map<string, Map<string, number>>();
  const add = (c: string, k: string, w: number) => {
    const row = coincidence.get(c) ?? new Map<string, number>();
    row.set(k, (row.get(k) ?? 0) + w);
    coincidence.set(c, row);
  };
  for (const unit of units) {
    const values = unit.filter((v): v is string => v !== null);
    const m = values.length;
    if (m < 2) continue;
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) add(values[i]!, values[j]!, 1 / (m - 1));
  }
  const totals = new Map<string, number>();
  let n = 0;
  let offDiagonal = 0;
  for (const [c, row] of coincidence) {
    for (const [k, o] of row) {
      totals.set(c, (totals.get(c) ?? 0) + o);
      n += o;
      if (c !== k) offDiagonal += o;
    }
  }
  if (n < 2) return { values: n, observed: 0, expected: 0, alpha: null };
  let expectedPairs = 0;
  for (const [c, nc] of totals) for (const [k, nk] of totals) if (c !== k) expectedPairs += nc * nk;
  const observed = offDiagonal / n;
  const expected = expectedPairs / (n * (n - 1));
  return { values: Math.round(n), observed, expected, alpha: expected === 0 ? null : 1 - observed / expected };
}
