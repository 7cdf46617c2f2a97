import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { BackLink } from "~/components/back-link";
import { z } from "zod";
import { forbidden, requireUser } from "~/auth/require.server";
import { WorkbookRefusal } from "~/components/lke/workbook-refusal";
import { ImportPreviewView } from "~/components/lke/import-preview";
import { getDb } from "~/db.server";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { editorRole, WorkbenchError } from "~/services/workbench/answers.server";
import type { Actor } from "~/auth/permissions";
import { canOnUnit, requireAssessment, type AssessmentContext } from "~/services/workbench/assessments.server";
import { MAX_WORKBOOK_BYTES, previewImport, type ImportPreview } from "~/services/excel/import.server";
import { applyImport, getImportPreview, ImportApplyError } from "~/services/excel/apply.server";
import { LkeError, type LkeIssue } from "~/services/excel/read.server";
import { canWriteLayer } from "~/services/evaluation/layer-rows.server";
import { stageOpen, todayWib } from "~/services/workbench/rules";
import { readFormData } from "~/utils/forms";
import { IdSchema } from "~/utils/schemas";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle<typeof loader>("lke.title", (d) => `${d.assessment.unitName} ${d.assessment.year}`);

/** Who may upload: the unit's editors (self layer) and the evaluators of a layer (their own layer only). */
const canImportInto = (user: Actor, ctx: AssessmentContext) =>
  editorRole(user, ctx) !== null || canWriteLayer(user, ctx, "internal") || canWriteLayer(user, ctx, "external");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = await requireAssessment(db, user, params.id!);
  const importId = new URL(request.url).searchParams.get("import");
  const stored =
    importId && IdSchema.safeParse(importId).success ? await getImportPreview(db, user, ctx, importId).catch(() => null) : null;
  const canImport = canImportInto(user, ctx);
  const stage = editorRole(user, ctx) === "coordinator" && ctx.assessment.status !== "draft" ? "review" : "fill";
  return {
    assessment: {
      id: ctx.assessment.id,
      unitName: ctx.unit.name,
      year: ctx.period.year,
      instrumentId: ctx.assessment.instrument_id,
      status: ctx.assessment.status,
    },
    canImport,
    needsOverride: !stageOpen(ctx.period, stage, todayWib()) && canOnUnit(user, "window.override", ctx.unit),
    stored: stored && !stored.appliedAt ? stored.preview : null,
    maxMb: MAX_WORKBOOK_BYTES / 1048576,
  };
}

const ApplySchema = z.object({
  intent: z.literal("apply"),
  importId: IdSchema,
  take: z.array(z.string().max(200)).max(5000),
  overrideReason: z.string().trim().max(1000).optional(),
  allowClear: z.literal("1").optional(),
});

/** The answer column group to read: its header text or column letter (empty: the first). */
const GroupSchema = z.string().trim().max(200).optional();

type ActionData =
  | { ok: false; formError: MessageKey; issues?: LkeIssue[]; params?: Record<string, string> }
  | { ok: true; preview: ImportPreview };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = await requireAssessment(db, user, params.id!);
  if (!canImportInto(user, ctx)) throw forbidden();
  const form = await readFormData(request);
  const intent = form.get("intent");
  if (intent === "preview") {
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) return data<ActionData>({ ok: false, formError: "lke.fileRequired" }, { status: 400 });
    const group = GroupSchema.safeParse(form.get("group") ?? undefined);
    if (!group.success) return data<ActionData>({ ok: false, formError: "error.form" }, { status: 400 });
    try {
      const preview = await previewImport(
        db,
        user,
        ctx,
        { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) },
        group.data ? { group: group.data } : {},
      );
      return data<ActionData>({ ok: true, preview });
    } catch (e) {
      if (e instanceof LkeError) return data<ActionData>({ ok: false, formError: "lke.invalid", issues: e.issues }, { status: 400 });
      throw e;
    }
  }
  const parsed = ApplySchema.safeParse({
    intent,
    importId: form.get("importId"),
    take: form.getAll("take").filter((v): v is string => typeof v === "string"),
    overrideReason: form.get("overrideReason") ?? undefined,
    allowClear: form.get("allowClear") ?? undefined,
  });
  if (!parsed.success) return data<ActionData>({ ok: false, formError: "error.form" }, { status: 400 });
  try {
    const result = await applyImport(db, user, ctx, parsed.data.importId, {
      takeConflicts: parsed.data.take,
      overrideReason: parsed.data.overrideReason || null,
      allowClear: parsed.data.allowClear === "1",
    });
    return redirect(`/assessments/${encodeURIComponent(ctx.assessment.id)}?imported=${result.answers}&links=${result.links}`);
  } catch (e) {
    if (e instanceof ImportApplyError) {
      const key = (
        {
          "lke.stale": "lke.stale",
          "lke.applied": "lke.alreadyApplied",
          "lke.nothing": "lke.nothingChosen",
          "lke.notFound": "lke.previewNotFound",
          "lke.onlyClears": "lke.onlyClears",
        } as const
      )[e.key];
      return data<ActionData>(
        { ok: false, formError: key, params: { item: e.detail ?? "", count: e.detail ?? "" } },
        { status: e.key === "lke.stale" ? 409 : 400 },
      );
    }
    if (e instanceof WorkbenchError) return data<ActionData>({ ok: false, formError: e.key as MessageKey }, { status: 403 });
    throw e;
  }
}

export default function LkePage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const t = useT();
  const busy = useNavigation().state !== "idle";
  const a = d.assessment;
  const preview = result?.ok ? result.preview : d.stored;
  return (
    <>
      <BackLink to={`/assessments/${a.id}`}>
        {a.unitName} · {a.year}
      </BackLink>
      <h1>{t("lke.title")}</h1>
      <p>{t("lke.intro")}</p>
      <section className="card">
        <p className="row">
          <a href={`/assessments/${a.id}/lke.xlsx`} download data-testid="lke-download">
            {t("lke.download")}
          </a>
          <a href={`/lke/template/${a.instrumentId}`} download>
            {t("lke.template", { instrument: a.instrumentId })}
          </a>
        </p>
      </section>
      <section className="card">
        <h2>{t("lke.upload")}</h2>
        {result && !result.ok ? (
          <WorkbookRefusal formError={result.formError} params={result.params} issues={result.issues} testId="lke-error" />
        ) : null}
        {d.canImport ? (
          <Form method="post" encType="multipart/form-data" className="row">
            <input type="hidden" name="intent" value="preview" />
            <div>
              <label htmlFor="lke-file">
                {t("lke.file")} (≤ {d.maxMb} MB)
              </label>
              <input
                id="lke-file"
                name="file"
                type="file"
                accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                required
              />
            </div>
            {/* A stored preview from before groups were kept has no chosenGroup: no choice offered. */}
            {preview && typeof preview.chosenGroup === "number" && preview.groups.length > 1 ? (
              <div>
                <label htmlFor="lke-group">{t("lke.group")}</label>
                <select
                  id="lke-group"
                  name="group"
                  defaultValue={preview.group?.answerColumn ?? ""}
                  key={preview.sha256}
                  data-testid="lke-group"
                >
                  {preview.groups.map((g) => (
                    <option key={g.index} value={g.answerColumn}>
                      {g.header} ({g.answerColumn})
                    </option>
                  ))}
                </select>
                <p className="muted small">{t("lke.groupHelp")}</p>
              </div>
            ) : null}
            <button type="submit" disabled={busy}>
              {t("lke.preview")}
            </button>
          </Form>
        ) : (
          <p className="muted">{t("lke.cannotImport")}</p>
        )}
      </section>
      {preview ? <ImportPreviewView preview={preview} needsOverride={d.needsOverride} busy={busy} /> : null}
    </>
  );
}
