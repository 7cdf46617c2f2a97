import type { ReactNode } from "react";

/**
 * The card of a list page: the empty message when there is nothing to list, otherwise a table with
 * one header row (`headers`) and the rows the page renders as children.
 */
export function TableCard({
  isEmpty,
  empty,
  testId,
  headers,
  children,
}: {
  isEmpty: boolean;
  empty: ReactNode;
  testId?: string;
  headers: ReactNode[];
  children: ReactNode;
}) {
  return (
    <section className="card">
      {isEmpty ? (
        <p>{empty}</p>
      ) : (
        <table data-testid={testId}>
          <thead>
            <tr>
              {headers.map((h, i) => (
                <th key={i}>{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>{children}</tbody>
        </table>
      )}
    </section>
  );
}
