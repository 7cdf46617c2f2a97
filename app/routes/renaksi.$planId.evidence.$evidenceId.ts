import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/require.server";
import { getDb } from "~/db.server";
import { evidenceFileResponse } from "~/services/evidence/evidence.server";
import { getRenaksiEvidenceFile } from "~/services/renaksi/evidence.server";

/**
 * A bukti dukung file of a Rencana Aksi target (issue #29): readable by anyone who may read the plan
 * (requirePlan "read"); another plan's evidence id, a removed one or a link is a 404. Served exactly
 * as assessment evidence (evidenceFileResponse: attachment, nosniff, sandboxing CSP, streamed).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const file = await getRenaksiEvidenceFile(getDb(), user, params.planId ?? "", params.evidenceId ?? "");
  return evidenceFileResponse(request, file);
}
