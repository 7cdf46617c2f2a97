import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/require.server";
import { Card, PlanNav } from "~/components/renaksi/plan-parts";
import { getDb } from "~/db.server";
import { formatNumber, type MessageKey } from "~/i18n";
import { keyedMessage } from "~/i18n/keyed";
import { pageTitle } from "~/i18n/page-title";
import { useLocale, useT } from "~/i18n/use-t";
import { requirePlan } from "~/services/renaksi/access.server";
import { MAX_PLAN_WORKBOOK_BYTES } from "~/services/renaksi/excel-shape";
import { applyPlanImport, previewPlanImport, RenaksiExcelError, type PlanExcelIssue, type PlanImportPreview, type PlanImportResult } from "~/services/renaksi/excel.server";
import { planPage } from "~/services/renaksi/route.server";
import { readFormData } from "~/utils/forms";

export const meta = pageTitle<typeof loader>("renaksiExcel.title", (d) => `${d.org} ${d.year}`);

const MAX_KB = MAX_PLAN_WORKBOOK_BYTES / 1024;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { view } = await planPage(request, params.planId);
  return { planId: view.plan.id, org: view.organisation.name, year: view.plan.year, canFill: view.canFill, open: view.open, maxKb: MAX_KB };
}

type ActionData =
  | { ok: true; preview: PlanImportPreview; payload: string | null; fileName: string }
  | { ok: true; applied: PlanImportResult }
  | {
      ok: false;
      formError: MessageKey;
      params?: Record<string, string | number>;
      issues?: PlanExcelIssue[];
      preview?: PlanImportPreview;
      payload?: string | null;
      fileName?: string;
    };

const ApplySchema = z.object({
  payload: z.string().min(1).max(Math.ceil((MAX_PLAN_WORKBOOK_BYTES * 4) / 3) + 8),
  planVersion: z.coerce.number().int().min(0),
  fileName: z.string().trim().max(255).default("rencana-aksi.xlsx"),
  confirmClear: z.literal("1").optional(),
});

/** The preview answer: 400 with every problem when the workbook has errors (nothing can be applied), else the rows that change. */
function previewAnswer(preview: PlanImportPreview, bytes: Uint8Array, fileName: string) {
  if (preview.errors.length) {
    return data<ActionData>({ ok: false, formError: "renaksiExcel.errorsTitle", issues: preview.errors, preview }, { status: 400 });
  }
  // The workbook travels back with the apply form (no server-side store): the apply reads it again, checks the plan's version and writes.
  const payload = preview.changes.length ? Buffer.from(bytes).toString("base64") : null;
  return data<ActionData>({ ok: true, preview, payload, fileName });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const ctx = await requirePlan(db, user, params.planId ?? "", "fill");
  const planId = ctx.plan.id;
  const form = await readFormData(request);
  const intent = form.get("intent");
  try {
    if (intent === "preview") {
      const file = form.get("file");
      if (!(file instanceof File) || file.size === 0) return data<ActionData>({ ok: false, formError: "renaksiExcel.fileRequired" }, { status: 400 });
      if (file.size > MAX_PLAN_WORKBOOK_BYTES) return data<ActionData>({ ok: false, formError: "renaksiExcel.tooLarge", params: { kb: MAX_KB } }, { status: 400 });
      const bytes = new Uint8Array(await file.arrayBuffer());
      const fileName = file.name.slice(0, 255) || "rencana-aksi.xlsx";
      return previewAnswer(await previewPlanImport(db, user, planId, bytes, fileName), bytes, fileName);
    }
    if (intent === "apply") {
      const parsed = ApplySchema.safeParse({
        payload: form.get("payload") ?? undefined,
        planVersion: form.get("planVersion") ?? undefined,
        fileName: form.get("fileName") ?? undefined,
        confirmClear: form.get("confirmClear") ?? undefined,
      });
      if (!parsed.success) return data<ActionData>({ ok: false, formError: "error.form" }, { status: 400 });
      const bytes = new Uint8Array(Buffer.from(parsed.data.payload, "base64"));
      try {
        const applied = await applyPlanImport(db, user, planId, bytes, {
          confirmClear: parsed.data.confirmClear === "1",
          expectedVersion: parsed.data.planVersion,
          fileName: parsed.data.fileName,
        });
        return data<ActionData>({ ok: true, applied });
      } catch (e) {
        // Clearing not confirmed: the preview again, with the confirmation to tick.
        if (e instanceof RenaksiExcelError && e.key === "renaksiExcel.clearNeedsConfirm") {
          const preview = await previewPlanImport(db, user, planId, bytes, parsed.data.fileName);
          return data<ActionData>(
            { ok: false, formError: e.key, params: e.params, preview, payload: parsed.data.payload, fileName: parsed.data.fileName },
            { status: 400 },
          );
        }
        throw e;
      }
    }
    return data<ActionData>({ ok: false, formError: "error.form" }, { status: 400 });
  } catch (e) {
    if (e instanceof RenaksiExcelError) {
      return data<ActionData>({ ok: false, formError: e.key, params: e.params, issues: e.issues }, { status: e.key === "renaksiExcel.stale" ? 409 : 400 });
    }
    throw e;
  }
}

function useIssueLine() {
  const locale = useLocale();
  return (i: PlanExcelIssue) => {
    const where = i.sheet
      ? keyedMessage(i.cell ? { key: "renaksiExcel.at.cell", params: { sheet: i.sheet, cell: i.cell } } : { key: "renaksiExcel.at.sheet", params: { sheet: i.sheet } }, locale)
      : null;
    const message = keyedMessage(i, locale);
    return where ? `${where}: ${message}` : message;
  };
}

function Shown({ value }: { value: string | number | null }) {
  const locale = useLocale();
  if (value === null) return <span className="muted">–</span>;
  return <>{typeof value === "number" ? formatNumber(value, locale, Number.isInteger(value) ? 0 : 4) : value}</>;
}

function PreviewTable({ preview }: { preview: PlanImportPreview }) {
  const t = useT();
  if (preview.changes.length === 0) return <p data-testid="renaksi-excel-nochanges">{t("renaksiExcel.noChanges")}</p>;
  return (
    <>
      <p>{t("renaksiExcel.summary", { ...preview.counts })}</p>
      <div className="table-scroll">
        <table data-testid="renaksi-excel-preview">
          <thead>
            <tr>
              <th scope="col">{t("renaksiExcel.col.where")}</th>
              <th scope="col">{t("renaksiExcel.col.what")}</th>
              <th scope="col">{t("renaksiExcel.col.field")}</th>
              <th scope="col">{t("renaksiExcel.col.before")}</th>
              <th scope="col">{t("renaksiExcel.col.after")}</th>
            </tr>
          </thead>
          <tbody>
            {preview.changes.flatMap((c, k) => {
              const what = (
                <>
                  {t(`renaksiExcel.entity.${c.entity}` as MessageKey)} ({t(c.op === "add" ? "renaksiExcel.op.add" : "renaksiExcel.op.change")}): {c.name}
                </>
              );
              const fields = c.fields.length ? c.fields : [null];
              return fields.map((f, j) => (
                <tr key={`${k}-${j}`}>
                  <td>{j === 0 ? `${c.sheet}, ${c.row}` : ""}</td>
                  <td>{j === 0 ? what : ""}</td>
                  <td>{f ? `${f.column} (${f.cell})` : "–"}</td>
                  <td>{f ? <Shown value={f.before} /> : null}</td>
                  <td>{f ? f.clears ? <strong>{t("renaksiExcel.cleared")}</strong> : <Shown value={f.after} /> : null}</td>
                </tr>
              ));
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

export default function PlanExcel() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const t = useT();
  const line = useIssueLine();
  const busy = useNavigation().state !== "idle";
  const preview = result && "preview" in result ? result.preview : undefined;
  const payload = result && "payload" in result ? result.payload : null;
  const fileName = result && "fileName" in result ? result.fileName : undefined;
  return (
    <>
      <PlanNav planId={d.planId} org={d.org} year={d.year} />
      <p>{t("renaksiExcel.intro")}</p>
      <Card title={t("renaksiExcel.title")}>
        <p>
          <a href={`/renaksi/${d.planId}/xlsx`} download data-testid="renaksi-excel-download">
            {t("renaksiExcel.download")}
          </a>
        </p>
        <p className="muted small">{t("renaksiExcel.layout")}</p>
      </Card>
      <Card title={t("renaksiExcel.upload")} testId="renaksi-excel-upload">
        {!d.canFill ? <p className="muted">{t("renaksiExcel.cannotFill")}</p> : null}
        {d.canFill && !d.open.plan ? <p className="alert alert-warn">{t("renaksi.planClosed")}</p> : null}
        {d.canFill && !d.open.monev ? <p className="alert alert-warn">{t("renaksi.monevClosed")}</p> : null}
        {result && result.ok && "applied" in result ? (
          <p className="alert alert-ok" role="status" data-testid="renaksi-excel-applied">
            {result.applied.added + result.applied.changed === 0 ? t("renaksiExcel.nothing") : t("renaksiExcel.applied", { ...result.applied })}
          </p>
        ) : null}
        {result && !result.ok ? (
          <div className="alert alert-error" role="alert" data-testid="renaksi-excel-error">
            <p>{t(result.formError, result.params)}</p>
            {result.issues?.length ? (
              <ul>
                {result.issues.map((i, k) => (
                  <li key={k}>{line(i)}</li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
        {d.canFill ? (
          <Form method="post" encType="multipart/form-data" className="row">
            <input type="hidden" name="intent" value="preview" />
            <div>
              <label htmlFor="renaksi-excel-file">{t("renaksiExcel.file", { kb: d.maxKb })}</label>
              <input id="renaksi-excel-file" name="file" type="file" accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required />
            </div>
            <button type="submit" disabled={busy}>
              {t("renaksiExcel.preview")}
            </button>
          </Form>
        ) : null}
      </Card>
      {preview && !preview.errors.length ? (
        <Card title={t("renaksiExcel.previewTitle")} testId="renaksi-excel-preview-card">
          <PreviewTable preview={preview} />
          {payload ? (
            <Form method="post">
              <input type="hidden" name="intent" value="apply" />
              <input type="hidden" name="payload" value={payload} />
              <input type="hidden" name="planVersion" value={preview.planVersion} />
              <input type="hidden" name="fileName" value={fileName ?? ""} />
              {preview.counts.cleared > 0 ? (
                <p>
                  <label>
                    <input type="checkbox" name="confirmClear" value="1" /> {t("renaksiExcel.confirmClear", { count: preview.counts.cleared })}
                  </label>
                </p>
              ) : null}
              <button type="submit" disabled={busy}>
                {t("renaksiExcel.apply")}
              </button>
            </Form>
          ) : null}
        </Card>
      ) : null}
    </>
  );
}
