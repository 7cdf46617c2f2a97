import { INSTRUMENT_ISSUE_KEYS, type InstrumentIssue, type IssueParam, type IssueParams } from "~/domain/instrument/issues";
import { translator, type Locale, type MessageKey } from "./index";

/*
 * Instrument problems (app/domain/instrument/issues.ts) in words: the admin pages translate them into
 * the reader's language, the CLI and exception messages use the English rendering of the same keys.
 */

// Every key the domain uses has a text (the compiler checks the list against the dictionaries).
const _everyKeyTranslated: readonly MessageKey[] = INSTRUMENT_ISSUE_KEYS;
void _everyKeyTranslated;

/** An instrument problem whose key is any message (the domain's, or a release rule's). */
export type KeyedIssue = InstrumentIssue<MessageKey>;

const precise: Record<Locale, Intl.NumberFormat> = {
  id: new Intl.NumberFormat("id-ID", { maximumFractionDigits: 12 }),
  en: new Intl.NumberFormat("en-GB", { maximumFractionDigits: 12 }),
};

/**
 * A parameter as text. Numbers keep their precision (a weight sum off by 1e-6 must not read as the
 * expected value) in the locale's notation; lists of codes are joined with commas, or "–" when empty;
 * weight terms read "A.I.1.i 2 + A.I.1.ii 3,5".
 */
function paramText(value: IssueParam, locale: Locale): string {
  const num = (v: number | string) => (typeof v === "number" ? precise[locale].format(v) : v);
  if (typeof value === "number" || typeof value === "string") return num(value);
  if (value.length === 0) return "–";
  return value.map((v) => (typeof v === "string" ? v : `${v.id} ${num(v.weight)}`)).join(typeof value[0] === "string" ? ", " : " + ");
}

/** The sentence of one problem, in `locale`. */
export function issueMessage(issue: KeyedIssue, locale: Locale): string {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(issue.params as IssueParams)) params[name] = paramText(value, locale);
  return translator(locale)(issue.key, params);
}

/** `at: sentence`, as the CLI and exception messages print a problem. */
export function issueLine(issue: KeyedIssue, locale: Locale): string {
  return `${issue.at}: ${issueMessage(issue, locale)}`;
}

/** The English line of a problem (CLI output, logs). */
export const englishIssue = (issue: KeyedIssue): string => issueLine(issue, "en");
