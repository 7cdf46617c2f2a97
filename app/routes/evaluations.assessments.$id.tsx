import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { forbidden, requireUser } from "~/auth/require.server";
import { FormAlert, feedbackFor } from "~/components/form";
import { TableCard } from "~/components/list";
import { getDb } from "~/db.server";
import { getLocale } from "~/i18n/locale.server";
import { formatNumber, type MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import { canOnUnit, inLocale, requireAssessment } from "~/services/workbench/assessments.server";
import { layerComparison } from "~/services/evaluation/view.server";
import { listFindings } from "~/services/evaluation/findings.server";
import { releaseLayer, revokeRelease, unfinishedSamples } from "~/services/evaluation/layers.server";
import { canWriteLayer } from "~/services/evaluation/layer-rows.server";
import { listSamples, estimateForAssessment } from "~/services/evaluation/samples.server";
import { ComparisonTable } from "~/components/evaluation/comparison-table";
import { answerItemOf, answerText } from "~/components/evaluation/answer-text";
import { LayersCard } from "~/components/evaluation/layers-card";
import { EvaluatorFindings } from "~/components/evaluation/findings-card";
import { outlineOf } from "~/domain/instrument/outline";
import { DrawSampleForm } from "~/components/evaluation/draw-sample-form";
import { badRequest, formFailure, formValues, readFormData, ruleFailure } from "~/utils/forms";
import { drawSampleAction } from "~/services/evaluation/samples.server";
import { revealedConsensusRows } from "~/services/blind/results.server";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle<typeof loader>("title.evaluation", (d) => `${d.assessment.unitName} ${d.assessment.year}`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = inLocale(await requireAssessment(db, user, params.id!, "evaluation.read"), await getLocale(request, user));
  const cmp = await layerComparison(db, user, ctx);
  const writable = (["internal", "external"] as const).filter((l) => canWriteLayer(user, ctx, l));
  const individuals = await revealedConsensusRows(db, ctx);
  const outline = outlineOf(ctx.instrument);
  // How each shown answer reads: the options' criteria and the count inputs' labels of its item.
  const items = Object.fromEntries(
    [...cmp.comparisons.map((c) => c.itemId), ...individuals.map((r) => r.itemId)].map((id) => [id, answerItemOf(outline.items.get(id))]),
  );
  const unfinished: Record<string, Awaited<ReturnType<typeof unfinishedSamples>>> = {};
  for (const l of writable) unfinished[l] = await unfinishedSamples(db, ctx.assessment.id, l);
  return {
    assessment: {
      id: ctx.assessment.id,
      status: ctx.assessment.status,
      unitName: ctx.unit.name,
      year: ctx.period.year,
      organisationName: ctx.organisationName,
    },
    // A layer that scored no item has no score of its own: the page says so rather than show the team's.
    layers: cmp.layers.map((l) => ({ ...l, total: l.scored ? l.total : null })),
    items,
    unfinished,
    self: cmp.self,
    effective: { total: cmp.effective.total, predicate: cmp.effective.predicate, verdicts: cmp.effective.verdicts },
    comparisons: cmp.comparisons,
    findings: await listFindings(db, user, ctx),
    samples: await listSamples(db, ctx.assessment.id),
    estimates: await Promise.all(writable.map((l) => estimateForAssessment(db, user, ctx, l))),
    writable,
    canRevoke: canOnUnit(user, "evaluation.unrelease", ctx.unit),
    individuals,
  };
}

const LayerSchema = z.enum(["internal", "external"]);
const ActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("release"), layer: LayerSchema, confirm: z.literal("yes").optional() }),
  z.object({
    intent: z.literal("revoke"),
    layer: LayerSchema,
    reason: z.string().trim().min(1, "workbench.reasonRequired").max(1000, "error.tooLong"),
  }),
  z.object({
    intent: z.literal("draw"),
    layer: LayerSchema,
    strategy: z.enum(["simple", "stratified", "risk"]),
    size: z.coerce.number().int().min(1).max(500),
    seed: z.string().trim().max(64).optional(),
  }),
]);

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = await requireAssessment(db, user, params.id!, "evaluation.read");
  const values = formValues(await readFormData(request));
  const parsed = ActionSchema.safeParse(values);
  if (!parsed.success) {
    if (parsed.error.issues[0]?.path[0] === "intent") return formFailure("error.unknownIntent", values);
    return badRequest({
      formError: parsed.error.issues[0]?.message === "workbench.reasonRequired" ? "workbench.reasonRequired" : "error.form",
      fieldErrors: {},
      values,
      intent: values.intent,
    });
  }
  const v = parsed.data;
  if (v.intent === "release") {
    if (!canWriteLayer(user, ctx, v.layer)) throw forbidden();
    // Releasing is one-way for the evaluator and tells the unit: it needs the ticked confirmation,
    // and the refusal names the samples still unfinished.
    if (v.confirm !== "yes") {
      const unfinished = await unfinishedSamples(db, ctx.assessment.id, v.layer);
      return data(
        {
          ok: false as const,
          formError: unfinished.length > 0 ? ("eval.releaseUnfinished" as const) : ("eval.releaseNeedsConfirm" as const),
          fieldErrors: {},
          values,
          intent: v.intent,
          unfinished,
        },
        { status: 400 },
      );
    }
    try {
      await releaseLayer(db, user, ctx, v.layer, { confirmed: true });
    } catch (e) {
      return ruleFailure(e, values, v.intent);
    }
    return data({ ok: true as const, intent: v.intent, message: "eval.releasedOk" as const });
  }
  try {
    if (v.intent === "revoke") await revokeRelease(db, user, ctx, v.layer, v.reason);
    else {
      const sampleId = await drawSampleAction(db, user, [ctx], {
        layer: v.layer,
        strategy: v.strategy,
        size: v.size,
        seed: v.seed || null,
      });
      // The new sample heads the list above the form; the form says it was drawn.
      return data({ ok: true as const, intent: v.intent, sampleId, message: "eval.sampleDrawn" as const });
    }
  } catch (e) {
    return ruleFailure(e, values, v.intent);
  }
  return data({ ok: true as const, intent: v.intent, message: "common.saved" as const });
}

export default function EvaluatorAssessment() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const feedback = feedbackFor(actionData);
  const t = useT();
  const locale = useLocale();
  const f = (n: number) => formatNumber(n, locale, 2);
  const show = (v: unknown, itemId: string) => answerText(d.items[itemId], v, locale);
  return (
    <>
      <p>
        <Link to="/evaluations">← {t("eval.title")}</Link> · <Link to={`/assessments/${d.assessment.id}`}>{t("workbench.overview")}</Link>
      </p>
      <h1>
        {d.assessment.unitName} · {d.assessment.year}
      </h1>
      <p className="muted">
        {d.assessment.organisationName} · {t(`status.${d.assessment.status}` as MessageKey)}
      </p>
      <FormAlert feedback={feedback?.intent === "draw" || (feedback?.intent === "release" && !feedback.ok) ? undefined : feedback} />
      <LayersCard
        layers={d.layers}
        writable={d.writable}
        unfinished={d.unfinished}
        feedback={feedback}
        selfTotal={d.self.total}
        effectiveTotal={d.effective.total}
        revokeForm={(layer) =>
          d.canRevoke ? (
            <Form method="post" className="row">
              <input type="hidden" name="intent" value="revoke" />
              <input type="hidden" name="layer" value={layer} />
              <label htmlFor={`reason-${layer}`}>{t("workbench.reason")}</label>
              <input id={`reason-${layer}`} name="reason" type="text" required maxLength={1000} />
              <button type="submit" className="danger">
                {t("eval.revoke")}
              </button>
            </Form>
          ) : null
        }
      />
      {d.estimates.map((e) =>
        e ? (
          <section className="card" key={e.layer} data-testid={`estimate-${e.layer}`}>
            <h2>
              {t("eval.estimate")} — {t(`eval.layer.${e.layer}` as MessageKey)}
            </h2>
            <p className="big-number">
              {t("eval.estimateValue", {
                point: f(e.point),
                level: formatNumber(e.level * 100, locale, 0),
                lower: f(e.lower),
                upper: f(e.upper),
              })}
            </p>
            <p className="muted">{locale === "en" ? e.methodEn : e.method}</p>
          </section>
        ) : null,
      )}
      <section className="card">
        <h2>{t("eval.samples")}</h2>
        <ul>
          {d.samples.map((s) => (
            <li key={s.id}>
              <Link to={`/evaluations/samples/${s.id}`}>
                {t(`eval.strategy.${s.strategy}` as MessageKey)} · {t(`eval.layer.${s.layer}` as MessageKey)} ·{" "}
                {t("eval.seedShort", { seed: s.seed })}
              </Link>{" "}
              — {t("eval.progress", { done: s.done, total: s.size })}
            </li>
          ))}
        </ul>
        {d.writable.length > 0 ? <DrawSampleForm layers={d.writable} feedback={feedback} /> : null}
      </section>
      <section className="card">
        <h2>{t("eval.differences")}</h2>
        {d.comparisons.length === 0 ? (
          <p className="muted">{t("eval.noDifferences")}</p>
        ) : (
          <ComparisonTable comparisons={d.comparisons} testId="comparisons" formatValue={show} showLayer />
        )}
      </section>
      {d.individuals.length > 0 ? (
        <TableCard
          title={t("blind.individuals")}
          testId="individuals"
          headers={[t("blind.item"), t("blind.consensusAnswer"), t("blind.title")]}
        >
          {d.individuals.map((row) => (
            <tr key={row.itemId}>
              <td>
                <code>{row.itemId}</code>
              </td>
              <td>{show(row.consensus, row.itemId)}</td>
              <td>
                {row.raters.map((r) => (
                  <div key={r.name}>
                    {r.name}: <strong>{show(r.value, row.itemId)}</strong>
                    {r.note ? ` — ${r.note}` : ""}
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </TableCard>
      ) : null}
      <EvaluatorFindings findings={d.findings} />
    </>
  );
}
