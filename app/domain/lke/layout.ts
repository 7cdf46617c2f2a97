import { isScaled, NOT_APPLICABLE, type Input, type Instrument, type Item, type Settings, type Weight } from "../instrument/schema";
import { treeNodes, walkTree, type TreeNode } from "../instrument/tree";
import { scaleFor } from "../instrument/validate";
import { weightValue } from "../instrument/weights";
import { numberRange } from "../scoring/item-value";

/*
 * The LKE worksheet as Cermin writes it (sheet `Jawaban`): one row per hierarchy node, one row per
 * item in instrument order, each named input of a ratio item on its own row right below the item
 * (`Kode` = `<item id>#<input>`, the official sheet's "- Jumlah …" lines), and a closing total row.
 * Everything here is derived from the instrument data; no item id or text is known to the code.
 */

export const TOTAL_CODE = "TOTAL";
export const INPUT_SEPARATOR = "#";

export type LkeRow =
  | {
      kind: "node";
      code: string;
      level: TreeNode["level"] | "total";
      label: string;
      weight: number;
      weightRaw: Weight;
      /** Codes of the rows summed (a sum node) or averaged (a weighted group of items). */
      children: string[];
      group: boolean;
      depth: number;
    }
  | { kind: "item"; code: string; item: Item; groupCode: string; groupWeight: number; depth: number }
  | { kind: "input"; code: string; itemId: string; input: Input; depth: number };

const rowsCache = new WeakMap<Instrument, LkeRow[]>();

/** The rows of the `Jawaban` sheet in order: parents before children, inputs right below their item, the total last. */
export function lkeRows(instrument: Instrument): LkeRow[] {
  const hit = rowsCache.get(instrument);
  if (hit) return hit;
  const rows: LkeRow[] = [];
  const depthOf = new Map<string, number>();
  const roots = treeNodes(instrument);
  walkTree(roots, (node, parent) => {
    const depth = parent ? (depthOf.get(parent.id) ?? 0) + 1 : 0;
    depthOf.set(node.id, depth);
    rows.push({
      kind: "node",
      code: node.id,
      level: node.level,
      label: node.label,
      weight: node.weight,
      weightRaw: node.weightRaw,
      children: node.items ? node.items.map((i) => i.id) : node.children.map((c) => c.id),
      group: node.items !== null,
      depth,
    });
    for (const item of node.items ?? []) {
      rows.push({ kind: "item", code: item.id, item, groupCode: node.id, groupWeight: node.weight, depth: depth + 1 });
      if (item.type === "percent") {
        for (const input of item.inputs ?? []) {
          rows.push({ kind: "input", code: `${item.id}${INPUT_SEPARATOR}${input.name}`, itemId: item.id, input, depth: depth + 2 });
        }
      }
    }
  });
  rows.push({
    kind: "node",
    code: TOTAL_CODE,
    level: "total",
    label: instrument.title,
    weight: instrument.total_weight,
    weightRaw: instrument.total_weight,
    children: roots.map((r) => r.id),
    group: false,
    depth: 0,
  });
  rowsCache.set(instrument, rows);
  return rows;
}

/** A number as an Excel formula literal: exact fractions stay fractions ("(2/3)"), decimals round-trip exactly. */
function literal(w: Weight | number): string {
  if (typeof w === "string") return `(${w})`;
  return Number.isInteger(w) ? String(w) : String(w);
}

/** A function newer than Excel 2007 is stored with the `_xlfn.` prefix in the file; without it Excel shows #NAME?. */
const NUMBERVALUE = "_xlfn.NUMBERVALUE";

/**
 * The number in an answer cell, read as Cermin reads it (`parseNumberText`): a number as is; text with
 * a decimal comma or point ("3,60", " 3.6 ", spaces anywhere ignored) as that number; anything else
 * (a blank, "N/A", words) is #VALUE!, which the item formulas turn into "not a number" (value 0).
 * NUMBERVALUE (Excel 2013+, LibreOffice 4.1+) with explicit separators reads the same in every locale;
 * the comma becomes the point first, so one separator alone is the decimal one, as in Cermin. The blank
 * check comes first because NUMBERVALUE("") is 0 in Excel and #VALUE! in LibreOffice.
 * Grouped thousands ("1.234,5") are #VALUE! here while Cermin reads them: no number answer's range
 * reaches a thousand, so Cermin refuses such a value anyway. NUMBERVALUE also reads "3,6%", "1e0" and
 * "+3", which Cermin refuses with a message naming the cell: differences only ever toward a refusal.
 */
export function answerNumber(ref: string): string {
  return `IF(ISNUMBER(${ref}),${ref},${NUMBERVALUE}(IF(TRIM(${ref})="","x",SUBSTITUTE(TRIM(${ref}),",",".")),".",","))`;
}

/**
 * The count in a ratio input cell, read as Cermin reads it (`parseCountText`): a number as is; a blank
 * as 0 (the formula checks blanks itself); text as a whole number whose "." or "," group thousands
 * ("1.000" is one thousand, "1,234,567"), so both are dropped. Text that is no number is #VALUE!.
 * Separators that group no thousands ("3,5", "1.5.0") are dropped here too, while Cermin refuses them
 * ("harus bilangan bulat"): the workbook cannot tell, Cermin's import says so.
 */
export function countNumber(ref: string): string {
  return `IF(ISNUMBER(${ref}),${ref},IF(TRIM(${ref})="",0,${NUMBERVALUE}(SUBSTITUTE(SUBSTITUTE(TRIM(${ref}),".",""),",",""),".",",")))`;
}

/** Cell addresses the formulas refer to: the answer and Nilai cells of a row code, in one layer's columns. */
export interface FormulaRefs {
  answer: (code: string) => string;
  nilai: (code: string) => string;
}

/** "Ya", "A": the option codes an Excel list validation offers, in content order. */
export function optionCodes(item: Item): string[] {
  return (item.options ?? []).map((o) => o.code);
}

/** The [min, max] of a numeric item (one definition, shared with the engine). */
export { numberRange };

function optionValues(instrument: Instrument, item: Item, abcd: Settings["abcd_values"]): Array<[string, Weight]> {
  const t = item.type;
  const scale = isScaled(t) ? scaleFor(instrument, t, abcd) : null;
  const out: Array<[string, Weight]> = [];
  for (const o of item.options ?? []) {
    const raw = scale ? scale[o.code] : o.value;
    if (raw !== undefined) out.push([o.code, raw]);
  }
  return out;
}

/**
 * The live Excel formula of a row's `Nilai` cell, mirroring the engine's rules (domain README §3–§5)
 * so that a workbook edited offline recomputes as the official LKE does:
 *   option item: the scale value of the chosen code (Excel compares text without case), else 0;
 *   score item: (clamp(score, min, max) − min) / (max − min); points: points / weight;
 *   ratio: min(cap, max(0, num / Σ den)), the instrument's zero-denominator outcome when Σ den = 0;
 *   unanswered: 0; group = weight × mean(item values); sum node = Σ children;
 *   numbers and counts typed as text read as Cermin reads them (answerNumber, countNumber).
 * The engine stays the reference: exports store its values as the cached results of these formulas.
 */
export function nilaiFormula(
  instrument: Instrument,
  row: LkeRow,
  refs: FormulaRefs,
  abcd: Settings["abcd_values"] = instrument.settings.abcd_values,
): string | null {
  if (row.kind === "input") return null;
  if (row.kind === "node" && row.level === "total" && instrument.evaluation.index) return indexFormula(instrument, refs);
  if (row.kind === "item" && row.item.multiplier !== undefined) {
    // RB 2023: the row's value × the multiplier group's Nilai over its weight.
    const source = lkeRows(instrument).find((r) => r.kind === "node" && r.code === row.item.multiplier);
    const weight = source?.kind === "node" ? literal(source.weightRaw) : "1";
    return `(${itemFormula(instrument, row, refs, abcd)})*(${refs.nilai(row.item.multiplier)}/${weight})`;
  }
  return row.kind === "node" ? nodeFormula(row, refs) : itemFormula(instrument, row, refs, abcd);
}

/**
 * The index total (evaluation.index): (Σ general Nilai + adjustment) / (Σ general weights − the
 * weights of rows answered N/A) × scale_to + Σ added Nilai; the engine's rule in cell terms.
 */
function indexFormula(instrument: Instrument, refs: FormulaRefs): string {
  const rule = instrument.evaluation.index!;
  const rows = lkeRows(instrument);
  const general = new Set(rule.general.nodes);
  const weightOf = (code: string) => {
    const r = rows.find((x) => x.kind === "node" && x.code === code);
    return r?.kind === "node" ? r.weight : 0;
  };
  const max = rule.general.nodes.reduce((s, id) => s + weightOf(id), 0);
  // Items that may be N/A, under a general component: the component is found from the row order.
  let component = "";
  const naTerms: string[] = [];
  for (const r of rows) {
    if (r.kind === "node" && r.level === "component") component = r.code;
    if (r.kind === "item" && r.item.not_applicable && general.has(component)) {
      naTerms.push(`IF(TRIM(${refs.answer(r.code)})="${NOT_APPLICABLE}",${literal(r.groupWeight)},0)`);
    }
  }
  const sum = rule.general.nodes.map(refs.nilai).join("+");
  const adj = rule.adjustment ? `+${refs.nilai(rule.adjustment)}` : "";
  const applicable = naTerms.length > 0 ? `(${literal(max)}-${naTerms.join("-")})` : literal(max);
  const added = rule.added.map((id) => `+${refs.nilai(id)}`).join("");
  return `(${sum}${adj})/${applicable}*${literal(rule.general.scale_to)}${added}`;
}

function nodeFormula(row: Extract<LkeRow, { kind: "node" }>, refs: FormulaRefs): string {
  {
    const cells = row.children.map(refs.nilai);
    if (cells.length === 0) return "0";
    if (row.group) return `${literal(row.weightRaw)}*((${cells.join("+")})/${cells.length})`;
    return cells.join("+");
  }
}

function itemFormula(
  instrument: Instrument,
  row: Extract<LkeRow, { kind: "item" }>,
  refs: FormulaRefs,
  abcd: Settings["abcd_values"],
): string {
  const item = row.item;
  const a = refs.answer(row.code);
  switch (item.type) {
    case "yes_no":
    case "abc":
    case "abcd":
    case "abcde":
    case "choice": {
      let f = "0";
      for (const [code, value] of optionValues(instrument, item, abcd).reverse()) {
        f = `IF(TRIM(${a})="${code.replace(/"/g, '""')}",${literal(value)},${f})`;
      }
      return f;
    }
    case "range_scaled":
    case "coefficient":
      // range_scaled: value / max; coefficient: points / group weight (the group's Nilai is the points).
      // Not a number (blank, "N/A", words): #VALUE! from answerNumber → 0.
      return `IFERROR(${answerNumber(a)}/${literal(item.type === "range_scaled" ? (item.scale?.max ?? 1) : row.groupWeight)},0)`;
    case "survey_0_4":
    case "index_score":
    case "external_points": {
      const r = numberRange(item, row.groupWeight)!;
      if (item.type === "external_points") return `IFERROR(${answerNumber(a)}/${literal(r.max)},0)`;
      const span = r.max - r.min;
      const clamped = `MIN(${literal(r.max)},MAX(${literal(r.min)},${answerNumber(a)}))`;
      return `IFERROR((${clamped}-${literal(r.min)})/${literal(span)},0)`;
    }
    case "percent": {
      const f = item.formula;
      if (!f) return "0";
      const ref = (name: string) => refs.answer(`${item.id}${INPUT_SEPARATOR}${name}`);
      const cell = (name: string) => countNumber(ref(name));
      const required = (item.inputs ?? []).filter((i) => !i.informational).map((i) => ref(i.name));
      const zero = f.on_zero_denominator;
      let numerator: string;
      let denominator: string;
      if (f.kind === "ratio") {
        numerator = cell(f.numerator);
        denominator = f.denominator.length > 1 ? `(${f.denominator.map(cell).join("+")})` : cell(f.denominator[0]!);
      } else {
        numerator = `(${cell(f.before)}-${cell(f.after)})`;
        denominator = cell(f.before);
      }
      const onZero = zero.when_numerator_zero
        ? `IF(${numerator}=0,${literal(zero.when_numerator_zero.value)},${literal(zero.default.value)})`
        : literal(zero.default.value);
      const ratio = `MIN(${literal(f.cap)},MAX(0,${numerator}/${denominator}))`;
      // Unanswered (every count the formula needs blank, or only spaces): 0, as the engine's null answer.
      const blank = `AND(${required.map((r) => `TRIM(${r})=""`).join(",")})`;
      return `IF(${blank},0,IF(${denominator}=0,${onZero},${ratio}))`;
    }
  }
}

/** Weights as numbers, for display cells (`Bobot`). */
export function rowWeight(row: LkeRow): number | null {
  if (row.kind === "node") return row.weight;
  return null;
}

export { weightValue };

/** Header texts of the `Jawaban` sheet; the reader finds columns by these, not by position. */
export const HEADERS = {
  code: "Kode",
  question: "Pertanyaan",
  options: "Pilihan jawaban",
  answer: "Jawaban",
  nilai: "Nilai",
  note: "Catatan",
  evidence: "Bukti dukung",
  weight: "Bobot",
} as const;

/** Column groups of the evaluator layers, beside the unit's own: `Jawaban TPI`, `Nilai TPI`, `Catatan TPI`, … */
export const LAYER_SUFFIX = { internal: "TPI", external: "TPN" } as const;
export type LkeLayer = "self" | keyof typeof LAYER_SUFFIX;

export function layerHeader(base: "answer" | "nilai" | "note", layer: LkeLayer): string {
  return layer === "self" ? HEADERS[base] : `${HEADERS[base]} ${LAYER_SUFFIX[layer]}`;
}

/** Identifies a workbook written by Cermin (hidden sheet `_cermin`, key `format`). */
export const LKE_FORMAT = "cermin-lke/1";
export const META_SHEET = "_cermin";
