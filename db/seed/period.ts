// The period row as the seeds and the test factories write it (straight to the table, no permission
// checks): named "Periode <year>", no stage windows unless given.
import type { Db } from "#db/client.server";
import type { PeriodStatus, PeriodTable } from "#db/schema";
import { newId } from "~/utils/ids";

export type PeriodWindows = Pick<PeriodTable, "fill_start" | "fill_end" | "review_end" | "evaluation_end">;

export async function insertPeriod(
  db: Db,
  p: {
    id?: string;
    organisationId: string;
    year: number;
    name?: string;
    status?: PeriodStatus;
    windows?: Partial<PeriodWindows>;
    now?: string;
  },
): Promise<string> {
  const id = p.id ?? newId();
  await db
    .insertInto("period")
    .values({
      id,
      organisation_id: p.organisationId,
      year: p.year,
      name: p.name ?? `Periode ${p.year}`,
      status: p.status ?? "open",
      fill_start: p.windows?.fill_start ?? null,
      fill_end: p.windows?.fill_end ?? null,
      review_end: p.windows?.review_end ?? null,
      evaluation_end: p.windows?.evaluation_end ?? null,
      created_at: p.now ?? new Date().toISOString(),
    })
    .execute();
  return id;
}
