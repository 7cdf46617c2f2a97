import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/require.server";
import { getDb } from "~/db.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { contentDisposition } from "~/services/evidence/rules";
import { exportAssessmentWorkbook, workbookFileName } from "~/services/excel/export.server";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** The assessment as an LKE workbook: what the reader may see (released evaluator layers, evidence links). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = await requireAssessment(db, user, params.id!);
  const buf = await exportAssessmentWorkbook(db, user, ctx, { origin: new URL(request.url).origin });
  return new Response(new Uint8Array(buf), {
    headers: {
      "Content-Type": XLSX,
      "Content-Length": String(buf.length),
      "Content-Disposition": contentDisposition("attachment", workbookFileName(ctx)),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
