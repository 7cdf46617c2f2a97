/** The dashboard's query string: organisation, unit subtree, instrument family, period. Pure. */
export interface DashboardQuery {
  org: string | null;
  unit: string | null;
  instrument: string | null;
  period: string | null;
}

const MAX_PARAM = 100;

export function readQuery(url: URL): DashboardQuery {
  const get = (k: string) => readParam(url, k);
  return { org: get("org"), unit: get("unit"), instrument: get("instrument"), period: get("period") };
}

/** A trimmed query parameter, null when missing, empty or implausibly long. */
export function readParam(url: URL, key: string): string | null {
  const v = url.searchParams.get(key)?.trim();
  return v && v.length <= MAX_PARAM ? v : null;
}

/** The query string that reproduces a scope with some keys changed (links, CSV downloads). */
export function queryString(q: object, change: Record<string, string | null | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...q, ...change })) if (typeof v === "string" && v) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : "";
}
