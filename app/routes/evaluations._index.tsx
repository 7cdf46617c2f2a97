import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { scopesFor } from "~/auth/permissions";
import { forbidden, requireUser } from "~/auth/require.server";
import { getDb } from "~/db.server";
import { formatNumber, type MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import { canOnUnit, listAssessments, requireAssessment } from "~/services/workbench/assessments.server";
import { layerComparison } from "~/services/evaluation/view.server";
import { TableCard } from "~/components/list";
import { LayerScore } from "~/components/evaluation/layers-card";
import { pageTitle } from "~/i18n/page-title";
import { openAppealCount } from "~/services/appeals/queue.server";

export const meta = pageTitle("eval.title");

/** Submitted and final assessments in the evaluator's scope, with self and effective scores. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!user.isAdmin && scopesFor(user, "evaluation.read").length === 0) throw forbidden();
  const db = getDb();
  const rows = (await listAssessments(db, user)).filter((r) => r.status === "submitted" || r.status === "final");
  const out = [];
  for (const r of rows) {
    const ctx = await requireAssessment(db, user, r.id);
    if (!canOnUnit(user, "evaluation.read", ctx.unit)) continue;
    const cmp = await layerComparison(db, user, ctx);
    out.push({ ...r, self: cmp.self.total, effective: cmp.effective.total, layers: cmp.layers.filter((l) => l.layer !== "self") });
  }
  // Appeals (issue #30) waiting for this evaluator's decision.
  return { rows: out, openAppeals: await openAppealCount(db, user) };
}

export default function Evaluations() {
  const { rows, openAppeals } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("eval.title")}</h1>
      <p>
        <Link to="/evaluations/gaps">{t("eval.gaps")}</Link> · <Link to="/evaluations/eligibility">{t("eval.eligibility")}</Link> ·{" "}
        <Link to="/evaluations/appeals" data-testid="appeal-queue-link">
          {t("appeal.queue.link")}
        </Link>
        {openAppeals > 0 ? <> ({t("appeal.queue.waiting", { count: openAppeals })})</> : null}
      </p>
      <TableCard
        empty={t("eval.empty")}
        testId="evaluations"
        isEmpty={rows.length === 0}
        headers={[t("common.unit"), t("periods.year"), t("common.status"), t("eval.selfTotal"), t("eval.effectiveTotal"), t("eval.layers")]}
      >
        {rows.map((r) => (
          <tr key={r.id}>
            <td>
              <Link to={`/evaluations/assessments/${r.id}`}>{r.unitName}</Link>
              <div className="muted">{r.organisationName}</div>
            </td>
            <td>{r.year}</td>
            <td>{t(`status.${r.status}` as MessageKey)}</td>
            <td>{formatNumber(r.self, locale, 2)}</td>
            <td>{formatNumber(r.effective, locale, 2)}</td>
            <td>
              {r.layers.map((l) => (
                <div key={l.layer}>
                  {t(`eval.layer.${l.layer}` as MessageKey)}: <LayerScore total={l.scored ? l.total : null} answered={l.answered} /> ·{" "}
                  {l.released ? t("eval.released") : t("eval.notReleased")}
                </div>
              ))}
            </td>
          </tr>
        ))}
      </TableCard>
    </>
  );
}
