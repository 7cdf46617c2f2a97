import { Form } from "@remix-run/react";
import { useDashT } from "./dash-t";
import { NamedOptions } from "~/components/options";

export interface FilterOptions {
  organisations: { id: string; name: string }[];
  subtrees: { id: string; name: string; depth: number }[];
  instruments: string[];
  periods: { id: string; year: number; name: string }[];
  values: { org: string; unit: string | null; instrument: string; period: string | null };
}

/** The dashboard filters as a plain GET form: works without JavaScript, and the URL can be shared. */
export function DashboardFilters({ options }: { options: FilterOptions }) {
  const t = useDashT();
  const v = options.values;
  return (
    <div className="card filters no-print" data-testid="dashboard-filters">
      {options.organisations.length > 1 ? (
        // A separate form: units and periods belong to one organisation, so switching resets them.
        <Form method="get" className="row filter-org" aria-label={t("dash.filter.org")}>
          <div>
            <label htmlFor="f-org">{t("dash.filter.org")}</label>
            <select id="f-org" name="org" defaultValue={v.org}>
              <NamedOptions items={options.organisations} />
            </select>
          </div>
          <div>
            <button type="submit" className="secondary">
              {t("dash.filter.apply")}
            </button>
          </div>
        </Form>
      ) : null}
      <Form method="get" aria-label={t("dash.filters")}>
        <input type="hidden" name="org" value={v.org} />
        <div className="row">
          <div>
            <label htmlFor="f-unit">{t("dash.filter.unit")}</label>
            <select id="f-unit" name="unit" defaultValue={v.unit ?? ""}>
              <option value="">{t("dash.filter.allUnits")}</option>
              {options.subtrees.map((u) => (
                <option key={u.id} value={u.id}>
                  {"\u00a0\u00a0".repeat(Math.max(0, u.depth))}
                  {u.name}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="f-instrument">{t("dash.filter.instrument")}</label>
            <select id="f-instrument" name="instrument" defaultValue={v.instrument}>
              {options.instruments.map((i) => (
                <option key={i} value={i}>
                  {i}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="f-period">{t("dash.filter.period")}</label>
            <select id="f-period" name="period" defaultValue={v.period ?? ""}>
              <option value="">{t("dash.filter.latest")}</option>
              <NamedOptions items={options.periods} />
            </select>
          </div>
          <div>
            <button type="submit">{t("dash.filter.apply")}</button>
          </div>
        </div>
      </Form>
    </div>
  );
}
