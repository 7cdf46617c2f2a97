import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import type { ItemRef } from "~/services/workbench/links";

/* Findings that name items (readiness, submit confirmation): every item a link to its card on its area page. */

/** The items, comma-separated, each a link (`href` from services/workbench/links.ts `itemHref`). */
export function ItemLinks({ items }: { items: readonly ItemRef[] }) {
  return (
    <span className="item-links">
      {items.flatMap((i, n) => [
        n === 0 ? null : ", ",
        <Link key={i.itemId} to={i.href} data-item={i.itemId}>
          {i.itemId}
        </Link>,
      ])}
    </span>
  );
}

/** Above this many items a finding folds its links away behind its message. */
const FOLD_AFTER = 12;

/** One finding: its message and its items; a long list folds into a disclosure so the card stays short. */
export function FindingItems({ message, items, testId }: { message: ReactNode; items: readonly ItemRef[]; testId: string }) {
  if (items.length > FOLD_AFTER) {
    return (
      <li data-testid={testId}>
        <details>
          <summary>{message}</summary>
          <ItemLinks items={items} />
        </details>
      </li>
    );
  }
  return (
    <li data-testid={testId}>
      {message}: <ItemLinks items={items} />
    </li>
  );
}
