import { createCookie } from "@remix-run/node";
import { DEFAULT_LOCALE, isLocale, type Locale } from "./index";

export const localeCookie = createCookie("cermin_lang", { path: "/", sameSite: "lax", httpOnly: true, maxAge: 365 * 24 * 3600 });

/** The user's saved choice, else the language cookie, else Indonesian. */
export async function getLocale(request: Request, user?: { locale: string | null } | null): Promise<Locale> {
  if (user && isLocale(user.locale)) return user.locale;
  const fromCookie: unknown = await localeCookie.parse(request.headers.get("cookie"));
  return isLocale(fromCookie) ? fromCookie : DEFAULT_LOCALE;
}
