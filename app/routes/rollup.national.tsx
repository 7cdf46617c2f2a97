import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { forbidden, requireUser } from "~/auth/require.server";
import { FormAlert, type ActionFeedback } from "~/components/form";
import { BackToOverview, ScrollTable, useNumber } from "~/components/rollup/parts";
import { getDb } from "~/db.server";
import { pageTitle } from "~/i18n/page-title";
import { useT } from "~/i18n/use-t";
import {
  contentNationalRows,
  importNationalAverages,
  listImportedNationalAverages,
  NationalFileError,
  parseNationalFile,
} from "~/services/rollup/national.server";
import { badRequest, fieldErrorsOf, readFormData } from "~/utils/forms";

export const meta = pageTitle("rollup.national.title");

const MAX_BYTES = 256 * 1024;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!user.isAdmin) throw forbidden();
  const imported = await listImportedNationalAverages(getDb());
  return {
    content: contentNationalRows(),
    imported: imported.map((r) => ({
      year: Number(r.year),
      kind: r.kind,
      instrument: r.instrument_id,
      node: r.node_id,
      value: Number(r.value),
      source: r.source,
    })),
  };
}

const noFile = (v: unknown) => (v === null || (v instanceof File && v.size === 0 && v.name === "") ? undefined : v);
const UploadSchema = z.object({
  intent: z.literal("import", { errorMap: () => ({ message: "error.unknownIntent" }) }),
  file: z.preprocess(
    noFile,
    z
      .instanceof(File, { message: "rollup.national.fileRequired" })
      .refine((f) => f.size > 0, "rollup.national.fileRequired")
      .refine((f) => f.size <= MAX_BYTES, "rollup.national.tooLarge"),
  ),
});

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  if (!user.isAdmin) throw forbidden();
  const form = await readFormData(request);
  const parsed = UploadSchema.safeParse({ intent: form.get("intent"), file: form.get("file") });
  if (!parsed.success) {
    const fieldErrors = fieldErrorsOf(parsed.error);
    return badRequest({ formError: fieldErrors.intent ?? "error.form", fieldErrors, values: {} });
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(await parsed.data.file.arrayBuffer());
  } catch {
    return badRequest({ formError: "rollup.national.badFile", fieldErrors: {}, values: {} });
  }
  try {
    const rows = parseNationalFile(text, parsed.data.file.name);
    const count = await importNationalAverages(getDb(), user, rows);
    return data({ ok: true as const, message: "rollup.national.importedDone" as const, count });
  } catch (e) {
    if (e instanceof NationalFileError)
      return data({ ok: false as const, formError: e.key, formParams: e.problem.params, fieldErrors: {}, values: {} }, { status: 400 });
    throw e;
  }
}

export default function NationalAverages() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionFeedback | undefined;
  const t = useT();
  const n = useNumber();
  const table = (rows: typeof d.content, label: string, testId: string) => (
    <ScrollTable label={label} testId={testId}>
      <thead>
        <tr>
          <th scope="col">{t("rollup.year")}</th>
          <th scope="col">{t("rollup.kind")}</th>
          <th scope="col">{t("rollup.instrument")}</th>
          <th scope="col">{t("rollup.national.node")}</th>
          <th scope="col">{t("rollup.national.value")}</th>
          <th scope="col">{t("rollup.source")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.year}-${r.kind}-${r.instrument}-${r.node}`}>
            <td>{r.year}</td>
            <td>{t(`orgKind.${r.kind}`)}</td>
            <td>{r.instrument}</td>
            <td>{r.node}</td>
            <td>{n(r.value)}</td>
            <td>{r.source}</td>
          </tr>
        ))}
      </tbody>
    </ScrollTable>
  );
  return (
    <>
      <BackToOverview />
      <h1>{t("rollup.national.title")}</h1>
      <p>{t("rollup.national.intro")}</p>
      <section className="card" aria-labelledby="national-content">
        <h2 id="national-content">{t("rollup.national.content")}</h2>
        {table(d.content, t("rollup.national.content"), "national-content")}
      </section>
      <section className="card" aria-labelledby="national-imported">
        <h2 id="national-imported">{t("rollup.national.imported.title")}</h2>
        {d.imported.length === 0 ? (
          <p className="muted">{t("rollup.national.none")}</p>
        ) : (
          table(d.imported, t("rollup.national.imported.title"), "national-imported")
        )}
      </section>
      <section className="card" aria-labelledby="national-upload">
        <h2 id="national-upload">{t("rollup.national.upload")}</h2>
        <FormAlert feedback={result} />
        <p className="muted">{t("rollup.national.format")}</p>
        <Form method="post" encType="multipart/form-data">
          <input type="hidden" name="intent" value="import" />
          <div>
            <label htmlFor="national-file">{t("rollup.national.file")}</label>
            <input id="national-file" type="file" name="file" accept=".yaml,.yml,.csv,text/csv" required />
            {result?.fieldErrors?.file ? <p className="field-error">{t(result.fieldErrors.file)}</p> : null}
          </div>
          <p>
            <button type="submit">{t("rollup.national.submit")}</button>
          </p>
        </Form>
      </section>
    </>
  );
}
