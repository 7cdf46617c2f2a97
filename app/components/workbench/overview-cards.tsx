import { Form } from "@remix-run/react";
import { ItemLinks } from "~/components/workbench/item-links";
import { answerText } from "~/components/evaluation/answer-text";
import { ComparisonTable } from "~/components/evaluation/comparison-table";
import { formatNumber, type MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import type { AssessmentOverview } from "~/services/workbench/assessment-view.server";
import type { SubmissionGaps } from "~/services/workbench/readiness.server";

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

type Gaps = Pick<SubmissionGaps, "answered" | "total" | "unanswered" | "outOfRange" | "missingEvidence"> & { intent?: string };

/**
 * What is missing before a submission or finalisation, each item linked to its place on its area page
 * (the `href` the server built with `itemHref`, as every readiness finding); and the box that confirms going on anyway.
 */
function GapList({ gaps, intent }: { gaps: Gaps; intent: "submit" | "finalise" }) {
  const t = useT();
  return (
    <div className="alert alert-error" data-testid={`gaps-${intent}`}>
      <p>{t("workbench.answered", { answered: gaps.answered, total: gaps.total })}</p>
      <ul>
        {gaps.unanswered.length ? (
          <li data-testid="gaps-unanswered">
            {t("workbench.unanswered", { count: gaps.unanswered.length })}: <ItemLinks items={gaps.unanswered} />
          </li>
        ) : null}
        {gaps.outOfRange.length ? (
          <li data-testid="gaps-out-of-range">
            {t("workbench.outOfRangeStored", { count: gaps.outOfRange.length })}{" "}
            {gaps.outOfRange.flatMap((o, n) => [
              n === 0 ? null : "; ",
              <ItemLinks key={o.itemId} items={[o]} />,
              ` (${t(o.key, o.params)})`,
            ])}
          </li>
        ) : null}
        {gaps.missingEvidence.length ? (
          <li data-testid="gaps-missing-evidence">
            {t("workbench.missingEvidence", { count: gaps.missingEvidence.length })}: <ItemLinks items={gaps.missingEvidence} />
          </li>
        ) : null}
      </ul>
      <label>
        <input type="checkbox" name="confirm" value="1" required data-testid={`confirm-${intent}`} />{" "}
        {t(intent === "submit" ? "workbench.confirmSubmit" : "workbench.confirmFinalise")}
      </label>
    </div>
  );
}

/**
 * Submit, finalise and reopen, each shown only to whom may do it and named for what it does for
 * that role; an override reason when the stage window is closed. When the server answered that
 * items are missing (`gaps`), the form lists them and asks for the confirmation box.
 */
export function WorkflowActions({
  windowClosed,
  can,
  role,
  gaps,
  values,
}: {
  windowClosed: boolean;
  can: { submit: boolean; finalise: boolean; reopen: boolean };
  role: "assessor" | "coordinator" | null;
  gaps: Gaps | null;
  values?: Record<string, string>;
}) {
  const t = useT();
  if (!can.submit && !can.finalise && !can.reopen) return null;
  const override = (intent: string) =>
    windowClosed ? (
      <div>
        <label htmlFor={`overrideReason-${intent}`}>{t("workbench.overrideReason")}</label>
        <input
          id={`overrideReason-${intent}`}
          name="overrideReason"
          type="text"
          maxLength={1000}
          defaultValue={gaps?.intent === intent ? (values?.overrideReason ?? "") : undefined}
        />
      </div>
    ) : null;
  return (
    <section className="card">
      <h2>{t("workbench.status")}</h2>
      {can.submit ? (
        <Form method="post">
          <input type="hidden" name="intent" value="submit" />
          {override("submit")}
          {gaps?.intent === "submit" ? <GapList gaps={gaps} intent="submit" /> : null}
          <button type="submit">{t(role === "coordinator" ? "workbench.submitCoordinator" : "workbench.submit")}</button>
        </Form>
      ) : null}
      {can.finalise ? (
        <Form method="post">
          <input type="hidden" name="intent" value="finalise" />
          {override("finalise")}
          {gaps?.intent === "finalise" ? <GapList gaps={gaps} intent="finalise" /> : null}
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
