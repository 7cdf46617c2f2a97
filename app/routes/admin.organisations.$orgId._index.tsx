import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { can } from "~/auth/permissions";
import { forbidden, requireUser } from "~/auth/require.server";
import { Field, FormAlert, SelectField, feedbackFor } from "~/components/form";
import { OrganisationKindOptions } from "~/components/options";
import { UnitKindOptions, UnitTree } from "~/components/unit-tree";
import { getDb } from "~/db.server";
import { useT } from "~/i18n/use-t";
import { getOrganisation, updateOrganisation } from "~/services/organisations.server";
import { buildTree, createUnit, flattenTree, listUnits, moveUnit, renameUnit, setUnitArchived } from "~/services/units.server";
import { badRequest, formFailure, type FormFailure, formValues, parseForm, readFormData, ruleFailure } from "~/utils/forms";
import { IdSchema, OptionalIdSchema, OrganisationSchema, UnitFieldsSchema } from "~/utils/schemas";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const org = await getOrganisation(db, user, params.orgId!);
  const scope = { type: "scope" as const, scope: { organisationId: org.id, unitPath: null } };
  const showArchived = new URL(request.url).searchParams.get("archived") === "1";
  const units = await listUnits(db, user, org.id, { action: "unit.manage", includeArchived: showArchived });
  if (units.length === 0 && !can(user, "unit.manage", scope)) throw forbidden();
  const tree = buildTree(units);
  return {
    org,
    tree,
    moveTargets: flattenTree(tree)
      .filter((u) => !u.archived_at)
      .map((u) => ({ id: u.id, name: u.name, depth: u.depth })),
    canUpdateOrg: can(user, "organisation.update", scope),
    canAddRoot: can(user, "unit.manage", scope),
    canManagePeriods: can(user, "period.manage", scope),
  };
}

const IntentSchema = z.enum(["update-org", "add-unit", "rename-unit", "move-unit", "archive-unit", "restore-unit"]);
const UnitRefSchema = z.object({ unitId: IdSchema });

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const org = await getOrganisation(db, user, params.orgId!);
  const formData = await readFormData(request);
  const values = formValues(formData);
  const intentResult = IntentSchema.safeParse(formData.get("intent"));
  if (!intentResult.success) return formFailure("error.unknownIntent", values);
  const intent = intentResult.data;
  const fail = (p: FormFailure) => badRequest({ ...p, intent });
  try {
    switch (intent) {
      case "update-org": {
        const parsed = parseForm(formData, OrganisationSchema);
        if (!parsed.ok) return fail(parsed);
        await updateOrganisation(db, user, org.id, parsed.value);
        break;
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
  const orgFeedback = feedbackFor(actionData, "update-org");
  const addFeedback = feedbackFor(actionData, "add-unit");
  const otherFeedback = actionData && !["update-org", "add-unit"].includes(actionData.intent ?? "") ? feedbackFor(actionData) : undefined;
  return (
    <>
      <p>
        <Link to="/admin/organisations">← {t("orgs.title")}</Link>
      </p>
      <h1>{t("org.title", { name: d.org.name })}</h1>
      <p>
        {d.canManagePeriods ? <Link to={`/admin/organisations/${d.org.id}/periods`}>{t("org.periods")}</Link> : null}
        {" · "}
        <Link to={`/admin/users?org=${d.org.id}`}>{t("org.users")}</Link>
      </p>
      {d.canUpdateOrg ? (
        <section className="card">
          <h2>{t("org.details")}</h2>
          <FormAlert feedback={orgFeedback} />
          <Form method="post">
            <input type="hidden" name="intent" value="update-org" />
            <Field name="name" label="common.name" defaultValue={d.org.name} required idPrefix="org-" feedback={orgFeedback} />
            <SelectField name="kind" label="common.kind" defaultValue={d.org.kind} idPrefix="org-" feedback={orgFeedback}>
              <OrganisationKindOptions />
            </SelectField>
            <Field name="code" label="common.code" defaultValue={d.org.code ?? ""} idPrefix="org-" feedback={orgFeedback} />
            <p>
              <button type="submit">{t("common.save")}</button>
            </p>
          </Form>
        </section>
      ) : null}
      <section className="card">
        <h2>{t("org.unitTree")}</h2>
        <FormAlert feedback={otherFeedback} />
        {d.tree.length === 0 ? <p className="muted">{t("units.empty")}</p> : <UnitTree nodes={d.tree} moveTargets={d.moveTargets} />}
        <p>
          <Link to={params.get("archived") === "1" ? "?" : "?archived=1"}>{t("units.showArchived")}</Link>
        </p>
      </section>
      <section className="card">
        <h2>{t("units.add")}</h2>
        <FormAlert feedback={addFeedback} />
        <Form method="post">
          <input type="hidden" name="intent" value="add-unit" />
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
          <SelectField name="kind" label="common.kind" idPrefix="add-" feedback={addFeedback}>
            <UnitKindOptions />
          </SelectField>
          <Field name="code" label="common.code" maxLength={50} idPrefix="add-" feedback={addFeedback} />
          <p>
            <button type="submit">{t("units.add")}</button>
          </p>
        </Form>
      </section>
    </>
  );
}
