import fs from "node:fs";
import { createDb, resolveDbTarget } from "#db/client.server";
import { applyEvidenceGc, formatDuration, parseDuration, planEvidenceGc } from "~/services/evidence/gc.server";
import { migrateEvidence } from "~/services/evidence/migrate.server";
import { plainSize } from "~/services/evidence/rules";
import { storeFor } from "~/services/evidence/stores.server";
import { type CliIo, parseArgs, UsageError } from "./io";

export const DEFAULT_GC_MIN_AGE = "1h";
const USAGE = "usage: cermin evidence gc [--apply] [--min-age 1h]";
const MIGRATE_USAGE = "usage: cermin evidence migrate --to s3://bucket/prefix|file [--from s3://bucket/prefix|file]";

const bytes = (n: number) => `${n} bytes (${plainSize(n)})`;

/** Never judge references against an empty database created by accident. */
function databaseExists(io: CliIo): boolean {
  const target = resolveDbTarget();
  if (target.kind === "sqlite" && target.file !== ":memory:" && !fs.existsSync(target.file)) {
    io.err(`No database at ${target.file}.`);
    return false;
  }
  return true;
}

/** Lists evidence blobs no evidence row references; deletes them with --apply. */
export async function evidenceGc(args: string[], io: CliIo): Promise<number> {
  const { positional, opts } = parseArgs(args, { apply: "boolean", "min-age": "string" });
  if (positional.length > 0) throw new UsageError(USAGE);
  const minAgeMs = parseDuration(String(opts["min-age"] ?? DEFAULT_GC_MIN_AGE));
  if (minAgeMs === null) throw new UsageError("--min-age needs a duration such as 90s, 30m, 1h or 2d");
  if (!databaseExists(io)) return 1;
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

/**
 * Copies every referenced blob from the current store (EVIDENCE_STORE, or --from) to --to, with a
 * progress line per blob; resumable; exit 1 when any blob is missing or fails its hash check.
 */
export async function evidenceMigrate(args: string[], io: CliIo): Promise<number> {
  const { positional, opts } = parseArgs(args, { to: "string", from: "string" });
  if (positional.length > 0 || typeof opts.to !== "string") throw new UsageError(MIGRATE_USAGE);
  const spec = (s: string) => {
    try {
      return storeFor(s);
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
  };
  const from = spec(typeof opts.from === "string" ? opts.from : (process.env.EVIDENCE_STORE ?? "file"));
  const to = spec(opts.to);
  if (from.location === to.location) throw new UsageError(`--to names the store evidence is already in (${to.location})`);
  if (!databaseExists(io)) return 1;
  const db = createDb();
  try {
    io.out(`Copying referenced evidence from ${from.location} to ${to.location}.`);
    const r = await migrateEvidence(db, from, to, io.out);
    io.out(
      `${r.total} blob(s): ${r.copied} copied (${bytes(r.copiedBytes)}), ${r.skipped} already there, ${r.missing.length} missing, ${r.mismatched.length} hash mismatch(es).`,
    );
    if (r.missing.length > 0 || r.mismatched.length > 0) {
      io.err(
        `Evidence migration incomplete: missing ${r.missing.join(", ") || "none"}; hash mismatch ${r.mismatched.join(", ") || "none"}. Run it again after fixing the source.`,
      );
      return 1;
    }
    const env = to.kind === "file" ? "unset EVIDENCE_STORE (or EVIDENCE_STORE=file)" : `EVIDENCE_STORE=${to.location}`;
    io.out(`Done. Set ${env} on every app server; the source store is unchanged.`);
    return 0;
  } finally {
    await db.destroy();
  }
}
