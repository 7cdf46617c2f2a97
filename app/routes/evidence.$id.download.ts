import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/require.server";
import { getDb } from "~/db.server";
import { evidenceFileResponse, getEvidenceFile } from "~/services/evidence/evidence.server";

/**
 * An evidence file, only through here: authorised like its assessment, served as an attachment with
 * its sniffed type, `nosniff` and a sandboxing CSP, so even a file that slipped past the sniffer
 * cannot run script in Cermin's origin. `?inline=1` shows PDFs and images in the browser (same CSP).
 * Links are never served here (no redirect to an external address: that would be an open redirect).
 * With an object store (EVIDENCE_STORE=s3://…) the bytes are streamed through this route too, never
 * a presigned URL: so the permission check, Content-Disposition, nosniff and the CSP stay in one
 * place (evidenceFileResponse, shared with the Rencana Aksi download), the bucket never needs to be
 * reachable from browsers, and a link cannot be passed on.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const file = await getEvidenceFile(getDb(), user, params.id!);
  return evidenceFileResponse(request, file);
}
