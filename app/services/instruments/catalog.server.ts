import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { issue } from "~/domain/instrument/issues";
import { InstrumentError, parseInstrument } from "~/domain/instrument/parse";
import type { Instrument } from "~/domain/instrument/schema";
import { englishIssue } from "~/i18n/instrument-issues";

/** A parsed instrument with where it came from and the hash that freezes it into an assessment. */
export interface LoadedInstrument {
  instrument: Instrument;
  /** sha256 (hex) of the file text: stored with an assessment so a later content edit is detectable. */
  contentHash: string;
  file: string;
}

/** One content file: parsed, or the reason it cannot be used (its message in English, its issues as keys). */
export type InstrumentFileResult = ({ ok: true } & LoadedInstrument) | { ok: false; file: string; error: InstrumentError };

export const DEFAULT_INSTRUMENT_DIR = "content/instruments";

/** Relative paths resolve against the repository root the CLI sets (CERMIN_ROOT), else the working directory. */
function resolveDir(dir?: string): string {
  return path.resolve(process.env.CERMIN_ROOT ?? process.cwd(), dir ?? DEFAULT_INSTRUMENT_DIR);
}

export function contentHash(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * Reads and validates every `*.yaml` in the instrument directory (default content/instruments),
 * in file-name order. Never throws for a bad file: the result says why.
 */
export function readInstrumentFiles(dir?: string): InstrumentFileResult[] {
  const root = resolveDir(dir);
  const files = readdirSync(root)
    .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
    .sort();
  return files.map((name): InstrumentFileResult => {
    const file = path.join(root, name);
    const text = readFileSync(file, "utf8");
    try {
      const instrument = parseInstrument(text, name);
      // The file name is the id: `getInstrument(id)` and frozen assessments rely on it.
      const stem = name.replace(/\.ya?ml$/, "");
      if (instrument.id !== stem) {
        throw new InstrumentError(name, [issue("id", "instrument.idFileName", { id: instrument.id, stem })]);
      }
      return { ok: true, instrument, contentHash: contentHash(text), file };
    } catch (e) {
      // Logs and the CLI read the English rendering of the same keys the admin pages translate.
      if (e instanceof InstrumentError) return { ok: false, file, error: new InstrumentError(e.sourceName, e.issues, englishIssue) };
      throw e;
    }
  });
}

const cache = new Map<string, LoadedInstrument[]>();

/**
 * All instruments of the directory, parsed once per process (content changes with a deploy).
 * @throws InstrumentError for the first invalid file: the app must not run on broken content.
 */
export function loadInstruments(dir?: string): LoadedInstrument[] {
  const root = resolveDir(dir);
  const hit = cache.get(root);
  if (hit) return hit;
  const loaded = readInstrumentFiles(root).map((r) => {
    if (!r.ok) throw r.error;
    return { instrument: r.instrument, contentHash: r.contentHash, file: r.file };
  });
  cache.set(root, loaded);
  return loaded;
}

/** The instrument with this id, or null. */
export function getInstrument(id: string, dir?: string): LoadedInstrument | null {
  return loadInstruments(dir).find((l) => l.instrument.id === id) ?? null;
}

/** Forgets parsed content (tests; a dev server after editing a YAML file). */
export function clearInstrumentCache(): void {
  cache.clear();
}
