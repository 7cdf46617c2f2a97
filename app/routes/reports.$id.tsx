import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { pageTitle } from "~/i18n/page-title";
import { IndexBreakdown } from "~/components/workbench/index-breakdown";
import { TargetCheck } from "~/components/workbench/target-check";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/require.server";
import { BarsChart } from "~/components/charts/bars-chart";
import { ChartFigure } from "~/components/charts/chart-figure";
import { TrendChart } from "~/components/charts/trend-chart";
import { useDashT } from "~/components/dashboard/dash-t";
import dashboardStyles from "~/components/dashboard/dashboard.css?url";
import { PrintButton } from "~/components/dashboard/print-button";
import { printPageCss } from "~/components/dashboard/print-page";
import { ReleasedLayersCard } from "~/components/evaluation/effective-score";
import { RecapTable, VerdictTables } from "~/components/dashboard/report-tables";
import { getDb } from "~/db.server";
import { formatDate, formatNumber } from "~/i18n";
import { getLocale } from "~/i18n/locale.server";
import { useLocale, useT } from "~/i18n/use-t";
import { assessmentReport } from "~/services/dashboard/report.server";
import { historicalMark } from "~/services/workbench/historical.server";
import { HistoricalMarkNote } from "~/components/workbench/historical";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: dashboardStyles }];

export const meta = pageTitle<typeof loader>("dash.report.title", (d) => `${d.unit} ${d.period.year}`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const locale = await getLocale(request, user);
  const report = await assessmentReport(getDb(), user, params.id!, locale);
  return { ...report, historical: await historicalMark(getDb(), report.assessment.id), printedAt: new Date().toISOString() };
}

export default function Report() {
  const r = useLoaderData<typeof loader>();
  const t = useDashT();
  const app = useT();
  const locale = useLocale();
  // Every printed page: unit, period and instrument at the top, "Halaman 3 dari 7" at the bottom.
  const pageCss = printPageCss(
    { left: `${r.unit} · ${r.period.name}`, right: `${r.instrument.title} (${r.instrument.id} ${r.instrument.version})` },
    t("dash.report.pageOf"),
  );
  return (
    <article className="report" data-testid="report">
      <style dangerouslySetInnerHTML={{ __html: pageCss }} />
      <p className="no-print row">
        <Link to={`/assessments/${r.assessment.id}`}>{t("dash.report.back")}</Link>
        <PrintButton label={t("dash.report.print")} />
      </p>
      <h1>
        {t("dash.report.title")}: {r.unit}, {r.period.name}
      </h1>
      <HistoricalMarkNote mark={r.historical} />
      {r.assessment.final ? null : (
        <p className="draft-mark" data-testid="report-draft">
          {t("dash.report.draft")}
        </p>
      )}
      <dl className="report-meta">
        <dt>{t("dash.report.organisation")}</dt>
        <dd>{r.organisation}</dd>
        <dt>{t("dash.report.unit")}</dt>
        <dd>{r.unit}</dd>
        <dt>{t("dash.report.period")}</dt>
        <dd>{r.period.name}</dd>
        <dt>{t("dash.report.instrument")}</dt>
        <dd>
          {r.instrument.title} ({r.instrument.id} {r.instrument.version}; {r.instrument.regulation})
        </dd>
        <dt>{t("dash.report.status")}</dt>
        <dd>{app(`status.${r.assessment.status}`)}</dd>
        {r.snapshot ? (
          <>
            <dt>{t("dash.report.snapshot")}</dt>
            <dd>
              {t("dash.report.snapshotValue", {
                date: formatDate(r.snapshot.createdAt, locale),
                engine: r.snapshot.engineVersion,
                hash: r.assessment.instrumentHash.slice(0, 12),
              })}
            </dd>
          </>
        ) : null}
      </dl>
      <p className="big-number" data-testid="report-total">
        {t("dash.report.total")}: <span data-testid="report-total-value">{formatNumber(r.total.value, locale, 2)}</span> /{" "}
        {formatNumber(r.total.max, locale, 2)}
        {r.predicate ? (
          <span className="tag">
            {t("dash.report.predicate")}: {r.predicate.code} ({r.predicate.label})
          </span>
        ) : null}
      </p>
      {r.predicate?.targets ? <TargetCheck targets={r.predicate.targets} notes={r.targetNotes} open /> : null}
      <p data-testid="report-completeness">
        {r.completeness.href ? (
          <Link to={r.completeness.href}>
            {app("workbench.answered", { answered: r.completeness.answered, total: r.completeness.total })}
          </Link>
        ) : (
          app("workbench.answered", { answered: r.completeness.answered, total: r.completeness.total })
        )}
      </p>
      {r.layers ? <ReleasedLayersCard scores={r.layers} /> : null}
      {r.index ? <IndexBreakdown index={r.index} /> : null}
      <VerdictTables verdicts={r.verdicts} />
      <section className="card">
        <h2>{t("dash.report.recap")}</h2>
        <RecapTable rows={r.recap} total={r.total} />
      </section>
      <ChartFigure {...r.areasChart}>
        <BarsChart
          id="report-areas"
          table={r.areasChart.table}
          categoryKey="_label"
          series={[{ key: "current" }]}
          max={100}
          format="percent"
          guides={r.areasChart.meta.guides}
          labelWidth={260}
          width={700}
        />
      </ChartFigure>
      {r.trend.table.rows.length > 0 ? (
        <ChartFigure {...r.trend}>
          <TrendChart
            id="report-trend"
            table={r.trend.table}
            xKey="period"
            series={["total"]}
            guides={r.trend.meta}
            width={700}
            height={260}
          />
        </ChartFigure>
      ) : null}
      {r.notes.length > 0 ? (
        <section className="card report-notes" data-testid="report-notes">
          <h2>{t("dash.report.notes")}</h2>
          <dl>
            {r.notes.map((n) => (
              <div key={n.itemId}>
                <dt>
                  {n.itemId} {n.question}
                </dt>
                <dd>{n.note}</dd>
              </div>
            ))}
          </dl>
        </section>
      ) : null}
      <p className="small muted">{t("dash.report.generated", { date: formatDate(r.printedAt, locale) })}</p>
    </article>
  );
}
