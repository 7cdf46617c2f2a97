import type { NodeLevel } from "./id-scheme";
import type { Area, Component, Instrument, Item, Weight } from "./schema";
import { weightValue } from "./weights";

/**
 * A uniform view of the instrument tree: the content format names its levels (components,
 * subcomponents, areas, subareas) for readability; validation and scoring walk this instead.
 * A node with `items` is a weighted group (README §4: the group key is the item id without its last segment).
 */
export interface TreeNode {
  id: string;
  level: Exclude<NodeLevel, "item">;
  label: string;
  weight: number;
  weightRaw: Weight;
  children: TreeNode[];
  items: Item[] | null;
  /** An adjustment component (RB 2023 koefisien): outside total_weight, counted only by evaluation.index. */
  adjustment?: boolean;
}

function areaNode(area: Area): TreeNode {
  return {
    id: area.id,
    level: "area",
    label: area.label,
    weight: weightValue(area.weight),
    weightRaw: area.weight,
    children: (area.subareas ?? []).map((s) => ({
      id: s.id,
      level: "subarea" as const,
      label: s.label,
      weight: weightValue(s.weight),
      weightRaw: s.weight,
      children: [],
      items: s.items,
    })),
    items: area.items ?? null,
  };
}

function componentNode(component: Component): TreeNode {
  const subcomponents = (component.subcomponents ?? []).map(
    (sc): TreeNode => ({
      id: sc.id,
      level: "subcomponent",
      label: sc.label,
      weight: weightValue(sc.weight),
      weightRaw: sc.weight,
      children: sc.areas.map(areaNode),
      items: null,
    }),
  );
  return {
    id: component.id,
    level: "component",
    label: component.label,
    weight: weightValue(component.weight),
    weightRaw: component.weight,
    children: [...subcomponents, ...(component.areas ?? []).map(areaNode)],
    items: null,
    ...(component.adjustment ? { adjustment: true } : {}),
  };
}

export function treeNodes(instrument: Instrument): TreeNode[] {
  return instrument.tree.map(componentNode);
}

/** Depth-first, parents before children. */
export function walkTree(nodes: TreeNode[], visit: (node: TreeNode, parent: TreeNode | null) => void): void {
  const go = (node: TreeNode, parent: TreeNode | null): void => {
    visit(node, parent);
    for (const child of node.children) go(child, node);
  };
  for (const node of nodes) go(node, null);
}

/** Every item with its weighted group, in content order. */
export function itemsWithGroups(instrument: Instrument): Array<{ item: Item; group: TreeNode }> {
  const out: Array<{ item: Item; group: TreeNode }> = [];
  walkTree(treeNodes(instrument), (node) => {
    for (const item of node.items ?? []) out.push({ item, group: node });
  });
  return out;
}

/** Item ids of the adjustment components (RB 2023 koefisien), in content order. */
export function adjustmentItems(instrument: Instrument): string[] {
  const out: string[] = [];
  for (const root of treeNodes(instrument)) {
    if (!root.adjustment) continue;
    walkTree([root], (node) => {
      for (const item of node.items ?? []) out.push(item.id);
    });
  }
  return out;
}
