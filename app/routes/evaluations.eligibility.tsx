import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { can, scopesFor } from "~/auth/permissions";
import { forbidden, requireUser } from "~/auth/require.server";
import { FormAlert, feedbackFor } from "~/components/form";
import { getDb } from "~/db.server";
import { BPK_OPINIONS, PREDICATES } from "~/domain/evaluation/prerequisites";
import { formatNumber } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import { parseDecimal } from "~/services/workbench/rules";
import { getPrerequisites, listEligibility, recordWbk, savePrerequisites } from "~/services/evaluation/eligibility.server";
import { badRequest, emptyToNull, formValues, readFormData, ruleFailure } from "~/utils/forms";
import { IdSchema } from "~/utils/schemas";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle("eval.eligibility");

async function requireEvaluator(request: Request) {
  const user = await requireUser(request);
  if (!user.isAdmin && scopesFor(user, "evaluation.read").length === 0) throw forbidden();
  return user;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireEvaluator(request);
  const db = getDb();
  const orgIds = user.isAdmin ? null : [...new Set(scopesFor(user, "evaluation.read").map((m) => m.organisationId))];
  let q = db
    .selectFrom("period")
    .innerJoin("organisation", "organisation.id", "period.organisation_id")
    .select(["period.id", "period.year", "period.organisation_id", "organisation.name"])
    .orderBy("period.year", "desc");
  if (orgIds) q = q.where("period.organisation_id", "in", orgIds.length ? orgIds : ["-"]);
  const periods = await q.execute();
  const wanted = new URL(request.url).searchParams.get("period");
  const period = periods.find((p) => p.id === wanted) ?? periods[0] ?? null;
  if (!period) return { periods: [], period: null, rows: [], prerequisites: null, canManage: false };
  return {
    periods,
    period,
    rows: await listEligibility(db, user, period.id),
    prerequisites: await getPrerequisites(db, period.organisation_id, period.id),
    canManage: can(user, "prerequisite.manage", { type: "scope", scope: { organisationId: period.organisation_id, unitPath: null } }),
  };
}

/** Accepts the Indonesian decimal comma ("72,5") as well as a dot. */
const num = (min: number, max: number) =>
  z.preprocess(
    (v) => {
      const e = emptyToNull(v);
      return typeof e === "string" ? (parseDecimal(e) ?? e) : e;
    },
    z.number({ message: "error.invalid" }).min(min, "error.invalid").max(max, "error.invalid").nullable(),
  );
const ActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("prerequisites"),
    periodId: IdSchema,
    organisationId: IdSchema,
    bpkOpinion: z.preprocess(emptyToNull, z.enum(BPK_OPINIONS as [string, ...string[]]).nullable()),
    sakipPredicate: z.preprocess(emptyToNull, z.enum(PREDICATES as [string, ...string[]]).nullable()),
    indeksRb: num(0, 120),
    spipLevel: z.preprocess(emptyToNull, z.coerce.number().int("error.invalid").min(1, "error.invalid").max(5, "error.invalid").nullable()),
  }),
  z.object({ intent: z.literal("holds-wbk"), unitId: IdSchema, year: z.coerce.number().int().min(2000).max(2100) }),
]);

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireEvaluator(request);
  const values = formValues(await readFormData(request));
  const parsed = ActionSchema.safeParse(values);
  if (!parsed.success) return badRequest({ formError: "error.form", fieldErrors: {}, values, intent: values.intent });
  const v = parsed.data;
  try {
    if (v.intent === "prerequisites") {
      await savePrerequisites(getDb(), user, v.organisationId, v.periodId, {
        bpkOpinion: v.bpkOpinion as never,
        sakipPredicate: v.sakipPredicate as never,
        indeksRb: v.indeksRb,
        spipLevel: v.spipLevel,
      });
    } else await recordWbk(getDb(), user, v.unitId, v.year);
  } catch (e) {
    return ruleFailure(e, values, v.intent);
  }
  return data({ ok: true as const, intent: v.intent, message: "common.saved" as const });
}

export default function EligibilityPage() {
  const d = useLoaderData<typeof loader>();
  const feedback = feedbackFor(useActionData<typeof action>());
  const t = useT();
  const locale = useLocale();
  const en = locale === "en";
  /** A criterion's figure as people read it: yes/no for a flag, a share or percentage with "%", years, numbers in the locale. */
  const criterionValue = (v: number | string | boolean | null, unit: string): string => {
    if (v === null) return "–";
    if (typeof v === "boolean") return t(v ? "common.yes" : "common.no");
    if (typeof v === "string") return v;
    if (unit === "share") return `${formatNumber(v * 100, locale, 1)} %`;
    if (unit === "percent") return `${formatNumber(v, locale, 2)} %`;
    if (unit === "level" || unit === "years") return formatNumber(v, locale, unit === "years" ? 1 : 0);
    return formatNumber(v, locale, 2);
  };
  return (
    <>
      <p>
        <Link to="/evaluations">← {t("eval.title")}</Link>
      </p>
      <h1>{t("eval.eligibility")}</h1>
      <Form method="get" className="row">
        <select name="period" defaultValue={d.period?.id} aria-label={t("assessments.period")}>
          {d.periods.map((p) => (
            <option key={p.id} value={p.id}>
              {p.year} — {p.name}
            </option>
          ))}
        </select>
        <button type="submit" className="secondary">
          {t("eval.showPeriod")}
        </button>
      </Form>
      <FormAlert feedback={feedback} />
      {d.period ? (
        <section className="card">
          <h2>{t("eval.prerequisites")}</h2>
          <Form method="post" className="row">
            <input type="hidden" name="intent" value="prerequisites" />
            <input type="hidden" name="periodId" value={d.period.id} />
            <input type="hidden" name="organisationId" value={d.period.organisation_id} />
            <div>
              <label htmlFor="bpk">{t("eval.bpk")}</label>
              <select id="bpk" name="bpkOpinion" defaultValue={d.prerequisites?.bpkOpinion ?? ""} disabled={!d.canManage}>
                <option value="">–</option>
                {BPK_OPINIONS.map((o) => (
                  <option key={o}>{o}</option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="sakip">{t("eval.sakip")}</label>
              <select id="sakip" name="sakipPredicate" defaultValue={d.prerequisites?.sakipPredicate ?? ""} disabled={!d.canManage}>
                <option value="">–</option>
                {PREDICATES.map((o) => (
                  <option key={o}>{o}</option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="rb">{t("eval.indeksRb")}</label>
              <input
                id="rb"
                name="indeksRb"
                type="text"
                inputMode="decimal"
                defaultValue={d.prerequisites?.indeksRb ?? ""}
                disabled={!d.canManage}
              />
            </div>
            <div>
              <label htmlFor="spip">{t("eval.spip")}</label>
              <input
                id="spip"
                name="spipLevel"
                type="number"
                min={1}
                max={5}
                defaultValue={d.prerequisites?.spipLevel ?? ""}
                disabled={!d.canManage}
              />
            </div>
            {d.canManage ? <button type="submit">{t("common.save")}</button> : null}
          </Form>
        </section>
      ) : null}
      {d.rows.map((r) => (
        <section className="card" key={r.assessmentId} data-testid={`eligibility-${r.unitId}`}>
          <h2>
            {r.unitName} · {formatNumber(r.total, locale, 2)}
          </h2>
          {r.verdicts.map((v) => (
            <details key={v.id} open={v.eligible}>
              <summary>
                {en ? v.labelEn : v.label}:{" "}
                <strong className={v.eligible ? "ok" : "bad"}>{v.eligible ? t("eval.eligible") : t("eval.notEligible")}</strong>
              </summary>
              <table>
                <thead>
                  <tr>
                    <th>{t("eval.criterion")}</th>
                    <th>{t("eval.actual")}</th>
                    <th>{t("eval.required")}</th>
                    <th>{t("eval.met")}</th>
                    <th>{t("eval.shortfall")}</th>
                  </tr>
                </thead>
                <tbody>
                  {v.criteria.map((c) => (
                    <tr key={c.id}>
                      <td>{en ? c.labelEn : c.label}</td>
                      <td>{criterionValue(c.actual, c.unit)}</td>
                      <td>{c.unit === "flag" ? criterionValue(c.required, c.unit) : `≥ ${criterionValue(c.required, c.unit)}`}</td>
                      <td>{c.pass === null ? t("eval.noData") : c.pass ? `✓ ${t("common.yes")}` : `✗ ${t("common.no")}`}</td>
                      <td className="small">{(en ? c.missingEn : c.missing) ?? ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {v.unchecked.length > 0 ? (
                <p className="small muted">
                  {t("eval.unchecked")}: {v.unchecked.map((u) => (en ? u.labelEn : u.label)).join("; ")}
                </p>
              ) : null}
            </details>
          ))}
          {d.canManage && !r.holdsWbk ? (
            <Form method="post">
              <input type="hidden" name="intent" value="holds-wbk" />
              <input type="hidden" name="unitId" value={r.unitId} />
              <input type="hidden" name="year" value={r.year - 1} />
              <button type="submit" className="secondary">
                {t("eval.holdsWbk")}
              </button>
            </Form>
          ) : null}
        </section>
      ))}
    </>
  );
}
