import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runInThisContext } from "node:vm";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import type { Settings } from "~/domain/instrument/schema";
import { AnswerError, type AnswerIssue } from "~/domain/scoring/answers";
import { ENGINE_VERSION, scoreAssessment } from "~/domain/scoring/score";
import type { ScoreContext, ScoreOptions } from "~/domain/scoring/types";
import { FIXTURE_DIR, REPO_ROOT, instrument } from "./instruments";
import { invalidAnswers, randomAnswers } from "./random-answers";

/*
 * Bit-identity guard for engine refactors: 250 seeded random assessments per instrument text (125
 * answer sets, each scored with both abcd settings) snapshotted from the engine as it was before the
 * array-based rewrite (engine 1.0.0). Every node value must be exactly equal (toBe, not toBeCloseTo);
 * the rest of the result (percents, counts, traces, warnings, predicate, verdicts) must serialise to
 * the same JSON, compared through a digest to keep the file small. Invalid sets must raise the same
 * issues in the same order.
 *
 * Each snapshot section is tied to the instrument text it was generated with: "pmprb-2014" is
 * pmprb-2014 1.0.0 (kept as tests/fixtures/instruments/pmprb-2014-1.0.0.yaml; assessments frozen on it
 * must keep these numbers), "pmprb-2014@1.0.1" the content since README §0 (raw Hasil values, Opini BPK
 * as a choice). The 1.0.1 section was generated with the same golden engine, the one before the rewrite,
 * so it is not the current engine checking itself.
 *
 * Regenerate only for an intended change of numbers (with an ENGINE_VERSION bump), or to add a section
 * for new content. With the golden engine (the zi-2021 and pmprb-2014 sections must come out unchanged):
 *   rm -rf /tmp/golden-engine && mkdir -p /tmp/golden-engine && git archive 6b2bd38~1 app/domain | tar -x -C /tmp/golden-engine
 *   GOLDEN_ENGINE=/tmp/golden-engine/app/domain UPDATE_GOLDEN=1 npx vitest run --project unit golden-random
 * Without GOLDEN_ENGINE, UPDATE_GOLDEN=1 snapshots the current engine.
 */
const FILE = path.join(FIXTURE_DIR, "random.expected.json");
const SEEDS = 125;
const INVALID_SEEDS = 60;
/** Snapshot section → the instrument text it was generated with (and must keep matching). */
const SETS = [
  { key: "zi-2021", id: "zi-2021", version: "1.0.0" },
  { key: "pmprb-2014", id: "pmprb-2014@1.0.0", version: "1.0.0" },
  { key: "pmprb-2014@1.0.1", id: "pmprb-2014", version: "1.0.1" },
] as const;

interface Engine {
  scoreAssessment: typeof scoreAssessment;
  ENGINE_VERSION: string;
}
/** The engine the snapshot is generated with: another copy of app/domain given by GOLDEN_ENGINE (bundled and loaded as is), or the current one. */
async function goldenEngine(): Promise<Engine> {
  const dir = process.env.GOLDEN_ENGINE;
  if (!dir) return { scoreAssessment, ENGINE_VERSION };
  const out = await build({
    entryPoints: [path.resolve(dir, "scoring/score.ts")],
    bundle: true,
    platform: "node",
    format: "cjs",
    nodePaths: [path.join(REPO_ROOT, "node_modules")], // the engine's own dependencies (zod) come from this checkout
    write: false,
    logLevel: "silent",
  });
  const module = { exports: {} as Engine };
  const load = runInThisContext(`(function (module, exports) {\n${out.outputFiles[0]?.text ?? ""}\n})`) as (
    m: typeof module,
    e: Engine,
  ) => void;
  load(module, module.exports);
  return module.exports;
}
const ABCD: Settings["abcd_values"][] = ["two_decimal", "exact_thirds"];

interface ValidCase {
  seed: number;
  options: ScoreOptions;
  total: number;
  /** Every node value in `nodeIds` order, as String(x) (which round-trips doubles exactly), space-separated. */
  values: string;
  /** sha256 of JSON.stringify(result). */
  digest: string;
}
interface Golden {
  engineVersion: string;
  instruments: Record<string, { nodeIds: string; valid: ValidCase[]; invalid: Array<{ seed: number; issues: AnswerIssue[] }> }>;
}

function optionsFor(seed: number, abcd: Settings["abcd_values"]): ScoreOptions {
  const context: ScoreContext = {};
  if (seed % 3 === 0) context.holds_wbk = seed % 2 === 0;
  if (seed % 5 === 0) context.kawasan_integration_score = 6 + (seed % 4) / 2;
  return { settings: { abcd_values: abcd, zi_area_min_scope: seed % 2 === 0 ? "combined" : "per_half" }, context };
}

function issuesOf(run: () => unknown): AnswerIssue[] {
  try {
    run();
  } catch (e) {
    // By name as well: the golden engine's AnswerError is another class.
    if (e instanceof AnswerError || (e instanceof Error && e.name === "AnswerError" && "issues" in e)) return (e as AnswerError).issues;
    throw e;
  }
  throw new Error("expected an AnswerError");
}

function generate({ scoreAssessment, ENGINE_VERSION }: Engine): Golden {
  const golden: Golden = { engineVersion: ENGINE_VERSION, instruments: {} };
  for (const { key, id } of SETS) {
    const inst = instrument(id);
    const valid: ValidCase[] = [];
    let nodeIds = "";
    for (let seed = 1; seed <= SEEDS; seed++) {
      for (const abcd of ABCD) {
        const options = optionsFor(seed, abcd);
        const r = scoreAssessment(inst, randomAnswers(inst, seed), options);
        nodeIds = Object.keys(r.nodes).join(" ");
        const values = Object.values(r.nodes)
          .map((n) => String(n.value))
          .join(" ");
        const digest = createHash("sha256").update(JSON.stringify(r)).digest("hex");
        valid.push({ seed, options, total: r.total, values, digest });
      }
    }
    const invalid = [];
    for (let seed = 1; seed <= INVALID_SEEDS; seed++) {
      invalid.push({ seed, issues: issuesOf(() => scoreAssessment(inst, invalidAnswers(inst, seed))) });
    }
    golden.instruments[key] = { nodeIds, valid, invalid };
  }
  return golden;
}

if (process.env.UPDATE_GOLDEN === "1") writeFileSync(FILE, `${JSON.stringify(generate(await goldenEngine()), null, 1)}\n`);
const golden = JSON.parse(readFileSync(FILE, "utf8")) as Golden;

describe.each(SETS)("$key: 250 seeded assessments are bit-identical to the golden engine", ({ key, id, version }) => {
  const inst = instrument(id);
  const g = golden.instruments[key];

  it("has the snapshot, for the instrument version it was made with", () => {
    expect(inst.version).toBe(version);
    expect(g?.valid).toHaveLength(SEEDS * ABCD.length);
    expect(g?.invalid).toHaveLength(INVALID_SEEDS);
  });

  it("every node value, the total and the full serialised result are exactly equal", () => {
    const nodeIds = (g?.nodeIds ?? "").split(" ");
    for (const c of g?.valid ?? []) {
      const r = scoreAssessment(inst, randomAnswers(inst, c.seed), c.options);
      const where = `seed ${c.seed}, ${c.options.settings?.abcd_values}`;
      expect(r.total, where).toBe(c.total);
      expect(Object.keys(r.nodes), where).toEqual(nodeIds);
      const expected = c.values.split(" ").map(Number);
      nodeIds.forEach((nodeId, i) => expect(r.nodes[nodeId]?.value, `${where}, ${nodeId}`).toBe(expected[i]));
      expect(createHash("sha256").update(JSON.stringify(r)).digest("hex"), where).toBe(c.digest);
    }
  });

  it("invalid answer sets raise the same issues, in the same order", () => {
    for (const c of g?.invalid ?? []) {
      expect(
        issuesOf(() => scoreAssessment(inst, invalidAnswers(inst, c.seed))),
        `seed ${c.seed}`,
      ).toEqual(c.issues);
    }
  });
});
