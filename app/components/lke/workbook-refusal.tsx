import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";

/** A workbook problem as the readers report it: the sheet and cell named. */
export interface WorkbookIssue {
  sheet: string | null;
  cell: string | null;
  message: string;
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
      {issues?.length ? (
        <ul>
          {issues.map((i, k) => (
            <li key={k}>
              {i.sheet ? <strong>{i.cell ? `${i.sheet}!${i.cell}` : i.sheet}: </strong> : null}
              {i.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
