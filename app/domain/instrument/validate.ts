import { checkChildId, checkCodeId } from "./id-scheme";
import { isScaled, type Instrument, type Item, type ScaleValues, type ScaledType } from "./schema";
import { treeNodes, walkTree, type TreeNode } from "./tree";
import { sameWeight, weightValue } from "./weights";

/** One structural problem, located by the id of the row or node it concerns. */
export interface InstrumentIssue {
  at: string;
  message: string;
}

/** The codes and values of a scaled answer type under the instrument's current settings. */
export function scaleFor(instrument: Instrument, type: ScaledType, abcd = instrument.settings.abcd_values): ScaleValues {
  return type === "abcd" ? instrument.answer_scales.abcd[abcd] : instrument.answer_scales[type];
}


function checkScales(instrument: Instrument, issues: InstrumentIssue[]): void {
  const tables: Array<[string, ScaleValues]> = [
    ["yes_no", instrument.answer_scales.yes_no],
    ["abc", instrument.answer_scales.abc],
    ["abcd.two_decimal", instrument.answer_scales.abcd.two_decimal],
    ["abcd.exact_thirds", instrument.answer_scales.abcd.exact_thirds],
    ["abcde", instrument.answer_scales.abcde],
  ];
  for (const [name, table] of tables) {
    if (Object.keys(table).length < 2) issues.push({ at: `answer_scales.${name}`, message: "a scale needs at least two codes" });
    for (const [code, w] of Object.entries(table)) {
      const v = weightValue(w);
      if (!(v >= 0 && v <= 1)) issues.push({ at: `answer_scales.${name}`, message: `value of "${code}" is ${String(w)}, outside [0, 1]` });
    }
  }
  const a = Object.keys(instrument.answer_scales.abcd.two_decimal).join(",");
  const b = Object.keys(instrument.answer_scales.abcd.exact_thirds).join(",");
  if (a !== b) issues.push({ at: "answer_scales.abcd", message: `both abcd variants need the same codes (${a} vs ${b})` });
}

function checkItem(instrument: Instrument, item: Item, group: TreeNode, issues: InstrumentIssue[]): void {
  const at = item.id;
  const fail = (message: string) => issues.push({ at, message });
  const { type } = item;
  const forbid = (field: keyof Item, why: string) => {
    if (item[field] !== undefined) fail(`"${field}" is not allowed for ${type} items (${why})`);
  };

  if (isScaled(type)) {
    forbid("inputs", "answered with one option");
    forbid("formula", "answered with one option");
    forbid("scale", "answered with one option");
    const codes = Object.keys(scaleFor(instrument, type));
    const given = (item.options ?? []).map((o) => o.code);
    if (given.length !== codes.length || !codes.every((c) => given.includes(c))) {
      fail(`${type} needs exactly the options ${codes.join(", ")}; found ${given.join(", ") || "none"}`);
    }
    for (const o of item.options ?? []) {
      if (o.value !== undefined) fail(`option ${o.code}: ${type} values come from answer_scales, not from the option`);
    }
  } else if (type === "choice") {
    forbid("inputs", "answered with one option");
    forbid("formula", "answered with one option");
    if ((item.options ?? []).length < 2) fail("choice needs at least two options");
    for (const o of item.options ?? []) {
      if (o.value === undefined) fail(`option ${o.code}: choice options need a value`);
    }
  } else if (type === "percent") {
    forbid("options", "computed from inputs");
    forbid("scale", "computed from inputs");
    checkFormula(item, fail);
  } else if (type === "range_scaled" || type === "coefficient") {
    forbid("options", "answered with a number");
    forbid("inputs", "answered with a number");
    forbid("formula", "answered with a number");
    const scale = item.scale;
    if (!scale) fail(`${type} needs a scale {min, max}`);
    else if (type === "range_scaled" && (scale.min < 0 || !(scale.max > 0))) {
      fail("range_scaled needs 0 ≤ min < max (the value scores value / max × weight)");
    } else if (type === "coefficient" && (scale.min < -group.weight || scale.max > group.weight)) {
      fail(`coefficient range ${scale.min}…${scale.max} exceeds ±${group.weight}, the weight of its group ${group.id}`);
    }
    if (type === "coefficient" && (group.items ?? []).length !== 1) fail(`coefficient must be the only item of its group ${group.id}`);
  } else if (type === "survey_0_4" || type === "index_score") {
    forbid("options", "answered with a number");
    forbid("inputs", "answered with a number");
    forbid("formula", "answered with a number");
    if (type === "index_score" && !item.scale) fail("index_score needs a scale {min, max}");
    if (type === "survey_0_4" && item.scale && (item.scale.min !== 0 || item.scale.max !== 4)) {
      fail("survey_0_4 is on the scale 0–4; remove the scale or use index_score");
    }
  } else {
    // external_points: the points awarded for the whole group, so the item must be alone in it.
    forbid("options", "answered with points");
    forbid("inputs", "answered with points");
    forbid("formula", "answered with points");
    forbid("scale", "its range is the group weight");
    if ((group.items ?? []).length !== 1) fail(`external_points must be the only item of its group ${group.id}`);
  }

  const seen = new Set<string>();
  for (const o of item.options ?? []) {
    if (seen.has(o.code)) fail(`duplicate option code "${o.code}"`);
    seen.add(o.code);
    if (o.value !== undefined) {
      const v = weightValue(o.value);
      if (!(v >= 0 && v <= 1)) fail(`option ${o.code}: value ${String(o.value)} is outside [0, 1]`);
    }
  }
}

/**
 * Rules that tie items to other nodes: a multiplier names an earlier group whose items are neither
 * multiplied nor possibly not applicable; a not-applicable item is alone in its group (the group
 * leaves the index); coefficients live only in adjustment components, and those hold nothing else.
 */
function checkLinks(roots: TreeNode[], issues: InstrumentIssue[]): void {
  const groupsSeen = new Map<string, TreeNode>();
  const visit = (node: TreeNode, inAdjustment: boolean): void => {
    const adjustment = inAdjustment || node.adjustment === true;
    for (const item of node.items ?? []) {
      const fail = (message: string) => issues.push({ at: item.id, message });
      if (adjustment !== (item.type === "coefficient")) {
        fail(adjustment ? "an adjustment component holds only coefficient items" : "coefficient items belong in an adjustment component");
      }
      if (item.not_applicable) {
        if ((node.items ?? []).length !== 1) fail(`not_applicable items must be the only item of their group ${node.id}`);
        if (item.type === "coefficient") fail("a coefficient cannot be not applicable");
      }
      if (item.multiplier !== undefined) {
        const source = groupsSeen.get(item.multiplier);
        if (item.type === "coefficient") fail("a coefficient cannot have a multiplier");
        if (!source) fail(`multiplier "${item.multiplier}" must name a weighted group that comes before this item`);
        else if ((source.items ?? []).some((i) => i.multiplier !== undefined || i.not_applicable)) {
          fail(`multiplier "${item.multiplier}" must not itself be multiplied or possibly not applicable`);
        }
      }
    }
    if (node.items) groupsSeen.set(node.id, node);
    for (const child of node.children) visit(child, adjustment);
  };
  for (const root of roots) visit(root, false);
}

function checkIndex(instrument: Instrument, roots: TreeNode[], issues: InstrumentIssue[]): void {
  const rule = instrument.evaluation.index;
  const adjustments = roots.filter((r) => r.adjustment);
  if (!rule) {
    for (const a of adjustments) issues.push({ at: a.id, message: "an adjustment component needs evaluation.index.adjustment" });
    return;
  }
  const at = "evaluation.index";
  const byId = new Map(roots.map((r) => [r.id, r]));
  const claimed = new Set<string>();
  for (const id of [...rule.general.nodes, ...rule.added]) {
    const node = byId.get(id);
    if (!node) issues.push({ at, message: `"${id}" is not a component` });
    else if (node.adjustment) issues.push({ at, message: `"${id}" is an adjustment component; name it as index.adjustment` });
    if (claimed.has(id)) issues.push({ at, message: `"${id}" is named twice` });
    claimed.add(id);
  }
  for (const r of roots) {
    if (!r.adjustment && !claimed.has(r.id)) issues.push({ at, message: `component "${r.id}" is neither in general.nodes nor in added` });
  }
  if (rule.adjustment !== undefined && !adjustments.some((a) => a.id === rule.adjustment)) {
    issues.push({ at, message: `adjustment "${rule.adjustment}" is not an adjustment component` });
  }
  for (const a of adjustments) {
    if (a.id !== rule.adjustment) issues.push({ at: a.id, message: "only the adjustment named in evaluation.index may be an adjustment component" });
  }
}

function checkFormula(item: Item, fail: (message: string) => void): void {
  const inputs = item.inputs ?? [];
  if (inputs.length === 0) fail("percent items need named inputs");
  if (!item.formula) {
    fail("percent items need a formula");
    return;
  }
  const names = new Set<string>();
  for (const input of inputs) {
    if (names.has(input.name)) fail(`duplicate input "${input.name}"`);
    names.add(input.name);
  }
  const f = item.formula;
  const used = f.kind === "ratio" ? [f.numerator, ...f.denominator] : [f.before, f.after];
  for (const name of used) {
    const input = inputs.find((i) => i.name === name);
    if (!input) fail(`formula names unknown input "${name}" (declared: ${[...names].join(", ") || "none"})`);
    else if (input.informational) fail(`formula uses informational input "${name}"`);
  }
}

function checkNodeShape(instrument: Instrument, issues: InstrumentIssue[]): void {
  for (const c of instrument.tree) {
    if (!!c.subcomponents === !!c.areas)
      issues.push({ at: c.id, message: "a component needs either subcomponents or areas (exactly one)" });
    const areas = [...(c.subcomponents ?? []).flatMap((s) => s.areas), ...(c.areas ?? [])];
    for (const a of areas) {
      if (!!a.subareas === !!a.items) issues.push({ at: a.id, message: "an area needs either subareas or items (exactly one)" });
    }
  }
}

function checkEvaluation(instrument: Instrument, ids: Set<string>, issues: InstrumentIssue[]): void {
  const { predicate_bands: bands, zi_area_groups: groups, zi_verdicts: verdicts } = instrument.evaluation;
  const sorted = [...bands].sort((x, y) => x.above - y.above);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    if (prev && cur && cur.above < (prev.up_to ?? Infinity)) issues.push({ at: `predicate ${cur.code}`, message: `band overlaps ${prev.code}` });
  }
  const portal = instrument.evaluation.portal_2025;
  if (instrument.settings.predicate_rule === "portal_2025" && !portal) {
    issues.push({ at: "settings.predicate_rule", message: "portal_2025 needs evaluation.portal_2025" });
  }
  if (portal) {
    for (const code of [portal.top, portal.conditional]) {
      if (!bands.some((b) => b.code === code)) issues.push({ at: "evaluation.portal_2025", message: `no predicate band "${code}"` });
    }
    for (const id of Object.keys(portal.targets)) {
      if (!ids.has(id)) issues.push({ at: "evaluation.portal_2025", message: `target for unknown item "${id}"` });
    }
  }
  for (const g of groups) {
    for (const n of g.nodes) if (!ids.has(n)) issues.push({ at: `zi_area_groups ${g.id}`, message: `unknown node "${n}"` });
  }
  for (const v of verdicts) {
    const seen = new Set<string>();
    for (const c of v.criteria) {
      const at = `zi_verdicts ${v.id}.${c.id}`;
      if (seen.has(c.id)) issues.push({ at, message: "duplicate criterion id" });
      seen.add(c.id);
      if (c.kind === "node_min" && c.node !== "total" && !ids.has(c.node)) issues.push({ at, message: `unknown node "${c.node}"` });
      if (c.kind === "area_percent_min" && groups.length === 0) issues.push({ at, message: "needs evaluation.zi_area_groups" });
    }
  }
}

/**
 * Structural checks beyond the Zod schema: id scheme and uniqueness, weight sums (to 1e-9),
 * answer-type consistency, formulas naming declared inputs, evaluation rules naming real nodes.
 */
export function validateInstrument(instrument: Instrument): InstrumentIssue[] {
  const issues: InstrumentIssue[] = [];
  checkScales(instrument, issues);
  checkNodeShape(instrument, issues);

  const roots = treeNodes(instrument);
  const codes = instrument.settings.id_scheme === "codes";
  const ids = new Set<string>();
  const claim = (id: string) => {
    if (ids.has(id)) issues.push({ at: id, message: `duplicate id "${id}"` });
    ids.add(id);
  };

  // Adjustment components (koefisien) are signed extras, outside the weights that add up to the total.
  const total = roots.filter((n) => !n.adjustment).reduce((s, n) => s + n.weight, 0);
  if (!sameWeight(total, instrument.total_weight)) {
    issues.push({ at: "tree", message: `component weights sum to ${total}, expected total_weight ${instrument.total_weight}` });
  }

  walkTree(roots, (node, parent) => {
    claim(node.id);
    const idProblem = codes ? checkCodeId(node.id, parent?.id ?? null, node.level) : checkChildId(node.id, parent?.id ?? null, node.level);
    if (idProblem) issues.push({ at: node.id, message: idProblem });
    if (!(node.weight > 0) || !Number.isFinite(node.weight)) {
      issues.push({ at: node.id, message: `weight ${String(node.weightRaw)} must be a positive finite number` });
    }
    if (node.children.length > 0) {
      const sum = node.children.reduce((s, c) => s + c.weight, 0);
      if (!sameWeight(sum, node.weight)) {
        const parts = node.children.map((c) => `${c.id} ${String(c.weightRaw)}`).join(" + ");
        issues.push({ at: node.id, message: `children weights sum to ${sum} (${parts}), expected ${String(node.weightRaw)}` });
      }
    }
    for (const item of node.items ?? []) {
      claim(item.id);
      const itemProblem = codes ? checkCodeId(item.id, node.id, "item") : checkChildId(item.id, node.id, "item");
      if (itemProblem) issues.push({ at: item.id, message: itemProblem });
      checkItem(instrument, item, node, issues);
    }
  });

  checkLinks(roots, issues);
  checkIndex(instrument, roots, issues);
  checkEvaluation(instrument, ids, issues);
  return issues;
}
