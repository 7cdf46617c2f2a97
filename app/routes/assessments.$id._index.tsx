import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { FOLLOW_UP_STATUSES } from "#db/schema";
import { requireUser } from "~/auth/require.server";
import { FindingsCard } from "~/components/evaluation/findings-card";
import { FormAlert, feedbackFor } from "~/components/form";
import { EvaluationCard, WorkflowActions } from "~/components/workbench/overview-cards";
import { AreasCard, BlindCard, ReadinessCard, TeamCard } from "~/components/workbench/overview-sections";
import { ScoreSummaryCard } from "~/components/workbench/score-summary";
import { HistoricalMarkNote } from "~/components/workbench/historical";
import { Timeline } from "~/components/workbench/timeline";
import { getDb } from "~/db.server";
import { getLocale } from "~/i18n/locale.server";
import { formatDate, formatNumber, type MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import { updateFollowUp } from "~/services/evaluation/findings.server";
import { assessmentOverview } from "~/services/workbench/assessment-view.server";
import { inLocale, requireAssessment } from "~/services/workbench/assessments.server";
import { historicalMark } from "~/services/workbench/historical.server";
import { hasGaps, submissionGaps } from "~/services/workbench/readiness.server";
import {
  assertMayFinalise,
  assertMaySubmit,
  finaliseAssessment,
  reopenAssessment,
  setAssignment,
  submitAssessment,
} from "~/services/workbench/workflow.server";
import { badRequest, emptyToNull, formFailure, formValues, readFormData, ruleFailure } from "~/utils/forms";
import { IdSchema } from "~/utils/schemas";
import { pageTitle } from "~/i18n/page-title";
import { AppealCard } from "~/components/appeals/appeal-card";
import { appealSummary } from "~/services/appeals/appeals.server";

export const meta = pageTitle<typeof loader>("title.overview", (d) => `${d.assessment.unitName} ${d.assessment.year}`);

/* The assessment overview: score, areas, readiness, evaluation, team and workflow (submit, finalise, reopen, assign, follow-ups). */

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = inLocale(await requireAssessment(db, user, params.id!), await getLocale(request, user));
  return {
    ...(await assessmentOverview(db, user, ctx, new URL(request.url).searchParams)),
    historical: await historicalMark(db, ctx.assessment.id),
    // Sanggah (issue #30): the windows of released evaluator layers and the appeals so far.
    appeals: await appealSummary(db, user, ctx),
  };
}

const Reason = z.string().trim().max(1000, "error.tooLong").optional();
const ActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("submit"), overrideReason: Reason, confirm: z.literal("1").optional() }),
  z.object({ intent: z.literal("finalise"), overrideReason: Reason, confirm: z.literal("1").optional() }),
  z.object({ intent: z.literal("reopen"), reason: z.string().trim().min(1, "workbench.reasonRequired").max(1000, "error.tooLong") }),
  z.object({
    intent: z.enum(["assign", "unassign"]),
    nodeId: z.string().min(1, "error.required").max(64, "error.invalid"),
    userId: IdSchema,
  }),
  z.object({
    intent: z.literal("follow-up"),
    findingId: IdSchema,
    action: z.string().trim().min(1, "error.required").max(1000, "error.tooLong"),
    owner: z.string().trim().min(1, "error.required").max(200, "error.tooLong"),
    due: z.preprocess(
      emptyToNull,
      z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, "error.invalidDate")
        .nullable(),
    ),
    status: z.enum(FOLLOW_UP_STATUSES),
  }),
]);

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = await requireAssessment(db, user, params.id!);
  const form = await readFormData(request);
  const values = formValues(form);
  const parsed = ActionSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.path[0] === "intent") return formFailure("error.unknownIntent", values);
    return badRequest({
      formError: issue?.message === "workbench.reasonRequired" ? "workbench.reasonRequired" : "error.form",
      fieldErrors: {},
      values,
      intent: values.intent,
    });
  }
  const v = parsed.data;
  try {
    // Submitting or finalising with items missing needs a second post with confirm=1 (issue #27): the first answers 400 with the list.
    if ((v.intent === "submit" || v.intent === "finalise") && v.confirm !== "1") {
      if (v.intent === "submit") assertMaySubmit(user, ctx);
      else assertMayFinalise(user, ctx);
      const gaps = await submissionGaps(db, ctx);
      if (hasGaps(gaps))
        return data(
          { ok: false as const, formError: "workbench.confirmGaps" as const, fieldErrors: {}, values, intent: v.intent, gaps },
          { status: 400 },
        );
    }
    switch (v.intent) {
      case "submit":
        await submitAssessment(db, user, ctx, v.overrideReason ?? null);
        break;
      case "finalise":
        await finaliseAssessment(db, user, ctx, v.overrideReason ?? null);
        break;
      case "reopen":
        await reopenAssessment(db, user, ctx, v.reason);
        break;
      case "follow-up":
        await updateFollowUp(db, user, v.findingId, { action: v.action, owner: v.owner, due: v.due, status: v.status });
        break;
      case "assign":
      case "unassign":
        await setAssignment(db, user, ctx, v.nodeId, v.userId, v.intent === "assign");
        break;
    }
  } catch (e) {
    return ruleFailure(e, values, v.intent);
  }
  return data({ ok: true as const, intent: v.intent, message: "common.saved" as const });
}

export default function AssessmentOverview() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const feedback = feedbackFor(actionData);
  const gaps = actionData && "gaps" in actionData ? { intent: actionData.intent, ...actionData.gaps } : null;
  const t = useT();
  const locale = useLocale();
  const a = d.assessment;
  const r = d.readiness;
  const windowClosed = (a.status === "submitted" ? !d.windows.review : !d.windows.fill) && d.can.override;
  return (
    <>
      <p>
        <Link to="/assessments">← {t("assessments.title")}</Link>
      </p>
      <h1>
        {a.unitName} · {a.year}
      </h1>
      <p className="muted">
        {a.organisationName} · {a.instrumentTitle} ({a.instrumentId}, <span title={a.instrumentHash}>{a.instrumentHash.slice(0, 10)}</span>)
        · <strong data-testid="assessment-status">{t(`status.${a.status}` as MessageKey)}</strong>
      </p>
      <FormAlert feedback={feedback} />
      <HistoricalMarkNote mark={d.historical} />
      {d.snapshot ? (
        <p className="alert alert-ok" data-testid="snapshot">
          {t("workbench.snapshot", {
            total: formatNumber(d.snapshot.total, locale, 2),
            at: formatDate(d.snapshot.created_at, locale),
            engine: d.snapshot.engine_version,
          })}
        </p>
      ) : null}
      {d.imported ? (
        <p className="alert alert-ok" role="status" data-testid="lke-applied">
          {t("lke.applied", { answers: d.imported.answers, links: d.imported.links })}
        </p>
      ) : null}
      <ScoreSummaryCard summary={d.summary} />
      <p data-testid="completeness">
        {r && d.completeness.answered < d.completeness.total ? (
          <a href="#readiness">{t("workbench.answered", { answered: d.completeness.answered, total: d.completeness.total })}</a>
        ) : (
          t("workbench.answered", { answered: d.completeness.answered, total: d.completeness.total })
        )}
      </p>
      <p>
        <Link to={`/assessments/${a.id}/lke`} data-testid="lke-link">
          {t("lke.link")}
        </Link>
        {a.status !== "draft" ? (
          <>
            {" · "}
            <Link to={`/assessments/${a.id}/receipt`} data-testid="receipt-link">
              {t("seal.receiptLink")}
            </Link>
          </>
        ) : null}
      </p>
      {d.canEvaluate ? (
        <p>
          <Link to={`/evaluations/assessments/${a.id}`}>{t("eval.evaluatorView")}</Link>
        </p>
      ) : null}
      {d.evaluation ? <EvaluationCard evaluation={d.evaluation} /> : null}
      {d.appeals ? <AppealCard assessmentId={a.id} summary={d.appeals} /> : null}
      <BlindCard d={d} />
      <FindingsCard findings={d.findings} canWrite={d.can.followUp} title="eval.findings" />
      <FindingsCard findings={d.followUps} canWrite={d.can.followUp} title="eval.openFollowUps" />
      <AreasCard d={d} />
      <ReadinessCard readiness={r} />
      <WorkflowActions can={d.can} role={d.role} windowClosed={windowClosed} gaps={gaps} values={feedback?.values} />
      <TeamCard d={d} />
      <section className="card">
        <h2>{t("workbench.timeline")}</h2>
        <Timeline entries={d.timeline} />
      </section>
    </>
  );
}
