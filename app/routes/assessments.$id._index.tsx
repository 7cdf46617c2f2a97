import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/require.server";
import { FormAlert, feedbackFor } from "~/components/form";
import { ProgressBar } from "~/components/workbench/progress-bar";
import { ScoreSummaryCard } from "~/components/workbench/score-summary";
import { Timeline } from "~/components/workbench/timeline";
import { getDb } from "~/db.server";
import type { MessageKey } from "~/i18n";
import { formatDate, formatNumber } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import { outlineOf } from "~/domain/instrument/outline";
import { editorRole, loadAnswers } from "~/services/answers.server";
import { latestSnapshot, summarise } from "~/services/assessment-view.server";
import { canOnUnit, requireAssessment } from "~/services/assessments.server";
import { layerComparison } from "~/services/evaluation-view.server";
import { listFindings, openFollowUps, updateFollowUp } from "~/services/findings.server";
import { readiness } from "~/services/readiness.server";
import { AgreementFigure } from "~/components/blind/agreement-figure";
import { blindSummary } from "~/services/blind-results.server";
import { EvaluationCard, WorkflowActions } from "~/components/workbench/overview-cards";
import { FindingsCard } from "~/components/evaluation/findings-card";
import { FOLLOW_UP_STATUSES } from "#db/schema";
import { stageOpen, todayWib } from "~/services/workbench-rules";
import { assignableUsers, finaliseAssessment, reopenAssessment, setAssignment, submitAssessment, timeline } from "~/services/workflow.server";
import { badRequest, emptyToNull, formFailure, formValues, readFormData, ruleFailure } from "~/utils/forms";
import { IdSchema } from "~/utils/schemas";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = await requireAssessment(db, user, params.id!);
  const rows = await loadAnswers(db, ctx.assessment.id);
  const summary = summarise(ctx, rows);
  const role = editorRole(user, ctx);
  const canAssign = canOnUnit(user, "assessment.assign", ctx.unit);
  const assignments = await db
    .selectFrom("assignment")
    .innerJoin("user", "user.id", "assignment.user_id")
    .select(["assignment.node_id", "assignment.user_id", "user.name"])
    .where("assignment.assessment_id", "=", ctx.assessment.id)
    .execute();
  // Progress per person: the items under each assignee's areas/sub-areas, answered and confirmed.
  const outline = outlineOf(ctx.instrument);
  const byItem = new Map(rows.map((r) => [r.item_id, r]));
  const perPerson = new Map<string, { name: string; items: Set<string> }>();
  for (const asg of assignments) {
    const entry = perPerson.get(asg.user_id) ?? { name: asg.name, items: new Set<string>() };
    for (const id of outline.items.keys()) if (id === asg.node_id || id.startsWith(`${asg.node_id}.`)) entry.items.add(id);
    perPerson.set(asg.user_id, entry);
  }
  const progress = [...perPerson.values()].map((p) => {
    const items = [...p.items];
    const answered = items.filter((i) => byItem.get(i)?.value_json != null).length;
    const confirmed = items.filter((i) => byItem.get(i)?.value_json != null && !byItem.get(i)?.carried_over).length;
    return { name: p.name, total: items.length, answered, confirmed };
  });
  const evaluation = await layerComparison(db, user, ctx);
  const released = evaluation.layers.filter((l) => l.layer !== "self");
  const today = todayWib();
  const status = ctx.assessment.status;
  const search = new URL(request.url).searchParams;
  const importedAnswers = Number(search.get("imported"));
  return {
    imported: search.has("imported") && Number.isSafeInteger(importedAnswers) ? { answers: importedAnswers, links: Number(search.get("links")) || 0 } : null,
    assessment: {
      id: ctx.assessment.id,
      status,
      unitName: ctx.unit.name,
      organisationName: ctx.organisationName,
      year: ctx.period.year,
      instrumentId: ctx.assessment.instrument_id,
      instrumentTitle: ctx.instrument.title,
      instrumentHash: ctx.assessment.instrument_hash,
    },
    summary,
    myNodes: assignments.filter((a) => a.user_id === user.id).map((a) => a.node_id),
    assignments,
    progress,
    people: canAssign ? await assignableUsers(db, ctx) : [],
    nodes: summary.areas.flatMap((a) => [{ id: a.id, label: `${a.id} ${a.label}` }]),
    readiness: role || canAssign ? await readiness(db, ctx) : null,
    snapshot: (await latestSnapshot(db, ctx.assessment.id)) ?? null,
    evaluation: released.length
      ? { layers: released, effective: { total: evaluation.effective.total, verdicts: evaluation.effective.verdicts }, comparisons: evaluation.comparisons }
      : null,
    findings: await listFindings(db, user, ctx),
    followUps: await openFollowUps(db, ctx),
    canEvaluate: canOnUnit(user, "evaluation.read", ctx.unit),
    blind: await blindSummary(db, ctx),
    timeline: await timeline(db, ctx.assessment.id, undefined, 60),
    can: {
      submit: role !== null && (status === "draft" || status === "returned"),
      finalise: canOnUnit(user, "assessment.review", ctx.unit) && status === "submitted",
      reopen: canOnUnit(user, "assessment.reopen", ctx.unit) && status === "final",
      assign: canAssign && status !== "final",
      override: canOnUnit(user, "window.override", ctx.unit),
      followUp: canOnUnit(user, "followup.write", ctx.unit),
    },
    windows: { fill: stageOpen(ctx.period, "fill", today), review: stageOpen(ctx.period, "review", today), fillEnd: ctx.period.fill_end, reviewEnd: ctx.period.review_end },
  };
}

const Reason = z.string().trim().max(1000, "error.tooLong").optional();
const ActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("submit"), overrideReason: Reason }),
  z.object({ intent: z.literal("finalise"), overrideReason: Reason }),
  z.object({ intent: z.literal("reopen"), reason: z.string().trim().min(1, "workbench.reasonRequired").max(1000, "error.tooLong") }),
  z.object({ intent: z.enum(["assign", "unassign"]), nodeId: z.string().min(1, "error.required").max(64, "error.invalid"), userId: IdSchema }),
  z.object({
    intent: z.literal("follow-up"),
    findingId: IdSchema,
    action: z.string().trim().min(1, "error.required").max(1000, "error.tooLong"),
    owner: z.string().trim().min(1, "error.required").max(200, "error.tooLong"),
    due: z.preprocess(emptyToNull, z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "error.invalidDate").nullable()),
    status: z.enum(FOLLOW_UP_STATUSES),
  }),
]);

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = await requireAssessment(db, user, params.id!);
  const form = await readFormData(request);
  const values = formValues(form);
  const parsed = ActionSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.path[0] === "intent") return formFailure("error.unknownIntent", values);
    return badRequest({ formError: issue?.message === "workbench.reasonRequired" ? "workbench.reasonRequired" : "error.form", fieldErrors: {}, values, intent: values.intent });
  }
  const v = parsed.data;
  try {
    switch (v.intent) {
      case "submit":
        await submitAssessment(db, user, ctx, v.overrideReason ?? null);
        break;
      case "finalise":
        await finaliseAssessment(db, user, ctx, v.overrideReason ?? null);
        break;
      case "reopen":
        await reopenAssessment(db, user, ctx, v.reason);
        break;
      case "follow-up":
        await updateFollowUp(db, user, v.findingId, { action: v.action, owner: v.owner, due: v.due, status: v.status });
        break;
      case "assign":
      case "unassign":
        await setAssignment(db, user, ctx, v.nodeId, v.userId, v.intent === "assign");
        break;
    }
  } catch (e) {
    return ruleFailure(e, values, v.intent);
  }
  return data({ ok: true as const, intent: v.intent, message: "common.saved" as const });
}

export default function AssessmentOverview() {
  const d = useLoaderData<typeof loader>();
  const feedback = feedbackFor(useActionData<typeof action>());
  const t = useT();
  const locale = useLocale();
  const a = d.assessment;
  const r = d.readiness;
  const findings = r
    ? [
        r.unanswered.length ? t("workbench.unanswered", { count: r.unanswered.length }) : null,
        r.answeredWithoutEvidence.length ? t("workbench.noEvidence", { count: r.answeredWithoutEvidence.length }) : null,
        r.unconfirmed.length ? t("workbench.unconfirmed", { count: r.unconfirmed.length }) : null,
        r.outsidePeriod.length ? t("workbench.outsidePeriod", { count: r.outsidePeriod.length }) : null,
        r.spreadFiles.length ? t("workbench.manyItems", { count: r.spreadFiles.length }) : null,
      ].filter((x): x is string => x !== null)
    : [];
  const windowClosed = (a.status === "submitted" ? !d.windows.review : !d.windows.fill) && d.can.override;
  return (
    <>
      <p>
        <Link to="/assessments">← {t("assessments.title")}</Link>
      </p>
      <h1>
        {a.unitName} · {a.year}
      </h1>
      <p className="muted">
        {a.organisationName} · {a.instrumentTitle} ({a.instrumentId}, <span title={a.instrumentHash}>{a.instrumentHash.slice(0, 10)}</span>) ·{" "}
        <strong data-testid="assessment-status">{t(`status.${a.status}` as MessageKey)}</strong>
      </p>
      <FormAlert feedback={feedback} />
      {d.snapshot ? (
        <p className="alert alert-ok" data-testid="snapshot">
          {t("workbench.snapshot", { total: formatNumber(d.snapshot.total, locale, 2), at: formatDate(d.snapshot.created_at, locale), engine: d.snapshot.engine_version })}
        </p>
      ) : null}
      {d.imported ? (
        <p className="alert alert-ok" role="status" data-testid="lke-applied">
          {t("lke.applied", { answers: d.imported.answers, links: d.imported.links })}
        </p>
      ) : null}
      <ScoreSummaryCard summary={d.summary} />
      <p>
        <Link to={`/assessments/${a.id}/lke`} data-testid="lke-link">
          {t("lke.link")}
        </Link>
        {a.status !== "draft" ? (
          <>
            {" · "}
            <Link to={`/assessments/${a.id}/receipt`} data-testid="receipt-link">
              {t("seal.receiptLink")}
            </Link>
          </>
        ) : null}
      </p>
      {d.canEvaluate ? (
        <p>
          <Link to={`/evaluations/assessments/${a.id}`}>{t("eval.evaluatorView")}</Link>
        </p>
      ) : null}
      {d.evaluation ? <EvaluationCard evaluation={d.evaluation} /> : null}
      {d.blind.rounds > 0 || d.can.assign ? (
        <section className="card" data-testid="blind-card">
          <h2>{t("blind.title")}</h2>
          <p>
            <Link to={`/assessments/${a.id}/blind`} data-testid="blind-link">
              {d.blind.rounds > 0 ? `${t("blind.title")}: ${d.blind.rounds} (${d.blind.open} ${t("blind.status.open")})` : t("blind.start")}
            </Link>
          </p>
          <AgreementFigure agreement={d.blind.agreement} />
        </section>
      ) : null}
      <FindingsCard findings={d.findings} canWrite={d.can.followUp} title="eval.findings" />
      <FindingsCard findings={d.followUps} canWrite={d.can.followUp} title="eval.openFollowUps" />
      <section className="card">
        <h2>{t("workbench.areas")}</h2>
        <table data-testid="areas">
          <thead>
            <tr>
              <th>{t("workbench.areas")}</th>
              <th>{t("assessments.score")}</th>
              <th>{t("assessments.progress")}</th>
            </tr>
          </thead>
          <tbody>
            {d.summary.areas.map((area) => (
              <tr key={area.id} className={d.myNodes.some((n) => n === area.id || n.startsWith(area.id + ".")) ? "mine" : undefined}>
                <td>
                  <span className="muted">{area.path.join(" › ")}</span>
                  <br />
                  <Link to={`/assessments/${a.id}/areas/${area.id}`}>
                    {area.id} {area.label}
                  </Link>
                </td>
                <td>
                  {formatNumber(area.value, locale, 2)} / {formatNumber(area.weight, locale, 2)}
                </td>
                <td>
                  <ProgressBar done={area.confirmed} total={area.items} label={t("workbench.answered", { answered: area.confirmed, total: area.items })} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {r ? (
        <section className="card" data-testid="readiness">
          <h2>{t("workbench.readiness")}</h2>
          {findings.length === 0 ? <p>{t("workbench.ready")}</p> : <ul>{findings.map((f) => <li key={f}>{f}</li>)}</ul>}
        </section>
      ) : null}
      <WorkflowActions can={d.can} windowClosed={windowClosed} />
      <TeamCard />
      <section className="card">
        <h2>{t("workbench.timeline")}</h2>
        <Timeline entries={d.timeline} />
      </section>
    </>
  );
}

function TeamCard() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  if (!d.can.assign && d.assignments.length === 0) return null;
  return (
    <section className="card">
      <h2>{t("workbench.team")}</h2>
      {d.assignments.length === 0 ? <p className="muted">{t("workbench.noAssignments")}</p> : null}
      {d.progress.length > 0 ? (
        <table data-testid="progress-per-person">
          <caption>{t("workbench.byPerson")}</caption>
          <tbody>
            {d.progress.map((p) => (
              <tr key={p.name}>
                <td>{p.name}</td>
                <td>
                  <ProgressBar done={p.confirmed} total={p.total} label={t("workbench.answered", { answered: p.confirmed, total: p.total })} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <ul>
        {d.assignments.map((x) => (
          <li key={`${x.node_id}-${x.user_id}`}>
            {x.name} — {x.node_id}
            {d.can.assign ? (
              <Form method="post" className="inline-form">
                <input type="hidden" name="intent" value="unassign" />
                <input type="hidden" name="nodeId" value={x.node_id} />
                <input type="hidden" name="userId" value={x.user_id} />{" "}
                <button type="submit" className="link-button">
                  {t("workbench.unassign")}
                </button>
              </Form>
            ) : null}
          </li>
        ))}
      </ul>
      {d.can.assign ? (
        <Form method="post" className="row">
          <input type="hidden" name="intent" value="assign" />
          <div>
            <label htmlFor="assign-user">{t("workbench.assignee")}</label>
            <select id="assign-user" name="userId">
              {d.people.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="assign-node">{t("workbench.areaOrSubarea")}</label>
            <select id="assign-node" name="nodeId">
              {d.nodes.map((n) => (
                <option key={n.id} value={n.id}>
                  {n.label}
                </option>
              ))}
            </select>
          </div>
          <button type="submit">{t("workbench.assign")}</button>
        </Form>
      ) : null}
    </section>
  );
}
