// Test helper: seeded random answer sets for the golden snapshot (tests/fixtures/answers/random.expected.json).
// Changing anything here changes the answer sets: regenerate the golden file with an engine you trust.
import type { Instrument, Item } from "~/domain/instrument/schema";
import { itemsWithGroups } from "~/domain/instrument/tree";
import type { Answers, AnswerValue } from "~/domain/scoring/answers";
import { mulberry32 } from "~/utils/random";

/** The seeded generator of the answer sets (mulberry32). */
export const rng = mulberry32;

/*
 * Valid answers exercising every rule the engine has: zero denominators (counts of 0 are frequent),
 * informational inputs present or absent, scores outside the scale (clamped with a warning),
 * explicit nulls and missing keys (unanswered).
 */
function randomAnswer(item: Item, groupWeight: number, r: () => number, skew: number): AnswerValue {
  const int = (n: number) => Math.floor(r() * n);
  // Options are listed best first ("Ya", "A"): r^skew favours them, so some sets reach WBK / WBBM.
  const good = () => 1 - r() ** skew;
  if (item.options) return item.options[Math.floor((1 - good()) * item.options.length)]?.code ?? null;
  if (item.type === "percent") {
    const out: Record<string, number> = {};
    for (const input of item.inputs ?? []) {
      if (input.informational && r() < 0.5) continue;
      out[input.name] = r() < 0.2 ? 0 : int(7);
    }
    return out;
  }
  if (item.type === "external_points") return r() < 0.1 ? groupWeight : Math.round(good() * groupWeight * 1000) / 1000;
  const min = item.scale?.min ?? 0;
  const max = item.scale?.max ?? (item.type === "index_score" ? 100 : 4);
  const span = max - min;
  const x = r();
  if (x < 0.05) return max + Math.round(r() * span * 10) / 100;
  if (x < 0.08) return min - Math.round(r() * span * 10) / 100;
  return min + Math.round(good() * span * 1000) / 1000;
}

export function randomAnswers(inst: Instrument, seed: number): Answers {
  const r = rng(seed);
  const answers: Answers = {};
  const skew = 1 + (seed % 4) * 3;
  const missing = (r() * 0.4) / skew; // from complete to fairly sparse assessments
  for (const { item, group } of itemsWithGroups(inst)) {
    const x = r();
    if (x < missing) continue;
    answers[item.id] = x < missing + 0.03 ? null : randomAnswer(item, group.weight, r, skew);
  }
  return answers;
}

/** One invalid answer mixed into a valid set (and sometimes an unknown id): the AnswerError must list exactly these. */
export function invalidAnswers(inst: Instrument, seed: number): Answers {
  const r = rng(seed * 31 + 5);
  const answers = randomAnswers(inst, seed);
  const items = itemsWithGroups(inst);
  const broken = [
    "Z",
    "ya",
    -1,
    Number.NaN,
    { x: 1 },
    "",
    2.5,
    { agen: -1 },
    { agen: 1.5, perubahan: 1 },
    { lalu: 1 },
    { wajib: 1, proses: 0 },
    1e9,
  ] as AnswerValue[];
  for (let k = 0; k < 1 + Math.floor(r() * 3); k++) {
    const pick = items[Math.floor(r() * items.length)];
    if (pick) answers[pick.item.id] = broken[Math.floor(r() * broken.length)] ?? null;
  }
  if (r() < 0.4) answers[`X.${seed}.i.a`] = "Ya";
  if (r() < 0.2) answers["A.I.1.i.zz"] = "Ya";
  return answers;
}
