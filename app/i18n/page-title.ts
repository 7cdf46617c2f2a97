import type { MetaArgs, MetaDescriptor } from "@remix-run/node";
import { DEFAULT_LOCALE, isLocale, translator, type Locale, type MessageKey, type Translate } from "./index";

/** The reader's language, from the root route's loader data (the root loader reads the account and the cookie). */
export function localeOfMatches(matches: MetaArgs["matches"]): Locale {
  const root = matches.find((m) => m?.id === "root")?.data as { locale?: unknown } | undefined;
  return isLocale(root?.locale) ? root.locale : DEFAULT_LOCALE;
}

/** "Page · extra · Cermin": the page first (what a tab, a bookmark or a screen reader announces first), the app last. */
export function titleText(t: Translate, page: string, extra?: string | null): string {
  return [page, extra, t("app.name")].filter((p): p is string => Boolean(p && p.trim())).join(" · ");
}

/**
 * A route's `meta`: the page's title in the reader's language, naming the page and, where the page is
 * about one thing (an assessment: its unit and year; a user: the name), that thing. `extra` reads the
 * loader data; when the loader threw there is none and the title is the page's alone.
 *
 *   export const meta = pageTitle<typeof loader>("seal.receiptTitle", (d) => `${d.assessment.unit} ${d.assessment.year}`);
 */
export function pageTitle<Loader = unknown>(
  key: MessageKey,
  extra?: (data: NonNullable<MetaArgs<Loader>["data"]>, t: Translate) => string | null | undefined,
): (args: MetaArgs<Loader>) => MetaDescriptor[] {
  return ({ data, matches }) => {
    const t = translator(localeOfMatches(matches));
    return [{ title: titleText(t, t(key), data == null || !extra ? null : extra(data, t)) }];
  };
}
