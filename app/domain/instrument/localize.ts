import type { Component, Instrument, Item } from "./schema";

/**
 * The instrument as a reader of `locale` sees it: in English, every text the YAML also holds in
 * English (`label_en`, `question_en`, `guidance_en`, `criterion_en`, `title_en`) takes the place of
 * the Indonesian one; texts without an English version stay as written. Ids, weights, rules and
 * values are the same objects' values, so the engine scores the copy exactly as the original.
 *
 * Display only: imports and exports (the official LKE is Indonesian) read the instrument itself.
 * Cached per parsed instrument, so a page pays for the copy once per frozen version.
 */
export function localizeInstrument(instrument: Instrument, locale: string): Instrument {
  if (locale !== "en") return instrument;
  const hit = english.get(instrument);
  if (hit) return hit;
  const out = toEnglish(instrument);
  english.set(instrument, out);
  return out;
}

const english = new WeakMap<Instrument, Instrument>();

function en<T extends { label: string; label_en?: string }>(node: T): T {
  return node.label_en ? { ...node, label: node.label_en } : node;
}

/** Every other field (scale, multiplier, portal_id, computed_from, …) is the original's. */
function item(i: Item): Item {
  return {
    ...i,
    question: i.question_en ?? i.question,
    guidance: i.guidance_en ?? i.guidance,
    options: i.options?.map((o) => (o.criterion_en ? { ...o, criterion: o.criterion_en } : o)),
    inputs: i.inputs?.map(en),
  };
}

function component(c: Component): Component {
  const area = (a: NonNullable<Component["areas"]>[number]) => ({
    ...en(a),
    subareas: a.subareas?.map((s) => ({ ...en(s), items: s.items.map(item) })),
    items: a.items?.map(item),
  });
  return {
    ...en(c),
    subcomponents: c.subcomponents?.map((s) => ({ ...en(s), areas: s.areas.map(area) })),
    areas: c.areas?.map(area),
  };
}

function toEnglish(i: Instrument): Instrument {
  const ev = i.evaluation;
  return {
    ...i,
    title: i.title_en ?? i.title,
    tree: i.tree.map(component),
    evaluation: {
      ...ev,
      ...(ev.index ? { index: { ...en(ev.index), general: en(ev.index.general) } } : {}),
      // Targets, target_notes and top_inclusive are carried as they are (the notes have no English version).
      ...(ev.portal_2025 ? { portal_2025: { ...ev.portal_2025, fallback: en(ev.portal_2025.fallback) } } : {}),
      predicate_bands: ev.predicate_bands.map(en),
      zi_verdicts: ev.zi_verdicts.map((v) => ({ ...en(v), criteria: v.criteria.map(en) })),
    },
  };
}
