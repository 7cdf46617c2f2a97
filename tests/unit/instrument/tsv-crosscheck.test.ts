import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { itemsWithGroups } from "~/domain/instrument/tree";
import { weightValue } from "~/domain/instrument/weights";
import { REPO_ROOT, instrument } from "../scoring/instruments";

/*
 * The YAML content is the source of truth, but it must say exactly what the domain specs say:
 * every id, sub-area weight, answer type and option count. The specs live beside the repository
 * (../shared/domain/instruments); without them this suite is skipped.
 */
const SPEC_DIR = path.resolve(REPO_ROOT, "../shared/domain/instruments");
const haveSpecs = existsSync(SPEC_DIR);

interface SpecRow {
  id: string;
  parentPath: string;
  weight: string;
  type: string;
  options: string;
}

function readSpec(id: string): SpecRow[] {
  const [, ...lines] = readFileSync(path.join(SPEC_DIR, `${id}.tsv`), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");
  return lines.map((line) => {
    const [rowId = "", parentPath = "", weight = "", type = "", options = ""] = line.split("\t");
    return { id: rowId, parentPath, weight, type, options };
  });
}

const title = haveSpecs
  ? "content matches the domain specs (../shared/domain/instruments/*.tsv)"
  : `content vs domain specs — SKIPPED: ${SPEC_DIR} not found (shared/ is not beside the repository)`;

describe.skipIf(!haveSpecs)(title, () => {
  describe.each(["zi-2021", "pmprb-2014"] as const)("%s", (id) => {
    const rows = haveSpecs ? readSpec(id) : [];
    const items = itemsWithGroups(instrument(id));
    const byId = new Map(items.map((e) => [e.item.id, e]));

    it("has exactly the spec's item ids, in the spec's order", () => {
      expect(items.map((e) => e.item.id)).toEqual(rows.map((r) => r.id));
    });

    it("has every sub-area weight of the spec", () => {
      for (const row of rows) {
        const group = byId.get(row.id)?.group;
        expect(group?.weight, row.id).toBeCloseTo(weightValue(row.weight.includes("/") ? row.weight : Number(row.weight)), 12);
      }
    });

    it("has every answer type of the spec (or records the spec type where README §0 replaced it)", () => {
      for (const row of rows) {
        const item = byId.get(row.id)?.item;
        expect(item?.spec_type ?? item?.type, row.id).toBe(row.type);
        if (item?.spec_type) expect(item.type, row.id).toBe("external_points");
      }
    });

    it("has the spec's options, in count and code", () => {
      for (const row of rows) {
        const item = byId.get(row.id)?.item;
        if (item?.spec_type) continue; // external_points takes points, not the spec's categories
        const codes = row.options === "" ? [] : row.options.split("|").map((o) => o.slice(0, o.indexOf("=")));
        expect(
          (item?.options ?? []).map((o) => o.code),
          row.id,
        ).toEqual(codes);
      }
    });

    it("names each group as the spec's last path segment", () => {
      for (const row of rows) {
        const last = row.parentPath.split(" > ").pop() ?? "";
        expect(byId.get(row.id)?.group.label, row.id).toBe(
          last
            .replace(/\[([^\]]*)\]/g, "$1")
            .replace(/\s+/g, " ")
            .trim(),
        );
      }
    });
  });

  it("does not ship pmprb-2020 (README §0)", () => {
    expect(existsSync(path.join(REPO_ROOT, "content/instruments/pmprb-2020.yaml"))).toBe(false);
  });
});
