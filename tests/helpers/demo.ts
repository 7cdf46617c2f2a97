/** Facts about the seeded demo database that end-to-end tests and benchmarks build on. */
import type { Db } from "#db/client.server";
import { parseInstrument } from "~/domain/instrument/parse";
import type { Instrument } from "~/domain/instrument/schema";

/** The demo's 2025 draft assessment of the Jakarta office (KLP-JKT) and its frozen instrument. */
export async function demoDraftAssessment(db: Db): Promise<{ id: string; instrument: Instrument }> {
  const assessment = await db
    .selectFrom("assessment as a")
    .innerJoin("unit as u", "u.id", "a.unit_id")
    .innerJoin("instrument_version as v", "v.hash", "a.instrument_hash")
    .select(["a.id", "v.content"])
    .where("u.code", "=", "KLP-JKT")
    .where("a.status", "=", "draft")
    .executeTakeFirst();
  if (!assessment) throw new Error("demo database has no draft assessment for KLP-JKT");
  return { id: assessment.id, instrument: parseInstrument(assessment.content, "frozen") };
}
