import { readFileSync } from "node:fs";
import type { Db } from "#db/client.server";
import { outlineOf } from "~/domain/instrument/outline";
import { parseInstrument } from "~/domain/instrument/parse";
import type { Instrument } from "~/domain/instrument/schema";
import { contentHash, getInstrument, loadInstruments } from "./instruments.server";

/** Published instruments a new assessment can use. */
export function publishedInstruments(): { id: string; title: string; version: string; itemCount: number }[] {
  return loadInstruments()
    .filter((l) => l.instrument.status === "published")
    .map((l) => ({ id: l.instrument.id, title: l.instrument.title, version: l.instrument.version, itemCount: outlineOf(l.instrument).items.size }));
}

/**
 * Stores the exact content text of the current instrument file under its sha256, so an assessment
 * created now is scored with these rules forever, whatever later happens to the content file.
 */
export async function freezeInstrument(db: Db, instrumentId: string): Promise<{ hash: string; instrument: Instrument } | null> {
  const loaded = getInstrument(instrumentId);
  if (!loaded || loaded.instrument.status !== "published") return null;
  const text = readFileSync(loaded.file, "utf8");
  const hash = contentHash(text);
  // The same content may be frozen by concurrent requests (other server processes): the first insert wins.
  await db
    .insertInto("instrument_version")
    .values({ hash, instrument_id: loaded.instrument.id, version: loaded.instrument.version, content: text, created_at: new Date().toISOString() })
    .onConflict((oc) => oc.column("hash").doNothing())
    .execute();
  return { hash, instrument: loaded.instrument };
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
