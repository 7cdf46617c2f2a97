import { checkChildId, checkCodeId } from "./id-scheme";
import { issue, type InstrumentIssue, type InstrumentIssueKey, type IssueParams } from "./issues";
import { isScaled, type Instrument, type Item, type ScaleValues, type ScaledType } from "./schema";
import { treeNodes, walkTree, type TreeNode } from "./tree";
import { sameWeight, weightValue } from "./weights";

export type { InstrumentIssue } from "./issues";

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
    if (Object.keys(table).length < 2) issues.push(issue(`answer_scales.${name}`, "instrument.scale.tooFewCodes"));
    for (const [code, w] of Object.entries(table)) {
      const v = weightValue(w);
      if (!(v >= 0 && v <= 1)) issues.push(issue(`answer_scales.${name}`, "instrument.scale.valueRange", { code, value: w }));
    }
  }
  const a = Object.keys(instrument.answer_scales.abcd.two_decimal);
  const b = Object.keys(instrument.answer_scales.abcd.exact_thirds);
  if (a.join(",") !== b.join(",")) issues.push(issue("answer_scales.abcd", "instrument.scale.abcdCodes", { a, b }));
}

function checkItem(instrument: Instrument, item: Item, group: TreeNode, issues: InstrumentIssue[]): void {
  const at = item.id;
  const fail = (key: InstrumentIssueKey, params?: IssueParams) => issues.push(issue(at, key, params));
  const { type } = item;
  const forbid = (field: keyof Item, why: "oneOption" | "computed" | "number" | "points" | "groupWeight") => {
    if (item[field] !== undefined) fail(`instrument.item.forbidden.${why}`, { field, type });
  };

  if (isScaled(type)) {
    forbid("inputs", "oneOption");
    forbid("formula", "oneOption");
    forbid("scale", "oneOption");
    const codes = Object.keys(scaleFor(instrument, type));
    const given = (item.options ?? []).map((o) => o.code);
    if (given.length !== codes.length || !codes.every((c) => given.includes(c))) {
      fail("instrument.item.scaleOptions", { type, expected: codes, found: given });
    }
    for (const o of item.options ?? []) {
      if (o.value !== undefined) fail("instrument.item.optionValueNotAllowed", { code: o.code, type });
    }
  } else if (type === "choice") {
    forbid("inputs", "oneOption");
    forbid("formula", "oneOption");
    if ((item.options ?? []).length < 2) fail("instrument.item.choiceTooFew");
    for (const o of item.options ?? []) {
      if (o.value === undefined) fail("instrument.item.choiceValueMissing", { code: o.code });
    }
  } else if (type === "percent") {
    forbid("options", "computed");
    forbid("scale", "computed");
    checkFormula(item, fail);
  } else if (type === "range_scaled" || type === "coefficient") {
    forbid("options", "number");
    forbid("inputs", "number");
    forbid("formula", "number");
    const scale = item.scale;
    if (!scale) fail("instrument.item.scaleMissing", { type });
    else if (type === "range_scaled" && (scale.min < 0 || !(scale.max > 0))) {
      fail("instrument.item.rangeScaledScale");
    } else if (type === "coefficient" && (scale.min < -group.weight || scale.max > group.weight)) {
      fail("instrument.item.coefficientRange", { min: scale.min, max: scale.max, weight: group.weightRaw, group: group.id });
    }
    if (type === "coefficient" && (group.items ?? []).length !== 1) fail("instrument.item.aloneInGroup", { type, group: group.id });
  } else if (type === "survey_0_4" || type === "index_score") {
    forbid("options", "number");
    forbid("inputs", "number");
    forbid("formula", "number");
    if (type === "index_score" && !item.scale) fail("instrument.item.scaleMissing", { type });
    if (type === "survey_0_4" && item.scale && (item.scale.min !== 0 || item.scale.max !== 4)) {
      fail("instrument.item.surveyScale");
    }
  } else {
    // external_points: the points awarded for the whole group, so the item must be alone in it.
    forbid("options", "points");
    forbid("inputs", "points");
    forbid("formula", "points");
    forbid("scale", "groupWeight");
    if ((group.items ?? []).length !== 1) fail("instrument.item.aloneInGroup", { type, group: group.id });
  }

  const seen = new Set<string>();
  for (const o of item.options ?? []) {
    if (seen.has(o.code)) fail("instrument.item.duplicateOption", { code: o.code });
    seen.add(o.code);
    if (o.value !== undefined) {
      const v = weightValue(o.value);
      if (!(v >= 0 && v <= 1)) fail("instrument.item.optionValueRange", { code: o.code, value: o.value });
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
      const fail = (key: InstrumentIssueKey, params?: IssueParams) => issues.push(issue(item.id, key, params));
      if (adjustment !== (item.type === "coefficient")) {
        fail(adjustment ? "instrument.item.adjustmentOnlyCoefficients" : "instrument.item.coefficientOutsideAdjustment");
      }
      if (item.not_applicable) {
        if ((node.items ?? []).length !== 1) fail("instrument.item.notApplicableAlone", { group: node.id });
        if (item.type === "coefficient") fail("instrument.item.coefficientNotApplicable");
      }
      if (item.multiplier !== undefined) {
        const source = groupsSeen.get(item.multiplier);
        if (item.type === "coefficient") fail("instrument.item.coefficientMultiplier");
        if (!source) fail("instrument.item.multiplierUnknown", { multiplier: item.multiplier });
        else if ((source.items ?? []).some((i) => i.multiplier !== undefined || i.not_applicable)) {
          fail("instrument.item.multiplierChained", { multiplier: item.multiplier });
        }
      }
    }
    if (node.items) groupsSeen.set(node.id, node);
    for (const child of node.children) visit(child, adjustment);
  };
  for (const root of roots) visit(root, false);
}

/**
 * Item fields that must be unique across the instrument: a `computed_from` value (one item takes the
 * Strategi of the Rencana Aksi, one its implementation score; both range_scaled) and a `portal_id`
 * (the key a portal weight table is applied by).
 */
function checkUnique(instrument: Instrument, issues: InstrumentIssue[]): void {
  const computed = new Map<string, string>();
  const portal = new Map<number, string>();
  walkTree(treeNodes(instrument), (node) => {
    for (const item of node.items ?? []) {
      if (item.computed_from !== undefined) {
        const other = computed.get(item.computed_from);
        if (other !== undefined) issues.push(issue(item.id, "instrument.item.computedFromTwice", { value: item.computed_from, other }));
        else computed.set(item.computed_from, item.id);
        if (item.type !== "range_scaled") issues.push(issue(item.id, "instrument.item.computedFromType", { type: item.type }));
      }
      if (item.portal_id !== undefined) {
        const other = portal.get(item.portal_id);
        if (other !== undefined) issues.push(issue(item.id, "instrument.item.portalIdTwice", { portal_id: String(item.portal_id), other }));
        else portal.set(item.portal_id, item.id);
      }
    }
  });
}

function checkIndex(instrument: Instrument, roots: TreeNode[], issues: InstrumentIssue[]): void {
  const rule = instrument.evaluation.index;
  const adjustments = roots.filter((r) => r.adjustment);
  if (!rule) {
    for (const a of adjustments) issues.push(issue(a.id, "instrument.index.adjustmentUnnamed"));
    return;
  }
  const at = "evaluation.index";
  const byId = new Map(roots.map((r) => [r.id, r]));
  const claimed = new Set<string>();
  for (const id of [...rule.general.nodes, ...rule.added]) {
    const node = byId.get(id);
    if (!node) issues.push(issue(at, "instrument.index.notComponent", { id }));
    else if (node.adjustment) issues.push(issue(at, "instrument.index.adjustmentInNodes", { id }));
    if (claimed.has(id)) issues.push(issue(at, "instrument.index.namedTwice", { id }));
    claimed.add(id);
  }
  for (const r of roots) {
    if (!r.adjustment && !claimed.has(r.id)) issues.push(issue(at, "instrument.index.componentUnclaimed", { id: r.id }));
  }
  if (rule.adjustment !== undefined && !adjustments.some((a) => a.id === rule.adjustment)) {
    issues.push(issue(at, "instrument.index.adjustmentNotAdjustment", { id: rule.adjustment }));
  }
  for (const a of adjustments) {
    if (a.id !== rule.adjustment) issues.push(issue(a.id, "instrument.index.extraAdjustment"));
  }
}

function checkFormula(item: Item, fail: (key: InstrumentIssueKey, params?: IssueParams) => void): void {
  const inputs = item.inputs ?? [];
  if (inputs.length === 0) fail("instrument.formula.noInputs");
  if (!item.formula) {
    fail("instrument.formula.missing");
    return;
  }
  const names = new Set<string>();
  for (const input of inputs) {
    if (names.has(input.name)) fail("instrument.formula.duplicateInput", { name: input.name });
    names.add(input.name);
  }
  const f = item.formula;
  const used = f.kind === "ratio" ? [f.numerator, ...f.denominator] : [f.before, f.after];
  for (const name of used) {
    const input = inputs.find((i) => i.name === name);
    if (!input) fail("instrument.formula.unknownInput", { name, declared: [...names] });
    else if (input.informational) fail("instrument.formula.informationalInput", { name });
  }
}

function checkNodeShape(instrument: Instrument, issues: InstrumentIssue[]): void {
  for (const c of instrument.tree) {
    if (!!c.subcomponents === !!c.areas) issues.push(issue(c.id, "instrument.node.componentShape"));
    const areas = [...(c.subcomponents ?? []).flatMap((s) => s.areas), ...(c.areas ?? [])];
    for (const a of areas) {
      if (!!a.subareas === !!a.items) issues.push(issue(a.id, "instrument.node.areaShape"));
    }
  }
}

function checkEvaluation(instrument: Instrument, ids: Set<string>, issues: InstrumentIssue[]): void {
  const { predicate_bands: bands, zi_area_groups: groups, zi_verdicts: verdicts } = instrument.evaluation;
  const sorted = [...bands].sort((x, y) => x.above - y.above);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    if (prev && cur && cur.above < (prev.up_to ?? Infinity)) {
      issues.push(issue(`predicate_bands ${cur.code}`, "instrument.evaluation.bandOverlap", { code: cur.code, other: prev.code }));
    }
  }
  const portal = instrument.evaluation.portal_2025;
  if (instrument.settings.predicate_rule === "portal_2025" && !portal) {
    issues.push(issue("settings.predicate_rule", "instrument.evaluation.portalMissing"));
  }
  if (portal) {
    for (const code of [portal.top, portal.conditional]) {
      if (!bands.some((b) => b.code === code)) issues.push(issue("evaluation.portal_2025", "instrument.evaluation.unknownBand", { code }));
    }
    for (const id of Object.keys(portal.targets)) {
      if (!ids.has(id)) issues.push(issue("evaluation.portal_2025", "instrument.evaluation.unknownTarget", { id }));
    }
    // A note on a target needs the target (and so a real item).
    for (const id of Object.keys(portal.target_notes)) {
      if (portal.targets[id] === undefined)
        issues.push(issue("evaluation.portal_2025.target_notes", "instrument.evaluation.unknownTarget", { id }));
    }
  }
  for (const g of groups) {
    for (const n of g.nodes)
      if (!ids.has(n)) issues.push(issue(`zi_area_groups ${g.id}`, "instrument.evaluation.unknownNode", { node: n }));
  }
  for (const v of verdicts) {
    const seen = new Set<string>();
    for (const c of v.criteria) {
      const at = `zi_verdicts ${v.id}.${c.id}`;
      if (seen.has(c.id)) issues.push(issue(at, "instrument.evaluation.duplicateCriterion", { id: c.id }));
      seen.add(c.id);
      if (c.kind === "node_min" && c.node !== "total" && !ids.has(c.node)) {
        issues.push(issue(at, "instrument.evaluation.unknownNode", { node: c.node }));
      }
      if (c.kind === "area_percent_min" && groups.length === 0) issues.push(issue(at, "instrument.evaluation.areaGroupsMissing"));
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
    if (ids.has(id)) issues.push(issue(id, "instrument.duplicateId", { id }));
    ids.add(id);
  };

  // Adjustment components (koefisien) are signed extras, outside the weights that add up to the total.
  const total = roots.filter((n) => !n.adjustment).reduce((s, n) => s + n.weight, 0);
  if (!sameWeight(total, instrument.total_weight)) {
    issues.push(issue("tree", "instrument.totalWeight", { sum: total, expected: instrument.total_weight }));
  }

  walkTree(roots, (node, parent) => {
    claim(node.id);
    const idProblem = codes ? checkCodeId(node.id, parent?.id ?? null, node.level) : checkChildId(node.id, parent?.id ?? null, node.level);
    if (idProblem) issues.push(issue(node.id, idProblem.key, idProblem.params));
    if (!(node.weight > 0) || !Number.isFinite(node.weight)) {
      issues.push(issue(node.id, "instrument.weightPositive", { weight: node.weightRaw }));
    }
    if (node.children.length > 0) {
      const sum = node.children.reduce((s, c) => s + c.weight, 0);
      if (!sameWeight(sum, node.weight)) {
        const parts = node.children.map((c) => ({ id: c.id, weight: c.weightRaw }));
        issues.push(issue(node.id, "instrument.weightSum", { node: node.id, sum, parts, expected: node.weightRaw }));
      }
    }
    for (const item of node.items ?? []) {
      claim(item.id);
      const itemProblem = codes ? checkCodeId(item.id, node.id, "item") : checkChildId(item.id, node.id, "item");
      if (itemProblem) issues.push(issue(item.id, itemProblem.key, itemProblem.params));
      checkItem(instrument, item, node, issues);
    }
  });

  checkLinks(roots, issues);
  checkUnique(instrument, issues);
  checkIndex(instrument, roots, issues);
  checkEvaluation(instrument, ids, issues);
  return issues;
}
