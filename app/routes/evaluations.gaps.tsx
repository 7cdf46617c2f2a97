import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { scopesFor } from "~/auth/permissions";
import { forbidden, requireUser } from "~/auth/require.server";
import { getDb } from "~/db.server";
import { formatNumber } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import { listGaps, rankUnitsByGap } from "~/services/evaluation/gaps.server";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle("eval.gaps");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!user.isAdmin && scopesFor(user, "evaluation.read").length === 0) throw forbidden();
  const rows = await listGaps(getDb(), user);
  return { rows, ranking: rankUnitsByGap(rows) };
}

export default function Gaps() {
  const { rows, ranking } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const f = (n: number) => formatNumber(n, locale, 2);
  return (
    <>
      <p>
        <Link to="/evaluations">← {t("eval.title")}</Link>
      </p>
      <h1>{t("eval.gaps")}</h1>
      <section className="card">
        <table data-testid="gap-ranking">
          <thead>
            <tr>
              <th>{t("eval.gapsUnit")}</th>
              <th>{t("eval.gap")}</th>
              <th>{t("eval.gapsPeriods")}</th>
            </tr>
          </thead>
          <tbody>
            {ranking.map((r) => (
              <tr key={r.unitId}>
                <td>{r.unitName}</td>
                <td>{f(r.meanGap)}</td>
                <td>{r.periods}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {rows.map((r) => (
        <section className="card" key={r.assessmentId}>
          <h2>
            {r.unitName} · {r.year}
          </h2>
          <p>
            {t("eval.selfTotal")} {f(r.self)} · {t("eval.effectiveTotal")} {f(r.evaluator)} · {t("eval.gap")} {f(r.gap)} ·{" "}
            {t("eval.adjustedShare")}: {t("eval.adjustedOf", { adjusted: r.adjusted, sampled: r.sampled })}
          </p>
          <details>
            <summary>{t("workbench.areas")}</summary>
            <table>
              <thead>
                <tr>
                  <th>{t("workbench.areas")}</th>
                  <th>{t("eval.selfTotal")}</th>
                  <th>{t("eval.effectiveTotal")}</th>
                  <th>{t("eval.gap")}</th>
                </tr>
              </thead>
              <tbody>
                {r.areas.map((a) => (
                  <tr key={a.id}>
                    <td>
                      {a.id} {a.label}
                    </td>
                    <td>{f(a.self)}</td>
                    <td>{f(a.evaluator)}</td>
                    <td>{f(a.gap)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </section>
      ))}
    </>
  );
}
