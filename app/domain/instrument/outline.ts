import type { Instrument, Item } from "./schema";
import { treeNodes, walkTree, type TreeNode } from "./tree";

/** A weighted group of items (a sub-area, or an area that holds its items directly). */
export interface OutlineGroup {
  id: string;
  label: string;
  weight: number;
  items: Item[];
  /** On a page of several areas: the labels above the group's area (component, subcomponent), to head each section. */
  path?: string[];
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

/**
 * What the workbench shows on one page. Usually one area; in a row worksheet (the Evaluasi RB LKE: one
 * indicator row per area, 41 rows) a component is one page holding every row, so a team fills a
 * component in one visit instead of one page per row.
 */
export interface OutlinePage extends OutlineArea {
  /** The areas on the page, in content order (one for an ordinary area page). */
  areaIds: string[];
}

export interface Outline {
  areas: OutlineArea[];
  /** The workbench pages in content order. */
  pages: OutlinePage[];
  /** area id → the id of the page that shows it */
  pageOfArea: Map<string, string>;
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
  const { pages, pageOfArea } = pagesOf(treeNodes(instrument), areas, instrument.settings.id_scheme === "codes");
  const outline = { areas, pages, pageOfArea, areaOfItem, items, groupWeight };
  outlines.set(instrument, outline);
  return outline;
}

/**
 * In a worksheet whose node ids are its row codes (`id_scheme: codes`, the Evaluasi RB LKE: each area
 * one indicator row), a component of several rows is one page; elsewhere each area is its own page.
 */
function pagesOf(roots: TreeNode[], areas: OutlineArea[], rowWorksheet: boolean): { pages: OutlinePage[]; pageOfArea: Map<string, string> } {
  const byId = new Map(areas.map((a) => [a.id, a]));
  const pages: OutlinePage[] = [];
  const pageOfArea = new Map<string, string>();
  for (const root of roots) {
    const inRoot: OutlineArea[] = [];
    walkTree([root], (node) => {
      const area = node.level === "area" ? byId.get(node.id) : undefined;
      if (area) inRoot.push(area);
    });
    const rows = rowWorksheet && inRoot.length > 1;
    if (!rows) {
      for (const a of inRoot) {
        pages.push({ ...a, areaIds: [a.id] });
        pageOfArea.set(a.id, a.id);
      }
      continue;
    }
    pages.push({
      id: root.id,
      label: root.label,
      weight: root.weight,
      path: [],
      // A row split in parts (IKU makro and non makro) heads its parts with the row's code and label.
      groups: inRoot.flatMap((a) =>
        a.groups.map((g) => ({ ...g, path: g.id === a.id ? a.path.slice(1) : [...a.path.slice(1), `${a.id} ${a.label}`] })),
      ),
      itemCount: inRoot.reduce((n, a) => n + a.itemCount, 0),
      areaIds: inRoot.map((a) => a.id),
    });
    for (const a of inRoot) pageOfArea.set(a.id, root.id);
  }
  return { pages, pageOfArea };
}
