import type { LkeIssue } from "~/domain/lke/issues";
import type { MessageKey } from "~/i18n";
import { lkeIssueMessage } from "~/i18n/lke-issues";
import { useLocale, useT } from "~/i18n/use-t";

/** A workbook problem as the readers report it: the sheet and cell named, a message key and its parameters. */
export type WorkbookIssue = LkeIssue;

/** The problems of a workbook, each with its sheet and cell, in the reader's language. */
export function WorkbookIssues({ issues }: { issues: WorkbookIssue[] }) {
  const locale = useLocale();
  return (
    <ul>
      {issues.map((i, k) => (
        <li key={k}>
          {i.sheet ? <strong>{i.cell ? `${i.sheet}!${i.cell}` : i.sheet}: </strong> : null}
          {lkeIssueMessage(i, locale)}
        </li>
      ))}
    </ul>
  );
}

/** A refused workbook: the form's message and every problem the reader found, each with its sheet and cell. */
export function WorkbookRefusal({
  formError,
  params,
  issues,
  testId,
}: {
  formError: MessageKey;
  params?: Record<string, string>;
  issues?: WorkbookIssue[];
  testId: string;
}) {
  const t = useT();
  return (
    <div className="alert alert-error" role="alert" data-testid={testId}>
      <p>{t(formError, params)}</p>
      {issues?.length ? <WorkbookIssues issues={issues} /> : null}
    </div>
  );
}
