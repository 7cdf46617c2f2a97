import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireUser } from "~/auth/require.server";
import { safeRedirect } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { confirmCarried } from "~/services/workbench/confirm-carried.server";
import { WorkbenchError } from "~/services/workbench/answers.server";
import { formFailure, formValues, readFormData, ruleFailure } from "~/utils/forms";

/** GET has nothing to show: the button lives on the area page. */
export async function loader() {
  return new Response("error.notFound", { status: 404 });
}

const Schema = z.object({ area: z.string().max(64).optional(), redirectTo: z.string().max(500).optional() });

/**
 * Confirms the carried-over answers of one area (`area` given) or of the whole assessment, then
 * goes back to `redirectTo` (default: the overview) with `carried.confirmed` and `carried.skipped`
 * in the query for the page's message.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = await requireAssessment(db, user, params.id!, "assessment.fill");
  const values = formValues(await readFormData(request));
  const parsed = Schema.safeParse(values);
  if (!parsed.success) return formFailure("error.form", values);
  try {
    const out = await confirmCarried(db, user, ctx, parsed.data.area?.trim() ? parsed.data.area.trim() : null);
    const back = new URL(safeRedirect(parsed.data.redirectTo, `/assessments/${ctx.assessment.id}`), "http://local");
    back.searchParams.set("carried.confirmed", String(out.confirmed));
    back.searchParams.set("carried.skipped", String(out.skipped));
    return redirect(`${back.pathname}${back.search}`);
  } catch (e) {
    if (e instanceof WorkbenchError) return ruleFailure(e, values);
    throw e;
  }
}
