import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clearInstrumentCache, getInstrument, loadInstruments, readInstrumentFiles } from "~/services/instruments/catalog.server";
import { CONTENT_DIR } from "../scoring/instruments";
import { miniInstrument, toYaml } from "./mini";

let dir: string;
beforeEach(() => {
  clearInstrumentCache();
  dir = mkdtempSync(path.join(os.tmpdir(), "cermin-instruments-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  clearInstrumentCache();
});

describe("instrument service", () => {
  it("loads the shipped content with a sha256 of each file", () => {
    const loaded = loadInstruments(CONTENT_DIR);
    expect(loaded.map((l) => l.instrument.id)).toEqual([
      "pmprb-2014",
      "rb-2023-kabkota",
      "rb-2023-kl",
      "rb-2023-prov",
      "rb-2024-kabkota",
      "rb-2024-kl",
      "rb-2024-prov",
      "zi-2021",
    ]);
    const zi = getInstrument("zi-2021", CONTENT_DIR);
    const text = readFileSync(path.join(CONTENT_DIR, "zi-2021.yaml"), "utf8");
    expect(zi?.contentHash).toBe(createHash("sha256").update(text).digest("hex"));
    expect(getInstrument("pmprb-2020", CONTENT_DIR)).toBeNull();
  });

  it("defaults to content/instruments under the working directory", () => {
    expect(loadInstruments().map((l) => l.instrument.id)).toContain("zi-2021");
  });

  it("changes the hash when the text changes", () => {
    copyFileSync(path.join(CONTENT_DIR, "zi-2021.yaml"), path.join(dir, "zi-2021.yaml"));
    const before = getInstrument("zi-2021", dir)?.contentHash;
    writeFileSync(path.join(dir, "zi-2021.yaml"), `${readFileSync(path.join(dir, "zi-2021.yaml"), "utf8")}# edited\n`);
    clearInstrumentCache();
    expect(getInstrument("zi-2021", dir)?.contentHash).not.toBe(before);
  });

  it("reports an invalid file without throwing in readInstrumentFiles, and throws in loadInstruments", () => {
    const doc = miniInstrument();
    doc.tree[0].subcomponents[0].areas[0].subareas[0].weight = 3;
    writeFileSync(path.join(dir, "mini.yaml"), toYaml(doc));
    const [result] = readInstrumentFiles(dir);
    expect(result?.ok).toBe(false);
    if (result && !result.ok) expect(result.error.message).toMatch(/mini\.yaml: invalid instrument\n {2}- A\.I\.1: children weights/);
    expect(() => loadInstruments(dir)).toThrow(/A\.I\.1: children weights/);
  });

  it("requires the id to match the file name", () => {
    writeFileSync(path.join(dir, "other.yaml"), toYaml(miniInstrument()));
    const [result] = readInstrumentFiles(dir);
    expect(result?.ok).toBe(false);
    if (result && !result.ok) expect(result.error.message).toMatch(/id "mini" must match the file name "other"/);
  });
});
