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
/** Earlier versions of shipped instruments, byte for byte as they were shipped (assessments frozen on them keep scoring with them). */
export const OLD_INSTRUMENT_DIR = path.join(REPO_ROOT, "tests/fixtures/instruments");

/** The shipped instruments (content/instruments), and earlier versions kept as fixtures ("id@version"). */
export type InstrumentId =
  | "zi-2021"
  | "pmprb-2014"
  | "rb-2023-kl"
  | "rb-2023-prov"
  | "rb-2023-kabkota"
  | "rb-2024-kl"
  | "rb-2024-prov"
  | "rb-2024-kabkota"
  | "pmprb-2014@1.0.0";

const cache = new Map<string, Instrument>();

/** The path of an instrument's YAML: content/instruments/<id>.yaml, or tests/fixtures/instruments/<id>-<version>.yaml for "id@version". */
export function instrumentFile(id: InstrumentId): string {
  const [base, version] = id.split("@");
  return version === undefined ? path.join(CONTENT_DIR, `${base}.yaml`) : path.join(OLD_INSTRUMENT_DIR, `${base}-${version}.yaml`);
}

export function instrument(id: InstrumentId): Instrument {
  let hit = cache.get(id);
  if (!hit) {
    const file = instrumentFile(id);
    hit = parseInstrument(readFileSync(file, "utf8"), path.basename(file));
    const version = id.split("@")[1];
    if (version !== undefined && hit.version !== version) throw new Error(`${file} is version ${hit.version}, not ${version}`);
    cache.set(id, hit);
  }
  return hit;
}

export function fixture(name: string): Answers {
  return JSON.parse(readFileSync(path.join(FIXTURE_DIR, `${name}.json`), "utf8")) as Answers;
}
