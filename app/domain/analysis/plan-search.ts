/*
 * The smallest set of item improvements that meets every score criterion of a target.
 *
 * Model. Moving item i to its best answer adds gain g_i ≥ 0 to every node above it and to nothing
 * else (item values depend on their own answer only; node values are sums, README §4). Each
 * criterion "node value ≥ min" (a total, a component, IPAK, one pengungkit area as % of its weight…)
 * is therefore a covering requirement over the items S_k below its node(s):
 *     Σ_{i ∈ X ∩ S_k} g_i ≥ d_k,   d_k = threshold_k − current value_k,
 * and the task is: the smallest X meeting all of them. In general that is a multi-dimensional
 * covering problem (NP-hard), but the criteria of an LKE sit on a tree: total ⊃ Pengungkit ⊃ each
 * area (both halves, or each half), total ⊃ Hasil sub-components ⊃ IPAK / capaian / IPKP. Such a
 * *laminar* family (any two sets nested or disjoint) is solved exactly by a small DP:
 *
 *   f_S(c) = the largest Σ g over exactly c items of S that meets every requirement inside S
 *            (−∞ if none), computed bottom-up:
 *   - items of S in no child set ("free" items): the best c of them are the c largest gains
 *     (exchange argument: swapping a chosen item for a larger unchosen one never lowers the sum,
 *     and no requirement inside S looks at free items separately);
 *   - children C_1…C_m: max-plus convolution f = top_F ⊕ f_C1 ⊕ … ⊕ f_Cm over the counts;
 *   - then f_S(c) := −∞ where f_S(c) < d_S.
 * Why it is exact: every requirement outside S either contains S or is disjoint from it (laminar),
 * so a choice inside S affects the rest only through its count and its sum Σ_{X∩S} g; among the
 * choices of c items of S that meet S's inner requirements the one with the largest sum dominates.
 * The answer is the smallest c with f_root(c) > −∞; the set is rebuilt from the recorded splits
 * and is, among the smallest sets, one with the largest total gain (the most headroom).
 * Cost O(n²) for n candidate items (zi-2021: n ≤ 113, well under a millisecond).
 *
 * A single requirement (a total target) has no child sets, so f(c) = sum of the c largest gains
 * and the DP is the greedy "largest gains first": the smallest c whose top-c sum reaches d is
 * optimal because no c items can sum to more than the c largest gains.
 *
 * Requirements that are not laminar (an instrument whose criteria cross, e.g. a node_min on
 * "Pemenuhan" next to combined areas) fall back to an exact depth-first search by increasing size
 * with bound pruning, and past a work budget to a greedy cover marked as not proven minimal.
 */

/** A covering requirement: Σ gains of the chosen members ≥ need (need already carries the tolerance). */
export interface Requirement {
  members: readonly number[];
  need: number;
}

export type CoverMethod = "laminar" | "search" | "heuristic";

export interface CoverResult {
  /** Indices into `gains`, or null when even every candidate together cannot meet the requirements. */
  chosen: number[] | null;
  method: CoverMethod;
  /** True when no smaller set exists (laminar DP, or a completed search). */
  minimal: boolean;
}

/** Work budget of the non-laminar search (visited branches) before it settles for a greedy cover. */
export const SEARCH_BUDGET = 200_000;

interface TNode {
  members: number[];
  need: number;
  children: TNode[];
  free: number[];
  f: number[];
  splits: Int32Array[];
}

/** Open requirements only (need > 0; gains ≥ 0 keep the others met), identical member sets merged. */
function normalise(reqs: readonly Requirement[]): Requirement[] {
  const byKey = new Map<string, { members: number[]; need: number }>();
  for (const r of reqs) {
    if (!(r.need > 0)) continue;
    const members = [...new Set(r.members)].sort((a, b) => a - b);
    const key = members.join(",");
    const hit = byKey.get(key);
    if (hit) hit.need = Math.max(hit.need, r.need);
    else byKey.set(key, { members, need: r.need });
  }
  return [...byKey.values()];
}

/** The requirements as a tree under a root holding every candidate, or null if two sets cross. */
function laminarTree(m: number, reqs: Requirement[]): TNode | null {
  const node = (members: number[], need: number): TNode => ({ members, need, children: [], free: [], f: [], splits: [] });
  const root = node(
    Array.from({ length: m }, (_, i) => i),
    -Infinity,
  );
  const sets: Requirement[] = [];
  for (const r of reqs) {
    // A requirement on every candidate (the total) is the root's own (normalise merged duplicates).
    if (r.members.length === m) root.need = r.need;
    else sets.push(r);
  }
  sets.sort((a, b) => b.members.length - a.members.length);
  const marks = sets.map((r) => {
    const u = new Uint8Array(m);
    for (const i of r.members) u[i] = 1;
    return u;
  });
  const placed: TNode[] = [];
  for (let j = 0; j < sets.length; j++) {
    const s = sets[j] as Requirement;
    let parent = root;
    for (let k = 0; k < j; k++) {
      let shared = 0;
      for (const i of s.members) shared += marks[k]?.[i] as number;
      if (shared === 0) continue;
      if (shared < s.members.length) return null; // crossing sets
      parent = placed[k] as TNode; // sizes descend, so the last container found is the smallest
    }
    const t = node(s.members as number[], s.need);
    parent.children.push(t);
    placed.push(t);
  }
  return root;
}

function solve(t: TNode, gains: readonly number[]): void {
  const inChild = new Set<number>();
  for (const c of t.children) {
    solve(c, gains);
    for (const i of c.members) inChild.add(i);
  }
  t.free = t.members.filter((i) => !inChild.has(i)).sort((a, b) => (gains[b] as number) - (gains[a] as number) || a - b);
  let g = [0];
  for (const i of t.free) g.push((g[g.length - 1] as number) + (gains[i] as number));
  for (const c of t.children) {
    const h = new Array<number>(g.length + c.f.length - 1).fill(-Infinity);
    const split = new Int32Array(h.length).fill(-1);
    for (let a = 0; a < g.length; a++) {
      const ga = g[a] as number;
      if (ga === -Infinity) continue;
      for (let b = 0; b < c.f.length; b++) {
        const v = ga + (c.f[b] as number);
        if (v > (h[a + b] as number)) {
          h[a + b] = v;
          split[a + b] = b;
        }
      }
    }
    t.splits.push(split);
    g = h;
  }
  t.f = g.map((v) => (v >= t.need ? v : -Infinity));
}

function collect(t: TNode, count: number, out: number[]): void {
  let c = count;
  for (let j = t.children.length - 1; j >= 0; j--) {
    const b = t.splits[j]?.[c] as number;
    collect(t.children[j] as TNode, b, out);
    c -= b;
  }
  out.push(...t.free.slice(0, c));
}

/**
 * Exact search for crossing requirements: sizes 0, 1, 2, … in turn, items in gain order, pruned when
 * an open requirement cannot be met by the largest remaining gains of its members. Only items that
 * serve an open requirement are branched on (a minimum set never holds a useless item).
 * Returns undefined when the budget runs out.
 */
function search(gains: readonly number[], reqs: Requirement[], budget: number): number[] | null | undefined {
  const m = gains.length;
  // Out of reach even with every candidate: no search needed to prove it.
  if (reqs.some((r) => r.members.reduce((s, i) => s + (gains[i] as number), 0) < r.need)) return null;
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => (gains[b] as number) - (gains[a] as number) || a - b);
  const pos = new Int32Array(m);
  order.forEach((item, p) => (pos[item] = p));
  const byPos = reqs.map((r) => r.members.map((i) => pos[i] as number).sort((a, b) => a - b));
  const reqsOf = order.map((item) => reqs.flatMap((r, k) => (r.members.includes(item) ? [k] : [])));
  let left = budget;
  let exhausted = false;
  const dfs = (start: number, picks: number, rem: number[]): number[] | null => {
    if (rem.every((d) => d <= 0)) return [];
    if (picks === 0) return null;
    for (let k = 0; k < rem.length; k++) {
      if ((rem[k] as number) <= 0) continue;
      let bound = 0;
      let n = 0;
      for (const p of byPos[k] as number[]) {
        if (p < start) continue;
        if (n++ === picks) break;
        bound += gains[order[p] as number] as number;
      }
      if (bound < (rem[k] as number)) return null;
    }
    for (let p = start; p < m; p++) {
      const ks = reqsOf[p] as number[];
      if (!ks.some((k) => (rem[k] as number) > 0)) continue;
      if (--left < 0) {
        exhausted = true;
        return null;
      }
      const next = rem.slice();
      for (const k of ks) next[k] = (next[k] as number) - (gains[order[p] as number] as number);
      const rest = dfs(p + 1, picks - 1, next);
      if (rest) return [order[p] as number, ...rest];
      if (exhausted) return null;
    }
    return null;
  };
  for (let size = 0; size <= m; size++) {
    const found = dfs(
      0,
      size,
      reqs.map((r) => r.need),
    );
    if (found) return found;
    if (exhausted) return undefined;
  }
  return null;
}

/** Greedy cover (largest Σ min(g, open need) first), then drop whatever is no longer needed. */
function greedy(gains: readonly number[], reqs: Requirement[]): number[] | null {
  const inReq = reqs.map((r) => new Set(r.members));
  const met = (set: number[]) => reqs.every((r, k) => set.reduce((s, i) => s + (inReq[k]?.has(i) ? (gains[i] as number) : 0), 0) >= r.need);
  const chosen: number[] = [];
  const rem = reqs.map((r) => r.need);
  while (rem.some((d) => d > 0)) {
    let best = -1;
    let score = 0;
    for (let i = 0; i < gains.length; i++) {
      if (chosen.includes(i)) continue;
      let s = 0;
      rem.forEach((d, k) => (s += d > 0 && inReq[k]?.has(i) ? Math.min(gains[i] as number, d) : 0));
      if (s > score) [best, score] = [i, s];
    }
    if (best < 0) return null;
    chosen.push(best);
    rem.forEach((d, k) => (rem[k] = inReq[k]?.has(best) ? d - (gains[best] as number) : d));
  }
  for (const i of [...chosen].sort((a, b) => (gains[a] as number) - (gains[b] as number))) {
    const without = chosen.filter((j) => j !== i);
    if (met(without)) chosen.splice(chosen.indexOf(i), 1);
  }
  return chosen;
}

/**
 * The smallest X ⊆ candidates with Σ_{i∈X∩S_k} g_i ≥ need_k for every requirement k
 * (exact for laminar requirements and for crossing ones within the search budget).
 */
export function minimumCover(gains: readonly number[], requirements: readonly Requirement[], budget = SEARCH_BUDGET): CoverResult {
  const reqs = normalise(requirements);
  const tree = laminarTree(gains.length, reqs);
  if (tree) {
    solve(tree, gains);
    const size = tree.f.findIndex((v) => v > -Infinity);
    if (size < 0) return { chosen: null, method: "laminar", minimal: true };
    const chosen: number[] = [];
    collect(tree, size, chosen);
    return { chosen, method: "laminar", minimal: true };
  }
  const found = search(gains, reqs, budget);
  if (found !== undefined) return { chosen: found, method: "search", minimal: true };
  return { chosen: greedy(gains, reqs), method: "heuristic", minimal: false };
}
