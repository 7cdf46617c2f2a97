import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { runInNewContext } from "node:vm";
import { build } from "esbuild";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scoreAssessment } from "~/domain/scoring/score";
import { abcdArb, answersArb, scopeArb, SEED } from "./arbitraries";
import { REPO_ROOT, fixture, instrument } from "./instruments";

/*
 * The engine is bundled for the browser (live score while answering). These tests bundle
 * app/domain/scoring the way a browser build would and check that the bundle needs no Node
 * built-ins and computes exactly what Node computes.
 */
const DOMAIN = path.join(REPO_ROOT, "app/domain");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : [],
  );
}

describe("app/domain stays browser-safe and deterministic", () => {
  it.each(sources(DOMAIN).map((f) => [path.relative(REPO_ROOT, f), f]))(
    "%s has no node:* import, Date.now or Math.random",
    (_rel, file) => {
      const text = readFileSync(file, "utf8");
      expect(text).not.toMatch(/from\s+["']node:/);
      expect(text).not.toMatch(/require\(/);
      expect(text).not.toMatch(/Date\.now|new Date\(|Math\.random/);
    },
  );
});

interface Bundle {
  inputs: string[];
  scoring: { scoreAssessment: typeof scoreAssessment; ENGINE_VERSION: string };
}

let bundle: Promise<Bundle> | undefined;

/** app/domain/scoring bundled as a browser build would, evaluated in a bare context (built once per run). */
function bundled(): Promise<Bundle> {
  bundle ??= build({
    entryPoints: [path.join(DOMAIN, "scoring/index.ts")],
    bundle: true,
    platform: "browser",
    format: "iife",
    globalName: "CerminScoring",
    write: false,
    metafile: true,
    logLevel: "silent",
  }).then((out) => {
    const code = out.outputFiles[0]?.text ?? "";
    // A bare context: no process, require or Node globals, as in a browser worker.
    const sandbox: Record<string, unknown> = {};
    runInNewContext(`${code}\nglobalThis.CerminScoring = CerminScoring;`, sandbox);
    return { inputs: Object.keys(out.metafile.inputs), scoring: sandbox.CerminScoring as Bundle["scoring"] };
  });
  return bundle;
}

describe("browser bundle of the scoring engine", () => {
  it("bundles for the browser without Node built-ins and scores like Node", async () => {
    const { inputs, scoring } = await bundled();
    expect(inputs.some((i) => i.includes("app/domain/scoring/score.ts"))).toBe(true);
    expect(inputs.filter((i) => i.startsWith("node:") || i.includes("node_modules/yaml"))).toEqual([]);

    for (const [id, name] of [
      ["zi-2021", "zi-2021-mixed"],
      ["zi-2021", "zi-2021-we1-max"],
      ["pmprb-2014@1.0.0", "pmprb-2014-mixed"],
      ["pmprb-2014", "pmprb-2014-1.0.1-max"],
      ["pmprb-2014", "pmprb-2014-bps-2015"],
    ] as const) {
      const inst = instrument(id);
      const answers = fixture(name);
      const inBrowser = scoring.scoreAssessment(structuredClone(inst), structuredClone(answers));
      expect(JSON.stringify(inBrowser), `${id} ${name}`).toBe(JSON.stringify(scoreAssessment(inst, answers)));
    }
  });

  it.each(["zi-2021", "pmprb-2014", "pmprb-2014@1.0.0"] as const)(
    "%s: the bundle and Node give identical results for generated answers",
    async (id) => {
      const { scoring } = await bundled();
      const inst = instrument(id);
      // The bundle's own copy, as a browser would parse it from JSON: nothing shared with Node's.
      const browserInst = structuredClone(inst);
      fc.assert(
        fc.property(answersArb(inst), abcdArb, scopeArb, (answers, abcd, scope) => {
          const options = { settings: { abcd_values: abcd, zi_area_min_scope: scope } };
          const inBrowser = scoring.scoreAssessment(browserInst, structuredClone(answers), options);
          expect(JSON.stringify(inBrowser)).toBe(JSON.stringify(scoreAssessment(inst, answers, options)));
        }),
        { seed: SEED, numRuns: 60 },
      );
    },
  );
});
