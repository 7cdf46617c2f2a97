/*
 * `cermin lke historical FILE --unit UNIT_ID --period PERIOD_ID [--instrument ID] [--layer HEADER]
 *  [--external-layer HEADER] [--as EMAIL] [--json]` (issue #26): a past workbook becomes a final,
 * sealed historical assessment of the unit in that period. --layer names the answer column group
 * that is the unit's own (header text or column letter; default the first), --external-layer the
 * group imported as the released external evaluator layer. Exit 1: unit or period not found, or not
 * allowed; 2: usage, a workbook that cannot be read, or an import the rules refuse (nothing written).
 */
import { readFile } from "node:fs/promises";
import { createDb } from "#db/client.server";
import { migrateToLatest } from "#db/migrate";
import { fmtId } from "~/domain/scoring/format";
import { translator } from "~/i18n";
import { importHistoricalWorkbook } from "~/services/excel/historical.server";
import { issueText, LkeError } from "~/services/excel/sheet.server";
import { HistoricalImportError } from "~/services/workbench/historical.server";
import { actorFor } from "./actor";
import { type CliIo, parseArgs, UsageError } from "./io";

const USAGE =
  "usage: cermin lke historical FILE --unit UNIT_ID --period PERIOD_ID [--instrument ID] [--layer HEADER] [--external-layer HEADER] [--as EMAIL] [--json]";
const EXIT_REFUSED = 2;

export async function lkeHistoricalCommand(args: string[], io: CliIo): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    io.out(USAGE);
    return 0;
  }
  const { positional, opts } = parseArgs(args, {
    unit: "string",
    period: "string",
    instrument: "string",
    layer: "string",
    "external-layer": "string",
    as: "string",
    json: "boolean",
  });
  const [file] = positional;
  if (!file || positional.length > 1 || typeof opts.unit !== "string" || typeof opts.period !== "string") throw new UsageError(USAGE);
  const bytes = await readFile(file).catch((e: unknown) => {
    throw new UsageError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  });
  const str = (v: string | boolean | undefined) => (typeof v === "string" ? v : undefined);
  const db = createDb();
  try {
    await migrateToLatest(db);
    const actor = await actorFor(db, opts.as);
    const name = file.split(/[\\/]/).pop()!;
    const r = await importHistoricalWorkbook(db, actor, {
      unitId: opts.unit,
      periodId: opts.period,
      instrumentId: str(opts.instrument),
      file: { name, bytes: new Uint8Array(bytes) },
      layer: str(opts.layer),
      externalLayer: str(opts["external-layer"]),
    });
    if (opts.json) {
      io.out(JSON.stringify(r, null, 2));
      return 0;
    }
    io.out(`Penilaian historis ${r.assessmentId} dibuat (final, disegel ke-${r.seal.seq}) dari ${name} (SHA-256 ${r.sha256})`);
    io.out(`  instrumen ${r.instrumentId}; kelompok jawaban unit: "${r.self}" → total ${fmtId(r.total, 4)}`);
    if (r.external) io.out(`  lapisan eksternal (dirilis): "${r.external}" → total ${fmtId(r.externalTotal ?? 0, 4)}`);
    for (const g of r.groups) io.out(`  kelompok [${g.answerColumn}] "${g.header}": ${g.answered} jawaban, total ${fmtId(g.total, 4)}`);
    return 0;
  } catch (e) {
    if (e instanceof LkeError) {
      io.err(`buku kerja tidak terbaca:\n${e.issues.map((i) => `  - ${issueText(i)}`).join("\n")}`);
      return EXIT_REFUSED;
    }
    if (e instanceof HistoricalImportError) {
      // The page's sentence in Indonesian, then the key and its detail (for scripts and support).
      io.err(`ditolak: ${translator("id")(e.key, { detail: e.detail ?? "" })} [${e.key}${e.detail ? ` ${e.detail}` : ""}]`);
      return EXIT_REFUSED;
    }
    if (e instanceof Response) {
      io.err(
        e.status === 404 ? "unit or period not found (or not visible to this user)" : "not allowed to roll out assessments for this unit",
      );
      return 1;
    }
    throw e;
  } finally {
    await db.destroy();
  }
}
