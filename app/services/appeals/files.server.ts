import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import { notFound } from "~/auth/require.server";
import type { EvidenceFile } from "~/services/evidence/download.server";
import { EVIDENCE_TYPES } from "~/services/evidence/sniff";
import { EvidenceError } from "~/services/evidence/rules";
import { MAX_FILES_PER_UPLOAD, prepareStaged, type PreparedFile } from "~/services/evidence/store.server";
import { evidenceStore } from "~/services/evidence/stores.server";
import { storeStaged, type EvidenceUpload } from "~/services/evidence/upload.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { AppealError } from "./errors";

/*
 * An appeal's files (issue #30): through the evidence pipeline unchanged (streamed, hashed, sniffed by their
 * bytes, the same size limit and refusals as bukti dukung), stored once per SHA-256 in the evidence store
 * (an evidence_blob row each; appeal_file rows name them, so `cermin evidence gc` keeps them and
 * `cermin evidence migrate` copies them). The spec's types only: PDF, Word, Excel, PowerPoint (rb-2024 §4.1).
 */

export const APPEAL_FILE_TYPES = ["pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx"] as const;
const ALLOWED_MIMES: ReadonlySet<string> = new Set(APPEAL_FILE_TYPES.map((t) => EVIDENCE_TYPES[t].mime));
/** The file input's `accept` (a hint only; the server sniffs). */
export const APPEAL_ACCEPT = APPEAL_FILE_TYPES.map((t) => `.${t}`).join(",");

/** Checks every staged file of the upload (all or nothing) and stores their bytes; returns them for the rows. */
export async function prepareAppealFiles(upload: EvidenceUpload): Promise<PreparedFile[]> {
  if (upload.files.length === 0) throw new AppealError("appeal.fileRequired");
  if (upload.files.length > MAX_FILES_PER_UPLOAD) throw new EvidenceError("evidence.tooMany", "file", { max: MAX_FILES_PER_UPLOAD });
  const prepared = upload.files.map((f) => prepareStaged(f));
  for (const p of prepared) if (!ALLOWED_MIMES.has(p.mime)) throw new AppealError("appeal.fileType", 400, { name: p.name.slice(0, 200) });
  const seen = new Set<string>();
  const unique = prepared.filter((p) => !seen.has(p.sha256) && seen.add(p.sha256));
  for (const p of unique) await storeStaged(upload.store, p);
  return unique;
}

/** Stores again any blob a concurrent garbage collection removed between the write and the commit. */
export async function restoreMissing(upload: EvidenceUpload, files: PreparedFile[]): Promise<void> {
  for (const p of files) if (!(await upload.store.has(p.sha256))) await storeStaged(upload.store, p);
}

/**
 * A file of an appeal, for download: readable by whoever may read the assessment (its organisation's
 * team and evaluators, administrators); 404 for anyone else, for another appeal's file, or when the
 * bytes are not in the store.
 */
export async function getAppealFile(db: Db, actor: Actor, assessmentId: string, appealId: string, fileId: string): Promise<EvidenceFile> {
  if (appealId.length > 64 || fileId.length > 64) throw notFound();
  await requireAssessment(db, actor, assessmentId);
  const row = await db
    .selectFrom("appeal_file as f")
    .innerJoin("appeal as a", "a.id", "f.appeal_id")
    .select(["f.blob_sha256", "f.filename", "f.mime"])
    .where("f.id", "=", fileId)
    .where("f.appeal_id", "=", appealId)
    .where("a.assessment_id", "=", assessmentId)
    .executeTakeFirst();
  if (!row) throw notFound();
  const blob = await evidenceStore().get(row.blob_sha256);
  if (!blob) throw notFound();
  return { name: row.filename, mime: row.mime, size: blob.size, stream: blob.stream };
}
