/**
 * `cermin lke historical` (issue #26): a past workbook becomes a final, sealed historical assessment
 * from the command line; `cermin verify` then names the workbook it was imported from; a second
 * import of the same unit, period and instrument is refused (exit 2) and nothing is written.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createDb, type Db } from "#db/client.server";
import type { Answers } from "~/domain/scoring/answers";
import { scoreAssessment } from "~/domain/scoring/score";
import { loadInstruments } from "~/services/instruments/catalog.server";
import { cliDataDir, runMain as run } from "../helpers/cli";
import { makeOrg, makePeriod, makeUnit, makeUser } from "../helpers/factories";
import { pmprbOfficialWorkbook } from "../helpers/official-lke";
import { randomAnswers } from "../unit/scoring/random-answers";

const dataDir = cliDataDir("cermin-historical-cli-");
const pmprb = loadInstruments().find((l) => l.instrument.id === "pmprb-2014")!.instrument;
const layer = (seed: number): Answers => Object.fromEntries(Object.entries(randomAnswers(pmprb, seed)).filter(([, v]) => v !== null));

let db: Db;
let unitId = "";
let periodId = "";
let file = "";
const [unitLayer, evalLayer] = [layer(5), layer(6)];

beforeAll(async () => {
  expect((await run("db", "migrate")).code).toBe(0);
  db = createDb(`sqlite:${path.join(dataDir(), "cermin.db")}`);
  const org = await makeOrg(db, "Kementerian CLI");
  unitId = (await makeUnit(db, org.id, null, "Biro Historis")).id;
  periodId = await makePeriod(db, org.id, 2016);
  await makeUser(db, { role: "admin", email: "root@cermin.test", password: null });
  file = path.join(dataDir(), "LKE RB 2016.xlsx");
  fs.writeFileSync(
    file,
    await pmprbOfficialWorkbook(pmprb, [
      { year: 2016, answers: unitLayer },
      { year: 2015, answers: evalLayer },
    ]),
  );
});
afterAll(async () => {
  await db.destroy();
});

test("imports the named groups as self and released external layer, sealed; verify names the workbook; a second import is refused", async () => {
  const usage = await run("lke", "historical", file, "--unit", unitId);
  expect(usage.code).toBe(2);
  expect(usage.err).toMatch(/usage: cermin lke historical FILE --unit UNIT_ID --period PERIOD_ID/);

  const r = await run(
    "lke",
    "historical",
    file,
    "--unit",
    unitId,
    "--period",
    periodId,
    "--layer",
    "PENILAIAN TAHUN 2016",
    "--external-layer",
    "V",
    "--json",
  );
  expect(r.code, r.err).toBe(0);
  const out = JSON.parse(r.out) as {
    assessmentId: string;
    total: number;
    externalTotal: number;
    instrumentId: string;
    self: string;
    external: string;
    seal: { seq: number };
  };
  expect(out).toMatchObject({
    instrumentId: "pmprb-2014",
    self: "PENILAIAN TAHUN 2016",
    external: "PENILAIAN TAHUN 2015",
    seal: { seq: 1 },
  });
  expect(out.total).toBeCloseTo(scoreAssessment(pmprb, unitLayer).total, 9);
  expect(out.externalTotal).toBeCloseTo(scoreAssessment(pmprb, { ...unitLayer, ...evalLayer }).total, 9);
  const a = await db.selectFrom("assessment").select(["status", "period_id"]).where("id", "=", out.assessmentId).executeTakeFirstOrThrow();
  expect(a).toEqual({ status: "final", period_id: periodId });

  const verified = await run("verify", out.assessmentId);
  expect(verified.code, verified.out).toBe(0);
  expect(verified.out).toMatch(/imported from workbook LKE RB 2016\.xlsx \(SHA-256 [0-9a-f]{64}\)/);

  const again = await run("lke", "historical", file, "--unit", unitId, "--period", periodId);
  expect(again.code).toBe(2);
  expect(again.err).toMatch(/historical\.exists/);
  expect(await db.selectFrom("assessment").select("id").where("unit_id", "=", unitId).execute()).toHaveLength(1);
});
