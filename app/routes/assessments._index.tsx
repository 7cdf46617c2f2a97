import { useState } from "react";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { scopesFor } from "~/auth/permissions";
import { forbidden, requireUser } from "~/auth/require.server";
import { FormAlert, feedbackFor } from "~/components/form";
import { ProgressBar } from "~/components/workbench/progress-bar";
import { getDb } from "~/db.server";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { canOnUnit, listAssessments } from "~/services/workbench/assessments.server";
import { createAssessments } from "~/services/workbench/rollout.server";
import { fitOf, proposedInstrument } from "~/domain/instrument/applies";
import { publishedInstrumentsIn } from "~/services/instruments/frozen.server";
import { buildTree, flattenTree } from "~/services/admin/units.server";
import { badRequest, readFormData, ruleFailure } from "~/utils/forms";
import { IdSchema } from "~/utils/schemas";
import { TableCard } from "~/components/list";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle("assessments.title");

/** Units and open periods where the actor may create assessments. */
async function creationOptions(userId: string, user: Awaited<ReturnType<typeof requireUser>>) {
  const db = getDb();
  const orgIds = user.isAdmin
    ? (await db.selectFrom("organisation").select("id").where("archived_at", "is", null).execute()).map((o) => o.id)
    : [...new Set(scopesFor(user, "assessment.create").map((m) => m.organisationId))];
  if (orgIds.length === 0) return { units: [], periods: [] };
  const units = await db.selectFrom("unit").selectAll().where("organisation_id", "in", orgIds).where("archived_at", "is", null).execute();
  const allowed = flattenTree(buildTree(units)).filter((u) => canOnUnit(user, "assessment.create", u));
  const periods = await db
    .selectFrom("period")
    .innerJoin("organisation", "organisation.id", "period.organisation_id")
    .select(["period.id", "period.year", "organisation.name as organisationName", "organisation.kind as organisationKind"])
    .where("period.organisation_id", "in", orgIds)
    .where("period.status", "=", "open")
    .orderBy("period.year", "desc")
    .execute();
  void userId;
  return { units: allowed.map((u) => ({ id: u.id, name: u.name, depth: u.depth })), periods };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!user.isAdmin && scopesFor(user, "assessment.read").length === 0) throw forbidden();
  const db = getDb();
  const [rows, options, instruments] = await Promise.all([
    listAssessments(db, user),
    creationOptions(user.id, user),
    publishedInstrumentsIn(db),
  ]);
  const itemCounts: Record<string, number> = {};
  for (const i of instruments) itemCounts[i.id] = i.itemCount;
  // Per open period: the instrument of the organisation's kind for that year, and which ones are historical there.
  const proposals = options.periods.map((p) => ({
    periodId: p.id,
    proposed: proposedInstrument(instruments, p.organisationKind, p.year)?.id ?? null,
    historical: instruments.filter((i) => fitOf(i.appliesTo, p.organisationKind, p.year) === "historical").map((i) => i.id),
  }));
  return { rows, ...options, instruments, itemCounts, proposals };
}

const CreateSchema = z.object({
  unitIds: z.array(IdSchema).min(1, "assessments.noUnits"),
  periodId: IdSchema,
  instrumentId: z.string().min(1, "error.required").max(64, "error.invalid"),
  carryForward: z.boolean(),
});

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  if (!user.isAdmin && scopesFor(user, "assessment.create").length === 0) throw forbidden();
  const form = await readFormData(request);
  const raw = {
    unitIds: form.getAll("unitIds").filter((v): v is string => typeof v === "string"),
    periodId: String(form.get("periodId") ?? ""),
    instrumentId: String(form.get("instrumentId") ?? ""),
    carryForward: form.get("carryForward") === "on",
  };
  const parsed = CreateSchema.safeParse(raw);
  const values = { periodId: raw.periodId, instrumentId: raw.instrumentId };
  if (!parsed.success) {
    const first = parsed.error.issues[0]?.message;
    return badRequest({ formError: first === "assessments.noUnits" ? "assessments.noUnits" : "error.form", fieldErrors: {}, values });
  }
  try {
    const result = await createAssessments(getDb(), user, parsed.data);
    return data({ ok: true as const, created: result.created.length, skipped: result.skipped.length });
  } catch (e) {
    return ruleFailure(e, values);
  }
}

export default function Assessments() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const feedback = actionData && !actionData.ok ? feedbackFor(actionData) : undefined;
  return (
    <>
      <h1>{t("assessments.title")}</h1>
      <p>
        <Link to="/assessments/lke-bulk">{t("lke.bulk")}</Link>
        {d.units.length > 0 ? (
          <>
            {" · "}
            <Link to="/assessments/historical" data-testid="historical-link">
              {t("historical.link")}
            </Link>
          </>
        ) : null}
      </p>
      <TableCard
        empty={t("assessments.empty")}
        testId="assessments"
        isEmpty={d.rows.length === 0}
        headers={[t("common.unit"), t("periods.year"), t("assessments.instrument"), t("common.status"), t("assessments.progress")]}
      >
        {d.rows.map((r) => (
          <tr key={r.id}>
            <td>
              <Link to={`/assessments/${r.id}`}>{r.unitName}</Link>
              <div className="muted">{r.organisationName}</div>
            </td>
            <td>{r.year}</td>
            <td>{r.instrumentId}</td>
            <td>{t(`status.${r.status}` as MessageKey)}</td>
            <td>
              <ProgressBar
                done={r.confirmed}
                total={d.itemCounts[r.instrumentId] ?? 0}
                label={t("workbench.answered", { answered: r.confirmed, total: d.itemCounts[r.instrumentId] ?? 0 })}
              />
            </td>
          </tr>
        ))}
      </TableCard>
      {d.units.length > 0 && d.periods.length > 0 ? (
        <section className="card">
          <h2>{t("assessments.create")}</h2>
          {actionData && actionData.ok ? (
            <p className="alert alert-ok" role="status">
              {t("assessments.created", { count: actionData.created, skipped: actionData.skipped })}
            </p>
          ) : null}
          <FormAlert feedback={feedback} />
          <Form method="post">
            <RolloutChoice periods={d.periods} instruments={d.instruments} proposals={d.proposals} feedback={feedback} />
            <fieldset>
              <legend>{t("assessments.units")}</legend>
              <p className="muted">{t("assessments.createHelp")}</p>
              {d.units.map((u) => (
                <label key={u.id} className="check" style={{ paddingLeft: `${u.depth * 1.25}rem` }}>
                  <input type="checkbox" name="unitIds" value={u.id} /> {u.name}
                </label>
              ))}
            </fieldset>
            <label className="check">
              <input type="checkbox" name="carryForward" defaultChecked /> {t("assessments.carryForward")}
            </label>
            <p>
              <button type="submit">{t("assessments.create")}</button>
            </p>
          </Form>
        </section>
      ) : null}
    </>
  );
}

/**
 * Period and instrument of a roll-out. The instrument follows the period: the one proposed for the
 * organisation's kind and year is preselected (again when the period changes, with JavaScript) and
 * marked (unless the user picked one); historical ones are labelled. Without JavaScript the first
 * period's proposal is preselected.
 */
function RolloutChoice({
  periods,
  instruments,
  proposals,
  feedback,
}: {
  periods: { id: string; year: number; organisationName: string }[];
  instruments: { id: string; title: string; version: string }[];
  proposals: { periodId: string; proposed: string | null; historical: string[] }[];
  feedback: ReturnType<typeof feedbackFor> | undefined;
}) {
  const t = useT();
  const [periodId, setPeriodId] = useState(feedback?.values?.periodId ?? periods[0]?.id ?? "");
  const proposal = proposals.find((p) => p.periodId === periodId);
  const [instrumentId, setInstrumentId] = useState(feedback?.values?.instrumentId ?? proposal?.proposed ?? instruments[0]?.id ?? "");
  // Once the user picked an instrument, a change of period no longer replaces it with the proposal.
  const [picked, setPicked] = useState(feedback?.values?.instrumentId !== undefined);
  return (
    <>
      <div>
        <label htmlFor="periodId">{t("assessments.period")}</label>
        <select
          id="periodId"
          name="periodId"
          value={periodId}
          onChange={(e) => {
            setPeriodId(e.target.value);
            const next = proposals.find((p) => p.periodId === e.target.value)?.proposed;
            if (next && !picked) setInstrumentId(next);
          }}
        >
          {periods.map((p) => (
            <option key={p.id} value={p.id}>
              {p.year} — {p.organisationName}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="instrumentId">{t("assessments.instrument")}</label>
        <select
          id="instrumentId"
          name="instrumentId"
          value={instrumentId}
          onChange={(e) => {
            setInstrumentId(e.target.value);
            setPicked(true);
          }}
          data-testid="rollout-instrument"
        >
          {instruments.map((i) => (
            <option key={i.id} value={i.id}>
              {i.title} ({i.id} v{i.version}){proposal?.proposed === i.id ? ` — ${t("assessments.proposed")}` : ""}
              {proposal?.historical.includes(i.id) ? ` — ${t("assessments.historical")}` : ""}
            </option>
          ))}
        </select>
        {feedback?.fieldErrors?.instrumentId ? <p className="field-error">{t(feedback.fieldErrors.instrumentId)}</p> : null}
      </div>
    </>
  );
}
