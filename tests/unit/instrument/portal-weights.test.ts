import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { instrumentsCheck, instrumentsImportWeights } from "~/cli/instruments";
import { applyPortalWeights, parsePortalWeightCsv } from "~/domain/instrument/portal-weights";
import { itemsWithGroups, treeNodes } from "~/domain/instrument/tree";
import { validateInstrument } from "~/domain/instrument/validate";
import { englishIssue } from "~/i18n/instrument-issues";
import { REPO_ROOT, instrument } from "../scoring/instruments";

/*
 * Importing a Portal RB weight table (rb-2024 spec §1.4). The fixtures are hand-made: synthetic-2025-kl.csv
 * is the 2024 K/L table with made-up 2025 changes (A102 6 × A101, Prioritas Nasional 4, IKU × SAKIP,
 * Opini BPK target 3), `;`-separated with decimal commas, the portal's Komponen total row and two
 * provinsi rows (ignored for K/L) included. These are no real 2025 values (gap G2).
 */
const FIXTURES = path.join(REPO_ROOT, "tests/fixtures/portal-weights");
const csv = (name: string) => readFileSync(path.join(FIXTURES, name), "utf8");
const kl = instrument("rb-2024-kl");

describe("applyPortalWeights", () => {
  it("replaces weights, ranges, targets and multipliers by portal_id and recomputes the sums", () => {
    const table = parsePortalWeightCsv(csv("synthetic-2025-kl.csv"));
    expect(table.issues).toEqual([]);
    const { instrument: next, issues } = applyPortalWeights(kl, table.rows, { version: "2025.1.0", year: 2025 });
    expect(issues.map(englishIssue)).toEqual([]);
    expect([next.id, next.version, next.status, next.applies_to]).toEqual([
      "rb-2025-kl",
      "2025.1.0",
      "draft",
      { organisation_kinds: ["kementerian_lembaga"], from_year: 2025 },
    ]);
    expect(next.title).toContain("Tahun 2025");
    const roots = new Map(treeNodes(next).map((n) => [n.id, n.weight]));
    expect(["A", "B", "C", "T", "K"].map((id) => roots.get(id))).toEqual([9, 40, 51, 10, 10]);
    expect(next.total_weight).toBe(110);
    const items = new Map(itemsWithGroups(next).map((x) => [x.item.id, x]));
    expect([items.get("A102.a")!.group.weight, items.get("A102.a")!.item.multiplier]).toEqual([6, "A101"]);
    expect([items.get("C102.a")!.group.weight, items.get("C103.a")!.item.multiplier]).toEqual([4, "B105"]);
    expect(items.get("B102.a")!.item.scale).toEqual({ min: 0, max: 5 });
    const portal = next.evaluation.portal_2025!;
    expect([portal.targets["B102.a"], portal.targets["C104.a"], Object.keys(portal.targets).length]).toEqual([4.01, 3, 25]);
    // The note on the changed Opini target goes; the one on BerAKHLAK (unchanged) stays.
    expect(Object.keys(portal.target_notes)).toEqual(["C106.a"]);
    expect(validateInstrument(next).map(englishIssue)).toEqual([]);
    // The source is untouched.
    expect(kl.version).toBe("2024.1.0");
    expect(kl.evaluation.portal_2025!.targets["C104.a"]).toBe(5);
  });

  it("names the rows the table lacks, ids no row carries, unreadable cells and groups", () => {
    const small = parsePortalWeightCsv(csv("rb-2025-kl-small.csv"));
    const { issues, instrument: next } = applyPortalWeights(kl, small.rows, { version: "2025.1.0", year: 2025 });
    const text = issues.map(englishIssue);
    expect(text).toContain("B103.a: the weight table has no row for portal_id 2134 (B103.a) in the group kl");
    expect(text.filter((t) => /has no row/.test(t))).toHaveLength(33 - 4);
    // Rows that were in the table are applied all the same; the others keep their 2024 values.
    expect(itemsWithGroups(next).find((x) => x.item.id === "B102.a")!.group.weight).toBe(3);
    const bad = applyPortalWeights(
      kl,
      [
        { lke_parameter_id: "9999", group: "kl", min_value: "0", max_value: "1", bobot: "1", line: 2 },
        { lke_parameter_id: "2130", group: "kl", min_value: "0", max_value: "tiga", bobot: "3", line: 3 },
        { lke_parameter_id: "2130", group: "pusat", min_value: "0", max_value: "3", bobot: "3", line: 4 },
        { lke_parameter_id: "2131", group: "KL", min_value: "0", max_value: "100", bobot: "7", indikator_pengali_id: "2131", line: 5 },
        { lke_parameter_id: "2132", group: "kl", min_value: "5", max_value: "5", bobot: "2", line: 6 },
      ],
      { version: "2025.1.0", year: 2025 },
    ).issues.map(englishIssue);
    expect(bad).toEqual(
      expect.arrayContaining([
        "csv: line 2: lke_parameter_id 9999 is no row of the instrument",
        'csv: line 3: max_value "tiga" is not a number',
        'csv: line 4: group "pusat" is none of kl, provinsi, kabupaten',
        "csv: line 5: indikator_pengali_id 2131 is no row of the instrument (or the row itself)",
        "csv: line 6: min_value 5 and max_value 5 are no valid range",
      ]),
    );
  });

  it("reads a header with missing columns as one issue", () => {
    const t = parsePortalWeightCsv("lke_parameter_id,group,bobot\n2130,kl,3\n");
    expect(t.issues.map(englishIssue)).toEqual([
      "csv: the weight table needs the columns lke_parameter_id, group, min_value, max_value, bobot, target_baik; missing: min_value, max_value, target_baik",
    ]);
  });
});

describe("cermin instruments import-weights", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) }, out, err };
  };

  it("writes a YAML that passes instruments check, and nothing when the table has problems", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "cermin-weights-"));
    dirs.push(dir);
    const out = path.join(dir, "rb-2025-kl.yaml");
    const c = capture();
    const args = ["--from", "rb-2024-kl", "--csv", path.join(FIXTURES, "synthetic-2025-kl.csv"), "--version", "2025.1.0", "--year", "2025"];
    expect(await instrumentsImportWeights([...args, "--out", out], c.io)).toBe(0);
    expect(c.err).toEqual([]);
    expect(c.out.join("\n")).toContain("rb-2025-kl 2025.1.0 written to");
    const check = capture();
    expect(await instrumentsCheck(["--dir", dir], check.io)).toBe(0);
    expect(check.out.join("\n")).toContain("A 9 (2 baris) | B 40 (18 baris) | C 51 (8 baris) | RB General 100");
    expect(check.out.join("\n")).toContain("1 valid, 0 invalid");

    const bad = capture();
    const badOut = path.join(dir, "bad.yaml");
    const badArgs = ["--from", "rb-2024-kl", "--csv", path.join(FIXTURES, "rb-2025-kl-small.csv"), "--version", "2025.1.0", "--year", "2025"];
    expect(await instrumentsImportWeights([...badArgs, "--out", badOut], bad.io)).toBe(1);
    expect(bad.err.join("\n")).toMatch(/29 problem\(s\); nothing written/);
    expect(existsSync(badOut)).toBe(false);
    expect(await instrumentsImportWeights(["--from", "rb-2024-kl"], capture().io)).toBe(1);
  });
});
