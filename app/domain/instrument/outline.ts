import type { Instrument, Item } from "./schema";
import { treeNodes, walkTree, type TreeNode } from "./tree";

/** A weighted group of items (a sub-area, or an area that holds its items directly). */
export interface OutlineGroup {
  id: string;
  label: string;
  weight: number;
  items: Item[];
}

/** An area of change as the workbench navigates it: its groups and their items. */
export interface OutlineArea {
  id: string;
  label: string;
  weight: number;
  /** Labels of the component and subcomponent above, e.g. ["Pengungkit", "Pemenuhan"]. */
  path: string[];
  groups: OutlineGroup[];
  itemCount: number;
}

export interface Outline {
  areas: OutlineArea[];
  /** item id → area id */
  areaOfItem: Map<string, string>;
  /** item id → item */
  items: Map<string, Item>;
  /** item id → the weight of its group (the range of points items) */
  groupWeight: Map<string, number>;
}

const outlines = new WeakMap<Instrument, Outline>();

/** The areas, groups and items of an instrument in content order (cached per parsed instrument). */
export function outlineOf(instrument: Instrument): Outline {
  const hit = outlines.get(instrument);
  if (hit) return hit;
  const areas: OutlineArea[] = [];
  const areaOfItem = new Map<string, string>();
  const items = new Map<string, Item>();
  const groupWeight = new Map<string, number>();
  const labels = new Map<string, string>();
  const parents = new Map<string, TreeNode | null>();
  walkTree(treeNodes(instrument), (node, parent) => {
    labels.set(node.id, node.label);
    parents.set(node.id, parent);
    if (node.level !== "area") return;
    const groups: OutlineGroup[] = node.items
      ? [{ id: node.id, label: node.label, weight: node.weight, items: node.items }]
      : node.children.map((c) => ({ id: c.id, label: c.label, weight: c.weight, items: c.items ?? [] }));
    const path: string[] = [];
    for (let p = parent; p; p = parents.get(p.id) ?? null) path.unshift(p.label);
    let itemCount = 0;
    for (const g of groups) {
      for (const item of g.items) {
        areaOfItem.set(item.id, node.id);
        items.set(item.id, item);
        groupWeight.set(item.id, g.weight);
        itemCount++;
      }
    }
    areas.push({ id: node.id, label: node.label, weight: node.weight, path, groups, itemCount });
  });
  const outline = { areas, areaOfItem, items, groupWeight };
  outlines.set(instrument, outline);
  return outline;
}
