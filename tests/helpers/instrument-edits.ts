// Test helper: the shipped PMPRB 2014 content, edited through its YAML document into new versions.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

// Loose on purpose: tests reach into the raw document to change it in specific ways.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RawDoc = any;

export function contentText(id: "pmprb-2014" | "zi-2021"): string {
  return readFileSync(path.join(ROOT, "content", "instruments", `${id}.yaml`), "utf8");
}

/** The YAML text after `edit` changed the parsed document (formatting is YAML's default, not the file's). */
export function editYaml(text: string, edit: (doc: RawDoc) => void): string {
  const doc = parse(text) as RawDoc;
  edit(doc);
  return stringify(doc, { lineWidth: 0 });
}

/** The node or item with this id, with the array that holds it. */
export function locate(doc: RawDoc, id: string): { node: RawDoc; siblings: RawDoc[] } {
  const visit = (list: RawDoc[] | undefined): { node: RawDoc; siblings: RawDoc[] } | null => {
    for (const node of list ?? []) {
      if (node.id === id) return { node, siblings: list! };
      for (const key of ["subcomponents", "areas", "subareas", "items"]) {
        const hit = visit(node[key]);
        if (hit) return hit;
      }
    }
    return null;
  };
  const hit = visit(doc.tree);
  if (!hit) throw new Error(`no node or item ${id}`);
  return hit;
}

export function removeItem(doc: RawDoc, id: string): void {
  const { node, siblings } = locate(doc, id);
  siblings.splice(siblings.indexOf(node), 1);
}

/**
 * PMPRB 2014 as version 1.1.0: sub-areas A.1.i and A.1.iii swap weights (1 ↔ 2), item A.1.ii.e is
 * dropped, A.1.i.b becomes A.1.i.z, and A.1.i.a's question is reworded.
 */
export function pmprbNext(version = "1.1.0"): string {
  return editYaml(contentText("pmprb-2014"), (doc) => {
    doc.version = version;
    locate(doc, "A.1.i").node.weight = 2;
    locate(doc, "A.1.iii").node.weight = 1;
    removeItem(doc, "A.1.ii.e");
    locate(doc, "A.1.i.b").node.id = "A.1.i.z";
    locate(doc, "A.1.i.a").node.question = "Apakah Tim RB sudah dibentuk dengan SK pimpinan?";
  });
}

/** The mapping from the shipped content (pmprb-2014 1.0.1) to `pmprbNext()`. */
export const PMPRB_NEXT_MAPPING = JSON.stringify({ from: "1.0.1", items: { "A.1.i.b": "A.1.i.z", "A.1.ii.e": null } });
