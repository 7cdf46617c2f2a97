// The guard shared by the organisation admin pages (/admin/organisations/:orgId/…): every loader and
// action of those pages calls it itself, so no page depends on a layout for its checks.
import type { z } from "zod";
import { getDb } from "~/db.server";
import { getOrganisation } from "~/services/admin/organisations.server";
import { readIntentForm } from "~/utils/forms";
import { requireUser } from "./require.server";

/** The signed-in user, the database and the organisation named in the URL: 404 when missing, 403 out of scope. */
export async function requireOrganisationRoute(request: Request, orgId: string | undefined) {
  const user = await requireUser(request);
  const db = getDb();
  const org = await getOrganisation(db, user, orgId ?? "");
  return { user, db, org };
}

/** requireOrganisationRoute, then the posted form with its intent (readIntentForm); `rejected` is a 400 to return. */
export async function readOrganisationAction<T extends string>(
  request: Request,
  orgId: string | undefined,
  intents: z.ZodEnum<[T, ...T[]]>,
) {
  const guarded = await requireOrganisationRoute(request, orgId);
  const form = await readIntentForm(request, intents);
  return "rejected" in form ? form : { ...guarded, ...form };
}
