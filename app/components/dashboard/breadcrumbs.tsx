import { Link } from "@remix-run/react";
import { useDashT } from "./dash-t";

/** The drill-down trail: dashboard → unit and period → area → sub-area; the last crumb is the current page. */
export function Breadcrumbs({ crumbs }: { crumbs: { label: string; href: string }[] }) {
  const t = useDashT();
  return (
    <nav aria-label={t("dash.crumbs")} className="crumbs" data-testid="crumbs">
      <ol>
        {crumbs.map((c, i) => (
          <li key={c.href}>{i === crumbs.length - 1 ? <span aria-current="page">{c.label}</span> : <Link to={c.href}>{c.label}</Link>}</li>
        ))}
      </ol>
    </nav>
  );
}
