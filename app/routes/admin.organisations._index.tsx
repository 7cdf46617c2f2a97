import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { can, scopesFor } from "~/auth/permissions";
import { forbidden, requireUser } from "~/auth/require.server";
import { Field, FormCard, SelectField, feedbackFor } from "~/components/form";
import { getDb } from "~/db.server";
import type { MessageKey } from "~/i18n";
import { OrganisationKindOptions } from "~/components/options";
import { useT } from "~/i18n/use-t";
import { countArchivedOrganisations, createOrganisation, listOrganisations } from "~/services/admin/organisations.server";
import { badRequest, parseForm, readFormData } from "~/utils/forms";
import { OrganisationSchema } from "~/utils/schemas";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle("orgs.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!user.isAdmin && scopesFor(user, "unit.manage").length === 0) throw forbidden();
  const db = getDb();
  // Archived organisations are hidden by default and, when shown, listed after the active ones.
  // Only system admins ever see them: members of an archived organisation have lost their roles there.
  const showArchived = user.isAdmin && new URL(request.url).searchParams.get("archived") === "1";
  const orgs = await listOrganisations(db, user, { includeArchived: showArchived });
  const managed = orgs.filter((o) => user.isAdmin || scopesFor(user, "unit.manage").some((m) => m.organisationId === o.id));
  return {
    orgs: managed,
    canCreate: can(user, "organisation.create", { type: "system" }),
    archivedCount: user.isAdmin ? await countArchivedOrganisations(db) : 0,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  if (!can(user, "organisation.create", { type: "system" })) throw forbidden();
  const parsed = parseForm(await readFormData(request), OrganisationSchema);
  if (!parsed.ok) return badRequest(parsed);
  const org = await createOrganisation(getDb(), user, parsed.value);
  return redirect(`/admin/organisations/${org.id}`);
}

export default function Organisations() {
  const { orgs, canCreate, archivedCount } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const showArchived = params.get("archived") === "1";
  const feedback = feedbackFor(useActionData<typeof action>());
  const t = useT();
  return (
    <>
      <h1>{t("orgs.title")}</h1>
      <section className="card">
        {orgs.length === 0 ? (
          <p>{t("orgs.empty")}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t("common.name")}</th>
                <th>{t("common.kind")}</th>
                <th>{t("common.code")}</th>
                <th>{t("orgs.unitCount")}</th>
                <th>{t("common.status")}</th>
              </tr>
            </thead>
            <tbody>
              {orgs.map((o) => (
                <tr key={o.id} className={o.archived_at ? "muted" : undefined}>
                  <td>
                    <Link to={`/admin/organisations/${o.id}`}>{o.name}</Link>
                  </td>
                  <td>{t(`orgKind.${o.kind}` as MessageKey)}</td>
                  <td>{o.code ?? "–"}</td>
                  <td>{o.unitCount}</td>
                  <td>{o.archived_at ? <span className="tag">{t("common.archived")}</span> : t("common.active")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {archivedCount > 0 ? (
          <p>
            <Link to={showArchived ? "?" : "?archived=1"}>{showArchived ? t("orgs.hideArchived") : t("orgs.showArchived", { count: archivedCount })}</Link>
          </p>
        ) : null}
      </section>
      {canCreate ? (
        <FormCard title={t("orgs.create")} feedback={feedback} submit={t("common.add")}>
          <Field name="name" label="common.name" required maxLength={200} feedback={feedback} />
          <SelectField name="kind" label="common.kind" feedback={feedback}>
            <OrganisationKindOptions />
          </SelectField>
          <Field name="code" label="common.code" maxLength={50} feedback={feedback} />
        </FormCard>
      ) : null}
    </>
  );
}
