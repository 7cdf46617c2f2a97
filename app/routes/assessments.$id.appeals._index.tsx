import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/require.server";
import { BackLink } from "~/components/back-link";
import { AppealEntry, layerName, WindowLine } from "~/components/appeals/appeal-parts";
import { AppealFileForm } from "~/components/appeals/file-form";
import { answerItemOf, answerText } from "~/components/evaluation/answer-text";
import { feedbackFor, type ActionFeedback } from "~/components/form";
import { getDb } from "~/db.server";
import { outlineOf } from "~/domain/instrument/outline";
import type { MessageKey } from "~/i18n";
import { getLocale } from "~/i18n/locale.server";
import { pageTitle } from "~/i18n/page-title";
import { useLocale, useT } from "~/i18n/use-t";
import { assessmentAppeals, fileAppeal, isOwnTeam, MAX_REASON_LENGTH } from "~/services/appeals/appeals.server";
import { AppealError } from "~/services/appeals/errors";
import { APPEAL_ACCEPT } from "~/services/appeals/files.server";
import { EvidenceError, evidenceMaxBytes, readEvidencePost } from "~/services/evidence/evidence.server";
import { plainSize } from "~/services/evidence/rules";
import { inLocale, requireAssessment } from "~/services/workbench/assessments.server";
import { formValues } from "~/utils/forms";

export const meta = pageTitle<typeof loader>("appeal.title", (d) => `${d.assessment.unit} ${d.assessment.year}`);

/** A question in a table row: its first words (the whole text in the title). */
const short = (q: string) => (q.length > 110 ? `${q.slice(0, 107).trimEnd()}…` : q);

/** Refusals that hold for every row (the team, the window): said once above the rows, not in each. */
const PAGE_WIDE = new Set<string>([
  "appeal.refused.notOwnOrganisation",
  "appeal.refused.noWindow",
  "appeal.refused.notYetOpen",
  "appeal.refused.windowClosed",
]);

/* Sanggah (issue #30): the assessment's appeal windows, the released evaluator values the team may appeal, the form, the history. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = inLocale(await requireAssessment(db, user, params.id!), await getLocale(request, user));
  const d = await assessmentAppeals(db, user, ctx);
  const url = new URL(request.url);
  const outline = outlineOf(ctx.instrument);
  const ids = new Set([...d.rows.map((r) => r.itemId), ...d.appeals.map((a) => a.itemId)]);
  const items = Object.fromEntries([...ids].map((id) => [id, answerItemOf(outline.items.get(id))]));
  const questions = Object.fromEntries([...ids].map((id) => [id, outline.items.get(id)?.question ?? ""]));
  const wanted = { item: url.searchParams.get("item"), layer: url.searchParams.get("layer") };
  return {
    assessment: { id: ctx.assessment.id, unit: ctx.unit.name, year: ctx.period.year, organisation: ctx.organisationName },
    windows: d.windows,
    rows: d.rows,
    appeals: d.appeals,
    ownTeam: d.ownTeam,
    decides: d.decides,
    items,
    questions,
    wanted,
    filed: url.searchParams.get("filed"),
    accept: APPEAL_ACCEPT,
    maxBytes: plainSize(evidenceMaxBytes()),
  };
}

const FileSchema = z.object({
  intent: z.literal("file"),
  layer: z.enum(["internal", "external"]),
  itemId: z.string().min(1).max(64),
  reason: z.string().trim().min(1, "appeal.reasonRequired").max(MAX_REASON_LENGTH, "appeal.reasonRequired"),
});

const failure = (formError: MessageKey, values: Record<string, string>, status: number, extra: Partial<ActionFeedback> = {}) =>
  data({ ok: false as const, intent: "file", formError, fieldErrors: {}, values, ...extra }, { status });

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = await requireAssessment(db, user, params.id!);
  // Only the team files: refused before the body is read, so nobody else has files staged.
  if (!isOwnTeam(user, ctx)) return failure("appeal.refused.notOwnOrganisation", {}, 403);
  const maxBytes = evidenceMaxBytes();
  const tooLarge = () => failure("evidence.requestTooLarge", {}, 413, { formParams: { max: plainSize(maxBytes) } });
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes + 1024 * 1024) return tooLarge();
  let read: Awaited<ReturnType<typeof readEvidencePost>>;
  try {
    read = await readEvidencePost(request, { maxBytes });
  } catch (e) {
    if (e instanceof EvidenceError && e.status === 413) return tooLarge();
    throw e;
  }
  const { formData, upload } = read;
  try {
    const values = formValues(formData);
    const parsed = FileSchema.safeParse(values);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      if (issue?.path[0] === "intent") return failure("error.unknownIntent", values, 400);
      if (issue?.path[0] === "reason")
        return failure("appeal.reasonRequired", values, 400, { fieldErrors: { reason: "appeal.reasonRequired" } });
      return failure("error.form", values, 400);
    }
    try {
      const v = parsed.data;
      await fileAppeal(db, user, ctx, { layer: v.layer, itemId: v.itemId, reason: v.reason }, upload);
      return redirect(`/assessments/${ctx.assessment.id}/appeals?filed=${encodeURIComponent(v.itemId)}#history`);
    } catch (e) {
      if (e instanceof AppealError) return failure(e.key, values, e.status, Object.keys(e.params).length ? { formParams: e.params } : {});
      if (e instanceof EvidenceError)
        return failure(e.key as MessageKey, values, e.status, Object.keys(e.params).length ? { formParams: e.params } : {});
      throw e;
    }
  } finally {
    await upload.dispose();
  }
}

export default function AssessmentAppeals() {
  const d = useLoaderData<typeof loader>();
  const feedback = feedbackFor(useActionData<typeof action>(), "file");
  const t = useT();
  const locale = useLocale();
  const a = d.assessment;
  // The form stays open on a refusal, for the row the team was appealing (its reason kept).
  const sel = feedback?.values?.itemId ? { item: feedback.values.itemId, layer: feedback.values.layer } : d.wanted;
  const selected = d.rows.find((r) => r.itemId === sel.item && r.layer === sel.layer && (r.refusal === null || feedback));
  const pageWide = d.rows.find((r) => r.refusal && PAGE_WIDE.has(r.refusal))?.refusal;
  return (
    <>
      <BackLink to={`/assessments/${a.id}`}>
        {a.unit} · {a.year}
      </BackLink>
      <h1>{t("appeal.titleOf", { unit: a.unit, year: String(a.year) })}</h1>
      <p className="muted">{t("appeal.intro")}</p>
      {d.filed ? (
        <p className="alert alert-ok" role="status" data-testid="appeal-filed">
          {t("appeal.filed", { item: d.filed })}
        </p>
      ) : null}
      {feedback && !selected ? (
        <p className="alert alert-error" role="alert">
          {t(feedback.formError ?? "error.form", feedback.formParams)}
        </p>
      ) : null}
      <section className="card" data-testid="appeal-windows">
        <h2>{t("appeal.window.heading")}</h2>
        {d.windows.map((w) => (
          <WindowLine key={w.layer} w={w} />
        ))}
      </section>
      {selected ? (
        <AppealFileForm
          item={selected.itemId}
          layer={selected.layer}
          layerLabel={layerName(t, selected.layer)}
          question={d.questions[selected.itemId] ?? ""}
          current={answerText(d.items[selected.itemId], selected.value, locale)}
          accept={d.accept}
          maxBytes={d.maxBytes}
          feedback={feedback}
          cancelTo={`/assessments/${a.id}/appeals`}
        />
      ) : null}
      <section className="card" data-testid="appeal-rows">
        <h2>{t("appeal.rows.heading")}</h2>
        {pageWide && d.ownTeam ? <p className="muted">{t(pageWide)}</p> : null}
        {d.rows.length === 0 ? <p className="muted">{t("appeal.rows.empty")}</p> : null}
        {/* A list, not a table: each row reads whole on a 390 px phone (item, question, both values, the action). */}
        {d.rows.map((r) => (
          <div key={`${r.layer}:${r.itemId}`} className="card-inner" data-testid="appeal-row" data-item={r.itemId}>
            <p>
              <strong>
                <code>{r.itemId}</code>
              </strong>{" "}
              <span className="small muted">· {layerName(t, r.layer)}</span>
            </p>
            <p className="small" title={d.questions[r.itemId]}>
              {short(d.questions[r.itemId] ?? "")}
            </p>
            <p>
              {t("appeal.col.team")}: <strong>{answerText(d.items[r.itemId], r.selfValue, locale)}</strong> · {t("appeal.col.evaluator")}:{" "}
              <strong>{answerText(d.items[r.itemId], r.value, locale)}</strong>
            </p>
            {d.ownTeam ? (
              <p>
                {r.refusal === null ? (
                  <Link
                    to={`?item=${encodeURIComponent(r.itemId)}&layer=${r.layer}#appeal-form`}
                    aria-label={t("appeal.fileActionFor", { item: r.itemId })}
                    data-testid="appeal-file-link"
                  >
                    {t("appeal.fileAction")}
                  </Link>
                ) : r.openAppealId ? (
                  <a href={`#appeal-${r.openAppealId}`}>{t("appeal.inProgress")}</a>
                ) : PAGE_WIDE.has(r.refusal) ? null : (
                  <span className="small muted">{t(r.refusal)}</span>
                )}
              </p>
            ) : null}
          </div>
        ))}
      </section>
      <section className="card" id="history" data-testid="appeal-history">
        <h2>{t("appeal.history")}</h2>
        {d.appeals.length === 0 ? <p className="muted">{t("appeal.historyEmpty")}</p> : null}
        {d.appeals.map((ap) => (
          <div key={ap.id}>
            <AppealEntry a={ap} item={d.items[ap.itemId] ?? null} />
            {ap.status === "diajukan" && d.decides.includes(ap.layer) ? (
              <p>
                <Link to={`/evaluations/appeals/${ap.id}`}>{t("appeal.queue.decide")}</Link>
              </p>
            ) : null}
          </div>
        ))}
      </section>
    </>
  );
}
