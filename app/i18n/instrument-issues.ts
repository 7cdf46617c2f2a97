import { INSTRUMENT_ISSUE_KEYS, type InstrumentIssue } from "~/domain/instrument/issues";
import { type Locale, type MessageKey } from "./index";
import { keyedMessage } from "./keyed";

/*
 * Instrument problems (app/domain/instrument/issues.ts) in words: the admin pages translate them into
 * the reader's language, the CLI and exception messages use the English rendering of the same keys.
 */

// Every key the domain uses has a text (the compiler checks the list against the dictionaries).
const _everyKeyTranslated: readonly MessageKey[] = INSTRUMENT_ISSUE_KEYS;
void _everyKeyTranslated;

/** An instrument problem whose key is any message (the domain's, or a release rule's). */
export type KeyedIssue = InstrumentIssue<MessageKey>;

/** The sentence of one problem, in `locale` (parameters formatted as app/i18n/keyed.ts does). */
export function issueMessage(issue: KeyedIssue, locale: Locale): string {
  return keyedMessage(issue, locale);
}

/** `at: sentence`, as the CLI and exception messages print a problem. */
export function issueLine(issue: KeyedIssue, locale: Locale): string {
  return `${issue.at}: ${issueMessage(issue, locale)}`;
}

/** The English line of a problem (CLI output, logs). */
export const englishIssue = (issue: KeyedIssue): string => issueLine(issue, "en");
