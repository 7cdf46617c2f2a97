import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/require.server";
import { Field, FormAlert, IntentForm, PostButton, feedbackFor } from "~/components/form";
import { Card, Num, PlanNav, numText } from "~/components/renaksi/plan-parts";
import { OutputFields, OutputSummary } from "~/components/renaksi/output-form";
import { TargetEvidence } from "~/components/renaksi/target-evidence";
import { getDb } from "~/db.server";
import { type MessageKey } from "~/i18n";
import { pageTitle } from "~/i18n/page-title";
import { useLocale, useT } from "~/i18n/use-t";
import { ActionSchema, ActionUpdateSchema, OutputAddSchema, OutputUpdateSchema, RemoveSchema, TargetSchema } from "~/services/renaksi/forms";
import { addAction, addOutput, removeAction, removeOutput, removeTarget, saveTarget, updateAction, updateOutput } from "~/services/renaksi/plans.server";
import { outputInput } from "~/services/renaksi/output-input";
import { planPage } from "~/services/renaksi/route.server";
import { requirePlan } from "~/services/renaksi/access.server";
import { addRenaksiLink, addStagedRenaksiEvidence, removeRenaksiEvidence, renaksiEvidenceByTarget } from "~/services/renaksi/evidence.server";
import { EvidenceError, evidenceMaxBytes, readEvidencePost, type EvidenceUpload } from "~/services/evidence/evidence.server";
import { plainSize } from "~/services/evidence/rules";
import { badRequest, formFailure, formValues, parseForm, ruleFailure } from "~/utils/forms";

export const meta = pageTitle<typeof loader>("renaksi.tab.plan", (d) => `${d.view.organisation.name} ${d.view.plan.year}`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { view, db } = await planPage(request, params.planId);
  // Bukti dukung per target (issue #29), live only; the limits shown beside the upload form.
  return { view, evidence: await renaksiEvidenceByTarget(db, view.plan.id), maxBytes: plainSize(evidenceMaxBytes()) };
}

const Intents = z.enum([
  "save-target",
  "remove-target",
  "add-action",
  "update-action",
  "remove-action",
  "add-output",
  "update-output",
  "remove-output",
  "add-evidence-files",
  "add-evidence-link",
  "remove-evidence",
]);

const EvidenceFilesSchema = z.object({ targetId: z.string().min(1).max(64), title: z.string().max(500).optional() });
const EvidenceLinkSchema = z.object({ targetId: z.string().min(1).max(64), url: z.string().trim().min(1).max(4000), title: z.string().max(500).optional() });
const EvidenceRemoveSchema = z.object({ id: z.string().min(1).max(64), targetId: z.string().max(64).optional() });

/** A refused file or link: the message (naming the file) in the form it came from, with its status (413/507 kept). */
function evidenceFailure(e: EvidenceError, values: Record<string, string>, intent: string) {
  const params = Object.keys(e.params).length > 0 ? e.params : undefined;
  // A message with parameters is only said once, in full, above the form.
  const fieldErrors = e.field && !params ? { [e.field]: e.key as MessageKey } : {};
  return data({ ok: false as const, intent, formError: e.key as MessageKey, ...(params ? { formParams: params } : {}), fieldErrors, values }, { status: e.status });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const planId = params.planId ?? "";
  // Every intent here is the team's: checked before the body is read, so nobody else has files staged.
  await requirePlan(db, user, planId, "fill");
  const maxBytes = evidenceMaxBytes();
  const tooLarge = () => data({ ok: false as const, formError: "evidence.requestTooLarge" as MessageKey, formParams: { max: plainSize(maxBytes) }, fieldErrors: {}, values: {} }, { status: 413 });
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes + 1024 * 1024) return tooLarge();
  // Plain posts are read as before; a multipart post (bukti dukung) streams its files into temporary
  // files through the evidence upload (same limits and sniffing), deleted in the finally below.
  let formData: FormData;
  let upload: EvidenceUpload;
  try {
    ({ formData, upload } = await readEvidencePost(request, { maxBytes }));
  } catch (e) {
    if (e instanceof EvidenceError && e.status === 413) return tooLarge();
    throw e;
  }
  try {
    return await handle(db, user, planId, formData, upload);
  } finally {
    await upload.dispose();
  }
}

async function handle(db: ReturnType<typeof getDb>, user: Awaited<ReturnType<typeof requireUser>>, planId: string, formData: FormData, upload: EvidenceUpload) {
  const values = formValues(formData);
  const parsedIntent = Intents.safeParse(formData.get("intent"));
  if (!parsedIntent.success) return formFailure("error.unknownIntent", values);
  const intent = parsedIntent.data;
  const fail = (failure: Parameters<typeof badRequest>[0]) => badRequest({ ...failure, intent });
  try {
    switch (intent) {
      case "add-evidence-files": {
        const p = parseForm(formData, EvidenceFilesSchema);
        if (!p.ok) return fail(p);
        const added = await addStagedRenaksiEvidence(db, user, planId, p.value.targetId, upload, p.value.title ?? null);
        return data({ ok: true as const, intent, target: p.value.targetId, message: "renaksi.evidence.added" as const, already: added.already });
      }
      case "add-evidence-link": {
        const p = parseForm(formData, EvidenceLinkSchema);
        if (!p.ok) return fail(p);
        const added = await addRenaksiLink(db, user, planId, p.value.targetId, { url: p.value.url, title: p.value.title ?? null });
        return data({ ok: true as const, intent, target: p.value.targetId, message: "renaksi.evidence.added" as const, already: added.already });
      }
      case "remove-evidence": {
        const p = parseForm(formData, EvidenceRemoveSchema);
        if (!p.ok) return fail(p);
        await removeRenaksiEvidence(db, user, planId, p.value.id);
        return data({ ok: true as const, intent, target: p.value.targetId ?? null, message: "renaksi.evidence.removed" as const, already: [] as string[] });
      }
      case "save-target": {
        const p = parseForm(formData, TargetSchema);
        if (!p.ok) return fail(p);
        await saveTarget(db, user, planId, p.value);
        break;
      }
      case "remove-target": {
        const p = parseForm(formData, RemoveSchema);
        if (!p.ok) return fail(p);
        await removeTarget(db, user, planId, p.value.id);
        break;
      }
      case "add-action": {
        const p = parseForm(formData, ActionSchema);
        if (!p.ok) return fail(p);
        await addAction(db, user, planId, { targetId: p.value.parentId }, p.value.text);
        break;
      }
      case "update-action": {
        const p = parseForm(formData, ActionUpdateSchema);
        if (!p.ok) return fail(p);
        await updateAction(db, user, planId, p.value.id, p.value.text);
        break;
      }
      case "remove-action": {
        const p = parseForm(formData, RemoveSchema);
        if (!p.ok) return fail(p);
        await removeAction(db, user, planId, p.value.id);
        break;
      }
      case "add-output": {
        const p = parseForm(formData, OutputAddSchema);
        if (!p.ok) return fail(p);
        await addOutput(db, user, planId, p.value.actionId, outputInput(p.value));
        break;
      }
      case "update-output": {
        const p = parseForm(formData, OutputUpdateSchema);
        if (!p.ok) return fail(p);
        await updateOutput(db, user, planId, p.value.id, outputInput(p.value));
        break;
      }
      case "remove-output": {
        const p = parseForm(formData, RemoveSchema);
        if (!p.ok) return fail(p);
        await removeOutput(db, user, planId, p.value.id);
        break;
      }
    }
  } catch (e) {
    if (e instanceof EvidenceError) return evidenceFailure(e, values, intent);
    return ruleFailure(e, values, intent);
  }
  return data({ ok: true as const, intent, target: values.id ?? values.parentId ?? values.actionId ?? values.indicatorCode ?? null, message: "common.saved" as const });
}

export default function PlanTargets() {
  const { view, evidence, maxBytes } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const editable = view.canFill && view.open.plan;
  const byIndicator = new Map(view.targets.map((x) => [x.indicatorCode, x]));
  const fb = feedbackFor(actionData);
  const here = (key: string | null | undefined) => (fb && (fb.values?.id === key || fb.values?.parentId === key || fb.values?.actionId === key || fb.values?.indicatorCode === key) ? fb : undefined);
  // Bukti dukung feedback lands under its target: a refusal keeps the posted targetId, a success names it.
  const evidenceFeedback = (targetId: string) =>
    fb && EVIDENCE_INTENTS.has(fb.intent ?? "") && (fb.values?.targetId ?? (fb as { target?: string | null }).target) === targetId ? fb : undefined;
  return (
    <>
      <PlanNav planId={view.plan.id} org={view.organisation.name} year={view.plan.year} />
      {view.carriedFrom ? <p className="alert alert-warn">{t("renaksi.carriedFrom", { year: String(view.plan.year), from: String(view.carriedFrom) })}</p> : null}
      <p className="muted">{t("renaksi.planIntro", { year: String(view.plan.year), prev: String(view.plan.year - 1) })}</p>
      {fb && !fb.ok && !fb.intent ? <FormAlert feedback={fb} /> : null}
      {!view.canFill ? <p className="alert alert-warn">{t("renaksi.readOnlyTeam")}</p> : !view.open.plan ? <p className="alert alert-warn">{t("renaksi.planClosed")}</p> : null}
      {view.kegiatan.map((k) => (
        <Card key={k.code} title={`${k.number}. ${k.name}`} testId={`ku-${k.code}`}>
          {k.indicators.map((ind) => {
            const target = byIndicator.get(ind.code);
            const tfb = here(ind.code) ?? here(target?.id);
            return (
              <div key={ind.code} className="card-inner" data-testid={`indicator-${ind.code}`}>
                <h3>{ind.name}</h3>
                <FormAlert feedback={tfb} />
                {target ? (
                  <p>
                    {t("renaksi.baseline")} {target.baselineYear ?? "–"}: <Num value={target.baselineValue} /> · {t("renaksi.target")} {view.plan.year}: <Num value={target.target} /> {target.unit ?? ""}
                  </p>
                ) : (
                  <p className="muted">{t("renaksi.notAdopted")}</p>
                )}
                {editable ? (
                  <details open={Boolean(tfb && !tfb.ok)}>
                    <summary>{target ? t("renaksi.editTarget") : t("renaksi.adopt")}</summary>
                    <IntentForm intent="save-target" fields={{ indicatorCode: ind.code }}>
                      <div className="grid-2">
                        <Field name="baselineYear" type="number" label="renaksi.baselineYear" idPrefix={`${ind.code}-`} defaultValue={String(target?.baselineYear ?? view.plan.year - 1)} feedback={tfb} />
                        <Field name="baselineValue" inputMode="decimal" label="renaksi.baselineValue" idPrefix={`${ind.code}-`} defaultValue={numText(target?.baselineValue, locale)} feedback={tfb} />
                        <Field name="target" inputMode="decimal" label="renaksi.targetValue" idPrefix={`${ind.code}-`} defaultValue={numText(target?.target, locale)} feedback={tfb} />
                        <Field name="unit" label="renaksi.unit" idPrefix={`${ind.code}-`} defaultValue={target?.unit ?? ""} feedback={tfb} />
                      </div>
                      <Field name="note" label="renaksi.note" idPrefix={`${ind.code}-`} defaultValue={target?.note ?? ""} feedback={tfb} />
                      <button type="submit">{t("common.save")}</button>
                    </IntentForm>
                    {target ? (
                      <PostButton intent="remove-target" fields={{ id: target.id }} className="secondary">
                        {t("renaksi.removeTarget")}
                      </PostButton>
                    ) : null}
                  </details>
                ) : null}
                {target ? (
                  <TargetEvidence
                    planId={view.plan.id}
                    targetId={target.id}
                    evidence={evidence[target.id] ?? []}
                    editable={view.canFill && (view.open.plan || view.open.monev)}
                    maxBytes={maxBytes}
                    feedback={evidenceFeedback(target.id)}
                    already={actionData && "already" in actionData && actionData.target === target.id ? actionData.already : []}
                  />
                ) : null}
                {target?.actions.map((a, ai) => (
                  <div key={a.id} className="renaksi-action" data-testid={`action-${a.id}`}>
                    <p>
                      <strong>
                        {t("renaksi.action")} {ai + 1}:
                      </strong>{" "}
                      {a.text}
                    </p>
                    <FormAlert feedback={here(a.id)} />
                    {editable ? (
                      <details>
                        <summary>{t("renaksi.editAction")}</summary>
                        <IntentForm intent="update-action" fields={{ id: a.id }}>
                          <Field name="text" label="renaksi.actionText" idPrefix={`${a.id}-`} defaultValue={a.text} required />
                          <button type="submit">{t("common.save")}</button>
                        </IntentForm>
                        <PostButton intent="remove-action" fields={{ id: a.id }} className="secondary">
                          {t("renaksi.removeAction")}
                        </PostButton>
                      </details>
                    ) : null}
                    {a.outputs.map((o) => (
                      <div key={o.id} className="renaksi-output" data-testid={`output-${o.id}`}>
                        <OutputSummary output={o} />
                        {editable ? (
                          <details open={Boolean(here(o.id) && !here(o.id)!.ok)}>
                            <summary>{t("renaksi.editOutput")}</summary>
                            <FormAlert feedback={here(o.id)} />
                            <IntentForm intent="update-output" fields={{ id: o.id }}>
                              <OutputFields prefix={`${o.id}-`} output={o} feedback={here(o.id)} />
                              <button type="submit">{t("common.save")}</button>
                            </IntentForm>
                            <PostButton intent="remove-output" fields={{ id: o.id }} className="secondary">
                              {t("renaksi.removeOutput")}
                            </PostButton>
                          </details>
                        ) : null}
                      </div>
                    ))}
                    {editable ? (
                      <details open={Boolean(here(a.id) && fb?.intent === "add-output" && !fb.ok)}>
                        <summary>{t("renaksi.addOutput")}</summary>
                        <IntentForm intent="add-output" fields={{ actionId: a.id }}>
                          <OutputFields prefix={`new-${a.id}-`} feedback={fb?.intent === "add-output" ? here(a.id) : undefined} />
                          <button type="submit">{t("renaksi.addOutput")}</button>
                        </IntentForm>
                      </details>
                    ) : null}
                  </div>
                ))}
                {target && editable ? (
                  <details open={Boolean(here(target.id) && fb?.intent === "add-action" && !fb.ok)}>
                    <summary>{t("renaksi.addAction")}</summary>
                    <IntentForm intent="add-action" fields={{ parentId: target.id }}>
                      <Field name="text" label="renaksi.actionText" idPrefix={`new-${target.id}-`} required feedback={fb?.intent === "add-action" ? here(target.id) : undefined} />
                      <button type="submit">{t("renaksi.addAction")}</button>
                    </IntentForm>
                  </details>
                ) : null}
              </div>
            );
          })}
        </Card>
      ))}
    </>
  );
}

const EVIDENCE_INTENTS = new Set(["add-evidence-files", "add-evidence-link", "remove-evidence"]);
