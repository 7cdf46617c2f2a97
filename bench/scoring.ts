/**
 * npm run bench:scoring — full ZI scorings per second on one core (one Node thread), and the time
 * to score 10,000 assessments. Answer sets are random but fixed (seeded), every item answered.
 *
 * Two figures, because `nodes` is built on first access:
 *   scorings/s           every item value, every node value, total, WBK/WBBM verdicts, warnings
 *                        (what a live score, a list of assessments or a bulk re-score reads);
 *   … with every node    the same plus `result.nodes`: every node object with its trace
 *                        (what the CLI report, the JSON export and the result page read).
 */
import os from "node:os";
import { itemsWithGroups } from "~/domain/instrument/tree";
import { NOT_APPLICABLE, type Instrument } from "~/domain/instrument/schema";
import type { Answers } from "~/domain/scoring/answers";
import { scoreAssessment } from "~/domain/scoring/score";
import type { ScoreResult } from "~/domain/scoring/types";
import { getInstrument } from "~/services/instruments/catalog.server";

const loaded = getInstrument("zi-2021");
if (!loaded) throw new Error("zi-2021 not found in content/instruments");
const zi = loaded.instrument;
let seed = 7;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const sets: Answers[] = [];
for (let k = 0; k < 100; k++) {
  const a: Answers = {};
  for (const { item } of itemsWithGroups(zi)) {
    if (item.options) a[item.id] = item.options[Math.floor(rnd() * item.options.length)]!.code;
    else if (item.type === "percent") a[item.id] = Object.fromEntries(item.inputs!.map((i) => [i.name, Math.floor(rnd() * 5)]));
    else a[item.id] = Math.round(rnd() * 400) / 100;
  }
  sets.push(a);
}

let sink = 0;
/** Reads what a caller of each kind reads, so no work can be skipped. */
const light = (r: ScoreResult) => r.total + (r.zi?.wbk?.pass ? 1 : 0) + r.warnings.length;
const full = (r: ScoreResult) => light(r) + (r.nodes["A.I.1.i.a"]?.trace.length ?? 0) + (r.nodes.total?.answered ?? 0);

function measure(
  read: (r: ScoreResult) => number,
  instrument: Instrument = zi,
  answerSets: Answers[] = sets,
): { median: number; min: number; max: number; tenK: number } {
  const inst = instrument;
  const sets = answerSets;
  for (let i = 0; i < 5000; i++) sink += read(scoreAssessment(inst, sets[i % 100]!));
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < 1000) {
      sink += read(scoreAssessment(inst, sets[n % 100]!));
      n++;
    }
    runs.push(n / ((performance.now() - t0) / 1000));
  }
  runs.sort((a, b) => a - b);
  const t1 = performance.now();
  for (let i = 0; i < 10_000; i++) sink += read(scoreAssessment(inst, sets[i % 100]!));
  return { median: runs[2]!, min: runs[0]!, max: runs[4]!, tenK: performance.now() - t1 };
}

const line = (name: string, m: ReturnType<typeof measure>) =>
  `${name} (median of 5 × 1 s): ${Math.round(m.median)}  [min ${Math.round(m.min)}, max ${Math.round(m.max)}]; 10,000 assessments: ${m.tenK.toFixed(0)} ms`;

const load = os.loadavg()[0]!;
const values = measure(light);
const nodes = measure(full);
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, node ${process.version}, load ${load.toFixed(2)} → ${os.loadavg()[0]!.toFixed(2)}`);
console.log(`instrument: zi-2021 (${Object.keys(sets[0]!).length} items, all answered)`);
console.log(line("full ZI scorings/s (values, totals, verdicts)", values));
console.log(line("full ZI scorings/s including every node with its trace", nodes));

// Evaluasi RB 2023 (Kab/Kota): range-scaled rows, multipliers, a not-applicable row in one set of ten,
// the koefisien and the renormalised index.
const rb = getInstrument("rb-2023-kabkota")!.instrument;
const rbSets: Answers[] = [];
for (let k = 0; k < 100; k++) {
  const a: Answers = {};
  for (const { item, group } of itemsWithGroups(rb)) {
    if (item.not_applicable && rnd() < 0.03) a[item.id] = NOT_APPLICABLE;
    else if (item.type === "external_points") a[item.id] = Math.round(rnd() * group.weight * 100) / 100;
    else {
      const { min, max } = item.scale!;
      a[item.id] = Math.round((min + rnd() * (max - min)) * 100) / 100;
    }
  }
  rbSets.push(a);
}
const rbLight = (r: ScoreResult) => r.total + (r.index?.general.applicable ?? 0) + (r.predicate ? 1 : 0);
const rbValues = measure(rbLight, rb, rbSets);
const rbNodes = measure((r) => rbLight(r) + (r.nodes.total?.trace.length ?? 0), rb, rbSets);
console.log(`instrument: rb-2023-kabkota (${Object.keys(rbSets[0]!).length} rows, all answered, ~3 % N/A)`);
console.log(line("full Evaluasi RB scorings/s (values, index, predicate)", rbValues));
console.log(line("full Evaluasi RB scorings/s including every node with its trace", rbNodes));
if (sink === -1) console.log(sink);
