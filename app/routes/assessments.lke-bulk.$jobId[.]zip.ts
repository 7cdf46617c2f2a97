import { createReadStream } from "node:fs";
import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireUser } from "~/auth/require.server";
import { getDb } from "~/db.server";
import { contentDisposition } from "~/services/evidence/rules";
import { getExportFile } from "~/services/excel/bulk.server";
import { IdSchema } from "~/utils/schemas";

/** A finished bulk export, streamed from disk, only to the user who asked for it. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!IdSchema.safeParse(params.jobId).success) throw notFound();
  const file = await getExportFile(getDb(), user, params.jobId!);
  return new Response(createReadableStreamFromReadable(createReadStream(file.path)), {
    headers: {
      "Content-Type": "application/zip",
      "Content-Length": String(file.size),
      "Content-Disposition": contentDisposition("attachment", `LKE ${file.job.instrument_id} ${file.job.created_at.slice(0, 10)}.zip`),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
