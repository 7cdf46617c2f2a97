import { readFile } from "node:fs/promises";
import path from "node:path";
import { createDb, type Db } from "#db/client.server";
import { migrateToLatest } from "#db/migrate";
import type { Actor } from "~/auth/permissions";
import { loadActor } from "~/auth/require.server";
import { diffSize, type InstrumentDiff } from "~/domain/instrument/diff";
import { fmt } from "~/domain/scoring/format";
import { englishIssue } from "~/i18n/instrument-issues";
import { publishRelease, ReleaseError, uploadRelease, type ReleaseView } from "~/services/instruments/releases.server";
import { type CliIo, parseArgs, UsageError } from "./io";

const USAGE = "usage: cermin instruments import FILE [--mapping FILE] [--publish] [--as EMAIL|admin]";

/** The system administrator named by --as (an e-mail), or the first one (`--as admin` or no --as). */
export async function adminFor(db: Db, as: string | boolean | undefined): Promise<Actor> {
  const email = typeof as === "string" && as !== "admin" ? as.trim().toLowerCase() : null;
  let q = db.selectFrom("user").selectAll().where("disabled_at", "is", null);
  q = email ? q.where("email", "=", email) : q.where("is_admin", "=", 1).orderBy("created_at");
  const user = await q.executeTakeFirst();
  if (!user)
    throw new UsageError(
      email ? `no active user with e-mail ${email}` : "no system administrator: create one with cermin user create --role admin",
    );
  if (user.is_admin !== 1) throw new UsageError(`${user.email} is not a system administrator: only they may import instruments`);
  return loadActor(db, user);
}

const num = (x: number) => fmt(x).replace(".", ",");

/** One line per change, grouped like the admin page. */
export function diffLines(diff: InstrumentDiff): string[] {
  const lines: string[] = [];
  const section = (title: string, rows: string[]) => {
    if (rows.length === 0) return;
    lines.push(`  ${title} (${rows.length}):`);
    for (const r of rows) lines.push(`    ${r}`);
  };
  section(
    "ditambahkan",
    diff.added.map((s) => `+ ${s.id} [${s.level}] ${s.label}`),
  );
  section(
    "dihapus",
    diff.removed.map((s) => `- ${s.id} [${s.level}] ${s.label}`),
  );
  section(
    "bobot berubah",
    diff.reweighted.map((s) => `${s.id} [${s.level}] ${num(s.from)} → ${num(s.to)}`),
  );
  section(
    "jenis jawaban berubah",
    diff.retyped.map((s) => `${s.id} ${s.from} → ${s.to}`),
  );
  section(
    "rentang/opsi berubah",
    diff.rangeChanged.map((s) => `${s.id} ${s.field}: ${s.from || "–"} → ${s.to || "–"}`),
  );
  section(
    "kode butir berubah",
    diff.renamed.map((s) => `${s.from} → ${s.to}`),
  );
  section(
    "teks berubah",
    diff.relabelled.map((s) => `${s.id} ${s.field}`),
  );
  return lines;
}

function report(view: ReleaseView, io: CliIo): void {
  const r = view.release;
  io.out(`${r.instrumentId} ${r.version} [${r.status}] — ${r.title}`);
  io.out(`  rilis: ${r.id}`);
  io.out(`  sha256: ${r.contentHash}`);
  if (!view.against) {
    io.out(
      view.release.previousHash
        ? `  versi sebelumnya ${view.release.previousHash.slice(0, 12)} tidak ditemukan`
        : "  instrumen baru: tidak ada versi terbit untuk dibandingkan",
    );
    return;
  }
  io.out(`  dibandingkan dengan ${view.against.version} (sha256 ${view.against.hash.slice(0, 12)})`);
  if (!view.diff || diffSize(view.diff) === 0) io.out("  tidak ada perubahan butir, bobot, atau skala");
  else for (const line of diffLines(view.diff)) io.out(line);
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * `cermin instruments import FILE [--mapping FILE] [--publish] [--as EMAIL|admin]`: the admin page's
 * upload from the command line. Prints every validation issue (exit 1), or the draft's id and diff;
 * `--publish` then publishes it.
 */
export async function instrumentsImport(args: string[], io: CliIo): Promise<number> {
  const { positional, opts } = parseArgs(args, { mapping: "string", publish: "boolean", as: "string" });
  const [file] = positional;
  if (!file || positional.length > 1) throw new UsageError(USAGE);
  const text = await readText(file);
  const mappingFile = typeof opts.mapping === "string" ? opts.mapping : null;
  const mappingText = mappingFile ? await readText(mappingFile) : null;
  const db = createDb();
  try {
    await migrateToLatest(db);
    const actor = await adminFor(db, opts.as);
    let view = await uploadRelease(db, actor, {
      text,
      fileName: path.basename(file),
      mappingText,
      mappingFileName: mappingFile ? path.basename(mappingFile) : null,
    });
    if (opts.publish) view = await publishRelease(db, actor, view.release.id);
    report(view, io);
    io.out(
      opts.publish
        ? "Diterbitkan: penilaian baru memakai versi ini."
        : `Disimpan sebagai draf. Terbitkan dengan --publish atau di /admin/instruments/${view.release.id}`,
    );
    return 0;
  } catch (e) {
    if (e instanceof ReleaseError) {
      const reason =
        e.key === "instruments.invalid"
          ? `${file}: cannot be imported`
          : e.key === "instruments.stale"
            ? "the published version changed since the upload"
            : "already published";
      io.err([reason, ...e.issues.map((i) => `  - ${englishIssue(i)}`)].join("\n"));
      return 1;
    }
    throw e;
  } finally {
    await db.destroy();
  }
}
