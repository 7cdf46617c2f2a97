/**
 * Prepared queries (db/prepared.ts): built once per dialect, run with new values each call —
 * the same rows and effects as the query builder, inside and outside transactions.
 */
import { beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import { prepared } from "#db/prepared";
import { freshDb } from "../helpers/db";
import { makeOrg, makeUnit } from "../helpers/factories";

let db: Db;
let orgA: { id: string; name: string };
let orgB: { id: string; name: string };
beforeAll(async () => {
  db = await freshDb();
  orgA = await makeOrg(db, "Instansi A");
  orgB = await makeOrg(db, "Instansi B");
  await makeUnit(db, orgA.id, null, "Unit A1");
  await makeUnit(db, orgA.id, null, "Unit A2");
  await makeUnit(db, orgB.id, null, "Unit B1");
});

const unitsOf = prepared((db: Db, organisationId: string, name: string) =>
  db
    .selectFrom("unit")
    .innerJoin("organisation", "organisation.id", "unit.organisation_id")
    .select(["unit.name", "organisation.name as org"])
    .where("unit.organisation_id", "=", organisationId)
    .where("unit.name", "!=", name)
    .orderBy("unit.name"),
);

test("each call runs with its own values and returns what the query builder returns", async () => {
  for (const [org, except] of [
    [orgA, "Unit A1"],
    [orgB, "nothing"],
    [orgA, "Unit A2"],
  ] as const) {
    const viaBuilder = await db
      .selectFrom("unit")
      .innerJoin("organisation", "organisation.id", "unit.organisation_id")
      .select(["unit.name", "organisation.name as org"])
      .where("unit.organisation_id", "=", org.id)
      .where("unit.name", "!=", except)
      .orderBy("unit.name")
      .execute();
    expect((await unitsOf(db, org.id, except)).rows).toEqual(viaBuilder);
  }
  expect((await unitsOf(db, orgA.id, "Unit A1")).rows).toEqual([{ name: "Unit A2", org: "Instansi A" }]);
});

test("inside a transaction it runs on the transaction's connection: a rollback undoes its write", async () => {
  const rename = prepared((db: Db, name: string, id: string) => db.updateTable("organisation").set({ name }).where("id", "=", id));
  await expect(
    db.transaction().execute(async (trx) => {
      const res = await rename(trx, "Diganti", orgB.id);
      expect(Number(res.numAffectedRows)).toBe(1);
      expect((await unitsOf(trx, orgB.id, "x")).rows).toEqual([{ name: "Unit B1", org: "Diganti" }]);
      throw new Error("roll back");
    }),
  ).rejects.toThrow("roll back");
  expect((await unitsOf(db, orgB.id, "x")).rows).toEqual([{ name: "Unit B1", org: "Instansi B" }]);
  await rename(db, "Instansi B2", orgB.id);
  expect((await unitsOf(db, orgB.id, "x")).rows[0]!.org).toBe("Instansi B2");
});

test("built once: calls on the database and on its transactions share the compiled query", async () => {
  let builds = 0;
  const count = prepared((db: Db, organisationId: string) => {
    builds++;
    return db
      .selectFrom("unit")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .where("organisation_id", "=", organisationId);
  });
  expect(Number((await count(db, orgA.id)).rows[0]!.n)).toBe(2);
  await db.transaction().execute(async (trx) => expect(Number((await count(trx, orgB.id)).rows[0]!.n)).toBe(1));
  expect(Number((await count(db, orgB.id)).rows[0]!.n)).toBe(1);
  expect(builds).toBe(1);
});

test("a build that does not pass an argument into the query is refused", async () => {
  const careless = prepared((db: Db, organisationId: string, _unused: string) =>
    db.selectFrom("unit").select("name").where("organisation_id", "=", organisationId),
  );
  await expect(careless(db, orgA.id, "x")).rejects.toThrow(/every argument must become a query parameter \(uses per argument: 1, 0\)/);
});
