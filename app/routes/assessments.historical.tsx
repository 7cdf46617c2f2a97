import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { forbidden, requireUser } from "~/auth/require.server";
import { BackLink } from "~/components/back-link";
import { HistoricalError, HistoricalPreview, type HistoricalFailure } from "~/components/workbench/historical";
import { getDb } from "~/db.server";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";
import {
  confirmHistoricalImport,
  historicalOptions,
  historicalPreview,
  mayImportHistorical,
  previewHistoricalImport,
} from "~/services/excel/historical.server";
import { MAX_WORKBOOK_BYTES } from "~/services/excel/import.server";
import { LkeError } from "~/services/excel/sheet.server";
import { HistoricalImportError } from "~/services/workbench/historical.server";
import { readFormData } from "~/utils/forms";
import { IdSchema } from "~/utils/schemas";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle("historical.title");

/*
 * /assessments/historical (issue #26): a coordinator (or whoever may roll out for the unit) brings a
 * past workbook into a past period as a final historical assessment. Upload → the answer groups with
 * their totals (stored preview, ?preview=ID) → choose the unit's group and optionally the external
 * evaluator's → confirm. Every refusal is a 4xx shown in the form.
 */

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!mayImportHistorical(user)) throw forbidden();
  const db = getDb();
  const raw = new URL(request.url).searchParams.get("preview");
  const previewId = raw && IdSchema.safeParse(raw).success ? raw : null;
  const [options, preview] = await Promise.all([historicalOptions(db, user), previewId ? historicalPreview(db, user, previewId) : null]);
  return { ...options, preview, maxMb: MAX_WORKBOOK_BYTES / 1048576 };
}

const PreviewSchema = z.object({
  unitId: IdSchema,
  periodId: IdSchema,
  instrumentId: z.string().trim().min(1, "error.required").max(64, "error.invalid"),
});

const ConfirmSchema = z.object({
  previewId: IdSchema,
  selfGroup: z.coerce.number().int().min(0).max(1000),
  externalGroup: z.union([z.literal("").transform(() => null), z.coerce.number().int().min(0).max(1000)]),
});

const fail = (status: number, formError: MessageKey, extra: Omit<HistoricalFailure, "ok" | "formError"> = {}) =>
  data<HistoricalFailure>({ ok: false, formError, ...extra }, { status });

/** A refusal the form shows: rule errors with their detail, unreadable workbooks with the reader's issues, 403/404 as one message. */
function refusal(e: unknown) {
  if (e instanceof HistoricalImportError)
    return fail(e.key === "historical.exists" || e.key === "historical.previewUsed" ? 409 : 400, e.key, {
      params: { detail: e.detail ?? "" },
    });
  if (e instanceof LkeError) return fail(400, "historical.invalid", { issues: e.issues });
  if (e instanceof Response && (e.status === 403 || e.status === 404)) return fail(e.status, "historical.notAllowed");
  throw e;
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  if (!mayImportHistorical(user)) throw forbidden();
  const db = getDb();
  const form = await readFormData(request);
  const intent = form.get("intent");
  if (intent === "preview") {
    const parsed = PreviewSchema.safeParse({
      unitId: form.get("unitId"),
      periodId: form.get("periodId"),
      instrumentId: form.get("instrumentId"),
    });
    if (!parsed.success) return fail(400, "error.form");
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) return fail(400, "historical.fileRequired");
    if (file.size > MAX_WORKBOOK_BYTES) return fail(413, "historical.tooLarge", { params: { mb: String(MAX_WORKBOOK_BYTES / 1048576) } });
    try {
      const id = await previewHistoricalImport(db, user, {
        ...parsed.data,
        file: { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) },
      });
      return redirect(`/assessments/historical?preview=${encodeURIComponent(id)}`);
    } catch (e) {
      return refusal(e);
    }
  }
  if (intent === "confirm") {
    const parsed = ConfirmSchema.safeParse({
      previewId: form.get("previewId"),
      selfGroup: form.get("selfGroup"),
      externalGroup: form.get("externalGroup") ?? "",
    });
    if (!parsed.success) return fail(400, "error.form");
    try {
      const r = await confirmHistoricalImport(db, user, parsed.data.previewId, {
        selfGroup: parsed.data.selfGroup,
        externalGroup: parsed.data.externalGroup,
      });
      return redirect(`/assessments/${encodeURIComponent(r.assessmentId)}`);
    } catch (e) {
      return refusal(e);
    }
  }
  return fail(400, "error.unknownIntent");
}

export default function HistoricalImportPage() {
  const d = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as HistoricalFailure | undefined;
  const t = useT();
  const busy = useNavigation().state !== "idle";
  const ready = d.units.length > 0 && d.periods.length > 0 && d.instruments.length > 0;
  return (
    <>
      <BackLink to="/assessments">{t("assessments.title")}</BackLink>
      <h1>{t("historical.title")}</h1>
      <p>{t("historical.intro")}</p>
      <HistoricalError failure={failure} />
      {d.preview ? (
        <>
          <HistoricalPreview preview={d.preview} busy={busy} />
          <p>
            <Link to="/assessments/historical">{t("historical.again")}</Link>
          </p>
        </>
      ) : ready ? (
        <section className="card">
          <Form method="post" encType="multipart/form-data" data-testid="historical-upload">
            <input type="hidden" name="intent" value="preview" />
            <div>
              <label htmlFor="h-unit">{t("historical.unit")}</label>
              <select id="h-unit" name="unitId" required>
                {d.units.map((u) => (
                  <option key={u.id} value={u.id}>
                    {"\u00a0".repeat(u.depth * 2)}
                    {u.name}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="h-period">{t("historical.period")}</label>
              <select id="h-period" name="periodId" required>
                {d.periods.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.year} — {p.name} — {p.organisationName}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="h-instrument">{t("historical.instrument")}</label>
              <select id="h-instrument" name="instrumentId" required>
                {d.instruments.map((i) => (
                  <option key={i.id} value={i.id}>
                    {i.title} ({i.id} {i.version})
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="h-file">
                {t("historical.file")} (≤ {d.maxMb} MB)
              </label>
              <input
                id="h-file"
                name="file"
                type="file"
                accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                required
              />
            </div>
            <p>
              <button type="submit" disabled={busy} data-testid="historical-preview-button">
                {t("historical.preview")}
              </button>
            </p>
          </Form>
        </section>
      ) : (
        <p className="muted">{t("historical.none")}</p>
      )}
    </>
  );
}
