import type { ReactNode } from "react";

/**
 * A card holding one table: an optional title, the empty message when there is nothing to list,
 * otherwise the table with one header row (`headers`, none when omitted) and the rows the page
 * renders as children; `intro` (an alert, a headline figure) stands between the title and the table.
 * `testId` names the table, `cardTestId` the card.
 */
export function TableCard({
  title,
  intro,
  isEmpty = false,
  empty,
  testId,
  cardTestId,
  headers,
  children,
}: {
  title?: ReactNode;
  intro?: ReactNode;
  isEmpty?: boolean;
  empty?: ReactNode;
  testId?: string;
  cardTestId?: string;
  headers?: ReactNode[];
  children: ReactNode;
}) {
  return (
    <section className="card" data-testid={cardTestId}>
      {title ? <h2>{title}</h2> : null}
      {intro}
      {isEmpty ? (
        <p className="muted">{empty}</p>
      ) : (
        <table data-testid={testId}>
          {headers ? (
            <thead>
              <tr>
                {headers.map((h, i) => (
                  <th key={i}>{h}</th>
                ))}
              </tr>
            </thead>
          ) : null}
          <tbody>{children}</tbody>
        </table>
      )}
    </section>
  );
}
