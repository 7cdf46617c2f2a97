import { readFileSync } from "node:fs";
import type { Db } from "#db/client.server";
import { outlineOf } from "~/domain/instrument/outline";
import { parseInstrument } from "~/domain/instrument/parse";
import type { AppliesTo, Instrument } from "~/domain/instrument/schema";
import { compareVersions } from "~/domain/instrument/version";
import { contentHash, loadInstruments } from "./catalog.server";

export interface PublishedInstrument {
  id: string;
  title: string;
  version: string;
  itemCount: number;
  /** Where it applies (organisation kinds, periods): the roll-out proposes and labels by it. */
  appliesTo?: AppliesTo;
}

/**
 * Published content files a new assessment could use, ignoring releases uploaded in the app.
 * @deprecated content files only: use publishedInstrumentsIn(db), which also knows published releases.
 */
export function publishedInstruments(): PublishedInstrument[] {
  return loadInstruments()
    .filter((l) => l.instrument.status === "published")
    .map((l) => ({ id: l.instrument.id, title: l.instrument.title, version: l.instrument.version, itemCount: outlineOf(l.instrument).items.size }));
}

/** Where the current version of a family comes from: a content file, or a release published in the app. */
export type InstrumentSource = { kind: "content"; file: string } | { kind: "release"; releaseId: string };

interface Candidate {
  family: string;
  version: string;
  hash: string;
  source: InstrumentSource;
  /** Parsed already for content files; releases are parsed on first use (see releaseInstrument). */
  instrument: Instrument | null;
}

/** The current version of one family, as a new assessment would freeze it. */
export interface CurrentInstrument {
  instrument: Instrument;
  hash: string;
  source: InstrumentSource;
}

const releases = new Map<string, Instrument>();

/**
 * A release's text parsed once per process: its hash names exactly this text, and it was validated on
 * upload, so a parse failure here means the row was edited by hand (and must fail loudly).
 */
export function releaseInstrument(hash: string, text: string, family: string): Instrument {
  let hit = releases.get(hash);
  if (!hit) {
    hit = parseInstrument(text, `${family}@${hash.slice(0, 12)}`);
    releases.set(hash, hit);
  }
  return hit;
}

/**
 * Per family, the newest published version among the published content file and the releases
 * published in the app (compareVersions; the content file wins a tie). Content-file families come
 * first in file order, then families that exist only as releases, by id.
 */
async function currentCandidates(db: Db): Promise<Map<string, Candidate>> {
  const best = new Map<string, Candidate>();
  for (const l of loadInstruments()) {
    if (l.instrument.status !== "published") continue;
    best.set(l.instrument.id, {
      family: l.instrument.id,
      version: l.instrument.version,
      hash: l.contentHash,
      source: { kind: "content", file: l.file },
      instrument: l.instrument,
    });
  }
  const rows = await db
    .selectFrom("instrument_release")
    .select(["id", "instrument_id", "version", "content_hash"])
    .where("status", "=", "published")
    .orderBy("instrument_id")
    .orderBy("published_at")
    .execute();
  for (const r of rows) {
    const held = best.get(r.instrument_id);
    if (held && compareVersions(r.version, held.version) <= 0) continue;
    best.set(r.instrument_id, { family: r.instrument_id, version: r.version, hash: r.content_hash, source: { kind: "release", releaseId: r.id }, instrument: null });
  }
  return best;
}

async function releaseText(db: Db, releaseId: string): Promise<string> {
  const row = await db.selectFrom("instrument_release").select("content").where("id", "=", releaseId).executeTakeFirstOrThrow();
  return row.content;
}

async function materialise(db: Db, c: Candidate): Promise<CurrentInstrument> {
  if (c.instrument) return { instrument: c.instrument, hash: c.hash, source: c.source };
  const { source } = c;
  if (source.kind !== "release") throw new Error(`instrument ${c.family}: a content file without its parsed instrument`);
  const instrument = releases.get(c.hash) ?? releaseInstrument(c.hash, await releaseText(db, source.releaseId), c.family);
  return { instrument, hash: c.hash, source };
}

/** The current published version of every family. */
export async function currentInstruments(db: Db): Promise<CurrentInstrument[]> {
  const candidates = [...(await currentCandidates(db)).values()];
  return Promise.all(candidates.map((c) => materialise(db, c)));
}

/** The current published version of one family, or null when it has none. */
export async function currentInstrument(db: Db, family: string): Promise<CurrentInstrument | null> {
  const c = (await currentCandidates(db)).get(family);
  return c ? materialise(db, c) : null;
}

/** Instruments a new assessment can use: per family its current published version (content file or release). */
export async function publishedInstrumentsIn(db: Db): Promise<PublishedInstrument[]> {
  return (await currentInstruments(db)).map(({ instrument }) => ({
    id: instrument.id,
    title: instrument.title,
    version: instrument.version,
    itemCount: outlineOf(instrument).items.size,
    ...(instrument.applies_to ? { appliesTo: instrument.applies_to } : {}),
  }));
}

/**
 * Stores the exact text of the family's current published version (content file or release) under its
 * sha256, so an assessment created now is scored with these rules forever, whatever is published later.
 */
export async function freezeInstrument(db: Db, instrumentId: string): Promise<{ hash: string; instrument: Instrument } | null> {
  const current = await currentInstrument(db, instrumentId);
  if (!current) return null;
  const { source, instrument } = current;
  const text = source.kind === "content" ? readFileSync(source.file, "utf8") : await releaseText(db, source.releaseId);
  const hash = contentHash(text);
  // The same content may be frozen by concurrent requests (other server processes): the first insert wins.
  await db
    .insertInto("instrument_version")
    .values({ hash, instrument_id: instrument.id, version: instrument.version, content: text, created_at: new Date().toISOString() })
    .onConflict((oc) => oc.column("hash").doNothing())
    .execute();
  return { hash, instrument };
}

const parsed = new Map<string, Promise<Instrument>>();

/**
 * The frozen instrument of an assessment, parsed once per process. The promise is cached, not the
 * result: on PostgreSQL the lookup is real I/O, and the first requests after a start would otherwise
 * each parse the same YAML (50 concurrent autosaves: 50 parses, seconds of CPU).
 */
export function getFrozenInstrument(db: Db, hash: string): Promise<Instrument> {
  let hit = parsed.get(hash);
  if (!hit) {
    const lookup = db
      .selectFrom("instrument_version")
      .selectAll()
      .where("hash", "=", hash)
      .executeTakeFirstOrThrow()
      .then((row) => parseInstrument(row.content, `${row.instrument_id}@${hash.slice(0, 12)}`));
    // A failed lookup is not remembered: the next request tries again.
    lookup.catch(() => {
      if (parsed.get(hash) === lookup) parsed.delete(hash);
    });
    parsed.set(hash, lookup);
    hit = lookup;
  }
  return hit;
}

/**
 * The item-id mapping of the published release that froze as `toHash` when it was diffed against
 * `fromHash` (instrument_release.previous_hash), or null: then ids carry over as they are.
 */
export async function releaseMapping(db: Db, fromHash: string, toHash: string): Promise<Map<string, string | null> | null> {
  const row = await db
    .selectFrom("instrument_release")
    .select("mapping_json")
    .where("content_hash", "=", toHash)
    .where("previous_hash", "=", fromHash)
    .where("status", "=", "published")
    .executeTakeFirst();
  if (!row?.mapping_json) return null;
  const mapping = JSON.parse(row.mapping_json) as { items?: Record<string, string | null> };
  return new Map(Object.entries(mapping.items ?? {}));
}
