import type { WeightTerm } from "~/domain/instrument/issues";
import { translator, type Locale, type MessageKey } from "./index";

/*
 * A problem carried as a message key with parameters (instrument files, LKE workbooks), in words:
 * the pages translate it into the reader's language, the CLI and exception messages use one
 * language's rendering of the same key. Parameters are formatted here, in the locale.
 */

/** A message key with its parameters. */
export interface KeyedMessage {
  key: MessageKey;
  params: MessageParams;
}

/**
 * A parameter: numbers in the locale's notation, lists of codes (or of messages) joined with commas,
 * weight terms with " + ", and a message inside a message translated with it.
 */
export type MessageParam = string | number | KeyedMessage | readonly (string | KeyedMessage)[] | readonly WeightTerm[];
export type MessageParams = Readonly<Record<string, MessageParam>>;

const precise: Record<Locale, Intl.NumberFormat> = {
  id: new Intl.NumberFormat("id-ID", { maximumFractionDigits: 12 }),
  en: new Intl.NumberFormat("en-GB", { maximumFractionDigits: 12 }),
};

const isMessage = (v: unknown): v is KeyedMessage => typeof v === "object" && v !== null && "key" in v && "params" in v;

/**
 * A parameter as text. Numbers keep their precision (a weight sum off by 1e-6 must not read as the
 * expected value) in the locale's notation; lists are joined with commas, or "–" when empty; weight
 * terms read "A.I.1.i 2 + A.I.1.ii 3,5".
 */
function paramText(value: MessageParam, locale: Locale): string {
  const num = (v: number | string) => (typeof v === "number" ? precise[locale].format(v) : v);
  if (typeof value === "number" || typeof value === "string") return num(value);
  if (isMessage(value)) return keyedMessage(value, locale);
  if (value.length === 0) return "–";
  const items = value as ReadonlyArray<string | KeyedMessage | WeightTerm>;
  const weights = items.every((v) => typeof v === "object" && !isMessage(v));
  return items
    .map((v) => (typeof v === "string" ? v : isMessage(v) ? keyedMessage(v, locale) : `${v.id} ${num(v.weight)}`))
    .join(weights ? " + " : ", ");
}

/** The sentence of a keyed message, in `locale`. */
export function keyedMessage(message: KeyedMessage, locale: Locale): string {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.params)) params[name] = paramText(value, locale);
  return translator(locale)(message.key, params);
}
