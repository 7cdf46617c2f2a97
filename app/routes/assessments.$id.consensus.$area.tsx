import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { useState } from "react";
import { z } from "zod";
import { requireUser } from "~/auth/require.server";
import { AgreementFigure } from "~/components/blind/agreement-figure";
import { FormAlert, feedbackFor } from "~/components/form";
import { AnswerInputs } from "~/components/workbench/answer-inputs";
import { fieldsOf } from "~/components/workbench/item-card";
import { getDb } from "~/db.server";
import { getLocale } from "~/i18n/locale.server";
import { answerText } from "~/components/evaluation/answer-text";
import { outlineOf } from "~/domain/instrument/outline";
import type { Item } from "~/domain/instrument/schema";
import type { AnswerValue } from "~/domain/scoring/answers";
import { formatDate, formatNumber } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import { WorkbenchError } from "~/services/workbench/answers.server";
import { inLocale, requireAssessment } from "~/services/workbench/assessments.server";
import { getConsensusView, recordConsensus } from "~/services/blind/results.server";
import { BlindError } from "~/services/blind/rounds.server";
import { answerFromFields } from "~/services/workbench/rules";
import { badRequest, formValues, readFormData, ruleFailure } from "~/utils/forms";
import { heat } from "~/components/blind/heat";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle<typeof loader>("title.consensus", (d) => `${d.area.id} ${d.area.label} · ${d.assessment.unitName} ${d.assessment.year}`);

/**
 * The consensus view of one revealed blind area: every rater's answers and values, the spread, the
 * disagreement heat map, and the form recording the team's consensus answer (the self layer).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = inLocale(await requireAssessment(db, user, params.id!), await getLocale(request, user));
  try {
    const view = await getConsensusView(db, user, ctx, params.area!);
    const area = outlineOf(ctx.instrument).areas.find((a) => a.id === view.area.id)!;
    const instrumentItems: Record<string, Item> = Object.fromEntries(area.groups.flatMap((g) => g.items.map((i) => [i.id, i])));
    return {
      assessment: { id: ctx.assessment.id, unitName: ctx.unit.name, year: ctx.period.year, status: ctx.assessment.status },
      instrumentItems,
      ...view,
    };
  } catch (e) {
    if (e instanceof BlindError) throw new Response(e.key, { status: e.key === "blind.noRound" ? 404 : 409 });
    throw e;
  }
}

const ConsensusSchema = z.object({
  intent: z.literal("consensus"),
  itemId: z.string().min(1, "error.required").max(64, "error.invalid"),
  baseVersion: z.coerce.number().int().min(0),
  note: z.string().max(4000, "error.tooLong").optional(),
  reason: z.string().trim().max(1000, "error.tooLong").optional(),
});

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = await requireAssessment(db, user, params.id!, "assessment.fill");
  const values = formValues(await readFormData(request));
  const parsed = ConsensusSchema.safeParse(values);
  if (!parsed.success) {
    return badRequest({
      formError: parsed.error.issues[0]?.path[0] === "intent" ? "error.unknownIntent" : "error.form",
      fieldErrors: {},
      values,
      intent: values.intent,
    });
  }
  const item = outlineOf(ctx.instrument).items.get(parsed.data.itemId);
  if (!item) return badRequest({ formError: "workbench.unknownItem", fieldErrors: {}, values, intent: "consensus" });
  const answer = answerFromFields(item, values);
  if (!answer.ok)
    return badRequest({
      formError: "workbench.invalidAnswer",
      fieldErrors: { [answer.field]: "error.invalid" },
      values,
      intent: "consensus",
    });
  try {
    const saved = await recordConsensus(db, user, ctx, params.area!, {
      itemId: item.id,
      baseVersion: parsed.data.baseVersion,
      value: answer.value,
      note: parsed.data.note ?? null,
      reason: parsed.data.reason ?? null,
    });
    if (!saved.ok)
      return data(
        { ok: false as const, formError: "blind.conflict" as const, fieldErrors: {}, values, intent: "consensus" },
        { status: 409 },
      );
  } catch (e) {
    if (e instanceof WorkbenchError || e instanceof BlindError) return ruleFailure(e, values, "consensus");
    throw e;
  }
  return redirect(`${new URL(request.url).pathname}?saved=${encodeURIComponent(item.id)}#c-${item.id}`);
}

export default function ConsensusPage() {
  const d = useLoaderData<typeof loader>();
  const feedback = feedbackFor(useActionData<typeof action>());
  const t = useT();
  const locale = useLocale();
  const saved = new URLSearchParams(useLocation().search).get("saved");
  const num = (v: number | null) => (v === null ? t("blind.noAnswer") : formatNumber(v, locale, 2));
  return (
    <>
      <p>
        <Link to={`/assessments/${d.assessment.id}/blind`}>
          ← {d.assessment.unitName} · {d.assessment.year} · {t("blind.title")}
        </Link>
      </p>
      <h1>{t("blind.consensusTitle", { area: `${d.area.id} ${d.area.label}` })}</h1>
      {d.round.revealedAt ? <p className="muted">{t("blind.revealedAt", { at: formatDate(d.round.revealedAt, locale) })}</p> : null}
      {d.round.revealReason ? <p className="alert alert-warn">{t("blind.forcedReason", { reason: d.round.revealReason })}</p> : null}
      <p className="muted">{t("blind.rule")}</p>
      {saved ? (
        <p className="alert alert-ok" role="status">
          {t("blind.recorded")}
        </p>
      ) : null}
      <FormAlert feedback={feedback} />
      <AgreementFigure agreement={{ share: d.agreement.share.share, alpha: d.agreement.alpha.alpha, items: d.agreement.share.pairable }} />
      <section className="card">
        <h2>{t("blind.totals")}</h2>
        <table data-testid="rater-totals">
          <tbody>
            {d.raters.map((r) => (
              <tr key={r.userId}>
                <td>{r.name}</td>
                <td>
                  {formatNumber(r.total, locale, 2)} / {formatNumber(d.area.weight, locale, 2)}
                </td>
                <td>{t(r.finished ? "blind.finishedTag" : "blind.notFinishedTag")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card">
        <h2>{t("blind.heatmap")}</h2>
        <table data-testid="heatmap">
          <thead>
            <tr>
              <th>{t("blind.subarea")}</th>
              <th>{t("blind.disagreementShare")}</th>
            </tr>
          </thead>
          <tbody>
            {d.groups.map((g) => (
              <tr key={g.id}>
                <td>
                  {g.id} {g.label}
                </td>
                <td style={{ background: heat(g.disagreementShare) }}>
                  {formatNumber(g.disagreementShare * 100, locale, 0)} % ({g.items.filter((i) => i.spread.disagreement).length}/
                  {g.items.length})
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {d.groups.map((g) => (
        <section className="card" key={g.id}>
          <h2>
            {g.id} {g.label}
          </h2>
          {g.items.map((item) => (
            <article key={item.id} id={`c-${item.id}`} className="item-card" data-testid={`consensus-${item.id}`}>
              <header>
                <code>{item.id}</code>
                {item.spread.disagreement ? <span className="tag badge-bad">{t("blind.disagreement")}</span> : null}
              </header>
              <p className="question">{item.question}</p>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("blind.colRater")}</th>
                    <th scope="col">{t("blind.colAnswer")}</th>
                    <th scope="col">{t("blind.colValue")}</th>
                    <th scope="col">{t("blind.colNote")}</th>
                  </tr>
                </thead>
                <tbody>
                  {item.raters.map((r, i) => (
                    <tr key={r.userId}>
                      <td>{d.raters[i]?.name}</td>
                      <td>
                        <strong>{answerText(d.instrumentItems[item.id] as Item | undefined, r.value, locale)}</strong>
                      </td>
                      <td>{num(r.itemValue)}</td>
                      <td>{r.note ?? ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="muted">
                {t("blind.spread", { min: num(item.spread.min), max: num(item.spread.max), mode: num(item.spread.mode) })} ·{" "}
                {t("blind.majority", { answer: item.spread.majority.map((m) => answerText(d.instrumentItems[item.id] as Item | undefined, JSON.parse(m), locale)).join(" / ") || "–" })}
              </p>
              <ConsensusForm
                item={(d.instrumentItems[item.id] as Item | undefined) ?? null}
                itemId={item.id}
                groupWeight={g.weight}
                consensus={item.consensus}
                majority={item.spread.majority}
                canRecord={d.can.record}
              />
            </article>
          ))}
        </section>
      ))}
    </>
  );
}

function ConsensusForm(props: {
  item: Item | null;
  itemId: string;
  groupWeight: number;
  consensus: { value: unknown; note: string | null; version: number } | null;
  majority: string[];
  canRecord: boolean;
}) {
  const t = useT();
  const locale = useLocale();
  const start = (props.consensus?.value ?? (props.majority.length === 1 ? JSON.parse(props.majority[0]!) : null)) as AnswerValue;
  const [fields, setFields] = useState(() => (props.item ? fieldsOf(props.item, start, props.consensus?.note ?? null) : {}));
  if (!props.item) return null;
  return (
    <form method="post" className="consensus-form">
      <input type="hidden" name="intent" value="consensus" />
      <input type="hidden" name="itemId" value={props.itemId} />
      <input type="hidden" name="baseVersion" value={String(props.consensus?.version ?? 0)} />
      <h3>{t("blind.consensusAnswer")}</h3>
      <AnswerInputs
        item={props.item}
        fields={fields}
        disabled={!props.canRecord}
        onChange={(name, value) => setFields((f) => ({ ...f, [name]: value }))}
        ratio={null}
        formatRatio={(v) => `${formatNumber(v * 100, locale, 2)} %`}
        groupWeight={props.groupWeight}
      />
      <label htmlFor={`cnote-${props.itemId}`}>{t("workbench.note")}</label>
      <textarea
        id={`cnote-${props.itemId}`}
        name="note"
        value={fields.note ?? ""}
        disabled={!props.canRecord}
        maxLength={4000}
        onChange={(e) => setFields((f) => ({ ...f, note: e.target.value }))}
      />
      <label htmlFor={`reason-${props.itemId}`}>{t("blind.departReason")}</label>
      <p className="hint" id={`reason-hint-${props.itemId}`}>
        {t("blind.departReasonHint")}
      </p>
      <textarea
        id={`reason-${props.itemId}`}
        name="reason"
        rows={3}
        maxLength={1000}
        disabled={!props.canRecord}
        aria-describedby={`reason-hint-${props.itemId}`}
      />
      {props.canRecord ? (
        <p className="row">
          <button type="submit">{t("blind.record")}</button>
        </p>
      ) : null}
    </form>
  );
}
