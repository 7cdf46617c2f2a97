/*
 * Bulk LKE: every assessment of a roll-out (one period, one instrument, the actor's scope) as one
 * zip of workbooks, written workbook by workbook to a file in the background (bounded memory; the
 * page polls the progress kept in the database), and a zip of filled workbooks imported as one
 * preview per unit.
 */
import fs from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { PassThrough } from "node:stream";
import archiver from "archiver";
import { dataDir, type Db } from "#db/client.server";
import type { LkeExport } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import { forbidden, notFound } from "~/auth/require.server";
import { lkeIssue, lkeMessage, type LkeIssue } from "~/domain/lke/issues";
import { newId } from "~/utils/ids";
import { listAssessments, requireAssessment, type AssessmentRow } from "~/services/workbench/assessments.server";
import { streamAssessmentWorkbook, workbookFileName } from "./export.server";
import { previewImport, type ImportPreview } from "./import.server";
import { LkeError, openWorkbook } from "./read.server";
import { inflateEntry, listZip, tooLarge, ZipError, type ListedZip, type ZipDirEntry } from "./zip.server";

/** A roll-out: the assessments of one period and instrument that the actor may read. */
export async function listRollout(db: Db, actor: Actor, periodId: string, instrumentId: string): Promise<AssessmentRow[]> {
  return (await listAssessments(db, actor, { periodId })).filter((a) => a.instrumentId === instrumentId);
}

export interface ZipProgress {
  (done: number, total: number): void | Promise<void>;
}

/**
 * Writes the roll-out's workbooks into a zip on `out`, one at a time: the next workbook is built only
 * after the previous one was handed to the archive, so memory holds one workbook, not the roll-out.
 */
export async function writeRolloutZip(
  db: Db,
  actor: Actor,
  rows: AssessmentRow[],
  out: NodeJS.WritableStream,
  opts: { origin?: string | null; onProgress?: ZipProgress } = {},
): Promise<{ files: number }> {
  const archive = archiver("zip", { store: true });
  const done = new Promise<void>((resolve, reject) => {
    out.on("finish", resolve);
    out.on("close", resolve);
    out.on("error", reject);
    archive.on("error", reject);
  });
  archive.pipe(out);
  const names = new Set<string>();
  let files = 0;
  for (const row of rows) {
    const ctx = await requireAssessment(db, actor, row.id);
    let name = workbookFileName(ctx);
    // Two units may share a code or name: keep every file.
    if (names.has(name)) name = name.replace(/\.xlsx$/, ` ${row.id.slice(0, 8)}.xlsx`);
    names.add(name);
    // The workbook streams into its zip entry as ExcelJS writes it.
    const entry = new PassThrough();
    const written = new Promise<void>((resolve, reject) => {
      archive.once("entry", () => resolve());
      entry.once("error", reject);
    });
    archive.append(entry, { name, date: new Date(ctx.assessment.updated_at) });
    await streamAssessmentWorkbook(db, actor, ctx, entry, { origin: opts.origin });
    await written;
    files++;
    await opts.onProgress?.(files, rows.length);
  }
  await archive.finalize();
  await done;
  return { files };
}

export function exportsDir(): string {
  return path.join(dataDir(), "exports");
}

const zipPath = (id: string) => {
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error("lke export: not an id");
  return path.join(exportsDir(), `${id}.zip`);
};

/** Exports are kept for a day; older files are removed when a new export starts. */
const KEEP_MS = 24 * 3600_000;

async function sweep(): Promise<void> {
  const dir = exportsDir();
  const now = Date.now();
  for (const f of await fs.promises.readdir(dir).catch(() => [] as string[])) {
    const p = path.join(dir, f);
    const s = await stat(p).catch(() => null);
    if (s && now - s.mtimeMs > KEEP_MS) await rm(p, { force: true });
  }
}

/**
 * Starts a bulk export job: returns its id at once and writes the zip in the background, recording
 * progress in `lke_export` (any app server can report it). Throws 404 when the roll-out is empty.
 */
export async function startRolloutExport(
  db: Db,
  actor: Actor,
  periodId: string,
  instrumentId: string,
  origin: string | null,
): Promise<string> {
  const rows = await listRollout(db, actor, periodId, instrumentId);
  if (rows.length === 0) throw notFound();
  await fs.promises.mkdir(exportsDir(), { recursive: true });
  await sweep();
  const id = newId();
  const now = new Date().toISOString();
  await db
    .insertInto("lke_export")
    .values({
      id,
      user_id: actor.id,
      period_id: periodId,
      instrument_id: instrumentId,
      total: rows.length,
      done: 0,
      status: "running",
      error: null,
      bytes: null,
      created_at: now,
      finished_at: null,
    })
    .execute();
  void runExport(db, actor, id, rows, origin);
  return id;
}

/** The job body; also awaited directly by the CLI and the benchmark. */
export async function runExport(db: Db, actor: Actor, id: string, rows: AssessmentRow[], origin: string | null): Promise<void> {
  const final = zipPath(id);
  const part = `${final}.part`;
  let last = 0;
  try {
    await writeRolloutZip(db, actor, rows, fs.createWriteStream(part), {
      origin,
      onProgress: async (done, total) => {
        // A progress write per second at most (and the last one), not one per workbook.
        if (done === total || Date.now() - last > 1000) {
          last = Date.now();
          await db.updateTable("lke_export").set({ done }).where("id", "=", id).execute();
        }
      },
    });
    await rename(part, final);
    const { size } = await stat(final);
    await db
      .updateTable("lke_export")
      .set({ status: "done", bytes: size, finished_at: new Date().toISOString() })
      .where("id", "=", id)
      .execute();
  } catch (e) {
    await rm(part, { force: true });
    await db
      .updateTable("lke_export")
      .set({ status: "failed", error: (e instanceof Error ? e.message : String(e)).slice(0, 500), finished_at: new Date().toISOString() })
      .where("id", "=", id)
      .execute()
      .catch(() => undefined);
  }
}

/** The actor's recent export jobs, newest first. */
export async function listExports(db: Db, actor: Actor): Promise<LkeExport[]> {
  return db.selectFrom("lke_export").selectAll().where("user_id", "=", actor.id).orderBy("created_at", "desc").limit(10).execute();
}

/** A finished export's file, only for the user who asked for it. */
export async function getExportFile(db: Db, actor: Actor, id: string): Promise<{ path: string; size: number; job: LkeExport }> {
  const job = await db.selectFrom("lke_export").selectAll().where("id", "=", id).executeTakeFirst();
  if (!job) throw notFound();
  if (job.user_id !== actor.id) throw forbidden();
  if (job.status !== "done") throw notFound();
  const p = zipPath(id);
  const s = await stat(p).catch(() => null);
  if (!s) throw notFound();
  return { path: p, size: s.size, job };
}

/**
 * A bulk upload's limits. Workbooks are zips already, so a zip of workbooks barely compresses: an
 * entry inflating to more than `ratio` times its packed size (past the first MiB) is a zip bomb.
 */
export const BULK_ZIP_LIMITS = { entryBytes: 20 * 1024 * 1024, totalBytes: 512 * 1024 * 1024, entries: 5000, ratio: 100 };

const MiB = 1024 * 1024;

/**
 * Inflates one workbook of the bulk zip as a stream within the limits (per entry, the running
 * total, the ratio), handing each chunk on. @throws ZipError naming the entry.
 */
async function inflateBulkEntry(zip: ListedZip, entry: ZipDirEntry, spent: number, onChunk: (chunk: Buffer) => void): Promise<number> {
  const { entryBytes, totalBytes, ratio } = BULK_ZIP_LIMITS;
  const packed = Math.max(1, entry.compressedSize);
  let n = 0;
  return inflateEntry(
    zip,
    entry,
    Math.max(1, Math.min(entryBytes, totalBytes - spent)),
    (chunk) => {
      n += chunk.length;
      if (n > MiB && n > ratio * packed) {
        throw new ZipError("too_large", "lke.issue.bulk.refused", {
          problem: lkeMessage("lke.issue.bulk.ratio", { name: entry.name, packed: Math.ceil(packed / 1024), mib: Math.floor(n / MiB), ratio }),
        });
      }
      onChunk(chunk);
    },
    () => new ZipError("too_large", "lke.issue.bulk.refused", { problem: tooLarge(entry.name, BULK_ZIP_LIMITS).problem }),
  );
}

export interface BulkPreviewRow {
  file: string;
  assessmentId: string | null;
  unitName: string | null;
  preview: Pick<ImportPreview, "importId" | "changes" | "before" | "after" | "unmatched"> | null;
  /** Why the workbook was not previewed (each problem a message key, translated on the page); null when it was. */
  error: LkeIssue[] | null;
}

/**
 * Previews every workbook of a zip against the assessment it names (its hidden sheet), one preview
 * per unit; a workbook that cannot be read or names an assessment the actor may not change reports why.
 */
export async function previewBulkImport(db: Db, actor: Actor, zip: Uint8Array): Promise<BulkPreviewRow[]> {
  let listed: ListedZip;
  try {
    listed = listZip(zip, BULK_ZIP_LIMITS, (n) => n.toLowerCase().endsWith(".xlsx") && !n.startsWith("__MACOSX/"));
    // Every workbook inflated once as a stream and dropped: a bomb anywhere in the archive is
    // refused before any preview is stored, and no more than a chunk is held while checking.
    let total = 0;
    for (const entry of listed.entries) total += await inflateBulkEntry(listed, entry, total, () => undefined);
  } catch (e) {
    if (e instanceof ZipError) throw new LkeError([lkeIssue(null, null, e.problem.key, e.problem.params)]);
    throw e;
  }
  if (listed.entries.length === 0) throw new LkeError([lkeIssue(null, null, "lke.issue.bulk.noWorkbooks")]);
  const out: BulkPreviewRow[] = [];
  for (const entry of listed.entries) {
    const file = entry.name.split("/").pop() ?? entry.name;
    // Inflated only now, when it is previewed: one workbook in memory at a time.
    const parts: Buffer[] = [];
    await inflateBulkEntry(listed, entry, 0, (chunk) => void parts.push(chunk));
    const data = Buffer.concat(parts);
    const row: BulkPreviewRow = { file, assessmentId: null, unitName: null, preview: null, error: null };
    try {
      const opened = await openWorkbook(data, file);
      if (!opened.meta.assessmentId)
        throw new LkeError([lkeIssue("Utama", null, "lke.issue.bulk.noAssessmentId")]);
      row.assessmentId = opened.meta.assessmentId;
      const ctx = await requireAssessment(db, actor, opened.meta.assessmentId);
      row.unitName = ctx.unit.name;
      const p = await previewImport(db, actor, ctx, { name: file, bytes: data });
      row.preview = { importId: p.importId, changes: p.changes, before: p.before, after: p.after, unmatched: p.unmatched };
    } catch (e) {
      if (e instanceof LkeError) row.error = e.issues;
      else if (e instanceof Response)
        row.error = [lkeIssue(null, null, e.status === 404 ? "lke.issue.bulk.notFound" : "lke.issue.bulk.forbidden")];
      else throw e;
    }
    out.push(row);
  }
  return out;
}
