/*
 * The ZI proposal prerequisites outside the LKE scores, as data (domain README §6 and §7). The
 * score thresholds live in the instrument content (zi-2021.yaml `evaluation.zi_verdicts`); these
 * are the institution- and unit-level conditions the engine cannot see.
 */

export type OrganisationKind = "kementerian_lembaga" | "pemda_provinsi" | "pemda_kabkota";
export type ZiVerdictId = "wbk" | "wbbm";

/** BPK audit opinion on the agency's financial statements. */
export type BpkOpinion = "WTP" | "WDP" | "TW" | "TMP";
export const BPK_OPINIONS: readonly BpkOpinion[] = ["WTP", "WDP", "TW", "TMP"];

/** SAKIP (and Indeks RB) predicates, best first. */
export type Predicate = "AA" | "A" | "BB" | "B" | "CC" | "C" | "D";
export const PREDICATES: readonly Predicate[] = ["AA", "A", "BB", "B", "CC", "C", "D"];

/** Rank of a predicate: higher is better (AA 6 … D 0). */
export const predicateRank = (p: Predicate): number => PREDICATES.length - 1 - PREDICATES.indexOf(p);

/**
 * Indeks RB predicate bands, score in (above, upTo] (domain README §6, PermenPANRB 14/2014; the same
 * bands as pmprb-2014.yaml `predicate_bands`, checked by a test). "Indeks RB ≥ CC" thus means
 * score > 50. The 2023+ index can exceed 100: anything above 90 counts as AA here.
 */
export const INDEKS_RB_BANDS: readonly { code: Predicate; above: number; upTo: number }[] = [
  { code: "AA", above: 90, upTo: 100 },
  { code: "A", above: 80, upTo: 90 },
  { code: "BB", above: 70, upTo: 80 },
  { code: "B", above: 60, upTo: 70 },
  { code: "CC", above: 50, upTo: 60 },
  { code: "C", above: 30, upTo: 50 },
  { code: "D", above: 0, upTo: 30 },
];

/** Same tolerance as the engine's threshold comparisons (floating-point noise only). */
export const TOLERANCE = 1e-9;

/** The Indeks RB band a score falls in (above 100 → AA; 0 or less → null). */
export function indeksRbBand(score: number): Predicate | null {
  for (const band of INDEKS_RB_BANDS) if (score > band.above + TOLERANCE) return band.code;
  return null;
}

/** Institution-level prerequisites as recorded per organisation and period (null = not recorded yet). */
export interface InstitutionPrerequisites {
  bpkOpinion: BpkOpinion | null;
  sakipPredicate: Predicate | null;
  indeksRb: number | null;
  /** SPIP maturity level 1…5. */
  spipLevel: number | null;
}

export interface PrerequisiteThresholds {
  bpkOpinion: BpkOpinion;
  sakipMin: Predicate;
  indeksRbMin: Record<OrganisationKind, Predicate>;
  spipMin: number;
  /** Unit level: shares in [0, 1]. */
  followUpMin: number;
  lhkpnMin: number;
  lhkasnMin: number;
  /** Years the ZI has been built toward this predicate. */
  ziYearsMin: number;
  /** The unit's internal SAKIP evaluation. */
  unitSakipMin: Predicate;
}

/**
 * PermenPANRB 90/2021 Lampiran II Bab II as amended by PermenPANRB 5/2024 (domain README §7):
 * institution — BPK opinion WTP; agency SAKIP ≥ B (WBK) / ≥ BB (WBBM); Indeks RB Pemda ≥ CC / ≥ B,
 * K/L ≥ B / ≥ BB; SPIP maturity ≥ level 3. Unit — APIP/BPK findings followed up 100 %; LHKPN and
 * LHKASN compliance 100 %; ZI built ≥ 1 year; internal SAKIP evaluation ≥ B / ≥ BB.
 */
export const ZI_PREREQUISITES: Readonly<Record<ZiVerdictId, Readonly<PrerequisiteThresholds>>> = {
  wbk: {
    bpkOpinion: "WTP",
    sakipMin: "B",
    indeksRbMin: { kementerian_lembaga: "B", pemda_provinsi: "CC", pemda_kabkota: "CC" },
    spipMin: 3,
    followUpMin: 1,
    lhkpnMin: 1,
    lhkasnMin: 1,
    ziYearsMin: 1,
    unitSakipMin: "B",
  },
  wbbm: {
    bpkOpinion: "WTP",
    sakipMin: "BB",
    indeksRbMin: { kementerian_lembaga: "BB", pemda_provinsi: "B", pemda_kabkota: "B" },
    spipMin: 3,
    followUpMin: 1,
    lhkpnMin: 1,
    lhkasnMin: 1,
    ziYearsMin: 1,
    unitSakipMin: "BB",
  },
};
