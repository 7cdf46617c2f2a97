import { Form } from "@remix-run/react";
import { answerText } from "~/components/evaluation/answer-text";
import { ComparisonTable } from "~/components/evaluation/comparison-table";
import { formatNumber, type MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import type { AssessmentOverview } from "~/services/workbench/assessment-view.server";

/* Cards of the assessment overview page that read nothing but their props. */

/** The released evaluator layers beside the team's: totals and per-item comparison. */
export function EvaluationCard({ evaluation }: { evaluation: NonNullable<AssessmentOverview["evaluation"]> }) {
  const t = useT();
  const locale = useLocale();
  const f = (n: number) => formatNumber(n, locale, 2);
  return (
    <section className="card" data-testid="evaluation">
      <h2>{t("eval.layers")}</h2>
      <p>
        {t("eval.effectiveTotal")}: <strong data-testid="unit-effective-total">{f(evaluation.effective.total)}</strong>
      </p>
      <ul>
        {evaluation.layers.map((l) => (
          <li key={l.layer}>
            {t(`eval.layer.${l.layer}` as MessageKey)}:{" "}
            {l.scored === false ? (
              t("eval.notScored")
            ) : (
              <>
                {f(l.total)} · {t("eval.answeredItems", { count: l.answered })}
              </>
            )}
          </li>
        ))}
      </ul>
      {evaluation.comparisons.length > 0 ? (
        <ComparisonTable comparisons={evaluation.comparisons} testId="unit-comparisons" formatValue={(v) => answerText(null, v, locale)} />
      ) : null}
    </section>
  );
}

/** Submit, finalise and reopen, each shown only to whom may do it; an override reason when the stage window is closed. */
export function WorkflowActions({
  windowClosed,
  can,
}: {
  windowClosed: boolean;
  can: { submit: boolean; finalise: boolean; reopen: boolean };
}) {
  const t = useT();
  if (!can.submit && !can.finalise && !can.reopen) return null;
  const override = windowClosed ? (
    <div>
      <label htmlFor="overrideReason">{t("workbench.overrideReason")}</label>
      <input id="overrideReason" name="overrideReason" type="text" maxLength={1000} />
    </div>
  ) : null;
  return (
    <section className="card">
      <h2>{t("workbench.status")}</h2>
      {can.submit ? (
        <Form method="post">
          <input type="hidden" name="intent" value="submit" />
          {override}
          <button type="submit">{t("workbench.submit")}</button>
        </Form>
      ) : null}
      {can.finalise ? (
        <Form method="post">
          <input type="hidden" name="intent" value="finalise" />
          {override}
          <button type="submit">{t("workbench.finalise")}</button>
        </Form>
      ) : null}
      {can.reopen ? (
        <Form method="post" className="row">
          <input type="hidden" name="intent" value="reopen" />
          <div>
            <label htmlFor="reason">{t("workbench.reason")}</label>
            <input id="reason" name="reason" type="text" required maxLength={1000} />
          </div>
          <button type="submit" className="danger">
            {t("workbench.reopen")}
          </button>
        </Form>
      ) : null}
    </section>
  );
}
