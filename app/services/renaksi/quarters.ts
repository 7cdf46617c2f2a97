import type { Quarterly } from "~/domain/renaksi/types";

/** Four quarters as stored (JSON text [tw1, tw2, tw3, tw4], null = not given). */
export type Quarter4 = [number | null, number | null, number | null, number | null];
export const EMPTY_QUARTERS: Quarterly = [null, null, null, null];

export function quarters(json: string): Quarter4 {
  const v = JSON.parse(json) as unknown;
  return Array.isArray(v) && v.length === 4 ? (v.map((x) => (typeof x === "number" && Number.isFinite(x) ? x : null)) as Quarter4) : [null, null, null, null];
}
