import { fmtId } from "../scoring/format";
import type { CriterionResult, VerdictResult } from "../scoring/types";
import {
  indeksRbBand,
  INDEKS_RB_BANDS,
  predicateRank,
  TOLERANCE,
  ZI_PREREQUISITES,
  type InstitutionPrerequisites,
  type OrganisationKind,
  type Predicate,
  type ZiVerdictId,
} from "./prerequisites";

/*
 * ZI proposal eligibility (issue #5): may this unit be proposed for WBK / WBBM this period? The
 * engine's score verdicts on the effective answers, plus the prerequisites it cannot see. Every
 * criterion says what it saw, what it needs and what is missing, so the page can list them.
 */

/**
 * Unit-level facts. `holdsWbk` is always part of the WBBM verdict. The others are checked only when
 * the caller tracks them (a value or null = "tracked, not recorded yet"); left undefined they are
 * listed in `unchecked` so the page can say "check by hand".
 */
export interface UnitFacts {
  holdsWbk: boolean | null;
  /** Share of APIP/BPK findings followed up, in [0, 1]. */
  followUpCompliance?: number | null;
  /** Share of LHKPN-obliged officials who reported, in [0, 1]. */
  lhkpnCompliance?: number | null;
  /** Share of LHKASN-obliged officials who reported, in [0, 1]. */
  lhkasnCompliance?: number | null;
  /** Years the ZI has been built toward WBK, and toward WBBM (since WBK). */
  ziYears?: { wbk?: number | null; wbbm?: number | null };
  /** The unit's internal SAKIP evaluation predicate. */
  unitSakip?: Predicate | null;
  /** A KKN case involving the agency (especially its head) this proposal year stops the proposal. */
  kknCase?: boolean | null;
}

export type EligibilityStatus = "pass" | "fail" | "missing" | "not_applicable";

export interface EligibilityCriterion {
  id: string;
  source: "score" | "institution" | "unit";
  label: string;
  labelEn: string;
  /** points / percent of weight / flag / predicate code / BPK opinion / Indeks RB score / SPIP level / share in [0,1] / years */
  unit: "points" | "percent" | "flag" | "predicate" | "opinion" | "index" | "level" | "share" | "years";
  actual: number | string | boolean | null;
  /** The minimum (≥); for `index` the predicate code whose lower bound the score must exceed. */
  required: number | string | boolean;
  pass: boolean | null;
  status: EligibilityStatus;
  /** What is missing, e.g. "kurang 1,25 poin" or "data belum dicatat"; null when passed or not applicable. */
  missing: string | null;
  missingEn: string | null;
}

export interface Eligibility {
  id: ZiVerdictId;
  label: string;
  labelEn: string;
  /** True only if every criterion passes or does not apply; missing data keeps it false. */
  eligible: boolean;
  criteria: EligibilityCriterion[];
  /** Regulation prerequisites this verdict did not check (facts not tracked by the caller). */
  unchecked: { id: string; label: string; labelEn: string }[];
}

export interface EligibilityInput {
  /** `ScoreResult.zi` of the effective answers (null for an instrument without ZI verdicts). */
  zi: Record<string, VerdictResult> | null;
  prerequisites: InstitutionPrerequisites | null;
  organisationKind: OrganisationKind;
  unit: UnitFacts;
}

const NOT_RECORDED = ["data belum dicatat", "not recorded yet"] as const;
const VERDICT_EN: Record<ZiVerdictId, string> = {
  wbk: "Towards a Corruption-Free Area (WBK)",
  wbbm: "Towards a Clean and Serving Bureaucracy Area (WBBM)",
};
const SCORE_EN: Record<string, string> = {
  total: "Total score (enablers + results)",
  pengungkit: "Enablers component",
  area_min: "Every enabler area (% of its weight)",
  bersih_akuntabel: "Clean and accountable bureaucracy (IPAK + performance)",
  ipak: "Anti-corruption perception index (IPAK)",
  capaian_kinerja: "Performance achievement",
  ipkp: "Public service quality perception index (IPKP)",
  kawasan: "Area (Stranas PK): business-process integration score",
  holds_wbk: "The unit already holds WBK",
};

/** A shortfall rounded up to 2 decimals, so "74,999 vs 75" never reads "kurang 0,00". */
function shortfall(required: number, actual: number): number {
  return Math.max(0.01, Math.ceil((required - actual) * 100 - 1e-6) / 100);
}

const en = (x: number, d = 2) => x.toFixed(d);

function criterion(
  base: Pick<EligibilityCriterion, "id" | "source" | "label" | "labelEn" | "unit" | "actual" | "required">,
  pass: boolean | null,
  missing: readonly [string, string] | null,
): EligibilityCriterion {
  const status: EligibilityStatus = pass === null ? "missing" : pass ? "pass" : "fail";
  const why = pass === true ? null : pass === null ? NOT_RECORDED : missing;
  return { ...base, pass, status, missing: why?.[0] ?? null, missingEn: why?.[1] ?? null };
}

/** One engine criterion, with an English label and the shortfall in words. */
function fromEngine(c: CriterionResult, unit: UnitFacts): EligibilityCriterion {
  const baseId = c.id.split(".")[0] ?? c.id;
  const suffix = c.label.includes(": ") ? c.label.slice(c.label.indexOf(": ")) : "";
  const labelEn = (SCORE_EN[baseId] ?? c.label) + (baseId === "area_min" ? suffix : "");
  const base = { id: c.id, source: "score" as const, label: c.label, labelEn, unit: c.unit, actual: c.actual, required: c.required };
  if (c.id === "holds_wbk") {
    // The unit's recorded predicate decides, whatever context the engine was given.
    return criterion({ ...base, source: "unit", actual: unit.holdsWbk }, unit.holdsWbk, [
      "unit belum meraih WBK",
      "the unit does not hold WBK",
    ]);
  }
  if (c.status === "not_applicable") return { ...base, pass: null, status: "not_applicable", missing: null, missingEn: null };
  if (c.pass === null || typeof c.actual !== "number" || typeof c.required !== "number") {
    return criterion(base, c.pass, ["tidak terpenuhi", "not met"]);
  }
  const gap = shortfall(c.required, c.actual);
  const words: [string, string] =
    c.unit === "percent"
      ? [`kurang ${fmtId(gap)} poin persentase`, `short by ${en(gap)} percentage points`]
      : [`kurang ${fmtId(gap)} poin`, `short by ${en(gap)} points`];
  return criterion(base, c.pass, words);
}

/** Institution prerequisites (README §7) for one verdict and organisation kind. */
function institutionCriteria(id: ZiVerdictId, p: InstitutionPrerequisites | null, kind: OrganisationKind): EligibilityCriterion[] {
  const t = ZI_PREREQUISITES[id];
  const src = "institution" as const;
  const bpk = p?.bpkOpinion ?? null;
  const sakip = p?.sakipPredicate ?? null;
  const rb = p?.indeksRb ?? null;
  const spip = p?.spipLevel ?? null;
  const rbMin = t.indeksRbMin[kind];
  const rbAbove = INDEKS_RB_BANDS.find((b) => b.code === rbMin)!.above;
  const rbBand = rb === null ? null : (indeksRbBand(rb) ?? "—");
  const kindId = kind === "kementerian_lembaga" ? "K/L" : "Pemda";
  return [
    criterion(
      {
        id: "bpk_opinion",
        source: src,
        label: "Opini BPK atas laporan keuangan instansi",
        labelEn: "BPK audit opinion on the agency's accounts",
        unit: "opinion",
        actual: bpk,
        required: t.bpkOpinion,
      },
      bpk === null ? null : bpk === t.bpkOpinion,
      [`opini ${bpk}; dibutuhkan ${t.bpkOpinion}`, `opinion ${bpk}; ${t.bpkOpinion} required`],
    ),
    criterion(
      {
        id: "sakip",
        source: src,
        label: "Predikat SAKIP instansi",
        labelEn: "Agency SAKIP predicate",
        unit: "predicate",
        actual: sakip,
        required: t.sakipMin,
      },
      sakip === null ? null : predicateRank(sakip) >= predicateRank(t.sakipMin),
      [`predikat ${sakip}; dibutuhkan minimal ${t.sakipMin}`, `predicate ${sakip}; at least ${t.sakipMin} required`],
    ),
    criterion(
      {
        id: "indeks_rb",
        source: src,
        label: `Indeks RB instansi (${kindId} ≥ ${rbMin})`,
        labelEn: `Agency Indeks RB (${kindId} ≥ ${rbMin})`,
        unit: "index",
        actual: rb,
        required: rbMin,
      },
      rb === null ? null : rb > rbAbove + TOLERANCE,
      rb === null
        ? null
        : [
            `nilai ${fmtId(rb)} (${rbBand}); harus di atas ${fmtId(rbAbove)} (predikat ${rbMin})`,
            `score ${en(rb)} (${rbBand}); must exceed ${en(rbAbove)} (predicate ${rbMin})`,
          ],
    ),
    criterion(
      {
        id: "spip",
        source: src,
        label: "Tingkat maturitas SPIP instansi",
        labelEn: "Agency SPIP maturity level",
        unit: "level",
        actual: spip,
        required: t.spipMin,
      },
      spip === null ? null : spip >= t.spipMin,
      [`level ${spip}; dibutuhkan minimal level ${t.spipMin}`, `level ${spip}; at least level ${t.spipMin} required`],
    ),
  ];
}

interface UnitRule {
  id: string;
  label: string;
  labelEn: string;
  unit: EligibilityCriterion["unit"];
  value: number | string | boolean | null | undefined;
  required: number | string | boolean;
  pass: (v: never) => boolean;
  missing: (v: never) => [string, string];
}

const pct = (x: number) => `${fmtId(x * 100, 1)} %`;

/** Unit-level prerequisites (README §7) the caller tracks; the others are reported as unchecked. */
function unitCriteria(id: ZiVerdictId, u: UnitFacts): { criteria: EligibilityCriterion[]; unchecked: Eligibility["unchecked"] } {
  const t = ZI_PREREQUISITES[id];
  const share = (label: string, labelEn: string, key: string, value: number | null | undefined, min: number): UnitRule => ({
    id: key,
    label,
    labelEn,
    unit: "share",
    value,
    required: min,
    pass: (v: number) => v >= min - TOLERANCE,
    missing: (v: number) => [`${pct(v)}; dibutuhkan ${pct(min)}`, `${(v * 100).toFixed(1)} %; ${(min * 100).toFixed(0)} % required`],
  });
  const rules: UnitRule[] = [
    share("Tindak lanjut temuan APIP/BPK", "Follow-up of APIP/BPK findings", "follow_up", u.followUpCompliance, t.followUpMin),
    share("Kepatuhan LHKPN", "LHKPN compliance", "lhkpn", u.lhkpnCompliance, t.lhkpnMin),
    share("Kepatuhan LHKASN", "LHKASN compliance", "lhkasn", u.lhkasnCompliance, t.lhkasnMin),
    {
      id: "zi_years",
      label: id === "wbk" ? "Lama pembangunan ZI menuju WBK" : "Lama pembangunan ZI menuju WBBM",
      labelEn: id === "wbk" ? "Years building ZI toward WBK" : "Years building ZI toward WBBM",
      unit: "years",
      value: u.ziYears === undefined ? undefined : (u.ziYears[id] ?? null),
      required: t.ziYearsMin,
      pass: (v: number) => v >= t.ziYearsMin - TOLERANCE,
      missing: (v: number) => [
        `${fmtId(v, 1)} tahun; dibutuhkan minimal ${t.ziYearsMin} tahun`,
        `${v.toFixed(1)} years; at least ${t.ziYearsMin} required`,
      ],
    },
    {
      id: "unit_sakip",
      label: "Evaluasi SAKIP internal unit",
      labelEn: "Unit's internal SAKIP evaluation",
      unit: "predicate",
      value: u.unitSakip,
      required: t.unitSakipMin,
      pass: (v: Predicate) => predicateRank(v) >= predicateRank(t.unitSakipMin),
      missing: (v: Predicate) => [
        `predikat ${v}; dibutuhkan minimal ${t.unitSakipMin}`,
        `predicate ${v}; at least ${t.unitSakipMin} required`,
      ],
    },
    {
      id: "no_kkn_case",
      label: "Tidak ada kasus KKN yang melibatkan instansi/pimpinan pada tahun pengusulan",
      labelEn: "No corruption (KKN) case involving the agency or its head in the proposal year",
      unit: "flag",
      value: u.kknCase === undefined || u.kknCase === null ? u.kknCase : !u.kknCase,
      required: true,
      pass: (v: boolean) => v,
      missing: () => ["ada kasus KKN: pengusulan terhenti", "a KKN case stops the proposal"],
    },
  ];
  const criteria: EligibilityCriterion[] = [];
  const unchecked: Eligibility["unchecked"] = [];
  for (const r of rules) {
    if (r.value === undefined) {
      unchecked.push({ id: r.id, label: r.label, labelEn: r.labelEn });
      continue;
    }
    const v = r.value as never;
    criteria.push(
      criterion(
        { id: r.id, source: "unit", label: r.label, labelEn: r.labelEn, unit: r.unit, actual: r.value, required: r.required },
        r.value === null ? null : r.pass(v),
        r.value === null ? null : r.missing(v),
      ),
    );
  }
  return { criteria, unchecked };
}

/**
 * ZI proposal eligibility per unit and period (PermenPANRB 90/2021 Lampiran II as amended by
 * 5/2024; domain README §7): the engine's WBK / WBBM score criteria on the effective answers
 * (total ≥ 75/85, pengungkit ≥ 40/48, each area ≥ 60/75 %, IPAK + capaian ≥ 18.25/19.50,
 * IPAK ≥ 15.75, capaian ≥ 2.50/3.75, IPKP ≥ 14.00/15.75; WBBM also: holds WBK), then the institution
 * prerequisites (`ZI_PREREQUISITES`) and the tracked unit facts. Eligible = every criterion passes
 * or does not apply; data not recorded yet → pass null, not eligible. Null when the instrument has
 * no ZI verdicts.
 */
export function ziEligibility(input: EligibilityInput): Record<ZiVerdictId, Eligibility> | null {
  if (!input.zi) return null;
  const out = {} as Record<ZiVerdictId, Eligibility>;
  for (const id of ["wbk", "wbbm"] as const) {
    const verdict = input.zi[id];
    if (!verdict) throw new RangeError(`the score result has no "${id}" verdict`);
    const scored = verdict.criteria.map((c) => fromEngine(c, input.unit));
    const units = unitCriteria(id, input.unit);
    const criteria = [...scored, ...institutionCriteria(id, input.prerequisites, input.organisationKind), ...units.criteria];
    out[id] = {
      id,
      label: verdict.label,
      labelEn: VERDICT_EN[id],
      eligible: criteria.every((c) => c.status === "pass" || c.status === "not_applicable"),
      criteria,
      unchecked: units.unchecked,
    };
  }
  return out;
}
