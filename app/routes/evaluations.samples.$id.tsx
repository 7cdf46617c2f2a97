import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { z } from "zod";
import { requireUser } from "~/auth/require.server";
import { EvidenceViewer } from "~/components/evaluation/evidence-viewer";
import { answerText } from "~/components/evaluation/answer-text";
import { WhyDrawn } from "~/components/evaluation/why-drawn";
import { FormAlert, feedbackFor } from "~/components/form";
import { AnswerInputs } from "~/components/workbench/answer-inputs";
import { fieldsOf } from "~/components/workbench/item-card";
import { Timeline } from "~/components/workbench/timeline";
import { getDb } from "~/db.server";
import { getLocale } from "~/i18n/locale.server";
import { frameMeanWeight, riskWeight, type FrameUnit } from "~/domain/evaluation/sampling";
import { localizeInstrument } from "~/domain/instrument/localize";
import { outlineOf } from "~/domain/instrument/outline";
import type { AnswerValue } from "~/domain/scoring/answers";
import { formatNumber, type MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import { parseValue, WorkbenchError } from "~/services/workbench/answers.server";
import { listEvidence } from "~/services/evidence/evidence.server";
import { saveEvaluatorAnswer } from "~/services/evaluation/layers.server";
import { type EvaluatorLayer } from "~/services/evaluation/layer-rows.server";
import { getSample } from "~/services/evaluation/samples.server";
import { answerFromFields } from "~/services/workbench/rules";
import { timeline } from "~/services/workbench/workflow.server";
import { formFailure, formValues, readFormData, ruleFailure } from "~/utils/forms";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle<typeof loader>("eval.samples", (d) => `${d.current.item.id} · ${d.current.unitName} ${d.current.year}`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const { sample, items, ctxs } = await getSample(db, user, params.id!);
  const search = new URL(request.url).searchParams;
  const wanted = search.get("item");
  // The redirect after a decision names the item just saved, so the page can confirm it.
  const savedRow = items.find((i) => i.id === search.get("saved") && i.decision);
  const current = items.find((i) => i.id === wanted) ?? items.find((i) => !i.decision) ?? items[0];
  if (!current) throw new Response("error.notFound", { status: 404 });
  const ctx = ctxs.get(current.assessment_id)!;
  // The item as the reader's language shows it (English texts where the instrument has them).
  const item = outlineOf(localizeInstrument(ctx.instrument, await getLocale(request, user))).items.get(current.item_id)!;
  const rows = await db
    .selectFrom("answer")
    .selectAll()
    .where("assessment_id", "=", ctx.assessment.id)
    .where("item_id", "=", item.id)
    .where("layer", "in", ["self", sample.layer])
    .execute();
  const self = rows.find((r) => r.layer === "self");
  const mine = rows.find((r) => r.layer === sample.layer);
  const frame = JSON.parse(sample.frame_json) as FrameUnit[];
  const unit = frame.find((f) => f.key === `${current.assessment_id}:${current.item_id}`);
  const stored = JSON.parse(sample.params_json) as { params: Parameters<typeof riskWeight>[1] };
  const meanWeight = frameMeanWeight(frame);
  const evidence = (await listEvidence(db, ctx.assessment.id)).byItem[item.id] ?? [];
  return {
    sample: { id: sample.id, layer: sample.layer, strategy: sample.strategy, seed: sample.seed, frameHash: sample.frame_hash },
    items: items.map((i) => ({ id: i.id, itemId: i.item_id, unitName: ctxs.get(i.assessment_id)!.unit.name, decision: i.decision })),
    current: {
      id: current.id,
      decision: current.decision,
      unitName: ctx.unit.name,
      year: ctx.period.year,
      assessmentId: ctx.assessment.id,
      item,
      groupWeight: outlineOf(ctx.instrument).groupWeight.get(item.id) ?? 1,
      self: { value: parseValue(self?.value_json ?? null), note: self?.note ?? null },
      mine: mine ? { value: parseValue(mine.value_json), note: mine.note } : null,
      risk: unit ? { ...unit.risk, explanation: riskWeight(unit, stored.params, meanWeight) } : null,
    },
    saved: savedRow ? { itemId: savedRow.item_id, decision: savedRow.decision! } : null,
    history: await timeline(db, ctx.assessment.id, item.id, 50),
    evidence,
  };
}

const DecideSchema = z.object({
  sampleItemId: z.string().min(1).max(64),
  decision: z.enum(["agree", "adjust", "send_back"], { message: "eval.decisionRequired" }),
  note: z.string().max(2000, "error.tooLong").optional(),
  recommendation: z.string().max(2000, "error.tooLong").optional(),
});

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const { sample, items, ctxs } = await getSample(db, user, params.id!);
  const values = formValues(await readFormData(request));
  const parsed = DecideSchema.safeParse(values);
  if (!parsed.success) {
    // No decision is preselected: a form sent without one is refused, saying what to choose.
    if (parsed.error.issues[0]?.path[0] === "decision")
      return formFailure("eval.decisionRequired", values, { decision: "eval.decisionRequired" });
    return formFailure("error.form", values);
  }
  const si = items.find((i) => i.id === parsed.data.sampleItemId);
  if (!si) return formFailure("workbench.unknownItem", values);
  const ctx = ctxs.get(si.assessment_id)!;
  const item = outlineOf(ctx.instrument).items.get(si.item_id)!;
  let value: AnswerValue = null;
  if (parsed.data.decision !== "agree") {
    const a = answerFromFields(item, values);
    if (!a.ok) return formFailure("workbench.invalidAnswer", values);
    value = a.value;
  }
  try {
    await saveEvaluatorAnswer(db, user, ctx, {
      layer: sample.layer as EvaluatorLayer,
      itemId: si.item_id,
      decision: parsed.data.decision,
      value,
      note: parsed.data.note?.trim() || null,
      recommendation: parsed.data.recommendation?.trim() || null,
      sampleItemId: si.id,
    });
  } catch (e) {
    if (e instanceof WorkbenchError) return ruleFailure(e, values, "decide");
    throw e;
  }
  const next = items.find((i) => !i.decision && i.id !== si.id);
  return redirect(`/evaluations/samples/${sample.id}?item=${(next ?? si).id}&saved=${si.id}`);
}

/** Keyed by the current item: a redirect to the next item must start from a clean form and viewer. */
export default function SampleReview() {
  const d = useLoaderData<typeof loader>();
  return <Review key={d.current.id} />;
}

function Review() {
  const d = useLoaderData<typeof loader>();
  const feedback = feedbackFor(useActionData<typeof action>());
  const t = useT();
  const locale = useLocale();
  const c = d.current;
  const done = d.items.filter((i) => i.decision).length;
  // Only a decision already recorded is shown as chosen: a fresh item starts with none.
  const [decision, setDecision] = useState<string | null>(c.decision ?? null);
  const [fields, setFields] = useState<Record<string, string>>(() =>
    fieldsOf(c.item, (c.mine?.value ?? c.self.value) as AnswerValue, null),
  );
  return (
    <>
      <p>
        <Link to={`/evaluations/assessments/${c.assessmentId}`}>← {t("eval.title")}</Link>
      </p>
      <h1>
        {t("eval.samples")}: {t(`eval.strategy.${d.sample.strategy}` as MessageKey)} · {t(`eval.layer.${d.sample.layer}` as MessageKey)}
      </h1>
      <p className="muted">
        {t("eval.seedShort", { seed: d.sample.seed })} · {t("eval.frameShort", { hash: d.sample.frameHash.slice(0, 12) })} ·{" "}
        <span data-testid="sample-progress">{t("eval.progress", { done, total: d.items.length })}</span>
      </p>
      <nav className="card" aria-label={t("eval.samples")}>
        <ol className="sample-nav">
          {d.items.map((i) => (
            <li key={i.id} aria-current={i.id === c.id ? "step" : undefined}>
              <Link to={`?item=${i.id}`} preventScrollReset>
                {i.itemId}
              </Link>{" "}
              <span className="small muted">
                {i.unitName}
                {i.decision ? ` · ${t(`eval.decision.${i.decision}` as MessageKey)}` : ""}
              </span>
            </li>
          ))}
        </ol>
      </nav>
      <div className="review-layout">
        <section className="card" data-testid="review-item">
          <h2>
            <code>{c.item.id}</code> · {c.unitName} · {c.year}
          </h2>
          <p className="question">{c.item.question}</p>
          {c.item.options ? (
            <ul className="small">
              {c.item.options.map((o) => (
                <li key={o.code}>
                  <strong>{o.code}</strong> — {o.criterion}
                </li>
              ))}
            </ul>
          ) : null}
          <p>
            {t("eval.teamAnswer")}:{" "}
            <strong data-testid="team-answer" data-value={JSON.stringify(c.self.value)}>
              {answerText(c.item, c.self.value, locale)}
            </strong>
            {c.self.note ? <span className="muted"> — {c.self.note}</span> : null}
          </p>
          {c.risk ? <WhyDrawn strategy={d.sample.strategy} risk={c.risk} /> : null}
          {d.saved ? (
            <p className="alert alert-ok" role="status" data-testid="saved">
              {t("eval.savedItem", { item: d.saved.itemId, decision: t(`eval.decision.${d.saved.decision}` as MessageKey) })}
            </p>
          ) : null}
          <FormAlert feedback={feedback} />
          <Form method="post" key={c.id}>
            <input type="hidden" name="sampleItemId" value={c.id} />
            <fieldset className="options">
              <legend>{t("eval.saveDecision")}</legend>
              {(["agree", "adjust", "send_back"] as const).map((dc) => (
                <label key={dc} className="option">
                  <input type="radio" name="decision" value={dc} required checked={decision === dc} onChange={() => setDecision(dc)} />{" "}
                  {t(`eval.decision.${dc}` as MessageKey)}
                </label>
              ))}
            </fieldset>
            <AnswerInputs
              item={c.item}
              groupWeight={c.groupWeight}
              fields={fields}
              disabled={decision === "agree"}
              onChange={(name, value) => setFields({ ...fields, [name]: value })}
              ratio={null}
              formatRatio={(v) => formatNumber(v * 100, locale, 2)}
            />
            <label htmlFor="note">{t("eval.note")}</label>
            <textarea id="note" name="note" maxLength={2000} defaultValue={c.mine?.note ?? ""} />
            <label htmlFor="recommendation">{t("eval.recommendation")}</label>
            <textarea id="recommendation" name="recommendation" maxLength={2000} required={decision === "send_back"} />
            <p>
              <button type="submit">{t("eval.saveDecision")}</button>
            </p>
          </Form>
          <details>
            <summary>{t("workbench.history")}</summary>
            <Timeline entries={d.history} />
          </details>
        </section>
        <EvidenceViewer evidence={d.evidence} />
      </div>
    </>
  );
}
