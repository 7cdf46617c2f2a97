import type { AnswerValue } from "./answers";
import { GROUP, ITEM, type Compiled } from "./compile";
import { fmt } from "./format";
import { NOT_APPLICABLE } from "../instrument/schema";
import { itemTrace, itemValue, OPTION, type ItemPlan } from "./item-value";
import type { IndexResult, ItemScore, NodeScore } from "./types";

/** Items have no children; one frozen array serves them all (results are not to be mutated). */
const NO_CHILDREN = Object.freeze([]) as readonly string[] as string[];

/**
 * Builds `ScoreResult.nodes` from what one scoring stored: node values by index, the answers as
 * given and the counts of percent items. Traces are written here rather than while scoring
 * because most callers only read totals and verdicts; the text is exactly what the values say:
 *   item     "B → 0.67", "3.6 / 4 = 0.9", "belum dijawab → 0"
 *   group    "0.6667 = 1.00 × mean(1, 1, 0)"          (README §4: weight × mean of item values)
 *   sum      "2.3125 = 0.375 + 0.6667 + 0.3333 + 0.9375"
 */
export function materialize(
  c: Compiled,
  values: readonly number[],
  given: ReadonlyArray<AnswerValue | undefined>,
  counts: readonly number[],
  index: IndexResult | null = null,
): Record<string, NodeScore | ItemScore> {
  const n = c.size;
  const texts = new Array<string>(n);
  const traces = new Array<string>(n);
  const answered = new Array<number>(n).fill(0);
  // Children come after their parent, so walking backwards finds every child's text and count ready.
  for (let i = n - 1; i >= 0; i--) {
    const v = values[i] as number;
    if (c.kind[i] === ITEM) {
      const k = c.itemOf[i] as number;
      const a = given[k];
      if (a === undefined || a === null) {
        texts[i] = "0";
        traces[i] = "belum dijawab → 0";
        continue;
      }
      const p = c.items[k]!;
      answered[i] = 1;
      if (a === NOT_APPLICABLE && p.naAllowed) {
        texts[i] = "0";
        traces[i] = "tidak berlaku (N/A): bobot keluar dari penyebut indeks";
        continue;
      }
      texts[i] = p.kind === OPTION ? (p.texts[p.codes.indexOf(a as string)] as string) : fmt(v);
      traces[i] = p.mult < 0 ? itemTrace(p, a, v, counts) : multipliedTrace(c, p, a, v, values, counts);
      continue;
    }
    const group = c.kind[i] === GROUP;
    const sep = group ? ", " : " + ";
    const start = c.childStart[i] as number;
    const end = c.childStart[i + 1] as number;
    let parts = "";
    let count = 0;
    for (let j = start; j < end; j++) {
      const ch = c.childIdx[j] as number;
      parts += j === start ? texts[ch] : sep + texts[ch];
      count += answered[ch] as number;
    }
    answered[i] = count;
    const text = fmt(v);
    texts[i] = text;
    traces[i] = group ? `${text} = ${c.weightText[i]} × mean(${parts})` : `${text} = ${parts}`;
    if (i === 0 && index) traces[i] = index.trace;
  }

  const nodes: Record<string, NodeScore | ItemScore> = {};
  for (let i = 0; i < n; i++) {
    const id = c.ids[i] as string;
    const value = values[i] as number;
    if (c.kind[i] === ITEM) {
      const item: ItemScore = {
        id,
        level: "item",
        label: c.labels[i] as string,
        value,
        max: 1,
        percent: value * 100,
        answered: answered[i] as number,
        items: 1,
        trace: traces[i] as string,
        children: NO_CHILDREN,
        answer: given[c.itemOf[i] as number] ?? null,
      };
      nodes[id] = item;
    } else {
      const max = c.max[i] as number;
      nodes[id] = {
        id,
        level: c.levels[i] as NodeScore["level"],
        label: c.labels[i] as string,
        value,
        max,
        percent: (value / max) * 100,
        answered: answered[i] as number,
        items: c.itemCount[i] as number,
        trace: traces[i] as string,
        // Shared frozen array from the compiled instrument: callers must not mutate results anyway.
        children: c.childIds[i] as string[],
      };
    }
  }
  return nodes;
}

/** "83.87 / 100 = 0.8387 × X101 (2.08 / 3) = 0.5815": the row's own value times its multiplier group's share. */
function multipliedTrace(c: Compiled, p: ItemPlan, a: AnswerValue, v: number, values: readonly number[], counts: readonly number[]): string {
  const base = itemValue(p, a, counts.slice(), { issues: [], warnings: [] });
  const m = p.mult;
  return `${itemTrace(p, a, base, counts)} × ${p.multId} (${fmt(values[m] as number)} / ${fmt(c.max[m] as number)}) = ${fmt(v)}`;
}
