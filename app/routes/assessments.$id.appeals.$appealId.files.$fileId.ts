import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/require.server";
import { getDb } from "~/db.server";
import { getAppealFile } from "~/services/appeals/files.server";
import { evidenceFileResponse } from "~/services/evidence/evidence.server";

/**
 * A file of an appeal (issue #30): readable by whoever may read the assessment (its organisation's team
 * and evaluators, administrators); another assessment's appeal or file id is a 404. Served exactly as
 * evidence (evidenceFileResponse: attachment, nosniff, sandboxing CSP, streamed).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const file = await getAppealFile(getDb(), user, params.id ?? "", params.appealId ?? "", params.fileId ?? "");
  return evidenceFileResponse(request, file);
}
