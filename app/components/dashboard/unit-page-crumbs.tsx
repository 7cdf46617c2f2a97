import { useLocation } from "@remix-run/react";
import { Breadcrumbs } from "./breadcrumbs";
import { useDashT } from "./dash-t";
import { queryString } from "./query";

/** The trail of a page about one unit (movement, planner): dashboard → the unit's dashboard → this page. */
export function UnitPageCrumbs({
  unit,
  instrumentId,
  period,
  year,
  current,
}: {
  unit: { id: string; name: string; organisationId: string };
  instrumentId: string;
  /** The period the unit's dashboard opens on; null for its latest. */
  period: string | null;
  /** Shown after the unit's name when the page is about one period. */
  year?: number;
  current: string;
}) {
  const t = useDashT();
  const here = useLocation();
  return (
    <Breadcrumbs
      crumbs={[
        { label: t("dash.crumb.dashboard"), href: `/dashboard${queryString({ org: unit.organisationId, instrument: instrumentId })}` },
        {
          label: year === undefined ? unit.name : `${unit.name} · ${year}`,
          href: `/dashboard/units/${unit.id}${queryString({ instrument: instrumentId, period })}`,
        },
        { label: current, href: `${here.pathname}${here.search}` },
      ]}
    />
  );
}
