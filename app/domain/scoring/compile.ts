import { isScaled, type Instrument, type Settings } from "../instrument/schema";
import { treeNodes, type TreeNode } from "../instrument/tree";
import { scaleFor } from "../instrument/validate";
import { weightText } from "../instrument/weights";
import { compileItem, type ItemPlan } from "./item-value";
import { planVerdicts, type TargetPlan, type VerdictPlan } from "./thresholds";
import type { ScoreLevel } from "./types";

/** Node kinds: a sum of its children (total, component, subcomponent, area), a weighted group of items, an item. */
export const SUM = 0;
export const GROUP = 1;
export const ITEM = 2;

/**
 * An instrument flattened for scoring. Node 0 is the total; then every node in content order,
 * parents before children (the key order of `ScoreResult.nodes`). Per-node data lives in parallel
 * arrays indexed by node, so one scoring is a few loops over typed arrays and no object per node.
 */
export interface Compiled {
  size: number;
  ids: readonly string[];
  levels: readonly ScoreLevel[];
  labels: readonly string[];
  /** The node's weight (the instrument's total weight for the total, 1 for an item). */
  max: Float64Array;
  kind: Uint8Array;
  /** Items below the node (1 for an item). */
  itemCount: Int32Array;
  /** Child ids per node, frozen and shared by every result. */
  childIds: ReadonlyArray<readonly string[]>;
  /** Children of node i by index: childIdx[childStart[i] … childStart[i + 1]). */
  childStart: Int32Array;
  childIdx: Int32Array;
  /** Weight as printed ("1.00", "1/3"), for group traces. */
  weightText: readonly string[];
  /** Sum nodes, children before parents (the total last), so sums need one pass and no recursion. */
  sumOrder: Int32Array;
  /** Group node indices in content order; the items of group g are items[groupItems[g] … groupItems[g + 1]). */
  groups: Int32Array;
  groupItems: Int32Array;
  /** Items in content order, with their node index; itemOf maps a node back to its item (−1 if none). */
  items: readonly ItemPlan[];
  itemNode: Int32Array;
  itemOf: Int32Array;
  itemIds: ReadonlySet<string>;
  /** Size of the store where percent items keep their counts (for traces). */
  countSlots: number;
  /** Zero-filled stores to copy per scoring (see doubles()). */
  zeroValues: readonly number[];
  zeroCounts: readonly number[];
  /** Verdict rules resolved to node indices, per zi_area_min_scope, built on first use. */
  verdicts: Map<Settings["zi_area_min_scope"], VerdictPlan[]>;
  nodeIndex: ReadonlyMap<string, number>;
  /** Parent node index per node (−1 for the total). */
  parent: Int32Array;
  /** The total as an index (evaluation.index), resolved to node indices; null: the total is the sum. */
  index: IndexPlan | null;
  /** The rows with a "target baik" (evaluation.portal_2025.targets) in content order, labelled with their group's label. */
  targets: readonly TargetPlan[];
}

/** evaluation.index by node index (see scoreAssessment). */
export interface IndexPlan {
  label: string;
  generalLabel: string;
  general: Int32Array;
  /** The adjustment component, −1 for none. */
  adjustment: number;
  added: Int32Array;
  scaleTo: number;
}

/*
 * Per instrument object and abcd setting, the tree and option tables are resolved once: scoring
 * runs on every change in the browser and in bulk on the server. The cache is keyed by the
 * (immutable) parsed instrument, so the function stays pure.
 */
const cache = new WeakMap<Instrument, Map<Settings["abcd_values"], Compiled>>();

function flatten(instrument: Instrument, abcd: Settings["abcd_values"]): Compiled {
  const ids: string[] = [];
  const levels: ScoreLevel[] = [];
  const labels: string[] = [];
  const max: number[] = [];
  const kind: number[] = [];
  const children: number[][] = [];
  const childIds: (readonly string[])[] = [];
  const weightTexts: string[] = [];
  const sumOrder: number[] = [];
  const groups: number[] = [];
  const groupItems: number[] = [0];
  const items: ItemPlan[] = [];
  const itemNode: number[] = [];
  let countSlots = 0;

  const add = (id: string, level: ScoreLevel, label: string, weight: number, k: number, text: string): number => {
    const i = ids.length;
    ids.push(id);
    levels.push(level);
    labels.push(label);
    max.push(weight);
    kind.push(k);
    weightTexts.push(text);
    children.push([]);
    childIds.push([]);
    return i;
  };

  const visit = (node: TreeNode): number => {
    const i = add(node.id, node.level, node.label, node.weight, node.items ? GROUP : SUM, node.items ? weightText(node.weightRaw) : "");
    if (node.items) {
      groups.push(i);
      for (const item of node.items) {
        const t = item.type;
        const scaled = isScaled(t);
        // A multiplier names an earlier group (validate.ts), so its index is known here.
        const mult = item.multiplier === undefined ? -1 : ids.indexOf(item.multiplier);
        const link = { mult, multId: item.multiplier ?? "" };
        items.push(compileItem(item, scaled ? scaleFor(instrument, t, abcd) : null, node.weight, countSlots, link));
        if (t === "percent") countSlots += item.inputs?.length ?? 0;
        const n = add(item.id, "item", item.question, 1, ITEM, "");
        itemNode.push(n);
        children[i]?.push(n);
      }
      groupItems.push(items.length);
      childIds[i] = Object.freeze(node.items.map((item) => item.id));
    } else {
      for (const child of node.children) children[i]?.push(visit(child));
      childIds[i] = Object.freeze(node.children.map((c) => c.id));
      sumOrder.push(i);
    }
    return i;
  };

  add("total", "total", instrument.title, instrument.total_weight, SUM, "");
  const roots = treeNodes(instrument);
  for (const root of roots) children[0]?.push(visit(root));
  childIds[0] = Object.freeze(roots.map((r) => r.id));
  sumOrder.push(0);

  const size = ids.length;
  const parent = new Int32Array(size).fill(-1);
  children.forEach((list, i) => list.forEach((ch) => (parent[ch] = i)));
  const nodeIndex = new Map(ids.map((id, i) => [id, i]));
  const rule = instrument.evaluation.index;
  const at = (id: string) => nodeIndex.get(id) ?? -1;
  const index: IndexPlan | null = rule
    ? {
        label: rule.label,
        generalLabel: rule.general.label,
        general: Int32Array.from(rule.general.nodes.map(at)),
        adjustment: rule.adjustment === undefined ? -1 : at(rule.adjustment),
        added: Int32Array.from(rule.added.map(at)),
        scaleTo: rule.general.scale_to,
      }
    : null;
  // Targets in content order (the order the unmet rows are listed in), each with its row's label.
  const targetOf = instrument.evaluation.portal_2025?.targets ?? {};
  const targets: TargetPlan[] = [];
  for (const n of itemNode) {
    const id = ids[n] as string;
    const target = targetOf[id];
    if (target !== undefined) targets.push({ itemId: id, label: labels[parent[n] as number] as string, target });
  }
  // A target naming no item (validate.ts reports it) is still checked: it can never be met.
  for (const [id, target] of Object.entries(targetOf)) if (!nodeIndex.has(id)) targets.push({ itemId: id, label: id, target });
  const childStart = new Int32Array(size + 1);
  for (let i = 0; i < size; i++) childStart[i + 1] = (childStart[i] as number) + (children[i]?.length ?? 0);
  const itemOf = new Int32Array(size).fill(-1);
  itemNode.forEach((n, k) => (itemOf[n] = k));
  const itemCount = new Int32Array(size);
  for (let i = size - 1; i >= 0; i--) {
    if (kind[i] === ITEM) itemCount[i] = 1;
    else for (const ch of children[i] ?? []) itemCount[i] = (itemCount[i] as number) + (itemCount[ch] as number);
  }
  return {
    size,
    ids,
    levels,
    labels,
    max: Float64Array.from(max),
    kind: Uint8Array.from(kind),
    itemCount,
    childIds,
    childStart,
    childIdx: Int32Array.from(children.flat()),
    weightText: weightTexts,
    sumOrder: Int32Array.from(sumOrder),
    groups: Int32Array.from(groups),
    groupItems: Int32Array.from(groupItems),
    items,
    itemNode: Int32Array.from(itemNode),
    itemOf,
    itemIds: new Set(items.map((p) => p.id)),
    countSlots,
    zeroValues: doubles(size),
    zeroCounts: doubles(countSlots),
    verdicts: new Map(),
    nodeIndex,
    parent,
    index,
    targets,
  };
}

/**
 * A zero-filled array of doubles. Per-scoring stores are copies of one (slice() of a packed double
 * array is a plain memcpy on the young heap). Not a Float64Array: beyond 64 bytes V8 puts a typed
 * array's data off-heap, and one such allocation per scoring made garbage collection dominate.
 */
function doubles(n: number): number[] {
  const a = Array.from({ length: n }, () => 0.5);
  return a.fill(0);
}

export function compile(instrument: Instrument, abcd: Settings["abcd_values"]): Compiled {
  let perSetting = cache.get(instrument);
  const hit = perSetting?.get(abcd);
  if (hit) return hit;
  const compiled = flatten(instrument, abcd);
  if (!perSetting) cache.set(instrument, (perSetting = new Map()));
  perSetting.set(abcd, compiled);
  return compiled;
}

/** The instrument's WBK/WBBM rules resolved against the compiled nodes for one per-area scope. */
export function verdictPlan(instrument: Instrument, c: Compiled, scope: Settings["zi_area_min_scope"]): VerdictPlan[] {
  let plan = c.verdicts.get(scope);
  if (!plan) {
    const { zi_verdicts: rules, zi_area_groups: groups } = instrument.evaluation;
    const indexOf = (id: string) => c.nodeIndex.get(id) ?? -1;
    plan = planVerdicts(rules, groups, scope, indexOf, (id) => c.labels[indexOf(id)]);
    c.verdicts.set(scope, plan);
  }
  return plan;
}
