import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/require.server";
import { getDb } from "~/db.server";
import { contentDisposition } from "~/services/evidence/rules";
import { isInlineMime } from "~/services/evidence/sniff";
import { getEvidenceFile } from "~/services/evidence/evidence.server";

/**
 * An evidence file, only through here: authorised like its assessment, served as an attachment with
 * its sniffed type, `nosniff` and a sandboxing CSP, so even a file that slipped past the sniffer
 * cannot run script in Cermin's origin. `?inline=1` shows PDFs and images in the browser (same CSP).
 * Links are never served here (no redirect to an external address: that would be an open redirect).
 * With an object store (EVIDENCE_STORE=s3://…) the bytes are streamed through this route too, never
 * a presigned URL: so the permission check, Content-Disposition, nosniff and the CSP stay in this one
 * place, the bucket never needs to be reachable from browsers, and a link cannot be passed on.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const file = await getEvidenceFile(getDb(), user, params.id!);
  const inline = new URL(request.url).searchParams.get("inline") === "1" && isInlineMime(file.mime);
  const type = file.mime.startsWith("text/") ? `${file.mime}; charset=utf-8` : file.mime;
  const headers = new Headers({
    "Content-Type": type,
    "Content-Length": String(file.size),
    "Content-Disposition": contentDisposition(inline ? "inline" : "attachment", file.name),
    "X-Content-Type-Options": "nosniff",
    // Chromium's PDF viewer refuses to run in a CSP sandbox; a PDF shown inline still gets no
    // script source and may only be framed by Cermin itself. Everything else stays sandboxed.
    "Content-Security-Policy": inline && file.mime === "application/pdf" ? "default-src 'none'; frame-ancestors 'self'" : "sandbox; default-src 'none'",
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
