import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { z } from "zod";
import { forbidden, requireUser } from "~/auth/require.server";
import { AppealEntry, layerName, StatusBadge } from "~/components/appeals/appeal-parts";
import { answerItemOf, answerText } from "~/components/evaluation/answer-text";
import { BackLink } from "~/components/back-link";
import { errorAria, feedbackFor, FieldError, FormAlert } from "~/components/form";
import { AnswerInputs } from "~/components/workbench/answer-inputs";
import { fieldsOf } from "~/components/workbench/item-card";
import { getDb } from "~/db.server";
import { localizeInstrument } from "~/domain/instrument/localize";
import { outlineOf } from "~/domain/instrument/outline";
import type { AnswerValue } from "~/domain/scoring/answers";
import { formatNumber, type MessageKey } from "~/i18n";
import { getLocale } from "~/i18n/locale.server";
import { pageTitle } from "~/i18n/page-title";
import { useLocale, useT } from "~/i18n/use-t";
import { decideAppeal, loadAppeals, MAX_RESPONSE_LENGTH, requireAppeal } from "~/services/appeals/appeals.server";
import { AppealError } from "~/services/appeals/errors";
import { canWriteLayer } from "~/services/evaluation/layer-rows.server";
import { parseValue, WorkbenchError } from "~/services/workbench/answers.server";
import { canOnUnit } from "~/services/workbench/assessments.server";
import { answerFromFields } from "~/services/workbench/rules";
import { formValues, readFormData } from "~/utils/forms";
import type { Db } from "#db/client.server";
import type { AuthUser } from "~/auth/require.server";

export const meta = pageTitle<typeof loader>("appeal.title", (d) => `${d.appeal.itemId} · ${d.unit} ${d.year}`);

/** The appeal and its assessment for an evaluator of the assessment (the layer's writers decide; other evaluators and admins of the unit see it). */
async function load(db: Db, user: AuthUser, appealId: string) {
  let found: Awaited<ReturnType<typeof requireAppeal>>;
  try {
    found = await requireAppeal(db, user, appealId);
  } catch (e) {
    if (e instanceof AppealError) throw new Response("error.notFound", { status: 404 });
    throw e;
  }
  const { appeal, ctx } = found;
  const writes = canWriteLayer(user, ctx, appeal.layer);
  if (!writes && !canOnUnit(user, "evaluation.read", ctx.unit)) throw forbidden();
  return { appeal, ctx, writes };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const { appeal, ctx, writes } = await load(db, user, params.appealId ?? "");
  const instrument = localizeInstrument(ctx.instrument, await getLocale(request, user));
  const outline = outlineOf(instrument);
  const item = outline.items.get(appeal.item_id)!;
  const rows = await db
    .selectFrom("answer")
    .select(["layer", "value_json", "note"])
    .where("assessment_id", "=", ctx.assessment.id)
    .where("item_id", "=", appeal.item_id)
    .where("layer", "in", ["self", appeal.layer])
    .execute();
  const self = rows.find((r) => r.layer === "self");
  const current = rows.find((r) => r.layer === appeal.layer);
  const [view] = await loadAppeals(db, { ids: [appeal.id] });
  const blocked: MessageKey | null = !writes ? "appeal.decide.notYours" : appeal.filed_by === user.id ? "appeal.ownAppeal" : null;
  return {
    appeal: view!,
    unit: ctx.unit.name,
    organisation: ctx.organisationName,
    year: ctx.period.year,
    assessmentId: ctx.assessment.id,
    item,
    answerItem: answerItemOf(item),
    groupWeight: outline.groupWeight.get(item.id) ?? 1,
    self: parseValue(self?.value_json ?? null),
    current: parseValue(current?.value_json ?? null),
    canDecide: appeal.status === "diajukan" && blocked === null,
    blocked: appeal.status === "diajukan" ? blocked : null,
    decided: new URL(request.url).searchParams.get("decided") === "1",
  };
}

const DecideSchema = z.object({
  intent: z.literal("decide"),
  decision: z.enum(["accept", "reject"], { message: "appeal.decide.decision" }),
  response: z.string().trim().min(1, "appeal.responseRequired").max(MAX_RESPONSE_LENGTH, "appeal.responseRequired"),
});

const failure = (formError: MessageKey, values: Record<string, string>, status: number, fieldErrors: Record<string, MessageKey> = {}) =>
  data({ ok: false as const, intent: "decide", formError, fieldErrors, values }, { status });

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const { appeal, ctx, writes } = await load(db, user, params.appealId ?? "");
  const values = formValues(await readFormData(request));
  if (!writes) return failure("appeal.cannotDecide", values, 403);
  const parsed = DecideSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.path[0] === "intent") return failure("error.unknownIntent", values, 400);
    if (issue?.path[0] === "response") return failure("appeal.responseRequired", values, 400, { response: "appeal.responseRequired" });
    if (issue?.path[0] === "decision") return failure("appeal.decide.decision", values, 400, { decision: "appeal.decide.decision" });
    return failure("error.form", values, 400);
  }
  let value: AnswerValue | undefined;
  if (parsed.data.decision === "accept") {
    const a = answerFromFields(outlineOf(ctx.instrument).items.get(appeal.item_id)!, values);
    if (!a.ok) return failure("workbench.invalidAnswer", values, 400);
    if (a.value === null) return failure("appeal.valueRequired", values, 400);
    value = a.value;
  }
  try {
    await decideAppeal(db, user, appeal.id, { decision: parsed.data.decision, response: parsed.data.response, value });
  } catch (e) {
    if (e instanceof AppealError) return failure(e.key, values, e.status);
    if (e instanceof WorkbenchError) return failure(e.key, values, 400);
    throw e;
  }
  return redirect(`/evaluations/appeals/${appeal.id}?decided=1`);
}

export default function DecideAppeal() {
  const d = useLoaderData<typeof loader>();
  const feedback = feedbackFor(useActionData<typeof action>(), "decide");
  const t = useT();
  const locale = useLocale();
  const busy = useNavigation().state === "submitting";
  const v = feedback?.values;
  const [decision, setDecision] = useState<string>(v?.decision ?? "");
  // The evaluator's value now, written as the reader writes numbers (2,36 in Indonesian); after a refusal, what was typed.
  const [fields, setFields] = useState<Record<string, string>>(() => ({
    ...fieldsOf(d.item, d.current as AnswerValue, null, locale),
    ...(v ?? {}),
  }));
  const a = d.appeal;
  return (
    <>
      <BackLink to="/evaluations/appeals">{t("appeal.decide.back")}</BackLink>
      <h1>
        {t("appeal.decide.title", { item: a.itemId })} · <StatusBadge status={a.status} />
      </h1>
      <p className="muted">
        {d.organisation} · {d.unit} · {d.year} · {t("appeal.layerLabel", { layer: layerName(t, a.layer) })} ·{" "}
        <Link to={`/assessments/${d.assessmentId}/appeals#appeal-${a.id}`}>{t("appeal.title")}</Link>
      </p>
      {d.decided ? (
        <p className="alert alert-ok" role="status" data-testid="appeal-decided">
          {t("appeal.decide.saved")}
        </p>
      ) : null}
      <section className="card">
        <p className="question">{d.item.question}</p>
        <p>
          {t("appeal.decide.teamValue")}: <strong>{answerText(d.answerItem, d.self, locale)}</strong>
        </p>
        <AppealEntry a={a} item={d.answerItem} heading={false} />
      </section>
      {d.blocked ? <p className="alert">{t(d.blocked)}</p> : null}
      {d.canDecide ? (
        <section className="card" data-testid="appeal-decide">
          <h2>{t("appeal.queue.decide")}</h2>
          <FormAlert feedback={feedback} />
          <Form method="post">
            <input type="hidden" name="intent" value="decide" />
            <fieldset className="options" {...errorAria("decision", feedback?.fieldErrors?.decision as MessageKey | undefined)}>
              <legend>{t("appeal.decide.decision")}</legend>
              {(["accept", "reject"] as const).map((dc) => (
                <label key={dc} className="option">
                  <input type="radio" name="decision" value={dc} required checked={decision === dc} onChange={() => setDecision(dc)} />{" "}
                  {t(dc === "accept" ? "appeal.decide.accept" : "appeal.decide.reject")}
                </label>
              ))}
            </fieldset>
            <FieldError id="decision" error={feedback?.fieldErrors?.decision as MessageKey | undefined} />
            {/* Always shown (a form without JavaScript needs it too); read only when accepting. */}
            {d.canDecide ? (
              <div data-testid="appeal-new-value">
                <h3>{t("appeal.decide.newValue")}</h3>
                <p className="small muted">{t("appeal.decide.newValueHint")}</p>
                <AnswerInputs
                  item={d.item}
                  groupWeight={d.groupWeight}
                  fields={fields}
                  disabled={false}
                  onChange={(name, value) => setFields({ ...fields, [name]: value })}
                  ratio={null}
                  formatRatio={(x) => formatNumber(x * 100, locale, 2)}
                  clearable={false}
                />
              </div>
            ) : null}
            <label htmlFor="response">{t("appeal.decide.response")}</label>
            <textarea
              id="response"
              name="response"
              required
              rows={5}
              maxLength={4000}
              defaultValue={v?.response ?? ""}
              {...errorAria("response", feedback?.fieldErrors?.response as MessageKey | undefined)}
            />
            <FieldError id="response" error={feedback?.fieldErrors?.response as MessageKey | undefined} />
            <p>
              <button type="submit" disabled={busy} data-testid="appeal-decide-submit">
                {t("appeal.decide.submit")}
              </button>
            </p>
          </Form>
        </section>
      ) : null}
    </>
  );
}
