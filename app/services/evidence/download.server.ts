/** The authorised download lookup for one evidence file; the bytes stream from the evidence store. */
import type { Readable } from "node:stream";
import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import { notFound } from "~/auth/require.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { visibleLinks } from "./access.server";
import { evidenceStore } from "./stores.server";

export interface EvidenceFile {
  name: string;
  mime: string;
  size: number;
  /** The bytes, streamed from the evidence store; the caller must consume or destroy it. */
  stream: Readable;
}

/**
 * A downloadable file: 404 when missing, removed, a link, in an assessment the actor cannot read,
 * another rater's evidence in an open blind round (every live link hidden from the actor, see
 * blind/visibility.server.ts), or absent from the store.
 */
export async function getEvidenceFile(db: Db, actor: Actor, evidenceId: string): Promise<EvidenceFile> {
  if (evidenceId.length > 64) throw notFound();
  const row = await db.selectFrom("evidence").selectAll().where("id", "=", evidenceId).executeTakeFirst();
  if (!row) throw notFound();
  const ctx = await requireAssessment(db, actor, row.assessment_id, "assessment.read");
  if (row.removed_at !== null || row.kind !== "file" || !row.blob_sha256) throw notFound();
  const links = await visibleLinks(db, actor, ctx, row.id);
  if (links.any && links.visible.length === 0) throw notFound();
  const blob = await evidenceStore().get(row.blob_sha256);
  if (!blob) throw notFound();
  return { name: row.name, mime: row.mime ?? "application/octet-stream", size: blob.size, stream: blob.stream };
}
