import fs from "node:fs";
import { createDb, resolveDbTarget } from "#db/client.server";
import { applyEvidenceGc, formatDuration, parseDuration, planEvidenceGc } from "~/services/evidence-gc.server";
import { plainSize } from "~/services/evidence-rules";
import { type CliIo, parseArgs, UsageError } from "./io";

export const DEFAULT_GC_MIN_AGE = "1h";
const USAGE = "usage: cermin evidence gc [--apply] [--min-age 1h]";

const bytes = (n: number) => `${n} bytes (${plainSize(n)})`;

/** Lists evidence blobs no evidence row references; deletes them with --apply. */
export async function evidenceGc(args: string[], io: CliIo): Promise<number> {
  const { positional, opts } = parseArgs(args, { apply: "boolean", "min-age": "string" });
  if (positional.length > 0) throw new UsageError(USAGE);
  const minAgeMs = parseDuration(String(opts["min-age"] ?? DEFAULT_GC_MIN_AGE));
  if (minAgeMs === null) throw new UsageError("--min-age needs a duration such as 90s, 30m, 1h or 2d");
  const target = resolveDbTarget();
  // Never judge references against an empty database created by accident.
  if (target.kind === "sqlite" && target.file !== ":memory:" && !fs.existsSync(target.file)) {
    io.err(`No database at ${target.file}.`);
    return 1;
  }
  const db = createDb();
  try {
    const plan = await planEvidenceGc(db, { minAgeMs });
    const age = formatDuration(minAgeMs);
    io.out(
      `Evidence store ${plan.dir}: ${plan.blobs} blob(s), ${plan.referenced} referenced, ${plan.young.length} unreferenced but younger than ${age} (kept).`,
    );
    io.out(
      `Unreferenced blobs older than ${age}: ${plan.unreferenced.length}, ${bytes(plan.unreferencedBytes)}${plan.unreferenced.length ? ":" : "."}`,
    );
    for (const b of plan.unreferenced) io.out(`  ${b.sha256}  ${b.size}`);
    if (plan.unreferenced.length > 0 && !plan.databaseHasFiles) {
      io.err("The database has no file evidence at all, yet blobs are stored: is DATABASE_URL the right database? Nothing deleted.");
      return 1;
    }
    if (!opts.apply) {
      if (plan.unreferenced.length > 0) io.out('Dry run: nothing deleted. Run "cermin evidence gc --apply" to delete them.');
      return 0;
    }
    const result = await applyEvidenceGc(db, plan);
    io.out(`Deleted ${result.deleted.length} blob(s), ${bytes(result.deletedBytes)}; logged in the audit log (evidence.gc).`);
    if (result.spared.length > 0) io.out(`Kept ${result.spared.length} blob(s) that came into use meanwhile: ${result.spared.join(", ")}`);
    return 0;
  } finally {
    await db.destroy();
  }
}
