import type { ActionFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/require.server";
import { getDb } from "~/db.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { saveFromForm } from "~/services/workbench/save-form.server";
import { formValues, readFormData } from "~/utils/forms";

/** GET has nothing to show: the answers live on the area pages. */
export async function loader() {
  return new Response("error.notFound", { status: 404 });
}

/**
 * The autosave endpoint (JSON): 200 with the new version, 409 with the other person's value when
 * the save started from a stale version, 400/403 with a message key otherwise.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = await requireAssessment(db, user, params.id!, "assessment.fill");
  const out = await saveFromForm(db, user, ctx, formValues(await readFormData(request)));
  return Response.json(out.body, { status: out.status });
}
