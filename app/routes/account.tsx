import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { NewPasswordSchema } from "~/auth/password.server";
import { requireUser } from "~/auth/require.server";
import { clearSessionCookie, destroyAllSessions } from "~/auth/session.server";
import { Field, FormAlert, FormCard, NewPasswordFields, PostButton, SubmitRow, feedbackFor } from "~/components/form";
import { getDb } from "~/db.server";
import { useT } from "~/i18n/use-t";
import { throttledCheck } from "~/auth/throttle.server";
import { changeOwnPassword, countSessions, UserRuleError } from "~/services/admin/users.server";
import { EMAIL_MODES } from "#db/schema";
import { mailEnabled } from "~/services/notifications/config.server";
import { getEmailMode, setEmailMode } from "~/services/notifications/inbox.server";
import { badRequest, formFailure, parseForm, readFormData, ruleFailure } from "~/utils/forms";
import { redirect } from "@remix-run/node";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle("account.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  return {
    name: user.name,
    email: user.email,
    sessions: await countSessions(db, user.id),
    emailMode: await getEmailMode(db, user.id),
    mailEnabled: mailEnabled(),
  };
}

const EmailModeSchema = z.object({ emailMode: z.enum(EMAIL_MODES, { errorMap: () => ({ message: "error.invalid" }) }) });

const PasswordChangeSchema = z
  .object({ current: z.string({ required_error: "error.required" }).min(1, "error.required").max(200, "password.tooLong") })
  .and(NewPasswordSchema);

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const formData = await readFormData(request);
  const intent = formData.get("intent");
  if (intent === "logout-everywhere") {
    await destroyAllSessions(db, user.id);
    return redirect("/login", { headers: { "Set-Cookie": await clearSessionCookie(request) } });
  }
  if (intent === "notifications") {
    const mode = parseForm(formData, EmailModeSchema);
    if (!mode.ok) return badRequest({ ...mode, intent });
    await setEmailMode(db, user.id, mode.value.emailMode);
    return data({ ok: true as const, intent, message: "account.emailModeSaved" as const });
  }
  if (intent !== "password") return formFailure("error.unknownIntent", {});
  const parsed = parseForm(formData, PasswordChangeSchema);
  if (!parsed.ok) return badRequest({ ...parsed, values: {}, intent });
  if (parsed.value.password.toLowerCase() === user.email) {
    return badRequest({ formError: "error.form", fieldErrors: { password: "password.sameAsEmail" }, values: {}, intent });
  }
  // The current-password check is a password check like the log-in: the same throttle (issue #31).
  const { current, password } = parsed.value;
  const checked = await throttledCheck(db, user.email, context?.ip ?? null, async () => {
    try {
      await changeOwnPassword(db, user.id, user.sessionId, current, password);
      return { ok: true as const, value: null };
    } catch (e) {
      if (e instanceof UserRuleError && e.key === "account.wrongPassword") return { ok: false as const };
      throw e;
    }
  }).catch((e: unknown) => ruleFailure(e, {}, intent));
  if ("type" in checked) return checked;
  if (!checked.ok && checked.reason === "throttled") {
    return data(
      { ok: false as const, formError: "account.throttled" as const, formParams: { seconds: checked.seconds }, fieldErrors: {}, values: {}, intent },
      { status: 429, headers: { "Retry-After": String(checked.seconds) } },
    );
  }
  if (!checked.ok) return badRequest({ formError: "account.wrongPassword", fieldErrors: {}, values: {}, intent });
  return data({ ok: true as const, intent, message: "account.passwordChanged" as const });
}

export default function Account() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const feedback = feedbackFor(actionData, "password");
  const notifyFeedback = feedbackFor(actionData, "notifications");
  const t = useT();
  return (
    <>
      <h1>{t("account.title")}</h1>
      <section className="card">
        <h2>{t("account.profile")}</h2>
        <p>
          {data.name} — {data.email}
        </p>
        <p className="muted">{t("account.sessions", { count: data.sessions })}</p>
      </section>
      <FormCard title={t("account.changePassword")} feedback={feedback} intent="password" submit={t("account.save")}>
        <Field
          name="current"
          type="password"
          label="account.currentPassword"
          autoComplete="current-password"
          required
          feedback={feedback}
        />
        <NewPasswordFields feedback={feedback} />
      </FormCard>
      <section className="card" id="notifications">
        <h2>{t("account.notifications")}</h2>
        <FormAlert feedback={notifyFeedback} />
        {data.mailEnabled ? null : <p className="muted">{t("account.mailDisabled")}</p>}
        <Form method="post">
          <input type="hidden" name="intent" value="notifications" />
          <fieldset>
            <legend>{t("account.emailMode")}</legend>
            {EMAIL_MODES.map((mode) => (
              <label key={mode} className="radio">
                <input type="radio" name="emailMode" value={mode} defaultChecked={data.emailMode === mode} />{" "}
                {t(`account.emailMode.${mode}`)}
              </label>
            ))}
          </fieldset>
          <SubmitRow testId="save-email-mode">{t("account.save")}</SubmitRow>
        </Form>
      </section>
      <section className="card">
        <h2>{t("account.logoutEverywhere")}</h2>
        <p className="muted">{t("account.logoutEverywhereHelp")}</p>
        <PostButton intent="logout-everywhere" className="danger">
          {t("account.logoutEverywhere")}
        </PostButton>
      </section>
    </>
  );
}
