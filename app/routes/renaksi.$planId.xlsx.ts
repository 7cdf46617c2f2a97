import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/require.server";
import { getDb } from "~/db.server";
import { contentDisposition } from "~/services/evidence/rules";
import { requirePlan } from "~/services/renaksi/access.server";
import { exportPlanWorkbook, planWorkbookFileName } from "~/services/renaksi/excel.server";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** The Rencana Aksi as a workbook ("Rencana Aksi", "RB Tematik"): anyone who may read the plan. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = await requirePlan(db, user, params.planId ?? "", "read");
  const buf = await exportPlanWorkbook(db, user, ctx.plan.id);
  return new Response(new Uint8Array(buf), {
    headers: {
      "Content-Type": XLSX,
      "Content-Length": String(buf.length),
      "Content-Disposition": contentDisposition("attachment", planWorkbookFileName(ctx)),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
