import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { can } from "~/auth/permissions";
import { forbidden, requireUser } from "~/auth/require.server";
import { Field, FormAlert, PostButton, SelectField, feedbackFor } from "~/components/form";
import { RoleOptions, ScopeOptions } from "~/components/options";
import { PasswordLink } from "~/components/password-link";
import { getDb } from "~/db.server";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { listGrantableScopes } from "~/services/admin/scope-options.server";
import {
  addMembership,
  createPasswordLink,
  getUserView,
  removeMembership,
  setUserDisabled,
  updateUserName,
  userResource,
} from "~/services/admin/users.server";
import { parseForm, ruleFailure, readIntentForm } from "~/utils/forms";
import { IdSchema, ScopedRoleSchema } from "~/utils/schemas";
import { PASSWORD_LINK_HOURS } from "~/utils/constants";
import { mailPasswordLink } from "~/services/notifications/notify.server";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle<typeof loader>("users.title", (d) => d.target.name);

async function load(request: Request, userId: string) {
  const actor = await requireUser(request);
  const db = getDb();
  const target = await getUserView(db, actor, userId);
  if (!can(actor, "user.read", userResource(target))) throw forbidden();
  return { actor, db, target };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, db, target } = await load(request, params.userId!);
  const canManage = can(actor, "user.manage", userResource(target));
  return { target, canManage, isSelf: actor.id === target.id, scopes: canManage ? await listGrantableScopes(db, actor) : [] };
}

const IntentSchema = z.enum(["rename", "disable", "enable", "password-link", "add-membership", "remove-membership"]);

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor, db, target } = await load(request, params.userId!);
  const form = await readIntentForm(request, IntentSchema);
  if ("rejected" in form) return form.rejected;
  const { formData, values, intent, fail } = form;
  try {
    switch (intent) {
      case "rename": {
        const parsed = parseForm(formData, z.object({ name: z.string().trim().min(2, "error.required").max(200, "error.tooLong") }));
        if (!parsed.ok) return fail(parsed);
        await updateUserName(db, actor, target.id, parsed.value.name);
        break;
      }
      case "disable":
      case "enable":
        await setUserDisabled(db, actor, target.id, intent === "disable");
        break;
      case "password-link": {
        const token = await createPasswordLink(db, actor, target.id);
        // With SMTP configured the link goes to the user's mailbox and is not shown here.
        if (await mailPasswordLink(db, target.id, token)) return data({ ok: true as const, intent, message: "users.linkMailed" as const });
        return data({ ok: true as const, intent, link: `${new URL(request.url).origin}/set-password/${token}` });
      }
      case "add-membership": {
        const parsed = parseForm(formData, ScopedRoleSchema);
        if (!parsed.ok) return fail(parsed);
        await addMembership(db, actor, target.id, { ...parsed.value.scope, role: parsed.value.role });
        break;
      }
      case "remove-membership": {
        const parsed = parseForm(formData, z.object({ membershipId: IdSchema }));
        if (!parsed.ok) return fail(parsed);
        await removeMembership(db, actor, target.id, parsed.value.membershipId);
        break;
      }
    }
  } catch (e) {
    return ruleFailure(e, values, intent);
  }
  return data({ ok: true as const, intent, message: "common.saved" as const });
}

export default function UserDetail() {
  const { target, canManage, isSelf, scopes } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const feedback = feedbackFor(actionData);
  const link = actionData && "link" in actionData ? actionData.link : undefined;
  return (
    <>
      <p>
        <Link to="/admin/users">← {t("users.title")}</Link>
      </p>
      <h1>
        {target.name} <span className="tag">{target.email}</span>
      </h1>
      {link ? <PasswordLink email={target.email} link={link} hours={PASSWORD_LINK_HOURS} /> : null}
      <FormAlert feedback={link ? undefined : feedback} />
      <section className="card">
        <p>
          {t("common.status")}: {target.disabled ? t("users.disabled") : target.hasPassword ? t("common.active") : t("users.noPassword")}
          {target.isAdmin ? <span className="tag">{t("users.systemAdmin")}</span> : null}
        </p>
        {canManage ? (
          <>
            <Form method="post" className="row">
              <input type="hidden" name="intent" value="rename" />
              <Field name="name" label="common.name" defaultValue={target.name} required maxLength={200} />
              <button type="submit">{t("common.save")}</button>
            </Form>
            {/* A div, not a p: each button is a form, and a form inside a p is cut out of it by the HTML parser (hydration error). */}
            <div className="row">
              <PostButton intent="password-link" className="secondary">
                {t("users.newLink")}
              </PostButton>
              {isSelf ? null : (
                <PostButton intent={target.disabled ? "enable" : "disable"} className={target.disabled ? "secondary" : "danger"}>
                  {target.disabled ? t("users.enable") : t("users.disable")}
                </PostButton>
              )}
            </div>
          </>
        ) : null}
      </section>
      <section className="card">
        <h2>{t("users.memberships")}</h2>
        <table>
          <tbody>
            {target.memberships.map((m) => (
              <tr key={m.id}>
                <td>{t(`role.${m.role}` as MessageKey)}</td>
                <td>
                  {m.organisationName}
                  {m.unitName ? ` › ${m.unitName}` : ` — ${t("users.scopeWholeOrg")}`}
                </td>
                <td>
                  {canManage ? (
                    <PostButton intent="remove-membership" fields={{ membershipId: m.id }} className="danger">
                      {t("users.removeMembership")}
                    </PostButton>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {canManage ? (
          <Form method="post" className="row">
            <input type="hidden" name="intent" value="add-membership" />
            <SelectField name="scope" label="common.unit" idPrefix="m-">
              <ScopeOptions scopes={scopes} />
            </SelectField>
            <SelectField name="role" label="common.role" idPrefix="m-">
              <RoleOptions />
            </SelectField>
            <button type="submit">{t("users.addMembership")}</button>
          </Form>
        ) : null}
      </section>
    </>
  );
}
