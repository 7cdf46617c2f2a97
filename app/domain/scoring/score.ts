import type { Instrument, Item, Settings } from "../instrument/schema";
import { treeNodes, type TreeNode } from "../instrument/tree";
import { scaleFor } from "../instrument/validate";
import { weightText } from "../instrument/weights";
import { AnswerError, type AnswerIssue, type Answers, type AnswerValue } from "./answers";
import { fmt } from "./format";
import { isIssue, itemValue, optionTable, type OptionTable } from "./item-value";
import { indeksRbPredicate, ziVerdicts } from "./thresholds";
import type { ItemScore, NodeScore, ScoreOptions, ScoreResult, ScoreWarning } from "./types";

/**
 * Version of the scoring rules. Stored with every frozen score: bump it whenever a change could
 * alter a number for the same instrument and answers.
 */
export const ENGINE_VERSION = "1.0.0";

interface CompiledItem {
  item: Item;
  options: OptionTable | null;
}

/** A tree node with what scoring needs precomputed (display weight, child ids). */
interface Plan {
  node: TreeNode;
  weightText: string;
  childIds: readonly string[];
  children: Plan[];
  items: CompiledItem[] | null;
}

interface Compiled {
  roots: Plan[];
  rootIds: readonly string[];
  itemIds: ReadonlySet<string>;
}

/*
 * Per instrument object and abcd setting, the tree and option tables are resolved once: scoring
 * runs on every change in the browser and in bulk on the server. The cache is keyed by the
 * (immutable) parsed instrument, so the function stays pure.
 */
const cache = new WeakMap<Instrument, Map<Settings["abcd_values"], Compiled>>();

function compile(instrument: Instrument, abcd: Settings["abcd_values"]): Compiled {
  let perSetting = cache.get(instrument);
  const hit = perSetting?.get(abcd);
  if (hit) return hit;
  const itemIds = new Set<string>();
  const plan = (node: TreeNode): Plan => {
    const items = node.items?.map((item): CompiledItem => {
      itemIds.add(item.id);
      const t = item.type;
      const scaled = t === "yes_no" || t === "abc" || t === "abcd" || t === "abcde";
      const options = scaled ? optionTable(item, scaleFor(instrument, t, abcd)) : t === "choice" ? optionTable(item, null) : null;
      return { item, options };
    });
    const childIds = Object.freeze(node.items ? node.items.map((i) => i.id) : node.children.map((c) => c.id));
    return { node, weightText: weightText(node.weightRaw), childIds, children: node.children.map(plan), items: items ?? null };
  };
  const roots = treeNodes(instrument).map(plan);
  const compiled: Compiled = { roots, rootIds: Object.freeze(roots.map((r) => r.node.id)), itemIds };
  if (!perSetting) cache.set(instrument, (perSetting = new Map()));
  perSetting.set(abcd, compiled);
  return compiled;
}

/** Sum trace "4 = 0.5 + 1 + 2.5" of a node's children. */
function sumTrace(value: number, parts: NodeScore[]): string {
  let s = "";
  for (let i = 0; i < parts.length; i++) s += (i === 0 ? "" : " + ") + fmt((parts[i] as NodeScore).value);
  return `${fmt(value)} = ${s}`;
}

/**
 * Scores one assessment (PermenPANRB 90/2021 Lampiran III; PermenPANRB 14/2014; domain README §3–§7):
 *   item value v ∈ [0, 1] per answer type; sub-area = weight × mean(v); area, subcomponent,
 *   component and total = Σ children; percent = value / max × 100; all unrounded.
 * Unanswered items score 0 and are counted as unanswered. Pure and synchronous.
 * @throws AnswerError naming every invalid answer (never scored as 0) and every unknown item id.
 */
export function scoreAssessment(instrument: Instrument, answers: Answers, options: ScoreOptions = {}): ScoreResult {
  const settings: Settings = {
    abcd_values: options.settings?.abcd_values ?? instrument.settings.abcd_values,
    zi_area_min_scope: options.settings?.zi_area_min_scope ?? instrument.settings.zi_area_min_scope,
  };
  const compiled = compile(instrument, settings.abcd_values);
  const issues: AnswerIssue[] = [];
  const warnings: ScoreWarning[] = [];
  const nodes: Record<string, NodeScore | ItemScore> = {};
  let seen = 0; // answer keys that belong to an item

  // The group value is weight × mean(v) (README §4: questions are equal-weighted within a group).
  const scoreGroup = (plan: Plan, items: CompiledItem[], out: NodeScore): void => {
    const group = plan.node;
    let sum = 0;
    let answered = 0;
    let means = "";
    const itemNodes: ItemScore[] = [];
    for (let i = 0; i < items.length; i++) {
      const { item, options: table } = items[i] as CompiledItem;
      const answer: AnswerValue | undefined = answers[item.id];
      if (answer !== undefined) seen++;
      const given = answer !== undefined && answer !== null;
      let value = 0;
      let text = "0";
      let trace = "belum dijawab → 0";
      if (given) {
        const r = itemValue(item, answer, table, group.weight);
        if (isIssue(r)) {
          issues.push({ itemId: item.id, message: r.message, expected: r.expected });
        } else {
          value = r.value;
          text = r.text ?? fmt(value);
          trace = r.trace;
          answered++;
          if (r.warning) warnings.push({ itemId: item.id, code: r.warning.code, message: r.warning.message });
        }
      }
      sum += value;
      means += (i === 0 ? "" : ", ") + text;
      itemNodes.push({
        id: item.id,
        level: "item",
        label: item.question,
        value,
        max: 1,
        percent: value * 100,
        answered: given ? 1 : 0,
        items: 1,
        trace,
        children: [],
        answer: answer ?? null,
      });
    }
    const value = items.length > 0 ? group.weight * (sum / items.length) : 0;
    out.value = value;
    out.percent = (value / out.max) * 100;
    out.answered = answered;
    out.items = items.length;
    out.trace = `${fmt(value)} = ${plan.weightText} × mean(${means})`;
    for (const n of itemNodes) nodes[n.id] = n;
  };

  const blank = (id: string, level: NodeScore["level"], label: string, max: number, children: readonly string[]): NodeScore => ({
    id,
    level,
    label,
    value: 0,
    max,
    percent: 0,
    answered: 0,
    items: 0,
    trace: "",
    // Shared frozen array from the compiled plan: callers must not mutate results anyway.
    children: children as string[],
  });

  // Parents are inserted before their children (content order), then filled in once the children are known.
  const scoreNode = (plan: Plan): NodeScore => {
    const n = plan.node;
    const out = blank(n.id, n.level, n.label, n.weight, plan.childIds);
    nodes[n.id] = out;
    if (plan.items) {
      scoreGroup(plan, plan.items, out);
      return out;
    }
    const kids: NodeScore[] = [];
    let value = 0;
    for (const child of plan.children) {
      const k = scoreNode(child);
      kids.push(k);
      value += k.value;
      out.answered += k.answered;
      out.items += k.items;
    }
    out.value = value;
    out.percent = (value / out.max) * 100;
    out.trace = sumTrace(value, kids);
    return out;
  };

  const totalNode = blank("total", "total", instrument.title, instrument.total_weight, compiled.rootIds);
  nodes.total = totalNode;
  const components: NodeScore[] = [];
  for (const root of compiled.roots) {
    const c = scoreNode(root);
    components.push(c);
    totalNode.value += c.value;
    totalNode.answered += c.answered;
    totalNode.items += c.items;
  }
  const total = totalNode.value;
  totalNode.percent = (total / totalNode.max) * 100;
  totalNode.trace = sumTrace(total, components);

  // Answers for ids the instrument does not have (typos, another instrument's file) are errors too.
  // Checked only when the key count says so: enumerating a large answers object is a hot-path cost.
  if (Object.keys(answers).length !== seen) {
    for (const key of Object.keys(answers)) {
      if (!compiled.itemIds.has(key)) {
        issues.unshift({ itemId: key, message: `no item "${key}" in ${instrument.id}`, expected: "an item id of the instrument" });
      }
    }
  }
  if (issues.length > 0) throw new AnswerError(issues);

  const { predicate_bands: bands, zi_verdicts: verdicts, zi_area_groups: groups } = instrument.evaluation;
  return {
    engineVersion: ENGINE_VERSION,
    instrument: instrument.id,
    version: instrument.version,
    settings,
    total,
    max: instrument.total_weight,
    nodes,
    warnings,
    predicate: bands.length > 0 ? indeksRbPredicate(total, bands) : null,
    zi: verdicts.length > 0 ? ziVerdicts(verdicts, groups, settings.zi_area_min_scope, nodes, options.context) : null,
  };
}

/** All answer problems without throwing (for forms): an empty list means the answers can be scored. */
export function validateAnswers(instrument: Instrument, answers: Answers, options: ScoreOptions = {}): AnswerIssue[] {
  try {
    scoreAssessment(instrument, answers, options);
    return [];
  } catch (e) {
    if (e instanceof AnswerError) return e.issues;
    throw e;
  }
}
