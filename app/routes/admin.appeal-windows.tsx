import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requirePermission, requireUser } from "~/auth/require.server";
import { longDate } from "~/components/appeals/appeal-parts";
import { BackLink } from "~/components/back-link";
import { feedbackFor, FormAlert } from "~/components/form";
import { getDb } from "~/db.server";
import { formatNumber, type MessageKey } from "~/i18n";
import { pageTitle } from "~/i18n/page-title";
import { useLocale, useT } from "~/i18n/use-t";
import { AppealError } from "~/services/appeals/errors";
import { removeWindow, setWindow, windowSettings } from "~/services/appeals/windows.server";
import { formValues, readFormData } from "~/utils/forms";

export const meta = pageTitle("appeal.windows.title");

/** The system administrator's appeal windows (issue #30): the default rule, the holidays known, explicit windows per (year, instrument). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  requirePermission(user, "system.manage", { type: "system" });
  return windowSettings(getDb(), user);
}

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "appeal.window.invalidDates");
const ActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("set"),
    year: z.coerce.number({ message: "error.invalid" }).int("error.invalid").min(2000, "error.invalid").max(2100, "error.invalid"),
    instrumentId: z.string().min(1, "error.required").max(64),
    organisationId: z.string().max(64).optional(),
    opensOn: Day,
    closesOn: Day,
  }),
  z.object({ intent: z.literal("remove"), id: z.string().min(1).max(64) }),
]);

const failure = (formError: MessageKey, values: Record<string, string>, status: number, fieldErrors: Record<string, MessageKey> = {}) =>
  data({ ok: false as const, intent: values.intent, formError, fieldErrors, values }, { status });

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  requirePermission(user, "system.manage", { type: "system" });
  const values = formValues(await readFormData(request));
  const parsed = ActionSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.path[0] === "intent") return failure("error.unknownIntent", values, 400);
    const key = (issue?.message ?? "error.form") as MessageKey;
    return failure(key.startsWith("appeal.") || key.startsWith("error.") ? key : "error.form", values, 400, {
      [String(issue?.path[0])]: key,
    });
  }
  const v = parsed.data;
  try {
    if (v.intent === "set") {
      await setWindow(getDb(), user, {
        year: v.year,
        instrumentId: v.instrumentId,
        organisationId: v.organisationId || null,
        opensOn: v.opensOn,
        closesOn: v.closesOn,
      });
      return data({ ok: true as const, intent: "set", message: "appeal.windows.saved" as const });
    }
    await removeWindow(getDb(), user, v.id);
    return data({ ok: true as const, intent: "remove", message: "appeal.windows.removed" as const });
  } catch (e) {
    if (e instanceof AppealError) return failure(e.key, values, e.status);
    throw e;
  }
}

export default function AppealWindows() {
  const d = useLoaderData<typeof loader>();
  const feedback = feedbackFor(useActionData<typeof action>());
  const t = useT();
  const locale = useLocale();
  const busy = useNavigation().state === "submitting";
  const v = feedback && !feedback.ok ? feedback.values : undefined;
  const range = (w: { opensOn: string; closesOn: string }) =>
    t("appeal.windows.range", { opens: longDate(w.opensOn, locale), closes: longDate(w.closesOn, locale) });
  const RemoveButton = ({ id, what }: { id: string; what: string }) => (
    <Form method="post" className="inline-form">
      <input type="hidden" name="intent" value="remove" />
      <input type="hidden" name="id" value={id} />
      <button type="submit" className="link-button" aria-label={t("appeal.windows.removeLabel", { what })}>
        {t("appeal.windows.remove")}
      </button>
    </Form>
  );
  return (
    <>
      <BackLink to="/evaluations/appeals">{t("appeal.queue.title")}</BackLink>
      <h1>{t("appeal.windows.title")}</h1>
      <p>{t("appeal.windows.intro", { days: d.workingDays })}</p>
      <FormAlert feedback={feedback} />
      <section className="card" data-testid="appeal-holidays">
        <h2>{t("appeal.windows.holidays")}</h2>
        <ul>
          {d.holidayYears.map((h) => (
            <li key={h.year}>
              <strong>{t("appeal.windows.holidayYear", { year: String(h.year), days: formatNumber(h.days, locale, 0) })}</strong>
              <div className="small muted">{h.sources.join(" · ")}</div>
            </li>
          ))}
        </ul>
        <p className="small muted">{t("appeal.windows.noHolidays")}</p>
      </section>
      <section className="card" data-testid="appeal-window-list">
        <h2>{t("appeal.windows.title")}</h2>
        {d.rows.length === 0 ? <p className="muted">{t("appeal.windows.empty")}</p> : null}
        <ul>
          {d.rows.map((r) => (
            <li key={`${r.year}|${r.instrumentId}`} data-testid="appeal-window-row">
              <strong>
                {r.year} · {r.instrumentId}
              </strong>{" "}
              <span className="small muted">
                ({t("appeal.windows.col.released")}: {formatNumber(r.releasedLayers, locale, 0)})
              </span>
              <div>
                {t("appeal.windows.col.installation")}:{" "}
                {r.installation ? (
                  <>
                    {range(r.installation)} <RemoveButton id={r.installation.id} what={`${r.year} ${r.instrumentId}`} />
                  </>
                ) : (
                  <span className="muted">{t("appeal.windows.default", { days: d.workingDays })}</span>
                )}
              </div>
              {r.organisations.map((o) => (
                <div key={o.id}>
                  {o.organisationName}: {range(o)} <RemoveButton id={o.id} what={`${r.year} ${r.instrumentId} ${o.organisationName}`} />
                </div>
              ))}
            </li>
          ))}
        </ul>
      </section>
      <section className="card" data-testid="appeal-window-form">
        <h2>{t("appeal.windows.form")}</h2>
        <Form method="post">
          <input type="hidden" name="intent" value="set" />
          <label htmlFor="w-year">{t("appeal.windows.year")}</label>
          <input
            id="w-year"
            name="year"
            type="number"
            min={2000}
            max={2100}
            required
            defaultValue={v?.year ?? String(d.rows[0]?.year ?? "")}
          />
          <label htmlFor="w-instrument">{t("appeal.windows.instrument")}</label>
          <select id="w-instrument" name="instrumentId" required defaultValue={v?.instrumentId ?? d.rows[0]?.instrumentId ?? ""}>
            {d.instruments.map((i) => (
              <option key={i} value={i}>
                {i}
              </option>
            ))}
          </select>
          <label htmlFor="w-org">{t("appeal.windows.organisation")}</label>
          <select id="w-org" name="organisationId" defaultValue={v?.organisationId ?? ""}>
            <option value="">{t("appeal.windows.everyone")}</option>
            {d.organisations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
          <label htmlFor="w-opens">{t("appeal.windows.opens")}</label>
          <input id="w-opens" name="opensOn" type="date" required defaultValue={v?.opensOn ?? ""} />
          <label htmlFor="w-closes">{t("appeal.windows.closes")}</label>
          <input id="w-closes" name="closesOn" type="date" required defaultValue={v?.closesOn ?? ""} />
          <p>
            <button type="submit" disabled={busy}>
              {t("appeal.windows.save")}
            </button>
          </p>
        </Form>
      </section>
    </>
  );
}
