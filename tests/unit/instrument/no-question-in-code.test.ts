import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { itemsWithGroups, treeNodes, walkTree } from "~/domain/instrument/tree";
import { REPO_ROOT, instrument } from "../scoring/instruments";

/*
 * Issue #3: nothing about a specific question lives in code. The engine and the loader must not
 * mention any item or group id (A.II.1.i.a, B.I.1, …) nor any question text of the shipped content.
 */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [path.join(dir, e.name)] : [],
  );
}

const files = sources(path.join(REPO_ROOT, "app/domain"));
const ids = new Set<string>();
const questions = new Set<string>();
for (const id of ["zi-2021", "pmprb-2014", "rb-2023-kl", "rb-2023-prov", "rb-2023-kabkota"] as const) {
  const inst = instrument(id);
  // Node ids with at least three segments are specific (A.I.1); "A" or "B.1" would match ordinary text.
  // Worksheet codes (RB 2023: A101, C10201, 2A11, KOEF) are specific from four characters on.
  walkTree(treeNodes(inst), (n) => {
    if (n.id.split(".").length >= 3 || (inst.settings.id_scheme === "codes" && n.id.length >= 4)) ids.add(n.id);
  });
  for (const { item } of itemsWithGroups(inst)) {
    ids.add(item.id);
    questions.add(item.question);
  }
}

describe("no question-specific code in app/domain", () => {
  it("scans the domain sources", () => {
    expect(files.length).toBeGreaterThan(5);
    expect(ids.size).toBeGreaterThan(264 + 122);
  });

  it.each(files.map((f) => [path.relative(REPO_ROOT, f), f]))("%s names no item id or question", (_rel, file) => {
    const text = readFileSync(file, "utf8");
    const idHits = [...ids].filter((id) => new RegExp(`(^|[^A-Za-z0-9.])${id.replace(/\./g, "\\.")}(?![A-Za-z0-9.])`).test(text));
    const questionHits = [...questions].filter((q) => text.includes(q));
    expect(idHits).toEqual([]);
    expect(questionHits).toEqual([]);
  });
});
