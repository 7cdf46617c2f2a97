export const UNIT_KINDS = ["eselon1", "satker", "unit_layanan", "opd", "bagian", "lainnya"] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];
