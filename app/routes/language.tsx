import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { getOptionalUser } from "~/auth/require.server";
import { safeRedirect } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { LOCALES } from "~/i18n";
import { localeCookie } from "~/i18n/locale.server";
import { badRequest, parseForm, readFormData } from "~/utils/forms";

const LanguageSchema = z.object({ locale: z.enum(LOCALES, { message: "error.invalid" }), redirectTo: z.string().optional() });

export async function loader() {
  return redirect("/");
}

/** Remembers the language in a cookie, and on the account when signed in. */
export async function action({ request }: ActionFunctionArgs) {
  const parsed = parseForm(await readFormData(request), LanguageSchema);
  if (!parsed.ok) return badRequest(parsed);
  const user = await getOptionalUser(request);
  if (user) await getDb().updateTable("user").set({ locale: parsed.value.locale }).where("id", "=", user.id).execute();
  return redirect(safeRedirect(parsed.value.redirectTo), {
    headers: { "Set-Cookie": await localeCookie.serialize(parsed.value.locale) },
  });
}
