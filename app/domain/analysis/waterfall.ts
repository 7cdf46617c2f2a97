import { outlineOf, type OutlineArea } from "../instrument/outline";
import type { Instrument } from "../instrument/schema";
import { scoreAssessment, validateAnswers } from "../scoring/score";
import type { AnswerIssue, Answers, AnswerValue } from "../scoring/answers";
import type { ScoreOptions, ScoreResult } from "../scoring/types";

/*
 * "Why the index moved" (issue #6): a waterfall from one period's total to the next, by area,
 * expandable to sub-area and item.
 *
 * The total is linear in the item values (README §4): T = Σ_i s_i·v_i with s_i = w_g / n_g, the
 * points one item adds at v = 1 (group weight over the items of its group). So the movement splits
 * exactly into item contributions s_i·(v_after − v_before), and each level above is the sum of the
 * level below. In floating point "the sum of the parts equals the difference of the totals" only
 * holds up to rounding, so the contributions are defined bottom-up — group delta := Σ item deltas,
 * area delta := Σ group deltas, part delta := Σ area deltas, delta := rule part + real part — and
 * every displayed parent is therefore *exactly* the sum of its displayed children, in display order.
 * The engine's own after.total − before.total is then checked against `delta` (|difference| ≤ 1e-9,
 * observed ~1e-14 on zi-2021); a larger gap would be a bug, and the function throws rather than
 * showing a waterfall that does not add up.
 */

/** Allowed gap between Σ contributions and the engine's total difference (floating-point noise only). */
export const WATERFALL_TOLERANCE = 1e-9;

/** One period: the instrument it was scored under and its answers (options: engine setting overrides). */
export interface ScoredSide {
  instrument: Instrument;
  answers: Answers;
  options?: ScoreOptions;
}

export interface ItemChange {
  id: string;
  label: string;
  /** Points before / after (s_i·v_i; 0 where the item does not exist on that side). */
  before: number;
  after: number;
  /** s·(v_after − v_before) under one instrument; points after − points before across versions. */
  delta: number;
  answerBefore: AnswerValue | null;
  answerAfter: AnswerValue | null;
}

/** A weighted group: a sub-area, or an area that holds its items directly (ZI Hasil: the area itself). */
export interface GroupChange {
  id: string;
  label: string;
  /** Engine node values (0 where the group does not exist on that side). */
  before: number;
  after: number;
  /** Σ items[].delta */
  delta: number;
  items: ItemChange[];
}

export interface AreaChange {
  id: string;
  label: string;
  /** Labels of the component and subcomponent above, e.g. ["Pengungkit", "Reform"]. */
  path: string[];
  before: number;
  after: number;
  /** Σ subareas[].delta */
  delta: number;
  subareas: GroupChange[];
}

export interface ChangePart {
  /** Totals the part runs between. */
  before: number;
  after: number;
  /** Σ areas[].delta (≈ after − before within 1e-9). */
  delta: number;
  areas: AreaChange[];
}

export interface SideSummary {
  instrument: string;
  version: string;
  total: number;
}

export interface ChangeExplanation {
  before: SideSummary;
  after: SideSummary;
  /** (ruleChange?.delta ?? 0) + realChange.delta; equals after.total − before.total within 1e-9. */
  delta: number;
  /** null when both periods were scored under the same rules. */
  ruleChange: ChangePart | null;
  realChange: ChangePart;
  /** Items only in the after instrument / only in the before instrument (empty under the same rules). */
  added: string[];
  removed: string[];
  /** Earlier answers the new rules reject (e.g. an option that no longer exists): left unanswered in the re-scoring. */
  dropped: AnswerIssue[];
}

/** A scored side with what the decomposition reads: node values, answers, item shares. */
interface Scored {
  instrument: Instrument;
  options: ScoreOptions | undefined;
  outline: ReturnType<typeof outlineOf>;
  result: ScoreResult;
  answers: Answers;
  share: Map<string, number>;
}

const shares = new WeakMap<Instrument, Map<string, number>>();

/** s_i = w_g / n_g per item id (README §4: questions are equal-weighted within their group). */
function sharesOf(instrument: Instrument): Map<string, number> {
  let hit = shares.get(instrument);
  if (!hit) {
    hit = new Map();
    for (const area of outlineOf(instrument).areas) {
      for (const g of area.groups) for (const item of g.items) hit.set(item.id, g.weight / g.items.length);
    }
    shares.set(instrument, hit);
  }
  return hit;
}

function scored(instrument: Instrument, answers: Answers, options: ScoreOptions | undefined): Scored {
  return { instrument, options, outline: outlineOf(instrument), result: scoreAssessment(instrument, answers, options), answers, share: sharesOf(instrument) };
}

/** Union of two id-keyed lists: the `to` order first, then what only `from` has, in its order. */
function union<T extends { id: string }>(to: readonly T[], from: readonly T[]): Array<{ id: string; to?: T; from?: T }> {
  const out: Array<{ id: string; to?: T; from?: T }> = to.map((t) => ({ id: t.id, to: t }));
  const index = new Map(out.map((o, i) => [o.id, i]));
  for (const f of from) {
    const i = index.get(f.id);
    const hit = i === undefined ? undefined : out[i];
    if (hit) hit.from = f;
    else out.push({ id: f.id, from: f });
  }
  return out;
}

function value(s: Scored, id: string): number {
  return s.result.nodes[id]?.value ?? 0;
}

/**
 * Where the total is an index (RB 2023: multipliers, renormalisation, koefisien) it is not linear in
 * the item values. There the contributions come from substituting the answers one item at a time in
 * content order: item k's delta = T(first k items answered as after) − T(first k − 1). The deltas
 * telescope to after.total − before.total (checked like the linear case); an item's before/after are
 * its group's points on each side.
 */
function sequentialDeltas(from: Scored, to: Scored): Map<string, number> {
  const ids = [...to.outline.items.keys()];
  const current: Answers = { ...from.answers };
  let previous = scoreAssessment(to.instrument, current, to.options).total;
  const out = new Map<string, number>();
  for (const id of ids) {
    const after = to.answers[id];
    if (after === undefined) delete current[id];
    else current[id] = after;
    const total = scoreAssessment(to.instrument, current, to.options).total;
    out.set(id, total - previous);
    previous = total;
  }
  return out;
}

function itemChange(id: string, label: string, from: Scored, to: Scored, sequential: Map<string, number> | null): ItemChange {
  if (sequential) {
    const group = (s: Scored) => {
      const groupId = s.result.nodes[id] ? groupOf(s, id) : null;
      return groupId === null ? 0 : value(s, groupId);
    };
    return { id, label, before: group(from), after: group(to), delta: sequential.get(id) ?? 0, answerBefore: from.answers[id] ?? null, answerAfter: to.answers[id] ?? null };
  }
  const sFrom = from.share.get(id);
  const sTo = to.share.get(id);
  const vFrom = sFrom === undefined ? 0 : value(from, id);
  const vTo = sTo === undefined ? 0 : value(to, id);
  const before = sFrom === undefined ? 0 : sFrom * vFrom;
  const after = sTo === undefined ? 0 : sTo * vTo;
  // Same share (always so under one instrument): the issue's formula s·(v_after − v_before).
  const delta = sFrom !== undefined && sFrom === sTo ? sFrom * (vTo - vFrom) : after - before;
  return { id, label, before, after, delta, answerBefore: from.answers[id] ?? null, answerAfter: to.answers[id] ?? null };
}

/**
 * A rule change into or out of an index instrument (PMPRB 2014 → Evaluasi RB 2023, or a new RB
 * version): item points of two different index rules do not add up to either total, so the change
 * is shown as one step — what the earlier answers are worth under the new rules, minus the earlier total.
 */
function lumpPart(from: Scored, to: Scored): ChangePart {
  const delta = to.result.total - from.result.total;
  const label = `${from.result.instrument} ${from.result.version} → ${to.result.instrument} ${to.result.version}`;
  const area: AreaChange = { id: "rules", label, path: [], before: from.result.total, after: to.result.total, delta, subareas: [] };
  return { before: from.result.total, after: to.result.total, delta, areas: [area] };
}

/** The group id of an item (the node whose children hold it). */
function groupOf(s: Scored, itemId: string): string | null {
  for (const area of s.outline.areas) for (const g of area.groups) if (g.items.some((i) => i.id === itemId)) return g.id;
  return null;
}

function areaChange(
  id: string,
  to: OutlineArea | undefined,
  from: OutlineArea | undefined,
  a: Scored,
  b: Scored,
  sequential: Map<string, number> | null,
): AreaChange {
  const head = (to ?? from) as OutlineArea;
  const subareas = union(to?.groups ?? [], from?.groups ?? []).map((g): GroupChange => {
    const items = union(g.to?.items ?? [], g.from?.items ?? []).map((i) => itemChange(i.id, (i.to ?? i.from)?.question ?? i.id, a, b, sequential));
    let delta = 0;
    for (const it of items) delta += it.delta;
    return { id: g.id, label: (g.to ?? g.from)?.label ?? g.id, before: value(a, g.id), after: value(b, g.id), delta, items };
  });
  let delta = 0;
  for (const s of subareas) delta += s.delta;
  return { id, label: head.label, path: head.path, before: value(a, id), after: value(b, id), delta, subareas };
}

/** The movement from one scoring to another, by area → group → item. */
function part(from: Scored, to: Scored): ChangePart {
  // Sequential only under one instrument with an index rule; a rule change re-scores first (carryOver).
  const indexed = to.instrument.evaluation.index !== undefined || from.instrument.evaluation.index !== undefined;
  if (indexed && from.instrument !== to.instrument) return lumpPart(from, to);
  const sequential = indexed ? sequentialDeltas(from, to) : null;
  const areas = union(to.outline.areas, from.outline.areas).map((u) => areaChange(u.id, u.to, u.from, from, to, sequential));
  let delta = 0;
  for (const a of areas) delta += a.delta;
  return { before: from.result.total, after: to.result.total, delta, areas };
}

const canonical = new WeakMap<Instrument, string>();

function contentOf(instrument: Instrument): string {
  let hit = canonical.get(instrument);
  if (hit === undefined) canonical.set(instrument, (hit = JSON.stringify(instrument)));
  return hit;
}

/**
 * Same scoring rules: the same parsed content and the same abcd values. (zi_area_min_scope only
 * moves verdicts, not totals, so it does not make a rule change here.)
 */
function sameRules(a: Scored, b: Scored, ia: Instrument, ib: Instrument): boolean {
  if (a.result.settings.abcd_values !== b.result.settings.abcd_values) return false;
  return ia === ib || contentOf(ia) === contentOf(ib);
}

/**
 * Earlier answers re-scored under the new rules (issue #6 "rule change"): only item ids the new
 * instrument has; an answer the new item rejects (changed type or options) is left out and reported.
 */
function carryOver(before: ScoredSide, after: ScoredSide, mapping: ReadonlyMap<string, string | null> | null): { answers: Answers; dropped: AnswerIssue[] } {
  const ids = outlineOf(after.instrument).items;
  const answers: Answers = {};
  for (const [oldId, answer] of Object.entries(before.answers)) {
    // The new version's item-id mapping (a published release's) renames or drops; other ids stay.
    const id = mapping?.has(oldId) ? mapping.get(oldId) : oldId;
    if (id && ids.has(id)) answers[id] = answer;
  }
  const dropped = validateAnswers(after.instrument, answers, after.options);
  for (const issue of dropped) delete answers[issue.itemId];
  return { answers, dropped };
}

/**
 * Explains after.total − before.total (issue #6):
 *   item contribution = w_g × (v_after − v_before) / n_g;  group = Σ items;  area = Σ groups;  Δ = Σ areas.
 * Different instruments (content or abcd setting): Δ = rule change + real change, where
 *   rule change = score(after.instrument, before.answers ∩ after ids) − before.total (ids renamed
 *   by `mapping`, the new version's item-id mapping, where one was published with it),
 *   real change = after.total − score(after.instrument, before.answers ∩ after ids),
 * each broken down the same way. |Δ − (after.total − before.total)| ≤ 1e-9 is checked.
 * @throws AnswerError when either side's answers do not fit its own instrument.
 */
export function explainChange(
  before: ScoredSide,
  after: ScoredSide,
  mapping: ReadonlyMap<string, string | null> | null = null,
): ChangeExplanation {
  const b = scored(before.instrument, before.answers, before.options);
  const a = scored(after.instrument, after.answers, after.options);
  let ruleChange: ChangePart | null = null;
  let realChange: ChangePart;
  let added: string[] = [];
  let removed: string[] = [];
  let dropped: AnswerIssue[] = [];
  if (sameRules(b, a, before.instrument, after.instrument)) {
    realChange = part(b, a);
  } else {
    const carried = carryOver(before, after, mapping);
    dropped = carried.dropped;
    const mid = scored(after.instrument, carried.answers, after.options);
    ruleChange = part(b, mid);
    realChange = part(mid, a);
    added = [...a.outline.items.keys()].filter((id) => !b.outline.items.has(id));
    removed = [...b.outline.items.keys()].filter((id) => !a.outline.items.has(id));
  }
  const delta = (ruleChange?.delta ?? 0) + realChange.delta;
  const engineDelta = a.result.total - b.result.total;
  if (!(Math.abs(delta - engineDelta) <= WATERFALL_TOLERANCE)) {
    throw new Error(`waterfall does not add up: Σ contributions ${delta} ≠ ${engineDelta} (after − before)`);
  }
  const side = (r: ScoreResult): SideSummary => ({ instrument: r.instrument, version: r.version, total: r.total });
  return { before: side(b.result), after: side(a.result), delta, ruleChange, realChange, added, removed, dropped };
}
