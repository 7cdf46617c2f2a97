import { en } from "./en";
import { id, type MessageKey } from "./id";

export const LOCALES = ["id", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "id";
export type { MessageKey };

const dictionaries: Record<Locale, Record<MessageKey, string>> = { id, en };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

export function isMessageKey(value: unknown): value is MessageKey {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(id, value);
}

export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

/** Looks a key up and fills `{name}` placeholders; numbers are formatted in the locale. */
export function translator(locale: Locale): Translate {
  const dict = dictionaries[locale];
  return (key, params) => {
    const template = dict[key] ?? id[key] ?? key;
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const v = params[name];
      if (v === undefined) return whole;
      return typeof v === "number" ? formatNumber(v, locale) : v;
    });
  };
}

/** Translates a message that may be a key or already plain text (e.g. from a thrown Response). */
export function translateMaybe(t: Translate, message: string): string {
  return isMessageKey(message) ? t(message) : message;
}

const intlLocale: Record<Locale, string> = { id: "id-ID", en: "en-GB" };

// Building an Intl formatter costs far more than formatting with one (a page of item histories
// formats a thousand dates): one per locale and option set, built on first use.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<F extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => F): F {
  let f = formatters.get(key) as F | undefined;
  if (!f) formatters.set(key, (f = make()));
  return f;
}

/** Indonesian uses a decimal comma and dot grouping: 1.234,56. */
export function formatNumber(value: number, locale: Locale, fractionDigits?: number): string {
  return cached(
    `n:${locale}:${fractionDigits ?? ""}`,
    () => new Intl.NumberFormat(intlLocale[locale], { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits ?? 2 }),
  ).format(value);
}

export function formatDate(iso: string | null | undefined, locale: Locale): string {
  if (!iso) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  return cached(
    `d:${locale}:${dateOnly ? "date" : "time"}`,
    () =>
      new Intl.DateTimeFormat(intlLocale[locale], {
        dateStyle: "medium",
        ...(dateOnly ? { timeZone: "UTC" } : { timeStyle: "short", timeZone: "Asia/Jakarta" }),
      }),
  ).format(d);
}
