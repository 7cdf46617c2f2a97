import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/require.server";
import { FormAlert, feedbackFor, PostButton } from "~/components/form";
import { TableCard } from "~/components/list";
import { getDb } from "~/db.server";
import { formatNumber, type MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import { canOnUnit, requireAssessment } from "~/services/workbench/assessments.server";
import { layerComparison } from "~/services/evaluation/view.server";
import { listFindings } from "~/services/evaluation/findings.server";
import { releaseLayer, revokeRelease } from "~/services/evaluation/layers.server";
import { canWriteLayer } from "~/services/evaluation/layer-rows.server";
import { listSamples, estimateForAssessment } from "~/services/evaluation/samples.server";
import { ComparisonTable } from "~/components/evaluation/comparison-table";
import { DrawSampleForm } from "~/components/evaluation/draw-sample-form";
import { badRequest, formFailure, formValues, readFormData, ruleFailure } from "~/utils/forms";
import { drawSampleAction } from "~/services/evaluation/samples.server";
import { revealedConsensusRows } from "~/services/blind/results.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = await requireAssessment(db, user, params.id!, "evaluation.read");
  const cmp = await layerComparison(db, user, ctx);
  const writable = (["internal", "external"] as const).filter((l) => canWriteLayer(user, ctx, l));
  return {
    assessment: {
      id: ctx.assessment.id,
      status: ctx.assessment.status,
      unitName: ctx.unit.name,
      year: ctx.period.year,
      organisationName: ctx.organisationName,
    },
    layers: cmp.layers,
    self: cmp.self,
    effective: { total: cmp.effective.total, predicate: cmp.effective.predicate, verdicts: cmp.effective.verdicts },
    comparisons: cmp.comparisons,
    findings: await listFindings(db, user, ctx),
    samples: await listSamples(db, ctx.assessment.id),
    estimates: await Promise.all(writable.map((l) => estimateForAssessment(db, user, ctx, l))),
    writable,
    canRevoke: canOnUnit(user, "evaluation.unrelease", ctx.unit),
    individuals: await revealedConsensusRows(db, ctx),
  };
}

const LayerSchema = z.enum(["internal", "external"]);
const ActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("release"), layer: LayerSchema }),
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
  try {
    if (v.intent === "release") await releaseLayer(db, user, ctx, v.layer);
    else if (v.intent === "revoke") await revokeRelease(db, user, ctx, v.layer, v.reason);
    else {
      const sampleId = await drawSampleAction(db, user, [ctx], {
        layer: v.layer,
        strategy: v.strategy,
        size: v.size,
        seed: v.seed || null,
      });
      return data({ ok: true as const, intent: v.intent, sampleId });
    }
  } catch (e) {
    return ruleFailure(e, values, v.intent);
  }
  return data({ ok: true as const, intent: v.intent, message: "common.saved" as const });
}

function show(v: unknown): string {
  if (v === null || v === undefined) return "–";
  return typeof v === "object"
    ? Object.entries(v as Record<string, number>)
        .map(([k, n]) => `${k} ${n}`)
        .join(", ")
    : String(v);
}

export default function EvaluatorAssessment() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const feedback = feedbackFor(actionData);
  const t = useT();
  const locale = useLocale();
  const f = (n: number) => formatNumber(n, locale, 2);
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
      <FormAlert feedback={actionData && "sampleId" in actionData ? undefined : feedback} />
      <section className="card">
        <h2>{t("eval.layers")}</h2>
        <p className="big-number">
          {t("eval.selfTotal")}: <span data-testid="self-total">{f(d.self.total)}</span> · {t("eval.effectiveTotal")}:{" "}
          <span data-testid="effective-total">{f(d.effective.total)}</span>
        </p>
        <table>
          <tbody>
            {d.layers.map((l) => (
              <tr key={l.layer}>
                <td>{t(`eval.layer.${l.layer}` as MessageKey)}</td>
                <td>{t("eval.answeredItems", { count: l.answered })}</td>
                <td>{f(l.total)}</td>
                <td>
                  {l.layer === "self" ? null : l.released ? t("eval.released") : t("eval.notReleased")}
                  {l.layer !== "self" && !l.released && d.writable.includes(l.layer as "internal" | "external") ? (
                    <PostButton intent="release" fields={{ layer: l.layer }} formClassName="inline-form" testId={`release-${l.layer}`}>
                      {t("eval.release")}
                    </PostButton>
                  ) : null}
                  {l.layer !== "self" && l.released && d.canRevoke ? (
                    <Form method="post" className="row">
                      <input type="hidden" name="intent" value="revoke" />
                      <input type="hidden" name="layer" value={l.layer} />
                      <label htmlFor={`reason-${l.layer}`}>{t("workbench.reason")}</label>
                      <input id={`reason-${l.layer}`} name="reason" type="text" required maxLength={1000} />
                      <button type="submit" className="danger">
                        {t("eval.revoke")}
                      </button>
                    </Form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {d.estimates.map((e) =>
        e ? (
          <section className="card" key={e.layer} data-testid={`estimate-${e.layer}`}>
            <h2>
              {t("eval.estimate")} — {t(`eval.layer.${e.layer}` as MessageKey)}
            </h2>
            <p className="big-number">
              {t("eval.estimateValue", { point: f(e.point), level: e.level, lower: f(e.lower), upper: f(e.upper) })}
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
                {t(`eval.strategy.${s.strategy}` as MessageKey)} · {t(`eval.layer.${s.layer}` as MessageKey)} · seed {s.seed}
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
              <td>{show(row.consensus)}</td>
              <td>
                {row.raters.map((r) => (
                  <div key={r.name}>
                    {r.name}: <strong>{show(r.value)}</strong>
                    {r.note ? ` — ${r.note}` : ""}
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </TableCard>
      ) : null}
      <section className="card">
        <h2>{t("eval.findings")}</h2>
        {d.findings.length === 0 ? (
          <p className="muted">{t("eval.noFindings")}</p>
        ) : (
          <ul>
            {d.findings.map((fd) => (
              <li key={fd.id}>
                <strong>{fd.itemId}</strong> ({t(`eval.decision.${fd.kind === "adjusted" ? "adjust" : "send_back"}` as MessageKey)}):{" "}
                {fd.recommendation} — {t(`followup.${fd.followUp.status}` as MessageKey)}
                {fd.followUp.action ? ` · ${fd.followUp.action}` : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
