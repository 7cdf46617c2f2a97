import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { BackLink } from "~/components/back-link";
import { z } from "zod";
import { requireUser } from "~/auth/require.server";
import { AgreementFigure } from "~/components/blind/agreement-figure";
import { FormAlert, feedbackFor } from "~/components/form";
import { ProgressBar } from "~/components/workbench/progress-bar";
import { getDb } from "~/db.server";
import { getLocale } from "~/i18n/locale.server";
import { formatDate } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import { inLocale, requireAssessment } from "~/services/workbench/assessments.server";
import { getBlindPanel } from "~/services/blind/results.server";
import { revealRound, startRounds } from "~/services/blind/rounds.server";
import { badRequest, formFailure, readFormData, ruleFailure } from "~/utils/forms";
import { IdSchema } from "~/utils/schemas";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle<typeof loader>("blind.title", (d) => `${d.assessment.unitName} ${d.assessment.year}`);

/** Penilaian bersama of one assessment: rounds and per-rater progress (never values), start, reveal. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = inLocale(await requireAssessment(db, user, params.id!), await getLocale(request, user));
  return {
    assessment: { id: ctx.assessment.id, unitName: ctx.unit.name, year: ctx.period.year, status: ctx.assessment.status },
    ...(await getBlindPanel(db, user, ctx)),
  };
}

const AreaId = z.string().min(1, "error.required").max(64, "error.invalid");
const ActionSchema = z.discriminatedUnion("intent", [
  // "*" = every area that has no round yet.
  z.object({
    intent: z.literal("start"),
    areaIds: z
      .array(z.union([z.literal("*"), AreaId]))
      .min(1, "error.required")
      .max(200),
    raterIds: z.array(IdSchema).max(50),
  }),
  z.object({ intent: z.literal("reveal"), areaId: AreaId, reason: z.string().trim().max(1000, "error.tooLong").optional() }),
]);

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = await requireAssessment(db, user, params.id!, "assessment.assign");
  const form = await readFormData(request);
  const values: Record<string, string> = {};
  for (const [k, v] of form.entries()) if (typeof v === "string" && !(k in values)) values[k] = v;
  const areaIds = form.getAll("areaIds").filter((v): v is string => typeof v === "string");
  const parsed = ActionSchema.safeParse({
    ...values,
    areaIds,
    raterIds: form.getAll("raterIds").filter((v): v is string => typeof v === "string"),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.path[0] === "intent") return formFailure("error.unknownIntent", values);
    return badRequest({
      formError: issue?.path[0] === "raterIds" ? "blind.tooFewRaters" : "error.form",
      fieldErrors: {},
      values,
      intent: values.intent,
    });
  }
  const v = parsed.data;
  try {
    if (v.intent === "start") {
      await startRounds(db, user, ctx, { areaIds: v.areaIds.includes("*") ? "all" : v.areaIds, raterIds: v.raterIds });
      return data({ ok: true as const, intent: v.intent, message: "blind.started" as const });
    }
    await revealRound(db, user, ctx, v.areaId, v.reason ?? null);
    return data({ ok: true as const, intent: v.intent, message: "blind.revealed" as const });
  } catch (e) {
    return ruleFailure(e, values, v.intent);
  }
}

export default function BlindPage() {
  const d = useLoaderData<typeof loader>();
  const feedback = feedbackFor(useActionData<typeof action>());
  const t = useT();
  const locale = useLocale();
  const a = d.assessment;
  return (
    <>
      <BackLink to={`/assessments/${a.id}`}>
        {a.unitName} · {a.year}
      </BackLink>
      <h1>{t("blind.title")}</h1>
      <p className="muted">{t("blind.intro")}</p>
      <FormAlert feedback={feedback} />
      <AgreementFigure agreement={d.agreement} />
      {d.rounds.map((r) => (
        <section className="card" key={r.roundId} data-testid={`round-${r.areaId}`}>
          <h2>
            {r.areaId} {r.areaLabel} · {t(r.status === "open" ? "blind.status.open" : "blind.status.revealed")}
          </h2>
          <table>
            <tbody>
              {r.raters.map((p) => (
                <tr key={p.userId}>
                  <td>{p.name}</td>
                  <td>
                    <ProgressBar done={p.answered} total={r.items} label={t("blind.progress", { answered: p.answered, items: r.items })} />
                  </td>
                  <td>{t(p.finished ? "blind.finishedTag" : "blind.notFinishedTag")}</td>
                  {r.status === "open" ? (
                    <td data-testid="blind-added">{t("blind.addedCounts", { evidence: p.evidence, comments: p.comments })}</td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
          {r.status === "revealed" ? (
            <>
              {r.revealedAt ? <p className="muted">{t("blind.revealedAt", { at: formatDate(r.revealedAt, locale) })}</p> : null}
              {r.revealReason ? <p className="muted">{t("blind.forcedReason", { reason: r.revealReason })}</p> : null}
              <p>
                <Link to={`/assessments/${a.id}/consensus/${r.areaId}`} data-testid={`consensus-link-${r.areaId}`}>
                  {t("blind.consensusLink")}
                </Link>
              </p>
            </>
          ) : d.can.run ? (
            <form method="post" className="inline-form">
              <input type="hidden" name="intent" value="reveal" />
              <input type="hidden" name="areaId" value={r.areaId} />
              {r.raters.some((p) => !p.finished) ? (
                <>
                  <label htmlFor={`reason-${r.areaId}`}>{t("blind.revealReason")}</label>
                  <input id={`reason-${r.areaId}`} name="reason" maxLength={1000} />
                </>
              ) : null}
              <button type="submit">{t("blind.reveal")}</button>
            </form>
          ) : null}
        </section>
      ))}
      {d.can.run && d.freeAreas.length > 0 ? (
        <section className="card">
          <h2>{t("blind.start")}</h2>
          <form method="post">
            <input type="hidden" name="intent" value="start" />
            <fieldset>
              <legend>{t("blind.chooseAreas")}</legend>
              <label className="option">
                <input type="checkbox" name="areaIds" value="*" /> {t("blind.allAreas")}
              </label>
              {d.freeAreas.map((area) => (
                <label className="option" key={area.id}>
                  <input type="checkbox" name="areaIds" value={area.id} /> {area.id} {area.label}
                </label>
              ))}
            </fieldset>
            <fieldset>
              <legend>{t("blind.chooseRaters")}</legend>
              {d.people.map((p) => (
                <label className="option" key={p.id}>
                  <input type="checkbox" name="raterIds" value={p.id} /> {p.name}
                </label>
              ))}
            </fieldset>
            <button type="submit">{t("blind.startButton")}</button>
          </form>
        </section>
      ) : null}
    </>
  );
}
