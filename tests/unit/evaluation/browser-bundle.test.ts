import path from "node:path";
import { runInNewContext } from "node:vm";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import * as evaluation from "~/domain/evaluation";
import { scoreAssessment } from "~/domain/scoring";
import { getInstrument } from "~/services/instruments/catalog.server";
import { REPO_ROOT } from "../scoring/instruments";
import { syntheticReview } from "./synthetic";

/*
 * The evaluator tools also run in the browser (the review screen explains "why this item" and may
 * preview a draw). Bundle app/domain/evaluation as a browser build would, run it in a bare context
 * and check that it needs no Node built-ins and gives exactly Node's results.
 */
describe("browser bundle of the evaluation tools", () => {
  it("bundles without Node built-ins and samples, estimates and judges eligibility like Node", async () => {
    const out = await build({
      entryPoints: [path.join(REPO_ROOT, "app/domain/evaluation/index.ts")],
      bundle: true,
      platform: "browser",
      format: "iife",
      globalName: "CerminEvaluation",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs.filter((i) => i.startsWith("node:") || i.includes("services/"))).toEqual([]);
    const sandbox: Record<string, unknown> = {};
    runInNewContext(`${out.outputFiles[0]?.text ?? ""}\nglobalThis.CerminEvaluation = CerminEvaluation;`, sandbox);
    const browser = sandbox.CerminEvaluation as typeof evaluation;

    const zi = getInstrument("zi-2021")!.instrument;
    const frame = evaluation.assessmentFrame(zi, "a", (id) => (id.endsWith("b") ? { evidence: "weak", jump: 0.3 } : {}));
    for (const strategy of ["simple", "stratified", "risk"] as const) {
      const spec = { strategy, size: 25, seed: "bundle" };
      expect(JSON.stringify(browser.drawSample(structuredClone(frame), spec))).toBe(JSON.stringify(evaluation.drawSample(frame, spec)));
    }
    const { self, evaluator } = syntheticReview(zi, "bundle");
    const S = scoreAssessment(zi, self);
    const E = scoreAssessment(zi, evaluator);
    const weights = evaluation.itemWeights(zi);
    const sample = evaluation.drawSample(frame, { strategy: "risk", size: 25, seed: "bundle" });
    const input = {
      selfTotal: S.total,
      max: 100,
      populationSize: 113,
      design: "risk" as const,
      seed: "bundle",
      items: sample.items.map((i) => ({
        itemId: i.itemId,
        weight: weights.get(i.itemId)!.points,
        self: S.nodes[i.itemId]!.value,
        evaluator: E.nodes[i.itemId]!.value,
        inclusionProbability: i.inclusionWeight,
      })),
    };
    expect(JSON.stringify(browser.estimateIndex(structuredClone(input)))).toBe(JSON.stringify(evaluation.estimateIndex(input)));
    const eligibility = {
      zi: E.zi,
      prerequisites: { bpkOpinion: "WTP" as const, sakipPredicate: "BB" as const, indeksRb: 71, spipLevel: 3 },
      organisationKind: "pemda_kabkota" as const,
      unit: { holdsWbk: true },
    };
    expect(JSON.stringify(browser.ziEligibility(structuredClone(eligibility)))).toBe(JSON.stringify(evaluation.ziEligibility(eligibility)));
  });
});
