import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/require.server";
import { Field, FormCard, SelectField, feedbackFor } from "~/components/form";
import { TableCard } from "~/components/list";
import { getDb } from "~/db.server";
import { formatDate } from "~/i18n";
import { pageTitle } from "~/i18n/page-title";
import { useLocale, useT } from "~/i18n/use-t";
import { CreatePlanSchema } from "~/services/renaksi/forms";
import { createPlan, listPlans, plannableOrganisations } from "~/services/renaksi/plans.server";
import { parseForm, readIntentForm, ruleFailure } from "~/utils/forms";

export const meta = pageTitle("renaksi.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const url = new URL(request.url);
  const [plans, organisations] = await Promise.all([listPlans(db, user), plannableOrganisations(db, user)]);
  return { plans, organisations, missing: url.searchParams.get("missing") };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await readIntentForm(request, z.enum(["create"]));
  if ("rejected" in form) return form.rejected;
  const parsed = parseForm(form.formData, CreatePlanSchema);
  if (!parsed.ok) return form.fail(parsed);
  try {
    const id = await createPlan(getDb(), user, parsed.value.organisationId, parsed.value.year);
    return redirect(`/renaksi/${id}/rencana`);
  } catch (e) {
    return ruleFailure(e, form.values, form.intent);
  }
}

export default function RenaksiIndex() {
  const { plans, organisations, missing } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const feedback = feedbackFor(actionData, "create");
  return (
    <>
      <h1>{t("renaksi.title")}</h1>
      <p className="muted">{t("renaksi.intro")}</p>
      {missing ? <p className="alert alert-warn">{t("renaksi.noPlanForAssessment", { year: missing })}</p> : null}
      <TableCard isEmpty={plans.length === 0} empty={t("renaksi.empty")} testId="renaksi-plans" headers={[t("renaksi.organisation"), t("renaksi.year"), t("renaksi.updated")]}>
        {plans.map((p) => (
          <tr key={p.id}>
            <td>
              <Link to={`/renaksi/${p.id}`}>{p.organisationName}</Link>
            </td>
            <td>{p.year}</td>
            <td>{formatDate(p.updatedAt, locale)}</td>
          </tr>
        ))}
      </TableCard>
      {organisations.length > 0 ? (
        <FormCard title={t("renaksi.create")} feedback={feedback} intent="create" submit={t("renaksi.create")}>
          <SelectField name="organisationId" label="renaksi.organisation" feedback={feedback} required defaultValue={organisations[0]?.id}>
            {organisations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </SelectField>
          <Field name="year" type="number" label="renaksi.year" required min={2024} max={2100} defaultValue={String(new Date().getFullYear())} feedback={feedback} />
        </FormCard>
      ) : null}
    </>
  );
}
