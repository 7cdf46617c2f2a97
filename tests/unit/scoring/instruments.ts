// Test helper: the shipped instruments, parsed from content/ the same way the app does.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseInstrument } from "~/domain/instrument/parse";
import type { Instrument } from "~/domain/instrument/schema";
import type { Answers } from "~/domain/scoring/answers";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const CONTENT_DIR = path.join(REPO_ROOT, "content/instruments");
export const FIXTURE_DIR = path.join(REPO_ROOT, "tests/fixtures/answers");

const cache = new Map<string, Instrument>();

export function instrument(id: "zi-2021" | "pmprb-2014" | "rb-2023-kl" | "rb-2023-prov" | "rb-2023-kabkota"): Instrument {
  let hit = cache.get(id);
  if (!hit) {
    hit = parseInstrument(readFileSync(path.join(CONTENT_DIR, `${id}.yaml`), "utf8"), `${id}.yaml`);
    cache.set(id, hit);
  }
  return hit;
}

export function fixture(name: string): Answers {
  return JSON.parse(readFileSync(path.join(FIXTURE_DIR, `${name}.json`), "utf8")) as Answers;
}
