import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { translator } from "~/i18n";
import { localeOfMatches, titleText } from "~/i18n/page-title";
import { Form, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/require.server";
import { ChartFigure } from "~/components/charts/chart-figure";
import { WaterfallChart } from "~/components/charts/waterfall-chart";
import { useDashT } from "~/components/dashboard/dash-t";
import dashboardStyles from "~/components/dashboard/dashboard.css?url";
import { MovementTree } from "~/components/dashboard/movement-tree";
import { UnitPageCrumbs } from "~/components/dashboard/unit-page-crumbs";
import { getDb } from "~/db.server";
import { getLocale } from "~/i18n/locale.server";
import { unitMovement } from "~/services/dashboard/movement.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: dashboardStyles }];

/** The page's own heading (unit and period in it) as the title, in the reader's language. */
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = translator(localeOfMatches(matches));
  return [{ title: titleText(t, data?.title ?? t("dash.pageTitle.movement")) }];
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const locale = await getLocale(request, user);
  return unitMovement(getDb(), user, params.unitId!, new URL(request.url), locale);
}

export default function Movement() {
  const d = useLoaderData<typeof loader>();
  const t = useDashT();
  return (
    <div className="dashboard" data-testid="movement">
      <UnitPageCrumbs unit={d.unit} instrumentId={d.instrumentId} period={d.to?.periodId ?? null} current={t("dash.unit.openMovement")} />
      <h1>{d.title}</h1>
      {d.periods.length >= 2 ? (
        <Form method="get" className="card row no-print" aria-label={t("dash.move.pick")}>
          <input type="hidden" name="instrument" value={d.instrumentId} />
          <PeriodSelect id="m-from" name="from" label={t("dash.move.from")} periods={d.periods} defaultValue={d.from?.periodId} />
          <PeriodSelect id="m-to" name="to" label={t("dash.move.to")} periods={d.periods} defaultValue={d.to?.periodId} />
          <div>
            <button type="submit">{t("dash.filter.apply")}</button>
          </div>
        </Form>
      ) : null}
      {d.chart && d.explanation ? (
        <>
          <ChartFigure {...d.chart}>
            <WaterfallChart
              id="movement"
              table={d.chart.table}
              domain={d.chart.meta.domain}
              labels={{
                total: t("dash.col.total"),
                better: t("dash.move.better"),
                worse: t("dash.move.worse"),
                unanswered: t("dash.move.unanswered"),
                rule: t("dash.move.ruleStep"),
              }}
            />
          </ChartFigure>
          {d.explanation.ruleChange ? (
            <MovementTree part={d.explanation.ruleChange} title={t("dash.move.ruleChange")} testId="movement-rule" />
          ) : null}
          <MovementTree part={d.explanation.realChange} title={t("dash.move.realChange")} testId="movement-real" />
          {d.explanation.added.length ? (
            <p className="small muted">{t("dash.move.added", { items: d.explanation.added.join(", ") })}</p>
          ) : null}
          {d.explanation.removed.length ? (
            <p className="small muted">{t("dash.move.removed", { items: d.explanation.removed.join(", ") })}</p>
          ) : null}
        </>
      ) : (
        <p className="muted">{t("dash.move.needTwo")}</p>
      )}
    </div>
  );
}

function PeriodSelect({
  id,
  name,
  label,
  periods,
  defaultValue,
}: {
  id: string;
  name: string;
  label: string;
  periods: { id: string; year: number }[];
  defaultValue?: string;
}) {
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={defaultValue}>
        {periods.map((p) => (
          <option key={p.id} value={p.id}>
            {p.year}
          </option>
        ))}
      </select>
    </div>
  );
}
