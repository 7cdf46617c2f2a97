/*
 * Where the workbench shows a thing, as one builder every list of findings uses (issue #27): the
 * overview's readiness card and submit confirmation, the report, the start page, the dashboard's
 * drill-down and the notifications link an item the same way. Pure: server and browser.
 */

/** The id of an item's card on its area page (components/workbench/item-card.tsx), the fragment of `itemHref`. */
export const itemAnchor = (itemId: string): string => `item-${itemId}`;

/** The overview of an assessment, optionally at one of its sections (`readiness`). */
export function assessmentHref(assessmentId: string, section?: string): string {
  return `/assessments/${encodeURIComponent(assessmentId)}${section ? `#${section}` : ""}`;
}

/**
 * An item on its area page: `/assessments/<id>/areas/<areaId>#item-<itemId>` (the area route opens the
 * page that holds the area, the fragment scrolls to the item). Without an area (an item id the frozen
 * instrument does not know) the assessment's overview.
 */
export function itemHref(assessmentId: string, areaId: string | null | undefined, itemId: string): string {
  if (!areaId) return assessmentHref(assessmentId);
  return `/assessments/${encodeURIComponent(assessmentId)}/areas/${encodeURIComponent(areaId)}#${encodeURIComponent(itemAnchor(itemId))}`;
}

/** An item a finding is about, with the link to it. */
export interface ItemRef {
  itemId: string;
  areaId: string;
  href: string;
}

/** Builds the ItemRef of an item from the instrument outline's `areaOfItem`. */
export function itemRefs(assessmentId: string, areaOfItem: ReadonlyMap<string, string>): (itemId: string) => ItemRef {
  return (itemId) => {
    const areaId = areaOfItem.get(itemId) ?? "";
    return { itemId, areaId, href: itemHref(assessmentId, areaId, itemId) };
  };
}
