import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Db } from "#db/client.server";
import { scoreAssessment } from "~/domain/scoring/score";
import { contentHash } from "~/services/instruments/catalog.server";
import { freezeInstrument, getFrozenInstrument } from "~/services/instruments/frozen.server";
import { freshDb } from "../helpers/db";

/** Counts the instrument_version queries a Kysely instance runs (by query id: Kysely may transform one query twice). */
function counting(db: Db): { db: Db; lookups: () => number } {
  const ids = new Set<unknown>();
  const spy = db.withPlugin({
    transformQuery: (args) => {
      if (JSON.stringify(args.node).includes('"instrument_version"')) ids.add(args.queryId);
      return args.node;
    },
    transformResult: async (args) => args.result,
  });
  return { db: spy, lookups: () => ids.size };
}

describe("getFrozenInstrument", () => {
  it("parses a frozen instrument once, even for many concurrent first requests", async () => {
    const db = await freshDb();
    const frozen = await freezeInstrument(db, "zi-2021");
    expect(frozen).not.toBeNull();
    const { db: spy, lookups } = counting(db);
    const all = await Promise.all(Array.from({ length: 50 }, () => getFrozenInstrument(spy, frozen!.hash)));
    expect(lookups()).toBe(1);
    expect(new Set(all).size).toBe(1);
    expect(all[0]!.id).toBe("zi-2021");
    expect(await getFrozenInstrument(spy, frozen!.hash)).toBe(all[0]);
    expect(lookups()).toBe(1);
  });

  it("does not remember a failed lookup", async () => {
    const db = await freshDb();
    const hash = "f".repeat(64);
    await expect(getFrozenInstrument(db, hash)).rejects.toThrow();
    await expect(getFrozenInstrument(db, hash)).rejects.toThrow(); // looked up again, still missing
    const { db: spy, lookups } = counting(db);
    await expect(getFrozenInstrument(spy, hash)).rejects.toThrow();
    expect(lookups()).toBe(1);
  });
});

describe("freezeInstrument", () => {
  it("concurrent freezes of the same content (other requests, other server processes) all succeed and store it once", async () => {
    const db = await freshDb();
    const all = await Promise.all(Array.from({ length: 5 }, () => freezeInstrument(db, "zi-2021")));
    expect(new Set(all.map((f) => f!.hash)).size).toBe(1);
    const rows = await db.selectFrom("instrument_version").select("hash").where("hash", "=", all[0]!.hash).execute();
    expect(rows).toHaveLength(1);
  });
});

describe("an assessment frozen at pmprb-2014 1.0.0 (Hasil as external points) after the content moved to 1.0.1", () => {
  it("keeps its version, its answer types and its scores", async () => {
    const db = await freshDb();
    const text = readFileSync(
      path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/instruments/pmprb-2014-1.0.0.yaml"),
      "utf8",
    );
    const hash = contentHash(text);
    await db
      .insertInto("instrument_version")
      .values({ hash, instrument_id: "pmprb-2014", version: "1.0.0", content: text, created_at: new Date().toISOString() })
      .execute();
    const old = await getFrozenInstrument(db, hash);
    expect(old.version).toBe("1.0.0");
    // The points the evaluators gave still score as points; the current version takes raw values instead.
    const answers = { "B.1.ii.a": 4.56, "B.2.i.a": 5.7925, "B.2.ii.a": 3, "B.3.i.a": 7.7925 };
    expect(scoreAssessment(old, answers).nodes["B"]!.value).toBeCloseTo(21.145, 12);
    const current = (await freezeInstrument(db, "pmprb-2014"))!;
    expect(current.instrument.version).toBe("1.0.1");
    expect(current.hash).not.toBe(hash);
    expect(
      scoreAssessment(current.instrument, { "B.1.ii.a": 3.8, "B.2.i.a": 3.31, "B.2.ii.a": "WTP", "B.3.i.a": 3.117 }).nodes["B"]!.value,
    ).toBeCloseTo(21.145, 12);
    expect(() => scoreAssessment(current.instrument, { "B.2.ii.a": 3 })).toThrow(/B\.2\.ii\.a/);
  });
});
