import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { instrumentsCheck } from "~/cli/instruments";
import { CONTENT_DIR } from "../scoring/instruments";
import { miniInstrument, toYaml } from "./mini";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) }, out, err };
}

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("cermin instruments check", () => {
  it("passes for the shipped instruments and prints status, items per type and weight sums", async () => {
    const c = capture();
    expect(await instrumentsCheck(["--dir", CONTENT_DIR], c.io)).toBe(0);
    const text = c.out.join("\n");
    expect(c.err).toEqual([]);
    expect(text).toContain("zi-2021 1.0.0 [published]");
    expect(text).toContain("butir: 113 (yes_no 17, abc 36, abcd 33, abcde 17, percent 8, survey_0_4 2)");
    expect(text).toContain("Pengungkit 60 = Pemenuhan 30 + Reform 30");
    expect(text).toContain("Pemenuhan 30 = 4 + 3,5 + 5 + 5 + 7,5 + 5");
    expect(text).toContain("Hasil 40 = Birokrasi yang Bersih dan Akuntabel 22,5 + Pelayanan Publik yang Prima 17,5");
    expect(text).toContain("pmprb-2014 1.0.1 [published]");
    expect(text).toContain("butir: 151 (abc 38, abcd 64, yes_no 41, abcde 3, index_score 4, choice 1)");
    expect(text).toContain("Pengungkit 60 = 5 + 5 + 6 + 5 + 15 + 6 + 12 + 6");
    expect(text).toContain("Hasil 40 = 20 + 10 + 10");
    expect(text).toMatch(/sha256: [0-9a-f]{64}/);
    // Acceptance 1 of issue #13: the three RB 2023 trees with the spec's block sums.
    for (const [id, tematik, items] of [
      ["rb-2023-kl", 10, 39],
      ["rb-2023-prov", 20, 42],
      ["rb-2023-kabkota", 20, 41],
    ] as const) {
      const block = text.slice(text.indexOf(`${id} 2023.1.0 [published]`)).split("\n  OK")[0]!;
      expect(block).toContain(`butir: ${items} (`);
      expect(block).toContain("Strategi Pelaksanaan RB General 10 = 3 + 7");
      expect(block).toMatch(/Capaian Pelaksanaan Kebijakan RB 40 = .* 33 \+ .* 7/);
      expect(block).toMatch(/Capaian Sasaran Strategis RB 50 = .* 28 \+ .* 22/);
      expect(block).toContain("RB General 100 = A 10 + B 40 + C 50");
      expect(block).toContain(`    RB Tematik ${tematik}\n`);
      expect(block).toContain(`Total ${100 + tematik}`);
    }
    expect(text).toContain("8 valid, 0 invalid");
  });

  it("accepts a leading 'check' argument", async () => {
    expect(await instrumentsCheck(["check", "--dir", CONTENT_DIR], capture().io)).toBe(0);
  });

  it("exits 1 and names the row when a file is invalid", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "cermin-check-"));
    dirs.push(dir);
    const doc = miniInstrument();
    doc.tree[0].subcomponents[0].areas[0].subareas[1].items[0].formula.numerator = "nope";
    writeFileSync(path.join(dir, "mini.yaml"), toYaml(doc));
    const c = capture();
    expect(await instrumentsCheck(["--dir", dir], c.io)).toBe(1);
    expect(c.err.join("\n")).toContain('A.I.1.ii.a: formula names unknown input "nope"');
    expect(c.out.join("\n")).toContain("0 valid, 1 invalid");
  });

  it("exits 1 for an unknown argument or a missing directory", async () => {
    expect(await instrumentsCheck(["--bogus"], capture().io)).toBe(1);
    const c = capture();
    expect(await instrumentsCheck(["--dir", "/nonexistent/cermin"], c.io)).toBe(1);
    expect(c.err.join("")).toMatch(/cannot read the instrument directory/);
  });
});
