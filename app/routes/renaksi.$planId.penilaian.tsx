import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/require.server";
import { Field, FormAlert, IntentForm, feedbackFor } from "~/components/form";
import { Card, Num, PlanNav } from "~/components/renaksi/plan-parts";
import { getDb } from "~/db.server";
import { formatDate } from "~/i18n";
import { pageTitle } from "~/i18n/page-title";
import { useLocale, useT } from "~/i18n/use-t";
import { GradeSchema } from "~/services/renaksi/forms";
import { saveGrade } from "~/services/renaksi/plans.server";
import { planPage } from "~/services/renaksi/route.server";
import { parseForm, readIntentForm, ruleFailure } from "~/utils/forms";

export const meta = pageTitle<typeof loader>("renaksi.tab.grading", (d) => `${d.view.organisation.name} ${d.view.plan.year}`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { view } = await planPage(request, params.planId);
  return { view };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await readIntentForm(request, z.enum(["grade"]));
  if ("rejected" in form) return form.rejected;
  const p = parseForm(form.formData, GradeSchema);
  if (!p.ok) return form.fail(p);
  try {
    await saveGrade(getDb(), user, params.planId ?? "", p.value);
  } catch (e) {
    return ruleFailure(e, form.values, form.intent);
  }
  return data({ ok: true as const, intent: form.intent, message: "common.saved" as const, values: form.values });
}

const GRADES = ["A", "B", "C", "D", "E"];

export default function PlanGrading() {
  const { view } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const s = view.scores.strategi;
  const editable = view.canGrade && view.open.grading;
  const fb = feedbackFor(actionData);
  return (
    <>
      <PlanNav planId={view.plan.id} org={view.organisation.name} year={view.plan.year} />
      <p className="muted">{t("renaksi.gradingIntro")}</p>
      {!view.canGrade ? <p className="alert alert-warn">{t("renaksi.gradingReadOnly")}</p> : !view.open.grading ? <p className="alert alert-warn">{t("renaksi.gradingClosed")}</p> : null}
      <Card title={t("renaksi.a101")} testId="renaksi-strategi">
        {s ? (
          <dl className="facts">
            <dt>{t("renaksi.penilaianKU")}</dt>
            <dd>
              <Num value={s.penilaianKU} digits={2} />
            </dd>
            <dt>{t("renaksi.penetapanRA")}</dt>
            <dd>
              <Num value={s.penetapanRA} digits={2} />
            </dd>
            <dt>{t("renaksi.strategi")}</dt>
            <dd>
              <strong>
                <Num value={s.value} digits={2} />
              </strong>{" "}
              / 3
            </dd>
          </dl>
        ) : (
          <p>{t("renaksi.notGraded")}</p>
        )}
        <p className="muted">{t("renaksi.gradeRule")}</p>
      </Card>
      {view.criteria.map((c) => {
        const mine = fb?.values?.criterion === c.code ? fb : undefined;
        const options = c.answer === "yes_no" ? ["YA", "TIDAK"] : GRADES;
        return (
          <Card key={c.code} title={c.label} testId={`criterion-${c.code}`}>
            <p>{c.text}</p>
            <details>
              <summary>{t("renaksi.guidance")}</summary>
              <p>{c.guidance}</p>
            </details>
            <p>
              {t("renaksi.grade")}: <strong data-testid={`grade-${c.code}`}>{c.grade ?? t("renaksi.notGradedShort")}</strong>
              {c.gradedAt ? <span className="muted"> · {formatDate(c.gradedAt, locale)}</span> : null}
            </p>
            {c.note ? (
              <p>
                {t("renaksi.note")}: {c.note}
              </p>
            ) : null}
            {c.recommendation ? (
              <p>
                {t("renaksi.recommendation")}: {c.recommendation}
              </p>
            ) : null}
            <FormAlert feedback={mine} />
            {editable ? (
              <IntentForm intent="grade" fields={{ criterion: c.code }}>
                <div>
                  <label htmlFor={`${c.code}-grade`}>{t("renaksi.grade")}</label>
                  <select id={`${c.code}-grade`} name="grade" defaultValue={mine?.values?.grade ?? c.grade ?? ""}>
                    <option value="">{t("renaksi.notGradedShort")}</option>
                    {options.map((g) => (
                      <option key={g} value={g}>
                        {g}
                      </option>
                    ))}
                  </select>
                </div>
                <Field name="note" label="renaksi.note" idPrefix={`${c.code}-`} defaultValue={c.note ?? ""} feedback={mine} />
                <Field name="recommendation" label="renaksi.recommendation" idPrefix={`${c.code}-`} defaultValue={c.recommendation ?? ""} feedback={mine} />
                <button type="submit">{t("renaksi.saveGrade")}</button>
              </IntentForm>
            ) : null}
          </Card>
        );
      })}
    </>
  );
}
