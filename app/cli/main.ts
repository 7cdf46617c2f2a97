import { backup, dbMigrate, dbSeed } from "./db-commands";
import { type CliIo, processIo, UsageError } from "./io";
import { start } from "./start";
import { userCreate } from "./user-commands";

const HELP = `Cermin command line

  cermin start                         build if needed, migrate, seed the demo into an empty database, serve
  cermin serve                         serve the existing build (no build, no seed)
  cermin db migrate                    apply pending migrations
  cermin db seed --demo                seed the demo organisations and users (empty database only)
  cermin db seed --scale 1000x5        a large generated organisation (units x closed periods) for benchmarks
  cermin db seed --scale 600x3 --organisations
                                       many organisations (regencies under provinces) x yearly Evaluasi RB cycles, for roll-ups
  cermin rollup import-national FILE [--as EMAIL|admin]
                                       import published national averages (YAML or CSV: year,kind,instrument,node,value,source)
  cermin user create --email E --role R (--unit ID|CODE | --org ID|CODE) [--name N]
                                       create a user and print a one-time set-password link
  cermin backup <file>                 consistent copy while serving (SQLite VACUUM INTO; PostgreSQL pg_dump -Fc)
  cermin evidence gc [--apply] [--min-age 1h]
                                       list evidence files no evidence row references (older than
                                       --min-age); --apply deletes them (local disk or object store)
  cermin evidence migrate --to s3://bucket/prefix|file [--from …]
                                       copy every referenced evidence file between stores (from
                                       EVIDENCE_STORE by default), resumable, each hash verified
  cermin instruments check             validate every instrument content file
  cermin instruments import FILE [--mapping FILE] [--publish] [--as EMAIL|admin]
                                       upload a new instrument version as a draft release, print the
                                       issues or its diff against the published version; --publish publishes it
  cermin instruments import-weights --from ID --csv FILE --version V --year Y [--out FILE] [--id ID] [--dir DIR]
                                       apply a Portal RB weight table (lke_bobot) to an instrument by portal_id
                                       and write the new version's YAML (stdout without --out)
  cermin verify <assessmentId> [--seal N] [--json]
                                       recompute a sealed submission and name every change by item or file
  cermin verify --receipt FILE --public-key KEY
                                       check a receipt offline with the installation's public key
  cermin score <instrument> <answers.json> [--json]
                                       score an answers file with the engine
  cermin lke template <instrument> -o FILE
                                       blank LKE workbook (.xlsx) of an instrument
  cermin lke export <assessmentId> -o FILE [--as EMAIL]
                                       the assessment as an LKE workbook (live formulas)
  cermin lke score FILE [--json] [--layer HEADER]
                                       score a filled workbook offline (same output as cermin score; every
                                       answer column group of an official workbook, each with its header)
  cermin lke import <assessmentId> FILE [--apply] [--take-conflicts] [--allow-clear] [--layer HEADER] [--as EMAIL]
                                       preview a filled workbook's changes; --apply applies them
  cermin lke historical FILE --unit ID --period ID [--layer HEADER] [--external-layer HEADER]
                                       a past workbook as a final, sealed assessment of that period
  cermin lke --help                    every lke command and option

Environment: DATABASE_URL, DATA_DIR, PORT, HOST, SESSION_SECRET,
  EVIDENCE_STORE (file | s3://bucket/prefix), S3_ENDPOINT, S3_REGION, S3_FORCE_PATH_STYLE, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY`;

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [cmd, sub, ...rest] = argv;
  try {
    switch (cmd) {
      case "start":
        return await start(io);
      case "serve":
        return await start(io, { build: false, seed: false });
      case "db":
        if (sub === "migrate") return await dbMigrate(io);
        if (sub === "seed") return await dbSeed(rest, io);
        throw new UsageError(`unknown db command "${sub ?? ""}" (migrate, seed)`);
      case "user":
        if (sub === "create") return await userCreate(rest, io);
        throw new UsageError(`unknown user command "${sub ?? ""}" (create)`);
      case "evidence": {
        if (sub !== "gc" && sub !== "migrate") throw new UsageError(`unknown evidence command "${sub ?? ""}" (gc, migrate)`);
        const { evidenceGc, evidenceMigrate } = await import("./evidence-commands");
        return await (sub === "gc" ? evidenceGc : evidenceMigrate)(rest, io);
      }
      case "backup":
        return await backup(sub === undefined ? rest : [sub, ...rest], io);
      case "instruments": {
        if (sub === "import") {
          const { instrumentsImport } = await import("./instrument-releases");
          return await instrumentsImport(rest, io);
        }
        if (sub === "import-weights") {
          const { instrumentsImportWeights } = await import("./instruments");
          return await instrumentsImportWeights(rest, io);
        }
        if (sub !== "check") throw new UsageError(`unknown instruments command "${sub ?? ""}" (check, import, import-weights)`);
        const { instrumentsCheck } = await import("./instruments");
        return await instrumentsCheck(rest, io);
      }
      case "rollup": {
        const { rollupCommand } = await import("./rollup");
        return await rollupCommand(sub, rest, io);
      }
      case "lke": {
        const { lkeCommand } = await import("./lke");
        return await lkeCommand(sub, rest, io);
      }
      case "verify": {
        const { verifyCommand } = await import("./verify");
        return await verifyCommand(sub === undefined ? rest : [sub, ...rest], io);
      }
      case "score": {
        const { scoreCommand } = await import("./score");
        return await scoreCommand(sub === undefined ? rest : [sub, ...rest], io);
      }
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.out(HELP);
        return cmd === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${cmd}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`cermin: ${e.message}\nRun "cermin help" for usage.`);
      return 2;
    }
    io.err(`cermin: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
