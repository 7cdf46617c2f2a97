import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { can } from "~/auth/permissions";
import { readOrganisationAction, requireOrganisationRoute } from "~/auth/organisation.server";
import { forbidden } from "~/auth/require.server";
import { Field, FormAlert, FormCard, feedbackFor, IntentForm, PostButton } from "~/components/form";
import { TableCard } from "~/components/list";
import { formatDate } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import { createPeriod, listPeriods, setPeriodStatus, updatePeriodWindows } from "~/services/admin/periods.server";
import { parseForm, ruleFailure } from "~/utils/forms";
import { IdSchema, PeriodSchema, PeriodWindowsSchema } from "~/utils/schemas";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle<typeof loader>("org.periods", (d) => d.org.name);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, db, org } = await requireOrganisationRoute(request, params.orgId);
  if (!can(user, "period.manage", { type: "scope", scope: { organisationId: org.id, unitPath: null } })) throw forbidden();
  return { org: { id: org.id, name: org.name }, periods: await listPeriods(db, user, org.id) };
}

const IntentSchema = z.enum(["add-period", "update-period", "close-period", "reopen-period"]);

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await readOrganisationAction(request, params.orgId, IntentSchema);
  if ("rejected" in form) return form.rejected;
  const { user, db, org, formData, values, intent, fail } = form;
  try {
    if (intent === "add-period") {
      const parsed = parseForm(formData, PeriodSchema);
      if (!parsed.ok) return fail(parsed);
      await createPeriod(db, user, org.id, parsed.value);
    } else if (intent === "update-period") {
      const parsed = parseForm(formData, PeriodWindowsSchema.extend({ periodId: IdSchema }));
      if (!parsed.ok) return fail(parsed);
      const { periodId, ...windows } = parsed.value;
      await updatePeriodWindows(db, user, org.id, periodId, windows);
    } else {
      const parsed = parseForm(formData, z.object({ periodId: IdSchema }));
      if (!parsed.ok) return fail(parsed);
      await setPeriodStatus(db, user, org.id, parsed.value.periodId, intent === "close-period" ? "closed" : "open");
    }
  } catch (e) {
    return ruleFailure(e, values, intent);
  }
  return data({ ok: true as const, intent, message: "common.saved" as const });
}

const WINDOW_FIELDS = [
  ["fillStart", "fill_start", "periods.fillStart"],
  ["fillEnd", "fill_end", "periods.fillEnd"],
  ["reviewEnd", "review_end", "periods.reviewEnd"],
  ["evaluationEnd", "evaluation_end", "periods.evaluationEnd"],
] as const;

export default function Periods() {
  const { org, periods } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const addFeedback = feedbackFor(actionData, "add-period");
  const rowFeedback = actionData && actionData.intent !== "add-period" ? feedbackFor(actionData) : undefined;
  return (
    <>
      <p>
        <Link to={`/admin/organisations/${org.id}`}>← {org.name}</Link>
      </p>
      <h1>{t("org.periods")}</h1>
      <TableCard
        intro={<FormAlert feedback={rowFeedback} />}
        isEmpty={periods.length === 0}
        empty={t("periods.empty")}
        testId="periods"
        headers={[t("periods.year"), t("common.status"), ...WINDOW_FIELDS.map(([, , label]) => t(label)), t("common.actions")]}
      >
        {periods.map((p) => (
          <tr key={p.id}>
            <td>{p.year}</td>
            <td>{p.status === "open" ? t("periods.open") : t("periods.closed")}</td>
            {WINDOW_FIELDS.map(([, col]) => (
              <td key={col}>{formatDate(p[col], locale)}</td>
            ))}
            <td>
              <details>
                <summary>{t("common.edit")}</summary>
                <IntentForm intent="update-period" fields={{ periodId: p.id }}>
                  {WINDOW_FIELDS.map(([name, col, label]) => (
                    <Field key={name} name={name} type="date" label={label} defaultValue={p[col] ?? ""} idPrefix={`${p.id}-`} />
                  ))}
                  <button type="submit">{t("common.save")}</button>
                </IntentForm>
              </details>
              <PostButton intent={p.status === "open" ? "close-period" : "reopen-period"} fields={{ periodId: p.id }} className="secondary">
                {p.status === "open" ? t("periods.close") : t("periods.reopen")}
              </PostButton>
            </td>
          </tr>
        ))}
      </TableCard>
      <FormCard title={t("periods.add")} feedback={addFeedback} intent="add-period" submit={t("periods.add")}>
        <Field name="year" type="number" label="periods.year" required min={2000} max={2100} feedback={addFeedback} idPrefix="add-" />
        {WINDOW_FIELDS.map(([name, , label]) => (
          <Field key={name} name={name} type="date" label={label} feedback={addFeedback} idPrefix="add-" />
        ))}
      </FormCard>
    </>
  );
}
