import { requireUser } from "~/auth/require.server";
import { getDb } from "~/db.server";
import { getLocale } from "~/i18n/locale.server";
import { requirePlan, type PlanNeed } from "./access.server";
import { loadPlanView } from "./view.server";

/** The guard and read model every plan page's loader calls itself: the user, the plan (404/403) and the view in the reader's language. */
export async function planPage(request: Request, planId: string | undefined, need: PlanNeed = "read") {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = await requirePlan(db, user, planId ?? "", need);
  const locale = await getLocale(request, user);
  return { user, db, ctx, view: await loadPlanView(db, user, ctx, locale) };
}
