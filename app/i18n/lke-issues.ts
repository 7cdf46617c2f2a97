import { LKE_ISSUE_KEYS, type LkeIssue } from "~/domain/lke/issues";
import { type Locale, type MessageKey } from "./index";
import { keyedMessage } from "./keyed";

/*
 * Workbook problems (app/domain/lke/issues.ts) in words: the import pages translate them into the
 * reader's language; the CLI (used by Indonesian operators) and exception messages print the
 * Indonesian rendering of the same keys.
 */

// Every key the reader uses has a text (the compiler checks the list against the dictionaries).
const _everyKeyTranslated: readonly MessageKey[] = LKE_ISSUE_KEYS;
void _everyKeyTranslated;

/** The sentence of one problem, in `locale`, after the item it concerns ("A.I.1.i.a: …"). */
export function lkeIssueMessage(issue: LkeIssue, locale: Locale): string {
  const message = keyedMessage(issue, locale);
  return issue.item ? `${issue.item}: ${message}` : message;
}

/** "sheet Jawaban, sel D12: A.I.1.i.a: …", as the CLI and exception messages print a problem. */
export function lkeIssueLine(issue: LkeIssue, locale: Locale): string {
  const where = issue.sheet
    ? keyedMessage(
        issue.cell
          ? { key: "lke.issue.at.cell", params: { sheet: issue.sheet, cell: issue.cell } }
          : { key: "lke.issue.at.sheet", params: { sheet: issue.sheet } },
        locale,
      ) + ": "
    : "";
  return `${where}${lkeIssueMessage(issue, locale)}`;
}

/** The Indonesian line of a problem (CLI output, exception messages). */
export const indonesianLkeIssue = (issue: LkeIssue): string => lkeIssueLine(issue, "id");
