import { readFile } from "node:fs/promises";
import path from "node:path";
import { createDb } from "#db/client.server";
import { migrateToLatest } from "#db/migrate";
import { translator } from "~/i18n";
import { importNationalAverages, NationalFileError, parseNationalFile } from "~/services/rollup/national.server";
import { adminFor } from "./instrument-releases";
import { type CliIo, parseArgs, UsageError } from "./io";

const USAGE = "usage: cermin rollup import-national FILE [--as EMAIL|admin]";

/**
 * `cermin rollup import-national FILE [--as EMAIL|admin]`: published national averages (YAML or CSV; the
 * shape is in app/services/rollup/national.server.ts) into table national_average, as the admin page does.
 */
export async function rollupCommand(sub: string | undefined, args: string[], io: CliIo): Promise<number> {
  if (sub !== "import-national") throw new UsageError(`unknown rollup command "${sub ?? ""}" (import-national)`);
  const { positional, opts } = parseArgs(args, { as: "string" });
  const [file] = positional;
  if (!file || positional.length > 1) throw new UsageError(USAGE);
  const text = await readFile(file, "utf8");
  const db = createDb();
  try {
    await migrateToLatest(db);
    const actor = await adminFor(db, opts.as);
    const rows = parseNationalFile(text, path.basename(file));
    const count = await importNationalAverages(db, actor, rows);
    io.out(`Imported ${count} national average(s) from ${file}.`);
    return 0;
  } catch (e) {
    if (e instanceof NationalFileError) {
      io.err(`${file}: ${translator("en")(e.key, e.problem.params)}`);
      return 1;
    }
    throw e;
  } finally {
    await db.destroy();
  }
}
