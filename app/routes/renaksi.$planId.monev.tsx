import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/require.server";
import { Field, FormAlert, IntentForm, feedbackFor } from "~/components/form";
import { Card, Num, Pct, PlanNav, amountText, numText } from "~/components/renaksi/plan-parts";
import { OutputSummary } from "~/components/renaksi/output-form";
import { getDb } from "~/db.server";
import { formatDate } from "~/i18n";
import { pageTitle } from "~/i18n/page-title";
import { useLocale, useT } from "~/i18n/use-t";
import { EvaluatorNoteSchema, MonevSchema, RealisationSchema } from "~/services/renaksi/forms";
import { saveEvaluatorNote, saveMonev, saveTargetRealisation } from "~/services/renaksi/plans.server";
import { planPage } from "~/services/renaksi/route.server";
import { parseForm, readIntentForm, ruleFailure } from "~/utils/forms";

export const meta = pageTitle<typeof loader>("renaksi.tab.monev", (d) => `${d.view.organisation.name} ${d.view.plan.year}`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { view } = await planPage(request, params.planId);
  const tw = Number(new URL(request.url).searchParams.get("tw") ?? "1");
  return { view, quarter: ([1, 2, 3, 4].includes(tw) ? tw : 1) as 1 | 2 | 3 | 4 };
}

const Intents = z.enum(["monev", "realisation", "evaluator-note"]);

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const planId = params.planId ?? "";
  const form = await readIntentForm(request, Intents);
  if ("rejected" in form) return form.rejected;
  const { formData, values, intent, fail } = form;
  try {
    if (intent === "monev") {
      const p = parseForm(formData, MonevSchema);
      if (!p.ok) return fail(p);
      const { id, quarter, ...rest } = p.value;
      await saveMonev(db, user, planId, id, { quarter: quarter as 1 | 2 | 3 | 4, ...rest });
    } else if (intent === "realisation") {
      const p = parseForm(formData, RealisationSchema);
      if (!p.ok) return fail(p);
      await saveTargetRealisation(db, user, planId, p.value.id, p.value.realisasi, p.value.note);
    } else {
      const p = parseForm(formData, EvaluatorNoteSchema);
      if (!p.ok) return fail(p);
      await saveEvaluatorNote(db, user, planId, p.value.entity, p.value.id, p.value.note);
    }
  } catch (e) {
    return ruleFailure(e, values, intent);
  }
  return data({ ok: true as const, intent, message: "common.saved" as const, values });
}

export default function PlanMonev() {
  const { view, quarter } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const editable = view.canFill && view.open.monev;
  const fb = feedbackFor(actionData);
  const here = (id: string) => (fb?.values?.id === id ? fb : undefined);
  const due = view.schedule[`due_tw${quarter}` as "due_tw1"];
  return (
    <>
      <PlanNav planId={view.plan.id} org={view.organisation.name} year={view.plan.year} />
      <nav aria-label={t("renaksi.quarter")} className="tabs">
        {[1, 2, 3, 4].map((q) => (
          <Link key={q} to={`?tw=${q}`} className={q === quarter ? "tab active" : "tab"} aria-current={q === quarter ? "page" : undefined}>
            {t(`renaksi.tw${q}` as "renaksi.tw1")}
          </Link>
        ))}
      </nav>
      <p className="muted">
        {t("renaksi.monevIntro", { q: quarter })} {due ? t("renaksi.dueOn", { date: formatDate(due, locale) }) : null}
      </p>
      {!view.canFill && !view.canGrade ? <p className="alert alert-warn">{t("renaksi.readOnlyTeam")}</p> : view.canFill && !view.open.monev ? <p className="alert alert-warn">{t("renaksi.monevClosed")}</p> : null}
      {view.targets.length === 0 ? <p>{t("renaksi.noTargetsYet")}</p> : null}
      {view.targets.map((target) => (
        <Card key={target.id} title={target.indicatorName} testId={`monev-${target.indicatorCode}`}>
          <p>
            {t("renaksi.target")} {view.plan.year}: <Num value={target.target} /> {target.unit ?? ""} · {t("renaksi.realisation")}: <Num value={target.realisasi} /> · {t("renaksi.achievement")}:{" "}
            <Pct value={target.achievement} />
          </p>
          <FormAlert feedback={here(target.id)} />
          {editable ? (
            <details>
              <summary>{t("renaksi.reportIndicator")}</summary>
              <IntentForm intent="realisation" fields={{ id: target.id }}>
                <div className="grid-2">
                  <Field name="realisasi" inputMode="decimal" label="renaksi.realisation" idPrefix={`${target.id}-`} defaultValue={numText(target.realisasi, locale)} feedback={here(target.id)} />
                  <Field name="note" label="renaksi.note" idPrefix={`${target.id}-`} defaultValue={target.note ?? ""} feedback={here(target.id)} />
                </div>
                <button type="submit">{t("common.save")}</button>
              </IntentForm>
            </details>
          ) : null}
          <EvaluatorNote entity="target" id={target.id} note={target.evaluatorNote} canGrade={view.canGrade} />
          {target.actions.map((a) => (
            <div key={a.id} className="renaksi-action">
              <p>
                <strong>{t("renaksi.action")}:</strong> {a.text}
              </p>
              {a.outputs.map((o) => (
                <div key={o.id} className="renaksi-output" data-testid={`monev-output-${o.id}`}>
                  <OutputSummary output={o} />
                  <FormAlert feedback={here(o.id)} />
                  {editable ? (
                    <IntentForm intent="monev" fields={{ id: o.id, quarter: String(quarter) }}>
                      <div className="grid-2">
                        <Field
                          name="realisation"
                          inputMode="decimal"
                          label={`renaksi.realisationTw${quarter}` as "renaksi.realisationTw1"}
                          idPrefix={`${o.id}-`}
                          defaultValue={numText(o.realisationTw[quarter - 1], locale)}
                          feedback={here(o.id)}
                        />
                        <Field
                          name="budgetRealisation"
                          inputMode="decimal"
                          label="renaksi.budgetRealisation"
                          idPrefix={`${o.id}-`}
                          defaultValue={amountText(o.budgetRealisationTw[quarter - 1], locale)}
                          feedback={here(o.id)}
                        />
                      </div>
                      <Field name="note" label="renaksi.note" idPrefix={`${o.id}-`} defaultValue={o.note ?? ""} feedback={here(o.id)} />
                      <button type="submit">{t("renaksi.saveQuarter", { q: quarter })}</button>
                    </IntentForm>
                  ) : null}
                  <EvaluatorNote entity="output" id={o.id} note={o.evaluatorNote} canGrade={view.canGrade} />
                </div>
              ))}
            </div>
          ))}
        </Card>
      ))}
    </>
  );
}

function EvaluatorNote({ entity, id, note, canGrade }: { entity: "target" | "output"; id: string; note: string | null; canGrade: boolean }) {
  const t = useT();
  if (!canGrade) return null;
  return (
    <details>
      <summary>{note ? t("renaksi.editEvaluatorNote") : t("renaksi.addEvaluatorNote")}</summary>
      <IntentForm intent="evaluator-note" fields={{ entity, id }}>
        <Field name="note" label="renaksi.evaluatorNote" idPrefix={`ev-${id}-`} defaultValue={note ?? ""} />
        <button type="submit">{t("common.save")}</button>
      </IntentForm>
    </details>
  );
}
