import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Settings } from "~/domain/instrument/schema";
import { AnswerError, type AnswerIssue } from "~/domain/scoring/answers";
import { ENGINE_VERSION, scoreAssessment } from "~/domain/scoring/score";
import type { ScoreContext, ScoreOptions } from "~/domain/scoring/types";
import { FIXTURE_DIR, instrument } from "./instruments";
import { invalidAnswers, randomAnswers } from "./random-answers";

/*
 * Bit-identity guard for engine refactors: 500 seeded random assessments (125 answer sets per
 * instrument, each scored with both abcd settings) snapshotted from the engine as it was before the
 * array-based rewrite (engine 1.0.0). Every node value must be exactly equal (toBe, not toBeCloseTo);
 * the rest of the result (percents, counts, traces, warnings, predicate, verdicts) must serialise to
 * the same JSON, compared through a digest to keep the file small. Invalid sets must raise the same
 * issues in the same order.
 *
 * Regenerate only for an intended change of numbers (with an ENGINE_VERSION bump):
 *   UPDATE_GOLDEN=1 npx vitest run --project unit golden-random
 */
const FILE = path.join(FIXTURE_DIR, "random.expected.json");
const SEEDS = 125;
const INVALID_SEEDS = 60;
const IDS = ["zi-2021", "pmprb-2014"] as const;
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
    if (e instanceof AnswerError) return e.issues;
    throw e;
  }
  throw new Error("expected an AnswerError");
}

function generate(): Golden {
  const golden: Golden = { engineVersion: ENGINE_VERSION, instruments: {} };
  for (const id of IDS) {
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
    golden.instruments[id] = { nodeIds, valid, invalid };
  }
  return golden;
}

if (process.env.UPDATE_GOLDEN === "1") writeFileSync(FILE, `${JSON.stringify(generate(), null, 1)}\n`);
const golden = JSON.parse(readFileSync(FILE, "utf8")) as Golden;

describe.each(IDS)("%s: 500 seeded assessments are bit-identical to the golden engine", (id) => {
  const inst = instrument(id);
  const g = golden.instruments[id];

  it("has the snapshot", () => {
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
