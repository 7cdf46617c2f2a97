import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { forbidden, requireUser } from "~/auth/require.server";
import { Field, FormAlert, type ActionFeedback } from "~/components/form";
import { TableCard } from "~/components/list";
import { getDb } from "~/db.server";
import { formatDate, type MessageKey } from "~/i18n";
import { issueMessage, type KeyedIssue } from "~/i18n/instrument-issues";
import { useLocale, useT } from "~/i18n/use-t";
import { listFamilies, listReleases, ReleaseError, uploadRelease } from "~/services/instruments/releases.server";
import { INSTRUMENT_MAX_BYTES } from "~/utils/constants";
import { badRequest, fieldErrorsOf, readFormData } from "~/utils/forms";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle("instruments.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!user.isAdmin) throw forbidden();
  const db = getDb();
  const [families, releases] = await Promise.all([listFamilies(db, user), listReleases(db, user)]);
  return { families, releases, maxMb: INSTRUMENT_MAX_BYTES / 1048576 };
}

/** A browser sends an empty file input as a nameless, empty file: that means "not given". */
const noFile = (v: unknown) => (v === null || (v instanceof File && v.size === 0 && v.name === "") ? undefined : v);

const UploadFileSchema = z
  .instanceof(File, { message: "instruments.fileRequired" })
  .refine((f) => f.size > 0, "instruments.fileRequired")
  .refine((f) => f.size <= INSTRUMENT_MAX_BYTES, "instruments.tooLarge");

const UploadSchema = z.object({
  intent: z.literal("upload", { errorMap: () => ({ message: "error.unknownIntent" }) }),
  file: z.preprocess(noFile, UploadFileSchema),
  mapping: z.preprocess(
    noFile,
    z
      .instanceof(File, { message: "error.invalid" })
      .refine((f) => f.size <= INSTRUMENT_MAX_BYTES, "instruments.tooLarge")
      .optional(),
  ),
});

/** A refused upload: each problem a message key with its parameters, translated on the page. */
type ActionData = ActionFeedback & { ok: false; issues?: KeyedIssue[] };

async function utf8(file: File): Promise<string | null> {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(await file.arrayBuffer());
  } catch {
    return null;
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  if (!user.isAdmin) throw forbidden();
  const form = await readFormData(request);
  const parsed = UploadSchema.safeParse({ intent: form.get("intent"), file: form.get("file"), mapping: form.get("mapping") });
  if (!parsed.success) {
    const fieldErrors = fieldErrorsOf(parsed.error);
    return badRequest({ formError: fieldErrors.intent ?? "error.form", fieldErrors, values: {} });
  }
  const { file, mapping } = parsed.data;
  const text = await utf8(file);
  const mappingText = mapping ? await utf8(mapping) : null;
  if (text === null || (mapping && mappingText === null)) {
    return badRequest({
      formError: "error.form",
      fieldErrors: text === null ? { file: "instruments.notText" } : { mapping: "instruments.notText" },
      values: {},
    });
  }
  try {
    const view = await uploadRelease(getDb(), user, { text, fileName: file.name, mappingText, mappingFileName: mapping?.name ?? null });
    return redirect(`/admin/instruments/${encodeURIComponent(view.release.id)}`);
  } catch (e) {
    if (e instanceof ReleaseError)
      return data<ActionData>({ ok: false, formError: e.key, issues: e.issues, fieldErrors: {}, values: {} }, { status: 400 });
    throw e;
  }
}

export default function InstrumentReleases() {
  const { families, releases, maxMb } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const busy = useNavigation().state !== "idle";
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("instruments.title")}</h1>
      <p>{t("instruments.intro")}</p>
      <TableCard
        title={t("instruments.current")}
        testId="instrument-families"
        headers={[t("instruments.family"), t("instruments.version"), t("instruments.source"), "sha256"]}
      >
        {families.map((f) => (
          <tr key={f.id}>
            <td>
              <code>{f.id}</code> {f.title}
            </td>
            <td>{f.version}</td>
            <td>{t(`instruments.source.${f.source}` as MessageKey)}</td>
            <td>
              <code>{f.hash.slice(0, 12)}</code>
            </td>
          </tr>
        ))}
      </TableCard>
      <TableCard
        title={t("instruments.releases")}
        isEmpty={releases.length === 0}
        empty={t("instruments.noReleases")}
        testId="instrument-releases"
        headers={[
          t("instruments.family"),
          t("instruments.version"),
          t("common.status"),
          t("instruments.fileName"),
          t("instruments.uploaded"),
          t("instruments.publishedAt"),
        ]}
      >
        {releases.map((r) => (
          <tr key={r.id}>
            <td>
              <code>{r.instrumentId}</code>
            </td>
            <td>
              <Link to={`/admin/instruments/${r.id}`}>{r.version}</Link>
            </td>
            <td>
              <span className="tag">{t(`instruments.status.${r.status}`)}</span>
            </td>
            <td>{r.fileName}</td>
            <td>
              {formatDate(r.uploadedAt, locale)} · {r.uploadedBy ?? "–"}
            </td>
            <td>{r.publishedAt ? `${formatDate(r.publishedAt, locale)} · ${r.publishedBy ?? "–"}` : "–"}</td>
          </tr>
        ))}
      </TableCard>
      <section className="card">
        <h2>{t("instruments.upload")}</h2>
        {result?.issues?.length ? (
          <div className="alert alert-error" role="alert" data-testid="instrument-issues">
            <p>{t(result.formError ?? "instruments.invalid")}</p>
            <ul>
              {result.issues.map((i, k) => (
                <li key={k}>
                  <strong>{i.at}:</strong> {issueMessage(i, locale)}
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <FormAlert feedback={result} />
        )}
        <Form method="post" encType="multipart/form-data">
          <input type="hidden" name="intent" value="upload" />
          <Field
            id="instrument-file"
            name="file"
            type="file"
            label="instruments.file"
            accept=".yaml,.yml,application/yaml,text/yaml"
            required
            feedback={result}
          />
          <Field
            id="mapping-file"
            name="mapping"
            type="file"
            label="instruments.mappingFile"
            accept=".yaml,.yml,.json,application/json,application/yaml,text/yaml"
            feedback={result}
            help={t("instruments.mappingHelp")}
          />
          <p className="muted small">{t("instruments.maxSize", { mb: maxMb })}</p>
          <p>
            <button type="submit" disabled={busy}>
              {t("instruments.submitUpload")}
            </button>
          </p>
        </Form>
      </section>
    </>
  );
}
