import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { runInNewContext } from "node:vm";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { scoreAssessment } from "~/domain/scoring/score";
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

describe("browser bundle of the scoring engine", () => {
  it("bundles for the browser without Node built-ins and scores like Node", async () => {
    const out = await build({
      entryPoints: [path.join(DOMAIN, "scoring/index.ts")],
      bundle: true,
      platform: "browser",
      format: "iife",
      globalName: "CerminScoring",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs.some((i) => i.includes("app/domain/scoring/score.ts"))).toBe(true);
    expect(inputs.filter((i) => i.startsWith("node:") || i.includes("node_modules/yaml"))).toEqual([]);

    const code = out.outputFiles[0]?.text ?? "";
    // A bare context: no process, require or Node globals, as in a browser worker.
    const sandbox: Record<string, unknown> = {};
    runInNewContext(`${code}\nglobalThis.CerminScoring = CerminScoring;`, sandbox);
    const bundled = sandbox.CerminScoring as { scoreAssessment: typeof scoreAssessment; ENGINE_VERSION: string };

    for (const [id, name] of [
      ["zi-2021", "zi-2021-mixed"],
      ["zi-2021", "zi-2021-we1-max"],
      ["pmprb-2014", "pmprb-2014-mixed"],
    ] as const) {
      const inst = instrument(id);
      const answers = fixture(name);
      const inBrowser = bundled.scoreAssessment(structuredClone(inst), structuredClone(answers));
      expect(JSON.stringify(inBrowser), `${id} ${name}`).toBe(JSON.stringify(scoreAssessment(inst, answers)));
    }
  });
});
