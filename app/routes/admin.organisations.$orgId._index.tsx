import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { can } from "~/auth/permissions";
import { readOrganisationAction, requireOrganisationRoute } from "~/auth/organisation.server";
import { forbidden } from "~/auth/require.server";
import { type ActionFeedback, Field, FormAlert, FormCard, SelectField, feedbackFor } from "~/components/form";
import { OrganisationKindOptions } from "~/components/options";
import { UnitKindOptions, UnitTree } from "~/components/unit-tree";
import { formatDate } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import { archiveInfo, countMembers, setOrganisationArchived, updateOrganisation } from "~/services/admin/organisations.server";
import { PARENT_KIND, parentOptions, setOrganisationParent } from "~/services/admin/organisation-parent.server";
import { ParentForm } from "~/components/rollup/parent-form";
import type { UnitKind } from "~/services/admin/unit-kinds";
import {
  buildTree,
  createUnit,
  defaultUnitKind,
  flattenTree,
  listUnits,
  moveUnit,
  renameUnit,
  setUnitArchived,
} from "~/services/admin/units.server";
import { parseForm, ruleFailure } from "~/utils/forms";
import {
  IdSchema,
  OptionalIdSchema,
  OrganisationArchiveSchema,
  OrganisationRestoreSchema,
  OrganisationSchema,
  UnitFieldsSchema,
} from "~/utils/schemas";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle<typeof loader>("common.organisation", (d) => d.org.name);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, db, org } = await requireOrganisationRoute(request, params.orgId);
  const scope = { type: "scope" as const, scope: { organisationId: org.id, unitPath: null } };
  const showArchived = new URL(request.url).searchParams.get("archived") === "1";
  const units = await listUnits(db, user, org.id, { action: "unit.manage", includeArchived: showArchived });
  if (units.length === 0 && !can(user, "unit.manage", scope)) throw forbidden();
  const tree = buildTree(units);
  const canArchive = can(user, "organisation.archive", { type: "system" });
  const memberCount = canArchive ? await countMembers(db, org.id) : 0;
  // The parent link (issue #30) is the system admin's: the options only for them, none for a kind without a parent kind.
  const parents = canArchive && PARENT_KIND[org.kind] ? await parentOptions(db, org.id, org.kind) : null;
  return {
    org,
    parents,
    archived: await archiveInfo(db, org),
    canArchive,
    memberCount,
    tree,
    moveTargets: flattenTree(tree)
      .filter((u) => !u.archived_at)
      .map((u) => ({ id: u.id, name: u.name, depth: u.depth })),
    canUpdateOrg: can(user, "organisation.update", scope),
    canAddRoot: can(user, "unit.manage", scope),
    // The add form's first parent choice is the top level when allowed, else the first unit listed.
    defaultKind: defaultUnitKind(
      org.kind,
      can(user, "unit.manage", scope) ? null : ((flattenTree(tree).find((u) => !u.archived_at)?.kind as UnitKind | undefined) ?? null),
    ),
    canManagePeriods: can(user, "period.manage", scope),
  };
}

const IntentSchema = z.enum([
  "update-org",
  "archive-org",
  "restore-org",
  "add-unit",
  "rename-unit",
  "move-unit",
  "archive-unit",
  "restore-unit",
  "set-parent",
]);
const UnitRefSchema = z.object({ unitId: IdSchema });

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await readOrganisationAction(request, params.orgId, IntentSchema);
  if ("rejected" in form) return form.rejected;
  const { user, db, org, formData, values, intent, fail } = form;
  try {
    switch (intent) {
      case "update-org": {
        const parsed = parseForm(formData, OrganisationSchema);
        if (!parsed.ok) return fail(parsed);
        await updateOrganisation(db, user, org.id, parsed.value);
        break;
      }
      case "archive-org":
      case "restore-org": {
        // System admins only: checked here before the form is validated (the service checks again).
        if (!can(user, "organisation.archive", { type: "system" })) throw forbidden();
        const archive = intent === "archive-org";
        const parsed = parseForm(formData, archive ? OrganisationArchiveSchema : OrganisationRestoreSchema);
        if (!parsed.ok) return fail(parsed);
        await setOrganisationArchived(db, user, org.id, archive, parsed.value.reason);
        return data({ ok: true as const, intent, message: archive ? ("orgs.archivedDone" as const) : ("orgs.restoredDone" as const) });
      }
      case "set-parent": {
        if (!can(user, "organisation.archive", { type: "system" })) throw forbidden();
        const parsed = parseForm(formData, z.object({ parentId: OptionalIdSchema }));
        if (!parsed.ok) return fail(parsed);
        await setOrganisationParent(db, user, org.id, parsed.value.parentId);
        return data({ ok: true as const, intent, message: "orgParent.saved" as const });
      }
      case "add-unit": {
        const parsed = parseForm(formData, UnitFieldsSchema.extend({ parentId: OptionalIdSchema }));
        if (!parsed.ok) return fail(parsed);
        await createUnit(db, user, { organisationId: org.id, ...parsed.value });
        break;
      }
      case "rename-unit": {
        const parsed = parseForm(formData, UnitFieldsSchema.merge(UnitRefSchema));
        if (!parsed.ok) return fail(parsed);
        const { unitId, ...fields } = parsed.value;
        await assertInOrg(unitId, org.id);
        await renameUnit(db, user, unitId, fields);
        break;
      }
      case "move-unit": {
        const parsed = parseForm(formData, UnitRefSchema.extend({ parentId: OptionalIdSchema }));
        if (!parsed.ok) return fail(parsed);
        await assertInOrg(parsed.value.unitId, org.id);
        await moveUnit(db, user, parsed.value.unitId, parsed.value.parentId);
        break;
      }
      case "archive-unit":
      case "restore-unit": {
        const parsed = parseForm(formData, UnitRefSchema);
        if (!parsed.ok) return fail(parsed);
        await assertInOrg(parsed.value.unitId, org.id);
        await setUnitArchived(db, user, parsed.value.unitId, intent === "archive-unit");
        break;
      }
    }
  } catch (e) {
    return ruleFailure(e, values, intent);
  }
  return data({ ok: true as const, intent, message: "common.saved" as const });

  async function assertInOrg(unitId: string, organisationId: string) {
    const u = await db.selectFrom("unit").select("organisation_id").where("id", "=", unitId).executeTakeFirst();
    if (!u || u.organisation_id !== organisationId) throw new Response("error.notFound", { status: 404 });
  }
}

export default function OrganisationDetail() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const t = useT();
  const locale = useLocale();
  const orgFeedback = feedbackFor(actionData, "update-org");
  const addFeedback = feedbackFor(actionData, "add-unit");
  const archiveIntent = d.archived ? "restore-org" : "archive-org";
  const parentFeedback = feedbackFor(actionData, "set-parent");
  const archiveFeedback =
    actionData && ["archive-org", "restore-org"].includes(actionData.intent ?? "") ? feedbackFor(actionData) : undefined;
  const otherFeedback =
    actionData && !["update-org", "add-unit", "archive-org", "restore-org", "set-parent"].includes(actionData.intent ?? "")
      ? feedbackFor(actionData)
      : undefined;
  return (
    <>
      <p>
        <Link to="/admin/organisations">← {t("orgs.title")}</Link>
      </p>
      <h1>
        {t("org.title", { name: d.org.name })}
        {d.archived ? <span className="tag">{t("common.archived")}</span> : null}
      </h1>
      {d.archived ? (
        <p className="alert alert-error" role="status">
          {t("orgs.archivedBanner", { date: formatDate(d.archived.at, locale) })}
          {d.archived.reason ? ` ${t("orgs.archivedReason", { reason: d.archived.reason })}` : null}
        </p>
      ) : null}
      <p>
        {d.canManagePeriods ? <Link to={`/admin/organisations/${d.org.id}/periods`}>{t("org.periods")}</Link> : null}
        {" · "}
        <Link to={`/admin/users?org=${d.org.id}`}>{t("org.users")}</Link>
      </p>
      {d.canUpdateOrg ? (
        <FormCard title={t("org.details")} feedback={orgFeedback} intent="update-org" submit={t("common.save")}>
          <Field name="name" label="common.name" defaultValue={d.org.name} required idPrefix="org-" feedback={orgFeedback} />
          <SelectField name="kind" label="common.kind" defaultValue={d.org.kind} idPrefix="org-" feedback={orgFeedback}>
            <OrganisationKindOptions />
          </SelectField>
          <Field name="code" label="common.code" defaultValue={d.org.code ?? ""} idPrefix="org-" feedback={orgFeedback} />
        </FormCard>
      ) : null}
      {d.canArchive && !d.archived ? <ParentForm parentId={d.org.parent_id} options={d.parents} feedback={parentFeedback} /> : null}
      {d.canArchive ? (
        <ArchiveOrganisation archived={d.archived !== null} memberCount={d.memberCount} intent={archiveIntent} feedback={archiveFeedback} />
      ) : null}
      <section className="card">
        <h2>{t("org.unitTree")}</h2>
        <FormAlert feedback={otherFeedback} />
        {d.tree.length === 0 ? <p className="muted">{t("units.empty")}</p> : <UnitTree nodes={d.tree} moveTargets={d.moveTargets} />}
        <p>
          <Link to={params.get("archived") === "1" ? "?" : "?archived=1"}>{t("units.showArchived")}</Link>
        </p>
      </section>
      <FormCard title={t("units.add")} feedback={addFeedback} intent="add-unit" submit={t("units.add")}>
        <SelectField name="parentId" label="units.parent" idPrefix="add-" feedback={addFeedback}>
          {d.canAddRoot ? <option value="">{t("units.rootLevel")}</option> : null}
          {d.moveTargets.map((u) => (
            <option key={u.id} value={u.id}>
              {"\u00a0\u00a0".repeat(u.depth)}
              {u.name}
            </option>
          ))}
        </SelectField>
        <Field name="name" label="common.name" required maxLength={200} idPrefix="add-" feedback={addFeedback} />
        <SelectField name="kind" label="common.kind" idPrefix="add-" feedback={addFeedback} defaultValue={d.defaultKind}>
          <UnitKindOptions />
        </SelectField>
        <Field name="code" label="common.code" maxLength={50} idPrefix="add-" feedback={addFeedback} />
      </FormCard>
    </>
  );
}

/** Archive (with the consequence spelled out, a reason and a confirmation) or restore (with a reason). */
function ArchiveOrganisation({
  archived,
  memberCount,
  intent,
  feedback,
}: {
  archived: boolean;
  memberCount: number;
  intent: string;
  feedback: ActionFeedback | undefined;
}) {
  const t = useT();
  const reasonError = feedback?.fieldErrors?.reason;
  const confirmError = feedback?.fieldErrors?.confirm;
  return (
    <section className="card">
      <h2>{archived ? t("orgs.restoreTitle") : t("orgs.archiveTitle")}</h2>
      <FormAlert feedback={feedback} />
      <details open={feedback !== undefined && !feedback.ok}>
        <summary>{archived ? t("orgs.restore") : t("orgs.archive")}</summary>
        <p>{archived ? t("orgs.restoreConsequence", { count: memberCount }) : t("orgs.archiveConsequence", { count: memberCount })}</p>
        <Form method="post">
          <input type="hidden" name="intent" value={intent} />
          <div>
            <label htmlFor="archive-reason">{t("orgs.reason")}</label>
            <textarea
              id="archive-reason"
              name="reason"
              required
              minLength={3}
              maxLength={1000}
              defaultValue={feedback?.values?.reason ?? ""}
              aria-invalid={reasonError ? true : undefined}
              aria-describedby={reasonError ? "archive-reason-error" : undefined}
            />
            {reasonError ? (
              <p className="field-error" id="archive-reason-error">
                {t(reasonError)}
              </p>
            ) : null}
          </div>
          {archived ? null : (
            <div>
              <label>
                <input type="checkbox" name="confirm" value="yes" required aria-invalid={confirmError ? true : undefined} />{" "}
                {t("orgs.archiveConfirm")}
              </label>
              {confirmError ? <p className="field-error">{t(confirmError)}</p> : null}
            </div>
          )}
          <p>
            <button type="submit" className={archived ? "secondary" : "danger"}>
              {archived ? t("orgs.restore") : t("orgs.archive")}
            </button>
          </p>
        </Form>
      </details>
    </section>
  );
}
