import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/require.server";
import { Field, FormAlert, IntentForm, PostButton, SelectField, feedbackFor } from "~/components/form";
import { Card, Num, Pct, PlanNav, QuarterHead, QuarterRow, numText } from "~/components/renaksi/plan-parts";
import { OutputFields, OutputSummary } from "~/components/renaksi/output-form";
import { getDb } from "~/db.server";
import type { MessageKey } from "~/i18n";
import { pageTitle } from "~/i18n/page-title";
import { useLocale, useT } from "~/i18n/use-t";
import { ActionSchema, EvaluatorNoteSchema, MonevSchema, OutputAddSchema, RealisationSchema, RemoveSchema, TematikNodeSchema } from "~/services/renaksi/forms";
import { addAction, addOutput, saveEvaluatorNote, saveMonev } from "~/services/renaksi/plans.server";
import { addTematikNode, removeTematikNode, saveTematikRealisation } from "~/services/renaksi/tematik.server";
import { outputInput } from "~/services/renaksi/output-input";
import { planPage } from "~/services/renaksi/route.server";
import type { TematikNodeView, ThemeView } from "~/services/renaksi/view.server";
import { parseForm, readIntentForm, ruleFailure } from "~/utils/forms";

export const meta = pageTitle<typeof loader>("renaksi.tab.tematik", (d) => `${d.view.organisation.name} ${d.view.plan.year}`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { view } = await planPage(request, params.planId);
  return { view };
}

const Intents = z.enum(["add-node", "remove-node", "realisation", "add-action", "add-output", "monev", "evaluator-note"]);

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const planId = params.planId ?? "";
  const form = await readIntentForm(request, Intents);
  if ("rejected" in form) return form.rejected;
  const { formData, values, intent, fail } = form;
  try {
    if (intent === "add-node") {
      const p = parseForm(formData, TematikNodeSchema);
      if (!p.ok) return fail(p);
      await addTematikNode(db, user, planId, p.value);
    } else if (intent === "remove-node") {
      const p = parseForm(formData, RemoveSchema);
      if (!p.ok) return fail(p);
      await removeTematikNode(db, user, planId, p.value.id);
    } else if (intent === "realisation") {
      const p = parseForm(formData, RealisationSchema);
      if (!p.ok) return fail(p);
      await saveTematikRealisation(db, user, planId, p.value.id, p.value.realisasi, p.value.note);
    } else if (intent === "add-action") {
      const p = parseForm(formData, ActionSchema);
      if (!p.ok) return fail(p);
      await addAction(db, user, planId, { tematikNodeId: p.value.parentId }, p.value.text);
    } else if (intent === "add-output") {
      const p = parseForm(formData, OutputAddSchema);
      if (!p.ok) return fail(p);
      await addOutput(db, user, planId, p.value.actionId, outputInput(p.value));
    } else if (intent === "monev") {
      const p = parseForm(formData, MonevSchema);
      if (!p.ok) return fail(p);
      const { id, quarter, ...rest } = p.value;
      await saveMonev(db, user, planId, id, { quarter: quarter as 1 | 2 | 3 | 4, ...rest });
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

const CHILD: Record<string, "indikator_roadmap" | "indikator_permasalahan"> = { sasaran: "indikator_roadmap", permasalahan: "indikator_permasalahan" };

export default function PlanTematik() {
  const { view } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <PlanNav planId={view.plan.id} org={view.organisation.name} year={view.plan.year} />
      <p className="muted">{t("renaksi.tematikIntro")}</p>
      <p className="alert alert-warn">{t("renaksi.tematikNoRubric")}</p>
      {view.themes.map((th) => (
        <Theme key={th.code} theme={th} />
      ))}
    </>
  );
}

function Theme({ theme }: { theme: ThemeView }) {
  const { view } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const fb = feedbackFor(actionData);
  const editable = view.canFill && view.open.plan;
  const top = (kind: string) => theme.nodes.filter((n) => n.kind === kind);
  const r = theme.recap;
  const mine = fb?.values?.theme === theme.code && fb.intent === "add-node" && !fb.values?.parentId ? fb : undefined;
  return (
    <Card title={theme.name} testId={`theme-${theme.code}`}>
      <h3>{t("renaksi.recap")}</h3>
      {r.outputs === 0 ? (
        <p>{t("renaksi.recapEmpty")}</p>
      ) : (
        <table className="compact" data-testid={`recap-${theme.code}`}>
          <QuarterHead />
          <tbody>
            <QuarterRow label={t("renaksi.recapAchievement")} values={r.perTw} total={r.total} pct />
            <QuarterRow label={t("renaksi.recapFilled")} values={r.pengisianTw} total={null} pct />
          </tbody>
        </table>
      )}
      {r.ignoredOver300 > 0 ? <p className="muted">{t("renaksi.recapIgnored", { n: r.ignoredOver300 })}</p> : null}
      {(["sasaran", "permasalahan"] as const).map((kind) => (
        <div key={kind}>
          <h3>{t(`renaksi.kind.${kind}` as MessageKey)}</h3>
          {top(kind).length === 0 ? <p className="muted">{t("renaksi.none")}</p> : null}
          {top(kind).map((n) => (
            <NodeBlock key={n.id} node={n} theme={theme} />
          ))}
          {editable ? (
            <details open={Boolean(mine && !mine.ok && mine.values?.kind === kind)}>
              <summary>{t(`renaksi.add.${kind}` as MessageKey)}</summary>
              <FormAlert feedback={mine} />
              <IntentForm intent="add-node" fields={{ theme: theme.code, kind }}>
                <Field name="name" label={kind === "sasaran" ? "renaksi.sasaranName" : "renaksi.problemName"} idPrefix={`${theme.code}-${kind}-`} required feedback={mine} />
                {kind === "permasalahan" ? <Field name="goal" label="renaksi.problemGoal" idPrefix={`${theme.code}-${kind}-`} feedback={mine} /> : null}
                <button type="submit">{t("common.add")}</button>
              </IntentForm>
            </details>
          ) : null}
        </div>
      ))}
    </Card>
  );
}

function NodeBlock({ node, theme }: { node: TematikNodeView; theme: ThemeView }) {
  const { view } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const fb = feedbackFor(actionData);
  const editable = view.canFill && view.open.plan;
  const here = (id: string) => (fb?.values?.id === id || fb?.values?.parentId === id || fb?.values?.actionId === id ? fb : undefined);
  const children = theme.nodes.filter((c) => c.parentId === node.id);
  const childKind = CHILD[node.kind];
  return (
    <div className="renaksi-action" data-testid={`node-${node.id}`}>
      <p>
        <strong>{node.name}</strong>
        {node.goal ? ` — ${t("renaksi.problemGoal")}: ${node.goal}` : ""}
      </p>
      <FormAlert feedback={here(node.id)} />
      {children.map((c) => (
        <div key={c.id} className="card-inner">
          <p>
            {t(`renaksi.kind.${c.kind}` as MessageKey)}: {c.name} · {t("renaksi.target")}: <Num value={c.target} /> {c.unit ?? ""} · {t("renaksi.realisation")}: <Num value={c.realisasi} /> ·{" "}
            {t("renaksi.achievement")}: <Pct value={c.achievement} />
          </p>
          {c.evaluatorNote ? (
            <p className="alert alert-warn">
              {t("renaksi.evaluatorNote")}: {c.evaluatorNote}
            </p>
          ) : null}
          <FormAlert feedback={here(c.id)} />
          {view.canFill && view.open.monev ? (
            <details>
              <summary>{t("renaksi.reportIndicator")}</summary>
              <IntentForm intent="realisation" fields={{ id: c.id }}>
                <Field name="realisasi" inputMode="decimal" label="renaksi.realisation" idPrefix={`${c.id}-`} defaultValue={numText(c.realisasi, locale)} feedback={here(c.id)} />
                <Field name="note" label="renaksi.note" idPrefix={`${c.id}-`} defaultValue={c.note ?? ""} />
                <button type="submit">{t("common.save")}</button>
              </IntentForm>
            </details>
          ) : null}
          {view.canGrade ? (
            <details>
              <summary>{t("renaksi.addEvaluatorNote")}</summary>
              <IntentForm intent="evaluator-note" fields={{ entity: "tematik", id: c.id }}>
                <Field name="note" label="renaksi.evaluatorNote" idPrefix={`ev-${c.id}-`} defaultValue={c.evaluatorNote ?? ""} />
                <button type="submit">{t("common.save")}</button>
              </IntentForm>
            </details>
          ) : null}
        </div>
      ))}
      {editable && childKind ? (
        <details>
          <summary>{t(`renaksi.add.${childKind}` as MessageKey)}</summary>
          <IntentForm intent="add-node" fields={{ theme: theme.code, kind: childKind, parentId: node.id }}>
            <Field name="name" label="renaksi.indicatorName" idPrefix={`${node.id}-ind-`} required feedback={here(node.id)} />
            <div className="grid-2">
              <Field name="target" inputMode="decimal" label="renaksi.targetValue" idPrefix={`${node.id}-ind-`} feedback={here(node.id)} />
              <Field name="unit" label="renaksi.unit" idPrefix={`${node.id}-ind-`} feedback={here(node.id)} />
            </div>
            <button type="submit">{t("common.add")}</button>
          </IntentForm>
        </details>
      ) : null}
      {node.kind === "permasalahan"
        ? node.actions.map((a) => (
            <div key={a.id} className="renaksi-action">
              <p>
                <strong>{t("renaksi.action")}:</strong> {a.text}
              </p>
              {a.outputs.map((o) => (
                <div key={o.id} className="renaksi-output">
                  <OutputSummary output={o} />
                  {o.focus ? (
                    <p className="muted">
                      {t("renaksi.focus")}: {view.focus.find((f) => f.code === o.focus)?.name ?? o.focus}
                    </p>
                  ) : null}
                  <FormAlert feedback={here(o.id)} />
                  {view.canFill && view.open.monev ? (
                    <details>
                      <summary>{t("renaksi.reportQuarter")}</summary>
                      <IntentForm intent="monev" fields={{ id: o.id }}>
                        <SelectField name="quarter" label="renaksi.quarter" idPrefix={`${o.id}-`}>
                          {[1, 2, 3, 4].map((q) => (
                            <option key={q} value={q}>
                              {t(`renaksi.tw${q}` as MessageKey)}
                            </option>
                          ))}
                        </SelectField>
                        <div className="grid-2">
                          <Field name="realisation" inputMode="decimal" label="renaksi.realisation" idPrefix={`${o.id}-`} feedback={here(o.id)} />
                          <Field name="budgetRealisation" inputMode="decimal" label="renaksi.budgetRealisation" idPrefix={`${o.id}-`} feedback={here(o.id)} />
                        </div>
                        <Field name="note" label="renaksi.note" idPrefix={`${o.id}-`} defaultValue={o.note ?? ""} />
                        <button type="submit">{t("common.save")}</button>
                      </IntentForm>
                    </details>
                  ) : null}
                </div>
              ))}
              {editable ? (
                <details>
                  <summary>{t("renaksi.addOutput")}</summary>
                  <IntentForm intent="add-output" fields={{ actionId: a.id }}>
                    <OutputFields prefix={`new-${a.id}-`} feedback={fb?.intent === "add-output" ? here(a.id) : undefined} focus={view.focus} />
                    <button type="submit">{t("renaksi.addOutput")}</button>
                  </IntentForm>
                </details>
              ) : null}
            </div>
          ))
        : null}
      {editable && node.kind === "permasalahan" ? (
        <details>
          <summary>{t("renaksi.addAction")}</summary>
          <IntentForm intent="add-action" fields={{ parentId: node.id }}>
            <Field name="text" label="renaksi.actionText" idPrefix={`new-${node.id}-`} required feedback={fb?.intent === "add-action" ? here(node.id) : undefined} />
            <button type="submit">{t("renaksi.addAction")}</button>
          </IntentForm>
        </details>
      ) : null}
      {editable ? (
        <PostButton intent="remove-node" fields={{ id: node.id }} className="secondary">
          {t("renaksi.remove")}
        </PostButton>
      ) : null}
    </div>
  );
}
