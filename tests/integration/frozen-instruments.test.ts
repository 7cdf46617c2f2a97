import { describe, expect, it } from "vitest";
import type { Db } from "#db/client.server";
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
