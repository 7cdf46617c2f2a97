import type { NodeLevel } from "./id-scheme";
import type { AnswerType, Formula, Instrument, Item, Option, ScaleValues } from "./schema";
import { treeNodes, walkTree, type TreeNode } from "./tree";
import { sameWeight, weightValue } from "./weights";

/** What a change is about: a tree node, an item, or an instrument-wide answer scale or setting. */
export type DiffLevel = NodeLevel | "scale";

export interface DiffSubject {
  level: DiffLevel;
  /** The id in the new version (the old one for removed rows). */
  id: string;
  /** Node label or item question (new version where there is one). */
  label: string;
}

export interface DiffChange<T> extends DiffSubject {
  from: T;
  to: T;
}

export type RangeField = "scale" | "options" | "values" | "formula" | "answer_scale" | "setting" | "rule" | "evaluation";

export interface InstrumentDiff {
  added: DiffSubject[];
  removed: DiffSubject[];
  /** Node weights; for items the effective weight, group weight ÷ items in the group. */
  reweighted: DiffChange<number>[];
  retyped: DiffChange<AnswerType>[];
  rangeChanged: Array<DiffChange<string> & { field: RangeField }>;
  /** `field`: "label", "question" or "option <code>" (an option's criterion). */
  relabelled: Array<DiffChange<string> & { field: string }>;
  /** Items carried to a new id by the mapping: from = old id, to = new id. */
  renamed: DiffChange<string>[];
}

interface PlacedItem {
  item: Item;
  group: TreeNode;
}

function indexTree(instrument: Instrument): { nodes: TreeNode[]; items: PlacedItem[] } {
  const nodes: TreeNode[] = [];
  const items: PlacedItem[] = [];
  walkTree(treeNodes(instrument), (node) => {
    nodes.push(node);
    for (const item of node.items ?? []) items.push({ item, group: node });
  });
  return { nodes, items };
}

const itemWeight = (p: PlacedItem) => p.group.weight / (p.group.items?.length ?? 1);

const optionCodes = (options: Option[] | undefined) =>
  (options ?? [])
    .map((o) => o.code)
    .sort()
    .join(", ");

const optionValues = (options: Option[] | undefined) =>
  (options ?? [])
    .filter((o) => o.value !== undefined)
    .map((o) => `${o.code}=${String(o.value)}`)
    .sort()
    .join(", ");

const scaleText = (item: Item) => (item.scale ? `${item.scale.min}–${item.scale.max}` : "");

function formulaText(f: Formula | undefined): string {
  if (!f) return "";
  const zero = `÷0→${f.on_zero_denominator.default.value}${f.on_zero_denominator.when_numerator_zero ? `, 0/0→${f.on_zero_denominator.when_numerator_zero.value}` : ""}`;
  const body = f.kind === "ratio" ? `${f.numerator} / (${f.denominator.join(" + ")})` : `(${f.before} − ${f.after}) / ${f.before}`;
  return `${f.kind}: ${body}, cap ${f.cap}, ${zero}`;
}

const scaleValuesText = (values: ScaleValues) =>
  Object.entries(values)
    .map(([code, w]) => `${code}=${String(w)}`)
    .join(", ");

function compareItems(prev: PlacedItem, next: PlacedItem, diff: InstrumentDiff): void {
  const p = prev.item;
  const n = next.item;
  const subject: DiffSubject = { level: "item", id: n.id, label: n.question };
  if (p.type !== n.type) diff.retyped.push({ ...subject, from: p.type, to: n.type });
  const wp = itemWeight(prev);
  const wn = itemWeight(next);
  if (!sameWeight(wp, wn)) diff.reweighted.push({ ...subject, from: wp, to: wn });
  const ranges: Array<[RangeField, string, string]> = [
    ["scale", scaleText(p), scaleText(n)],
    ["options", optionCodes(p.options), optionCodes(n.options)],
    ["values", optionValues(p.options), optionValues(n.options)],
    ["formula", formulaText(p.formula), formulaText(n.formula)],
    // RB 2023 row rules: the multiplier row and whether the row may be not applicable.
    ["rule", ruleText(p), ruleText(n)],
  ];
  for (const [field, from, to] of ranges) if (from !== to) diff.rangeChanged.push({ ...subject, field, from, to });
  if (p.question !== n.question) diff.relabelled.push({ ...subject, field: "question", from: p.question, to: n.question });
  const before = new Map((p.options ?? []).map((o) => [o.code, o.criterion]));
  for (const o of n.options ?? []) {
    const old = before.get(o.code);
    if (old !== undefined && old !== o.criterion)
      diff.relabelled.push({ ...subject, field: `option ${o.code}`, from: old, to: o.criterion });
  }
}

function ruleText(item: Item): string {
  const parts: string[] = [];
  if (item.multiplier !== undefined) parts.push(`× ${item.multiplier}`);
  if (item.not_applicable) parts.push("N/A allowed");
  // RB 2024: a value computed from the Rencana Aksi, and the portal row a weight table is applied by.
  if (item.computed_from !== undefined) parts.push(`computed from ${item.computed_from}`);
  if (item.portal_id !== undefined) parts.push(`portal ${item.portal_id}`);
  return parts.join(", ");
}

/**
 * Instrument-wide scoring rules: the index, the predicate bands, the WBK/WBBM rules, where it applies.
 * evaluation.portal_2025 is compared whole (top, top_min, top_inclusive, targets, target_notes, …).
 */
function compareEvaluation(prev: Instrument, next: Instrument, diff: InstrumentDiff): void {
  const parts = (i: Instrument): Array<[string, unknown]> => [
    ["evaluation.index", i.evaluation.index],
    ["evaluation.predicate_bands", i.evaluation.predicate_bands],
    ["evaluation.portal_2025", i.evaluation.portal_2025],
    ["evaluation.zi_verdicts", i.evaluation.zi_verdicts],
    ["evaluation.zi_area_groups", i.evaluation.zi_area_groups],
    ["applies_to", i.applies_to],
    ["total_weight", i.total_weight],
  ];
  const after = new Map(parts(next));
  for (const [id, value] of parts(prev)) {
    const from = JSON.stringify(value ?? null);
    const to = JSON.stringify(after.get(id) ?? null);
    if (from !== to) diff.rangeChanged.push({ level: "scale", id, label: id, field: "evaluation", from, to });
  }
}

function compareScales(prev: Instrument, next: Instrument, diff: InstrumentDiff): void {
  const tables = (i: Instrument): Array<[string, ScaleValues]> => [
    ["yes_no", i.answer_scales.yes_no],
    ["abc", i.answer_scales.abc],
    ["abcd.two_decimal", i.answer_scales.abcd.two_decimal],
    ["abcd.exact_thirds", i.answer_scales.abcd.exact_thirds],
    ["abcde", i.answer_scales.abcde],
  ];
  const nextTables = new Map(tables(next));
  for (const [name, values] of tables(prev)) {
    const after = nextTables.get(name)!;
    const same =
      Object.keys(values).length === Object.keys(after).length &&
      Object.entries(values).every(([code, w]) => {
        const other = after[code];
        return other !== undefined && sameWeight(weightValue(w), weightValue(other));
      });
    if (!same)
      diff.rangeChanged.push({
        level: "scale",
        id: `answer_scales.${name}`,
        label: name,
        field: "answer_scale",
        from: scaleValuesText(values),
        to: scaleValuesText(after),
      });
  }
  const before: Record<string, unknown> = prev.settings;
  const after: Record<string, unknown> = next.settings;
  for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])]) {
    const from = String(before[key] ?? "");
    const to = String(after[key] ?? "");
    if (from !== to) diff.rangeChanged.push({ level: "scale", id: `settings.${key}`, label: key, field: "setting", from, to });
  }
}

/**
 * What changes from `prev` to `next`, nodes and items both, in content order. Items are paired by id,
 * or through `mapping` (old id → new id; null = dropped), which the caller has checked with
 * checkItemMapping. A renamed item is compared with its old self like any other pair.
 */
export function diffInstruments(prev: Instrument, next: Instrument, mapping: Record<string, string | null> = {}): InstrumentDiff {
  const diff: InstrumentDiff = { added: [], removed: [], reweighted: [], retyped: [], rangeChanged: [], relabelled: [], renamed: [] };
  const a = indexTree(prev);
  const b = indexTree(next);

  const nextNodes = new Map(b.nodes.map((n) => [n.id, n]));
  const prevNodeIds = new Set(a.nodes.map((n) => n.id));
  for (const node of a.nodes) {
    const after = nextNodes.get(node.id);
    if (!after) {
      diff.removed.push({ level: node.level, id: node.id, label: node.label });
      continue;
    }
    const subject: DiffSubject = { level: after.level, id: after.id, label: after.label };
    if (!sameWeight(node.weight, after.weight)) diff.reweighted.push({ ...subject, from: node.weight, to: after.weight });
    if (node.label !== after.label) diff.relabelled.push({ ...subject, field: "label", from: node.label, to: after.label });
  }
  for (const node of b.nodes) if (!prevNodeIds.has(node.id)) diff.added.push({ level: node.level, id: node.id, label: node.label });

  const nextItems = new Map(b.items.map((p) => [p.item.id, p]));
  // Mapped items claim their targets first, so an unmapped old item never takes a new id the mapping gave away.
  const claimed = new Set<string>();
  const target = new Map<string, string | null>();
  for (const { item } of a.items) {
    if (!Object.prototype.hasOwnProperty.call(mapping, item.id)) continue;
    const to = mapping[item.id] ?? null;
    const ok = to !== null && nextItems.has(to) && !claimed.has(to);
    target.set(item.id, ok ? to : null);
    if (ok) claimed.add(to);
  }
  for (const { item } of a.items) {
    if (target.has(item.id)) continue;
    const ok = nextItems.has(item.id) && !claimed.has(item.id);
    target.set(item.id, ok ? item.id : null);
    if (ok) claimed.add(item.id);
  }
  for (const placed of a.items) {
    const to = target.get(placed.item.id) ?? null;
    const after = to === null ? undefined : nextItems.get(to);
    if (!after) {
      diff.removed.push({ level: "item", id: placed.item.id, label: placed.item.question });
      continue;
    }
    if (to !== placed.item.id)
      diff.renamed.push({ level: "item", id: after.item.id, label: after.item.question, from: placed.item.id, to: after.item.id });
    compareItems(placed, after, diff);
  }
  for (const { item } of b.items) if (!claimed.has(item.id)) diff.added.push({ level: "item", id: item.id, label: item.question });

  compareScales(prev, next, diff);
  compareEvaluation(prev, next, diff);
  return diff;
}

/** Number of rows in a diff (0: the versions score and read alike). */
export function diffSize(diff: InstrumentDiff): number {
  return (
    diff.added.length +
    diff.removed.length +
    diff.reweighted.length +
    diff.retyped.length +
    diff.rangeChanged.length +
    diff.relabelled.length +
    diff.renamed.length
  );
}
