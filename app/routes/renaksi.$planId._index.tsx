import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/require.server";
import { Field, FormCard, SelectField, feedbackFor } from "~/components/form";
import { Card, Num, PlanNav } from "~/components/renaksi/plan-parts";
import { getDb } from "~/db.server";
import { formatDate, type MessageKey } from "~/i18n";
import { pageTitle } from "~/i18n/page-title";
import { useLocale, useT } from "~/i18n/use-t";
import { ScheduleSchema } from "~/services/renaksi/forms";
import { saveSchedule } from "~/services/renaksi/schedule.server";
import { planPage } from "~/services/renaksi/route.server";
import { parseForm, readIntentForm, ruleFailure } from "~/utils/forms";

export const meta = pageTitle<typeof loader>("renaksi.title", (d) => `${d.view.organisation.name} ${d.view.plan.year}`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { view } = await planPage(request, params.planId);
  return { view };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await readIntentForm(request, z.enum(["schedule"]));
  if ("rejected" in form) return form.rejected;
  const parsed = parseForm(form.formData, ScheduleSchema);
  if (!parsed.ok) return form.fail(parsed);
  const v = parsed.value;
  try {
    await saveSchedule(getDb(), user, params.planId ?? "", { ...v, dueTw: [v.dueTw1, v.dueTw2, v.dueTw3, v.dueTw4] });
  } catch (e) {
    return ruleFailure(e, form.values, form.intent);
  }
  return data({ ok: true as const, intent: form.intent, message: "common.saved" as const });
}

const SCHEDULE: [string, "plan_open" | "plan_close" | "monev_open" | "monev_close" | "grading_close" | "due_tw1" | "due_tw2" | "due_tw3" | "due_tw4", MessageKey][] = [
  ["planOpen", "plan_open", "renaksi.planOpen"],
  ["planClose", "plan_close", "renaksi.planClose"],
  ["monevOpen", "monev_open", "renaksi.monevOpen"],
  ["monevClose", "monev_close", "renaksi.monevClose"],
  ["gradingClose", "grading_close", "renaksi.gradingClose"],
  ["dueTw1", "due_tw1", "renaksi.dueTw1"],
  ["dueTw2", "due_tw2", "renaksi.dueTw2"],
  ["dueTw3", "due_tw3", "renaksi.dueTw3"],
  ["dueTw4", "due_tw4", "renaksi.dueTw4"],
];

export default function PlanOverview() {
  const { view } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const { scores, completeness: c } = view;
  const impl = scores.implementation;
  const feedback = feedbackFor(actionData, "schedule");
  return (
    <>
      <PlanNav planId={view.plan.id} org={view.organisation.name} year={view.plan.year} />
      {view.carriedFrom ? <p className="alert alert-warn">{t("renaksi.carriedFrom", { year: String(view.plan.year), from: String(view.carriedFrom) })}</p> : null}
      <Card title={t("renaksi.scoresTitle")} testId="renaksi-scores">
        <p className="muted">{t("renaksi.scoresIntro")}</p>
        <dl className="facts">
          <dt>{t("renaksi.a101")}</dt>
          <dd data-testid="renaksi-a101">
            {scores.strategi ? (
              <>
                <strong>
                  <Num value={scores.strategi.value} digits={2} />
                </strong>{" "}
                = {t("renaksi.penilaianKU")} <Num value={scores.strategi.penilaianKU} digits={2} /> + {t("renaksi.penetapanRA")} <Num value={scores.strategi.penetapanRA} digits={2} />
                {scores.strategi.unanswered.length > 0 ? <span className="muted"> · {t("renaksi.unanswered", { n: scores.strategi.unanswered.length })}</span> : null}
              </>
            ) : (
              t("renaksi.notGraded")
            )}
          </dd>
          <dt>{t("renaksi.a102")}</dt>
          <dd data-testid="renaksi-a102">
            {impl.score !== null ? (
              <>
                <strong>
                  <Num value={impl.score} />
                </strong>{" "}
                = ({impl.trace.outputs.map((o, i) => (
                  <span key={i}>
                    {i > 0 ? " + " : ""}
                    <Num value={o.total ?? 0} />
                  </span>
                ))}
                ) / {impl.trace.denominator} = <Num value={impl.trace.mean} />
                {impl.mode === "portal" && impl.trace.rounded !== null ? (
                  <>
                    {" "}
                    → {t("renaksi.rounded")} <Num value={impl.trace.rounded} />
                  </>
                ) : null}
                {impl.trace.capped ? <> → {t("renaksi.capped")}</> : null}
              </>
            ) : (
              t(impl.reason === "no_outputs_with_target" ? "renaksi.noOutputs" : "renaksi.noAchievement")
            )}
          </dd>
          <dt>{t("renaksi.mode")}</dt>
          <dd>{t(view.plan.mode === "portal" ? "renaksi.modePortal" : "renaksi.modeStrict")}</dd>
        </dl>
        <p className="muted">{t("renaksi.multiplierNote")}</p>
        <h3>{t("renaksi.assessmentsTitle")}</h3>
        {view.assessments.length === 0 ? (
          <p>{t("renaksi.noAssessments", { year: String(view.plan.year) })}</p>
        ) : (
          <ul data-testid="renaksi-assessments">
            {view.assessments.map((a) => (
              <li key={a.id}>
                <Link to={`/assessments/${a.id}`}>
                  {a.unitName} · {a.instrumentId}
                </Link>{" "}
                · {t(`status.${a.status}` as MessageKey)}
                {a.status === "final" ? <span className="alert-inline"> — {t("renaksi.finalNotChanged")}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title={t("renaksi.completeness")} testId="renaksi-completeness">
        <p>{t(c.complete ? "renaksi.complete" : "renaksi.incomplete", { min: c.minimum })}</p>
        <ul>
          <li>{t("renaksi.baselines", { n: c.baselines, year: String(view.plan.year - 1) })}</li>
          <li>{t("renaksi.targetsCount", { n: c.targets })}</li>
          <li>{t("renaksi.actionsCount", { n: c.actions })}</li>
        </ul>
      </Card>
      <Card title={t("renaksi.schedule")}>
        <ul>
          {SCHEDULE.map(([, col, label]) => (
            <li key={col}>
              {t(label)}: {view.schedule[col] ? formatDate(view.schedule[col], locale) : t("renaksi.notSet")}
            </li>
          ))}
        </ul>
        <p className="muted">{t("renaksi.scheduleNote")}</p>
      </Card>
      {view.canAdmin ? (
        <FormCard title={t("renaksi.scheduleEdit")} feedback={feedback} intent="schedule" submit={t("common.save")}>
          <SelectField name="mode" label="renaksi.mode" defaultValue={view.plan.mode} feedback={feedback}>
            <option value="portal">{t("renaksi.modePortal")}</option>
            <option value="strict">{t("renaksi.modeStrict")}</option>
          </SelectField>
          {SCHEDULE.map(([name, col, label]) => (
            <Field key={name} name={name} type="date" label={label} defaultValue={view.schedule[col] ?? ""} feedback={feedback} />
          ))}
        </FormCard>
      ) : null}
      {view.gaps.length > 0 ? (
        <Card title={t("renaksi.gaps")}>
          <ul>
            {view.gaps.map((g) => (
              <li key={g}>{g}</li>
            ))}
          </ul>
        </Card>
      ) : null}
    </>
  );
}
