import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { getOptionalUser } from "~/auth/require.server";
import { createSession, safeRedirect } from "~/auth/session.server";
import { Field, FormAlert, SubmitRow, feedbackFor } from "~/components/form";
import { getDb } from "~/db.server";
import { useT } from "~/i18n/use-t";
import { attemptLogin } from "~/auth/login.server";
import { parseForm, readFormData } from "~/utils/forms";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle("nav.login");

const LoginSchema = z.object({
  email: z.string({ required_error: "error.required" }).trim().min(1, "error.required").max(254, "error.tooLong"),
  password: z.string({ required_error: "error.required" }).min(1, "error.required").max(200, "password.tooLong"),
  redirectTo: z.string().optional(),
});

/** Passes the throttle's Retry-After from the action to the document response. */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const h = new Headers();
  const retry = actionHeaders.get("Retry-After");
  if (retry) h.set("Retry-After", retry);
  return h;
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getOptionalUser(request);
  if (user) throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = parseForm(await readFormData(request), LoginSchema);
  if (!parsed.ok) return data({ ...parsed, values: { email: parsed.values.email ?? "" } }, { status: 400 });
  const db = getDb();
  const result = await attemptLogin(db, parsed.value.email, parsed.value.password, context?.ip ?? null);
  const values = { email: parsed.value.email };
  if (!result.ok) {
    if (result.reason === "throttled") {
      return data(
        { ok: false as const, formError: "login.throttled" as const, seconds: result.seconds, fieldErrors: {}, values },
        { status: 429, headers: { "Retry-After": String(result.seconds) } },
      );
    }
    // One message for an unknown email, a pending account (no password yet) and a wrong password.
    const formError = result.reason === "disabled" ? "login.disabled" : "login.invalid";
    return data({ ok: false as const, formError, fieldErrors: {}, values }, { status: 401 });
  }
  const cookie = await createSession(db, result.user.id, request, context?.ip ?? null);
  return redirect(safeRedirect(parsed.value.redirectTo), { headers: { "Set-Cookie": cookie } });
}

export default function Login() {
  const t = useT();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const feedback = feedbackFor(actionData);
  const seconds = actionData && "seconds" in actionData && typeof actionData.seconds === "number" ? actionData.seconds : undefined;
  return (
    <div className="card narrow">
      <h1>{t("login.title")}</h1>
      {seconds !== undefined ? (
        <p className="alert alert-error" role="alert">
          {t("login.throttled", { seconds })}
        </p>
      ) : (
        <FormAlert feedback={feedback} />
      )}
      {params.get("passwordSet") && !feedback ? (
        <p className="alert alert-ok" role="status">
          {t("setPassword.done")}
        </p>
      ) : null}
      <Form method="post">
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? "/"} />
        <Field name="email" type="email" label="login.email" autoComplete="username" required autoFocus feedback={feedback} />
        <Field name="password" type="password" label="login.password" autoComplete="current-password" required feedback={feedback} />
        <SubmitRow>{t("login.submit")}</SubmitRow>
      </Form>
    </div>
  );
}
