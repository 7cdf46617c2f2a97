import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/require.server";
import { getDb } from "~/db.server";
import { planFor } from "~/services/renaksi/plans.server";
import { requireAssessment } from "~/services/workbench/assessments.server";

/** "Dihitung dari Rencana Aksi": from an assessment to the plan of its organisation and year (the assessment's read check first). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = await requireAssessment(db, user, params.assessmentId ?? "");
  const plan = await planFor(db, ctx.assessment.organisation_id, ctx.period.year);
  return redirect(plan ? `/renaksi/${plan.id}` : `/renaksi?missing=${ctx.period.year}`);
}
