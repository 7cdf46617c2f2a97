import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/require.server";
import { getDb } from "~/db.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { contentDisposition } from "~/services/evidence/rules";
import { listSeals } from "~/services/seal/seal.server";

/** The receipt as a JSON file (what `cermin verify --receipt` checks offline): the latest seal, or ?seal=N. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = await requireAssessment(db, user, params.id!);
  const seals = await listSeals(db, ctx.assessment.id);
  const raw = new URL(request.url).searchParams.get("seal");
  const seal = raw === null ? seals[seals.length - 1] : seals.find((s) => String(s.seq) === raw);
  if (!seal) throw new Response("error.notFound", { status: 404 });
  const body = `${JSON.stringify(JSON.parse(seal.receipt_json), null, 2)}\n`;
  return new Response(body, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": contentDisposition("attachment", `tanda-terima-${ctx.assessment.id}-${seal.seq}.json`),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
