import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { z } from "zod";
import { requireUser } from "~/auth/require.server";
import { PostButton } from "~/components/form";
import { TableCard } from "~/components/list";
import { WorkbookRefusal } from "~/components/lke/workbook-refusal";
import { ProgressBar } from "~/components/workbench/progress-bar";
import { getDb } from "~/db.server";
import type { MessageKey } from "~/i18n";
import { formatNumber } from "~/i18n";
import { lkeIssueLine } from "~/i18n/lke-issues";
import { useLocale, useT } from "~/i18n/use-t";
import { listAssessments } from "~/services/workbench/assessments.server";
import { listExports, previewBulkImport, startRolloutExport, type BulkPreviewRow } from "~/services/excel/bulk.server";
import { LkeError, type LkeIssue } from "~/services/excel/read.server";
import { plainSize } from "~/services/evidence/rules";
import { readFormData } from "~/utils/forms";
import { IdSchema } from "~/utils/schemas";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle("lke.bulkTitle");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const rows = await listAssessments(db, user);
  const groups = new Map<string, { periodId: string; year: number; instrumentId: string; count: number }>();
  for (const r of rows) {
    const key = `${r.periodId}:${r.instrumentId}`;
    const g = groups.get(key) ?? { periodId: r.periodId, year: r.year, instrumentId: r.instrumentId, count: 0 };
    g.count++;
    groups.set(key, g);
  }
  const jobs = await listExports(db, user);
  return {
    rollouts: [...groups.values()],
    jobs: jobs.map((j) => ({
      id: j.id,
      instrumentId: j.instrument_id,
      total: j.total,
      done: j.done,
      status: j.status,
      error: j.error,
      bytes: j.bytes,
      createdAt: j.created_at,
    })),
    highlight: new URL(request.url).searchParams.get("job"),
  };
}

const ExportSchema = z.object({
  intent: z.literal("export"),
  periodId: IdSchema,
  instrumentId: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/),
});

type ActionData = { ok: false; formError: MessageKey; issues?: LkeIssue[] } | { ok: true; rows: BulkPreviewRow[] };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const form = await readFormData(request);
  if (form.get("intent") === "import") {
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) return data<ActionData>({ ok: false, formError: "lke.fileRequired" }, { status: 400 });
    try {
      return data<ActionData>({ ok: true, rows: await previewBulkImport(db, user, new Uint8Array(await file.arrayBuffer())) });
    } catch (e) {
      if (e instanceof LkeError) return data<ActionData>({ ok: false, formError: "lke.invalid", issues: e.issues }, { status: 400 });
      throw e;
    }
  }
  const parsed = ExportSchema.safeParse({
    intent: form.get("intent"),
    periodId: form.get("periodId"),
    instrumentId: form.get("instrumentId"),
  });
  if (!parsed.success) return data<ActionData>({ ok: false, formError: "error.form" }, { status: 400 });
  const id = await startRolloutExport(db, user, parsed.data.periodId, parsed.data.instrumentId, new URL(request.url).origin);
  return redirect(`/assessments/lke-bulk?job=${id}`);
}

export default function LkeBulkPage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const t = useT();
  const locale = useLocale();
  const busy = useNavigation().state !== "idle";
  const revalidator = useRevalidator();
  const running = d.jobs.some((j) => j.status === "running");
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 1000);
    return () => clearInterval(timer);
  }, [running, revalidator]);
  return (
    <>
      {running ? (
        <noscript>
          <meta httpEquiv="refresh" content="3" />
        </noscript>
      ) : null}
      <p>
        <Link to="/assessments">← {t("assessments.title")}</Link>
      </p>
      <h1>{t("lke.bulkTitle")}</h1>
      <p>{t("lke.bulkIntro")}</p>
      <TableCard title={t("lke.rollouts")} isEmpty={d.rollouts.length === 0} empty={t("lke.noRollouts")}>
        {d.rollouts.map((r) => (
          <tr key={`${r.periodId}:${r.instrumentId}`}>
            <td>
              {r.year} · {r.instrumentId}
            </td>
            <td>{t("lke.assessmentsCount", { count: r.count })}</td>
            <td>
              <PostButton intent="export" fields={{ periodId: r.periodId, instrumentId: r.instrumentId }} disabled={busy}>
                {t("lke.exportZip")}
              </PostButton>
            </td>
          </tr>
        ))}
      </TableCard>
      {d.jobs.length ? (
        <TableCard title={t("lke.jobs")} cardTestId="lke-jobs">
          {d.jobs.map((j) => (
            <tr key={j.id} className={j.id === d.highlight ? "mine" : undefined} data-status={j.status}>
              <td>{j.instrumentId}</td>
              <td>
                <ProgressBar done={j.done} total={j.total} label={t("lke.jobProgress", { done: j.done, total: j.total })} />
              </td>
              <td>{t(`lke.job.${j.status}` as MessageKey)}</td>
              <td>
                {j.status === "done" ? (
                  <a href={`/assessments/lke-bulk/${j.id}.zip`} download>
                    {t("lke.downloadZip", { size: plainSize(j.bytes ?? 0) })}
                  </a>
                ) : (
                  (j.error ?? "")
                )}
              </td>
            </tr>
          ))}
        </TableCard>
      ) : null}
      <section className="card">
        <h2>{t("lke.bulkUpload")}</h2>
        {result && !result.ok ? <WorkbookRefusal formError={result.formError} issues={result.issues} testId="lke-bulk-error" /> : null}
        <Form method="post" encType="multipart/form-data" className="row">
          <input type="hidden" name="intent" value="import" />
          <div>
            <label htmlFor="bulk-file">{t("lke.bulkFile")}</label>
            <input id="bulk-file" name="file" type="file" accept=".zip,application/zip" required />
          </div>
          <button type="submit" disabled={busy}>
            {t("lke.bulkPreview")}
          </button>
        </Form>
      </section>
      {result?.ok ? (
        <TableCard
          title={t("lke.bulkResults")}
          cardTestId="lke-bulk-results"
          headers={[t("lke.file.name"), t("lke.unit"), t("lke.total"), t("lke.state")]}
        >
          {result.rows.map((r) => (
            <tr key={r.file}>
              <td>{r.file}</td>
              <td>{r.unitName ?? "–"}</td>
              <td>
                {r.preview ? `${formatNumber(r.preview.before.total, locale, 2)} → ${formatNumber(r.preview.after.total, locale, 2)}` : "–"}
              </td>
              <td>
                {r.error
                  ? r.error.map((i) => lkeIssueLine(i, locale)).join("; ")
                  : r.preview
                    ? t("lke.counts", {
                        changes: r.preview.changes.length,
                        conflicts: r.preview.changes.filter((c) => c.conflict && !c.blocked).length,
                        blocked: r.preview.changes.filter((c) => c.blocked).length,
                        unchanged: 0,
                        unmatched: r.preview.unmatched.length,
                      })
                    : ""}
                {r.preview?.importId && r.assessmentId ? (
                  <>
                    {" · "}
                    <Link to={`/assessments/${r.assessmentId}/lke?import=${r.preview.importId}`}>{t("lke.openPreview")}</Link>
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </TableCard>
      ) : null}
    </>
  );
}
