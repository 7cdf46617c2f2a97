import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { scopesFor } from "~/auth/permissions";
import { forbidden, requireUser } from "~/auth/require.server";
import { Field, FormAlert, SelectField, feedbackFor } from "~/components/form";
import { RoleOptions, ScopeOptions } from "~/components/options";
import { PasswordLink } from "~/components/password-link";
import { mailPasswordLink } from "~/services/notifications/notify.server";
import { getDb } from "~/db.server";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { listGrantableScopes } from "~/services/admin/scope-options.server";
import { createUser, listUsers } from "~/services/admin/users.server";
import { PASSWORD_LINK_HOURS } from "~/utils/constants";
import { badRequest, parseForm, readFormData, ruleFailure } from "~/utils/forms";
import { CreateUserFormSchema } from "~/utils/schemas";
import { TableCard } from "~/components/list";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle("users.title");

async function requireUserManager(request: Request) {
  const user = await requireUser(request);
  if (!user.isAdmin && scopesFor(user, "user.manage").length === 0) throw forbidden();
  return user;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUserManager(request);
  const db = getDb();
  const orgFilter = new URL(request.url).searchParams.get("org");
  const users = (await listUsers(db, user)).filter((u) => !orgFilter || u.memberships.some((m) => m.organisationId === orgFilter));
  return { users, scopes: await listGrantableScopes(db, user) };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUserManager(request);
  const parsed = parseForm(await readFormData(request), CreateUserFormSchema);
  if (!parsed.ok) return badRequest(parsed);
  const { scope, ...rest } = parsed.value;
  try {
    const created = await createUser(getDb(), user, { ...rest, ...scope });
    // With SMTP configured the link goes to the new user's mailbox and is not shown here.
    if (await mailPasswordLink(getDb(), created.user.id, created.token)) {
      return data({ ok: true as const, created: { id: created.user.id, email: created.user.email, link: null } });
    }
    const origin = new URL(request.url).origin;
    return data({
      ok: true as const,
      created: { id: created.user.id, email: created.user.email, link: `${origin}/set-password/${created.token}` },
    });
  } catch (e) {
    return ruleFailure(e, parsed.value ? { email: rest.email, name: rest.name } : {});
  }
}

export default function Users() {
  const { users, scopes } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const feedback = actionData && !actionData.ok ? feedbackFor(actionData) : undefined;
  const created = actionData && "created" in actionData ? actionData.created : undefined;
  return (
    <>
      <h1>{t("users.title")}</h1>
      <section className="card">
        <h2>{t("users.create")}</h2>
        {created?.link ? <PasswordLink email={created.email} link={created.link} hours={PASSWORD_LINK_HOURS} userId={created.id} /> : null}
        {created && !created.link ? (
          <p className="alert alert-ok" role="status" data-testid="link-mailed">
            {t("users.linkMailed")} ({created.email})
          </p>
        ) : null}
        <FormAlert feedback={feedback} />
        <Form method="post">
          <Field name="name" label="common.name" required maxLength={200} feedback={feedback} />
          <Field name="email" type="email" label="common.email" required maxLength={254} feedback={feedback} />
          <SelectField name="scope" label="common.unit" feedback={feedback} required>
            <ScopeOptions scopes={scopes} />
          </SelectField>
          <SelectField name="role" label="common.role" feedback={feedback}>
            <RoleOptions />
          </SelectField>
          <p>
            <button type="submit">{t("users.create")}</button>
          </p>
        </Form>
      </section>
      <TableCard
        empty={t("users.empty")}
        testId="users"
        isEmpty={users.length === 0}
        headers={[t("common.name"), t("common.email"), t("users.memberships"), t("common.status")]}
      >
        {users.map((u) => (
          <tr key={u.id}>
            <td>
              <Link to={`/admin/users/${u.id}`}>{u.name}</Link>
            </td>
            <td>{u.email}</td>
            <td>
              {u.isAdmin ? <div>{t("role.admin")}</div> : null}
              {u.memberships.map((m) => (
                <div key={m.id}>
                  {t(`role.${m.role}` as MessageKey)} — {m.unitName ?? m.organisationName}
                </div>
              ))}
            </td>
            <td>{u.disabled ? t("users.disabled") : u.hasPassword ? t("common.active") : t("users.noPassword")}</td>
          </tr>
        ))}
      </TableCard>
    </>
  );
}
