/**
 * The WBK / WBBM score thresholds of ZI 2021 (shared/domain README §7), as [criterion id, node id,
 * WBK minimum, WBBM minimum]: the verdict tests and the eligibility tests check the same table.
 */
export const ZI_THRESHOLD_CASES: Array<[string, string, number, number]> = [
  ["total", "total", 75, 85],
  ["pengungkit", "A", 40, 48],
  ["bersih_akuntabel", "B.I", 18.25, 19.5],
  ["ipak", "B.I.1", 15.75, 15.75],
  ["capaian_kinerja", "B.I.2", 2.5, 3.75],
  ["ipkp", "B.II.1", 14, 15.75],
];
