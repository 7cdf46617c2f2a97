import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { NewPasswordSchema } from "~/auth/password.server";
import { FormAlert, NewPasswordFields, SubmitRow, feedbackFor } from "~/components/form";
import { getDb } from "~/db.server";
import { useT } from "~/i18n/use-t";
import { getPasswordTokenUser, setPasswordWithToken } from "~/services/admin/users.server";
import { badRequest, parseForm, readFormData } from "~/utils/forms";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle("setPassword.title");

export async function loader({ params }: LoaderFunctionArgs) {
  const user = await getPasswordTokenUser(getDb(), params.token ?? "");
  return { email: user?.email ?? null };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const parsed = parseForm(await readFormData(request), NewPasswordSchema);
  if (!parsed.ok) return badRequest({ ...parsed, values: {} });
  const db = getDb();
  const user = await getPasswordTokenUser(db, params.token ?? "");
  if (!user)
    return data({ ok: false as const, formError: "setPassword.invalidLink" as const, fieldErrors: {}, values: {} }, { status: 410 });
  if (parsed.value.password.toLowerCase() === user.email) {
    return badRequest({ formError: "error.form", fieldErrors: { password: "password.sameAsEmail" }, values: {} });
  }
  // Null when another request used the link first: the same answer as a used link.
  if (!(await setPasswordWithToken(db, params.token ?? "", parsed.value.password)))
    return data({ ok: false as const, formError: "setPassword.invalidLink" as const, fieldErrors: {}, values: {} }, { status: 410 });
  return redirect("/login?passwordSet=1");
}

export default function SetPassword() {
  const { email } = useLoaderData<typeof loader>();
  const feedback = feedbackFor(useActionData<typeof action>());
  const t = useT();
  return (
    <div className="card narrow">
      <h1>{t("setPassword.title")}</h1>
      {email ? (
        <>
          <p>{t("setPassword.intro", { email })}</p>
          <FormAlert feedback={feedback} />
          <Form method="post">
            <NewPasswordFields feedback={feedback} />
            <SubmitRow>{t("setPassword.submit")}</SubmitRow>
          </Form>
        </>
      ) : (
        <p className="alert alert-error" role="alert">
          {t("setPassword.invalidLink")}
        </p>
      )}
    </div>
  );
}
