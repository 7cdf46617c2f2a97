/*
 * An organisation's rencana aksi (RB General action plan) as the domain functions read it, one shape
 * for the database layer to map to (rb-2024.md §2.2, portal tables → Cermin entities):
 *
 *   RenaksiPlan                      one organisation, all years
 *   └ PlanEntry                      general_perencanaan: one KU × indicator
 *     └ PlanTarget                   general_perencanaan_target: one year's target, its baseline and
 *       │                            the indicator's monitoring (realisasi, catatan)
 *       └ PlanAction                 general_rencana_aksi
 *         └ PlanOutput               general_rencana_aksi_output (quarters TW1..TW4)
 *
 * The baseline sits on the target (the portal's shape from July 2025: baseline year = target year − 1);
 * for 2023–24 data, whose baseline sits on the entry, copy it to each target.
 * Quantities are numbers or null (= not filled in); nothing here is rounded.
 */

/** Four quarterly values, TW1..TW4; null = not filled in. */
export type Quarterly = readonly [number | null, number | null, number | null, number | null];

/** A quarter, 1..4. */
export type Quarter = 1 | 2 | 3 | 4;

/** What the achievement rules read of an output: targets and realisations per quarter. */
export interface OutputQuarters {
  targetTw: Quarterly;
  realisasiTw: Quarterly;
}

/** One output indicator of an action (general_rencana_aksi_output; Tematik outputs add fokusIntervensi). */
export interface PlanOutput extends OutputQuarters {
  /** indikator_output */
  indikator: string;
  /** satuan_output */
  satuan: string;
  /** anggaran_tw1..4 (rupiah; the Excel template carries the total only). */
  anggaranTw: Quarterly;
  anggaranTotal: number | null;
  /** realisasi_anggaran_tw1..4: shown, never scored (§2.6). */
  realisasiAnggaranTw: Quarterly;
  /** The unit that carries the output out (unit kerja). */
  pelaksana: string | null;
  koordinator: string | null;
  /** The monitoring note (catatan). */
  catatan: string | null;
  /** RB Tematik only (§3.2): a code of content/renaksi/tematik-<year>.yaml `fokus_intervensi`. */
  fokusIntervensi?: string | null;
}

/** One action (general_rencana_aksi). */
export interface PlanAction {
  /** rencana_aksi (free text). */
  text: string;
  outputs: PlanOutput[];
}

/** A baseline: last year's realisation of the indicator. */
export interface Baseline {
  year: number;
  value: number | null;
}

/** One year's target of a KU indicator (general_perencanaan_target) with its monitoring. */
export interface PlanTarget {
  year: number;
  target: number | null;
  baseline: Baseline | null;
  /** realisasi_indikator: the indicator's realisation reported in monitoring. */
  realisasiIndikator: number | null;
  /** The monitoring note (catatan). */
  catatan: string | null;
  actions: PlanAction[];
}

/** One KU × indicator of the plan (general_perencanaan), by the stable codes of content/renaksi/rb-general-<year>.yaml. */
export interface PlanEntry {
  /** KU01…KU21 */
  kegiatanUtama: string;
  /** IND01…IND31 */
  indicator: string;
  targets: PlanTarget[];
}

export interface RenaksiPlan {
  entries: PlanEntry[];
}
