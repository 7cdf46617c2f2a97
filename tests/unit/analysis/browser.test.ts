import path from "node:path";
import { runInNewContext } from "node:vm";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import * as analysis from "~/domain/analysis";
import { REPO_ROOT } from "../scoring/instruments";
import { zi2021 } from "./fixtures";

/*
 * The analysis functions also run in the browser (dashboard drill-downs, a live "what would raise
 * it" panel): bundled as a browser build they need no Node built-ins and no YAML parser, and they
 * compute exactly what Node computes.
 */
describe("app/domain/analysis in a browser bundle", () => {
  it("bundles without Node built-ins and gives the same plan and waterfall", async () => {
    const out = await build({
      entryPoints: [path.join(REPO_ROOT, "app/domain/analysis/index.ts")],
      bundle: true,
      platform: "browser",
      format: "iife",
      globalName: "CerminAnalysis",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs.filter((i) => i.startsWith("node:") || i.includes("node_modules/yaml"))).toEqual([]);
    const sandbox: Record<string, unknown> = {};
    runInNewContext(`${out.outputFiles[0]?.text ?? ""}\nglobalThis.CerminAnalysis = CerminAnalysis;`, sandbox);
    const bundled = sandbox.CerminAnalysis as typeof analysis;
    const zi = zi2021();
    const answers = { "A.I.1.i.a": "Tidak", "B.I.1.a": 3.1, "A.II.1.i.a": { agen: 3, perubahan: 1 } };
    const plan = (lib: typeof analysis) => JSON.parse(JSON.stringify(lib.planToTarget(zi, answers, { kind: "wbbm" }))) as unknown;
    expect(plan(bundled)).toEqual(plan(analysis));
    const change = (lib: typeof analysis) =>
      JSON.parse(JSON.stringify(lib.explainChange({ instrument: zi, answers: {} }, { instrument: zi, answers }))) as unknown;
    expect(change(bundled)).toEqual(change(analysis));
  }, 30_000);
});
