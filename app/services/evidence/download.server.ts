/** The authorised download lookup for one evidence file; the bytes stream from the evidence store. */
import type { Readable } from "node:stream";
import { createReadableStreamFromReadable } from "@remix-run/node";
import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import { notFound } from "~/auth/require.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { visibleLinks } from "./access.server";
import { contentDisposition } from "./rules";
import { isInlineMime } from "./sniff";
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

/**
 * The response serving one authorised evidence file (assessment evidence and Rencana Aksi bukti dukung
 * alike): an attachment with its sniffed type, `nosniff` and a sandboxing CSP, so even a file that
 * slipped past the sniffer cannot run script in Cermin's origin. `?inline=1` shows PDFs and images in
 * the browser (same CSP). The bytes stream from the store (also an object store: never a presigned URL).
 */
export function evidenceFileResponse(request: Request, file: EvidenceFile): Response {
  const inline = new URL(request.url).searchParams.get("inline") === "1" && isInlineMime(file.mime);
  const type = file.mime.startsWith("text/") ? `${file.mime}; charset=utf-8` : file.mime;
  const headers = new Headers({
    "Content-Type": type,
    "Content-Length": String(file.size),
    "Content-Disposition": contentDisposition(inline ? "inline" : "attachment", file.name),
    "X-Content-Type-Options": "nosniff",
    // Chromium's PDF viewer refuses to run in a CSP sandbox; a PDF shown inline still gets no
    // script source and may only be framed by Cermin itself. Everything else stays sandboxed.
    "Content-Security-Policy":
      inline && file.mime === "application/pdf" ? "default-src 'none'; frame-ancestors 'self'" : "sandbox; default-src 'none'",
    "Cache-Control": "private, no-store",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Referrer-Policy": "no-referrer",
  });
  if (request.method === "HEAD") {
    file.stream.destroy();
    return new Response(null, { headers });
  }
  return new Response(createReadableStreamFromReadable(file.stream), { headers });
}
