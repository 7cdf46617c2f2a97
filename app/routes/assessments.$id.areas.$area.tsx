import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { Fragment, useMemo, useState } from "react";
import { z } from "zod";
import { requireUser } from "~/auth/require.server";
import { EvidencePanel } from "~/components/evidence-panel";
import { FormAlert, feedbackFor } from "~/components/form";
import { ConfirmCarried } from "~/components/workbench/confirm-carried";
import { ItemCard, type ItemAnswer } from "~/components/workbench/item-card";
import { LiveScore } from "~/components/workbench/live-score";
import { ProgressBar } from "~/components/workbench/progress-bar";
import { getDb } from "~/db.server";
import { localizeInstrument } from "~/domain/instrument/localize";
import { getLocale } from "~/i18n/locale.server";
import type { Instrument } from "~/domain/instrument/schema";
import type { Answers, AnswerValue } from "~/domain/scoring/answers";
import { scoreAssessment } from "~/domain/scoring/score";
import { formatNumber, type MessageKey, type Params } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import { addComment, reviewItem, WorkbenchError } from "~/services/workbench/answers.server";
import { getAreaView } from "~/services/workbench/area-view.server";
import { tematikBeside } from "~/services/renaksi/tematik-beside.server";
import { TematikRecapCard } from "~/components/renaksi/tematik-recap";
import { BlindError, finishRating } from "~/services/blind/rounds.server";
import { requireAssessment } from "~/services/workbench/assessments.server";
import { saveFromForm } from "~/services/workbench/save-form.server";
import { badRequest, formFailure, formValues, readFormData, ruleFailure } from "~/utils/forms";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle<typeof loader>("title.area", (d) => `${d.area.id} ${d.area.label} · ${d.assessment.unitName} ${d.assessment.year}`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = await requireAssessment(db, user, params.id!);
  // The reader's language: the English UI shows the instrument's English texts where it has them.
  const shown = { ...ctx, instrument: localizeInstrument(ctx.instrument, await getLocale(request, user)) };
  const view = await getAreaView(db, user, shown, params.area!);
  return {
    assessment: { id: ctx.assessment.id, status: ctx.assessment.status, unitName: ctx.unit.name, year: ctx.period.year },
    instrument: shown.instrument,
    ...view,
    // Beside the RB Tematik rows: the recap of the organisation's Tematik plan (issue #29).
    tematik: await tematikBeside(db, ctx.instrument, view.area.id, ctx.assessment.organisation_id, ctx.period.year),
  };
}

const CommentSchema = z.object({
  itemId: z.string().min(1).max(64),
  body: z.string().trim().min(1, "error.required").max(4000, "error.tooLong"),
});
const ReviewSchema = z.object({
  itemId: z.string().min(1).max(64),
  note: z.string().trim().max(1000, "error.tooLong").optional(),
  overrideReason: z.string().max(1000).optional(),
});

/** Plain form posts (no JavaScript), comments and the coordinator's review; autosave uses /assessments/:id/answers. */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = await requireAssessment(db, user, params.id!);
  const values = formValues(await readFormData(request));
  const intent = values.intent;
  try {
    switch (intent) {
      case "save": {
        const out = await saveFromForm(db, user, ctx, values);
        // Post/redirect/get: a refresh must not re-post an answer with a stale version.
        if (out.status === 200)
          return redirect(`${new URL(request.url).pathname}?saved=${encodeURIComponent(values.itemId ?? "")}#item-${values.itemId ?? ""}`);
        if (out.status === 409)
          return data({ ok: false as const, intent, conflict: out.body.conflict, itemId: values.itemId ?? null, values }, { status: 409 });
        return data({ ...out.body, intent, values }, { status: 400 });
      }
      case "comment": {
        const parsed = CommentSchema.safeParse(values);
        if (!parsed.success) return badRequest({ formError: "error.form", fieldErrors: { body: "error.required" }, values, intent });
        await addComment(db, user, ctx, parsed.data.itemId, parsed.data.body);
        break;
      }
      case "approve":
      case "return": {
        const parsed = ReviewSchema.safeParse(values);
        if (!parsed.success) return badRequest({ formError: "error.form", fieldErrors: {}, values, intent });
        await reviewItem(
          db,
          user,
          ctx,
          parsed.data.itemId,
          intent === "approve" ? "approved" : "returned",
          parsed.data.note ?? null,
          parsed.data.overrideReason ?? null,
        );
        break;
      }
      case "blind-finish": {
        await finishRating(db, user, ctx, params.area!);
        return data({ ok: true as const, intent, message: "blind.finishDone" as const });
      }
      default:
        return formFailure("error.unknownIntent", values);
    }
  } catch (e) {
    if (e instanceof WorkbenchError || e instanceof BlindError) return ruleFailure(e, values, intent);
    throw e;
  }
  return data({ ok: true as const, intent, message: "common.saved" as const });
}

/** Server answers with the user's live edits on top; an invalid edit leaves that item unanswered in the preview. */
function liveScore(instrument: Instrument, server: Record<string, { value: unknown }>, edits: Record<string, AnswerValue | undefined>) {
  const answers: Answers = {};
  for (const [id, a] of Object.entries(server)) if (a.value !== null) answers[id] = a.value as AnswerValue;
  for (const [id, v] of Object.entries(edits)) {
    if (v === undefined || v === null) delete answers[id];
    else answers[id] = v;
  }
  try {
    return scoreAssessment(instrument, answers);
  } catch {
    for (const id of Object.keys(edits)) delete answers[id];
    return scoreAssessment(instrument, answers);
  }
}

export default function AreaPage() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const feedback = actionData && "conflict" in actionData ? undefined : feedbackFor(actionData);
  const serverConflict = actionData && "conflict" in actionData ? actionData : null;
  const t = useT();
  const locale = useLocale();
  const [edits, setEdits] = useState<Record<string, AnswerValue | undefined>>({});
  const live = useMemo(() => liveScore(d.instrument, d.answers, edits), [d.instrument, d.answers, edits]);
  const node = (id: string) => live.nodes[id];
  const location = useLocation();
  const savedItem = new URLSearchParams(location.search).get("saved");
  const blindRows = new Map(d.blindRows.map((r) => [r.itemId, r.areaId]));
  return (
    <>
      <p>
        <Link to={`/assessments/${d.assessment.id}`}>
          ← {d.assessment.unitName} · {d.assessment.year}
        </Link>{" "}
        · <strong>{t(`status.${d.assessment.status}` as MessageKey)}</strong>
      </p>
      <h1>
        {d.area.id} {d.area.label}
      </h1>
      <p className="muted">
        {d.area.path.length ? `${d.area.path.join(" › ")} · ` : null}
        {t("workbench.weight", { weight: formatNumber(d.area.weight, locale, 2) })}
        {d.assignees.length ? ` · ${d.assignees.join(", ")}` : null}
      </p>
      <nav aria-label={t("workbench.areas")} className="card">
        <ul className="area-nav">
          {d.areas.map((a) => (
            <li key={a.id} aria-current={a.id === d.area.id ? "page" : undefined}>
              <Link to={`/assessments/${d.assessment.id}/areas/${a.id}`}>
                {a.id} {a.label}
              </Link>
              <ProgressBar done={a.confirmed} total={a.items} label={`${a.confirmed}/${a.items}`} />
            </li>
          ))}
        </ul>
      </nav>
      {d.blind ? (
        <div className="alert alert-warn" data-testid="blind-banner">
          <p>{t(d.blind.rater ? (d.blind.finished ? "blind.finishedBanner" : "blind.raterBanner") : "blind.waitBanner")}</p>
          {d.blind.rater && !d.blind.finished ? (
            <form method="post">
              <input type="hidden" name="intent" value="blind-finish" />
              <button type="submit">{t("blind.finishButton")}</button>
            </form>
          ) : null}
        </div>
      ) : null}
      {d.notAssigned ? (
        <p className="alert alert-warn" data-testid="not-assigned-banner">
          {d.notAssigned.names.length
            ? t("workbench.assignedTo", { names: d.notAssigned.names.join(", ") })
            : t("workbench.assignedToNobody")}
        </p>
      ) : null}
      {d.readOnly ? (
        <p className="readonly-why" data-testid="read-only-why">
          {t(d.readOnly.key, d.readOnly.status ? { status: t(`status.${d.readOnly.status}` as MessageKey) } : undefined)}
        </p>
      ) : null}
      {feedback && "formParams" in feedback && feedback.formParams && feedback.formError ? (
        <p className="alert alert-error" role="alert">
          {t(feedback.formError as MessageKey, feedback.formParams as Params)}
        </p>
      ) : (
        <FormAlert feedback={feedback} />
      )}
      {d.tematik ? <TematikRecapCard beside={d.tematik} /> : null}
      <ConfirmCarried
        assessmentId={d.assessment.id}
        areaId={d.area.id}
        carriedInArea={
          d.area.groups
            .flatMap((g) => g.items)
            .filter((i) => d.editable.includes(i.id) && (d.answers[i.id] as ItemAnswer | undefined)?.carriedOver).length
        }
      />
      <div className="area-layout">
        <div>
          {d.area.groups.map((g, gi) => (
            <Fragment key={g.id}>
              {g.path && g.path.length > 0 && g.path.join() !== d.area.groups[gi - 1]?.path?.join() ? (
                <h2 className="page-section-head">{g.path.join(" › ")}</h2>
              ) : null}
              <section className="card" aria-labelledby={`g-${g.id}`}>
                <div className="group-head">
                  <h2 id={`g-${g.id}`}>
                    {g.id} {g.label}
                  </h2>
                  <span>
                    {live.index?.notApplicable.includes(g.id)
                      ? t("workbench.index.notApplicable")
                      : t("workbench.value", { value: formatNumber(node(g.id)?.value ?? 0, locale, 2), max: formatNumber(g.weight, locale, 2) })}
                  </span>
                </div>
                {g.items.map((item) =>
                  blindRows.has(item.id) ? (
                    <p key={item.id} id={`item-${item.id}`} className="alert alert-warn" data-testid={`blind-row-${item.id}`}>
                      {t("workbench.blindRow")}{" "}
                      <Link to={`/assessments/${d.assessment.id}/areas/${blindRows.get(item.id)}`}>
                        {t("workbench.blindRowLink", { id: blindRows.get(item.id)! })}
                      </Link>
                    </p>
                  ) : (
                    <ItemCard
                      key={item.id}
                      assessmentId={d.assessment.id}
                      item={item}
                      groupWeight={g.weight}
                      answer={(d.answers[item.id] as ItemAnswer | undefined) ?? null}
                      editable={d.editable.includes(item.id)}
                      canReview={d.can.review}
                      canComment={d.can.comment}
                      comments={d.comments[item.id] ?? []}
                      history={d.history[item.id] ?? []}
                      olderHistory={
                        d.olderHistory.counts[item.id] ? { count: d.olderHistory.counts[item.id]!, atLeast: d.olderHistory.atLeast } : null
                      }
                      evidenceCount={(d.evidence.byItem[item.id] ?? []).length}
                      evidence={
                        <EvidencePanel
                          assessmentId={d.assessment.id}
                          itemId={item.id}
                          evidence={d.evidence.byItem[item.id] ?? []}
                          otherEvidence={d.evidence.all.filter((e) => !e.itemIds.includes(item.id))}
                          hints={[]}
                          canEdit={d.editable.includes(item.id)}
                          redirectTo={`${location.pathname}#item-${item.id}`}
                          maxBytes={d.evidence.maxBytes}
                        />
                      }
                      justSaved={savedItem === item.id}
                      serverConflict={
                        serverConflict?.itemId === item.id ? { conflict: serverConflict.conflict, posted: serverConflict.values } : null
                      }
                      evaluator={(d.evaluator[item.id] as { layer: string; value: unknown; note: string | null } | undefined) ?? null}
                      followUps={d.followUps[item.id] ?? []}
                      liveValue={node(item.id)?.answered ? (node(item.id)?.value ?? null) : null}
                      warnings={live.warnings.filter((w) => w.itemId === item.id).map((w) => w.code)}
                      onLive={(id, v) => setEdits((prev) => ({ ...prev, [id]: v }))}
                    />
                  ),
                )}
              </section>
            </Fragment>
          ))}
          <p className="row">
            {d.prev ? <Link to={`/assessments/${d.assessment.id}/areas/${d.prev}`}>{t("workbench.prevArea")}</Link> : null}
            {d.next ? <Link to={`/assessments/${d.assessment.id}/areas/${d.next}`}>{t("workbench.nextArea")}</Link> : null}
          </p>
        </div>
        <LiveScore
          total={live.total}
          max={live.max}
          predicate={live.predicate ? `${live.predicate.code} (${live.predicate.label})` : null}
          index={live.index ?? null}
          area={{ id: d.area.id, label: d.area.label, value: node(d.area.id)?.value ?? 0, weight: d.area.weight }}
          groups={d.area.groups.map((g) => ({ id: g.id, label: g.label, value: node(g.id)?.value ?? 0, weight: g.weight }))}
        />
      </div>
    </>
  );
}
