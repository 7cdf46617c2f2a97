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

/*
 * README §0 decisions where the content implements a spec row differently, each named exactly:
 * - a row answered with the external evaluation's points records its spec type (`spec_type`) and is
 *   `external_points` (pmprb-2014 1.0.0; none left in the shipped content);
 * - `opini_bpk` (pmprb-2014 B.2.ii.a since 1.0.1) is a `choice` over the spec's opinion categories, in
 *   the spec's order and with the spec's codes (`TML` for no financial statements), with the values of
 *   the official evaluated workbook.
 */
const IMPLEMENTED_AS: Record<string, string> = { opini_bpk: "choice" };
const RENAMED_CODES: Record<string, Record<string, string>> = {};

const title = haveSpecs
  ? "content matches the domain specs (../shared/domain/instruments/*.tsv)"
  : `content vs domain specs — SKIPPED: ${SPEC_DIR} not found (shared/ is not beside the repository)`;

describe.skipIf(!haveSpecs)(title, () => {
  // pmprb-2014 1.0.0 is kept as a test fixture (assessments frozen on it): it matched the spec too.
  describe.each(["zi-2021", "pmprb-2014", "pmprb-2014@1.0.0"] as const)("%s", (id) => {
    const rows = haveSpecs ? readSpec(id.split("@")[0] ?? id) : [];
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
        if (item?.spec_type) {
          expect(item.spec_type, row.id).toBe(row.type);
          expect(item.type, row.id).toBe("external_points");
        } else {
          expect(item?.type, row.id).toBe(IMPLEMENTED_AS[row.type] ?? row.type);
        }
      }
    });

    it("has the spec's options, in count and code", () => {
      for (const row of rows) {
        const item = byId.get(row.id)?.item;
        if (item?.spec_type) continue; // external_points takes points, not the spec's categories
        const renamed = RENAMED_CODES[row.id] ?? {};
        const codes =
          row.options === ""
            ? []
            : row.options
                .split("|")
                .map((o) => o.slice(0, o.indexOf("=")))
                .map((c) => renamed[c] ?? c);
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

  it("the README §0 exceptions are still needed: each names a spec row that the content implements that way", () => {
    const rows = readSpec("pmprb-2014");
    const byId = new Map(itemsWithGroups(instrument("pmprb-2014")).map((e) => [e.item.id, e.item]));
    for (const [specType, type] of Object.entries(IMPLEMENTED_AS)) {
      const implemented = rows.filter((r) => r.type === specType);
      expect(implemented.length, specType).toBeGreaterThan(0);
      for (const r of implemented) expect(byId.get(r.id)?.type, r.id).toBe(type);
    }
    for (const [id, renames] of Object.entries(RENAMED_CODES)) {
      const row = rows.find((r) => r.id === id);
      const codes = (byId.get(id)?.options ?? []).map((o) => o.code);
      for (const [spec, content] of Object.entries(renames)) {
        expect(row?.options, id).toContain(`${spec}=`);
        expect(codes, id).toContain(content);
        expect(codes, id).not.toContain(spec);
      }
    }
  });

  it("does not ship pmprb-2020 (README §0)", () => {
    expect(existsSync(path.join(REPO_ROOT, "content/instruments/pmprb-2020.yaml"))).toBe(false);
  });
});
