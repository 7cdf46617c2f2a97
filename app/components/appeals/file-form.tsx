import { Form, Link, useNavigation } from "@remix-run/react";
import type { ActionFeedback } from "~/components/form";
import { errorAria, FieldError, FormAlert } from "~/components/form";
import { useT } from "~/i18n/use-t";

/**
 * The team's form to appeal one row: the reason (kept after a refusal) and the files (PDF, Word, Excel,
 * PowerPoint), posted as multipart to the appeals page. Files cannot be kept by a browser after a refusal;
 * the message says which file was refused.
 */
export function AppealFileForm({
  item,
  layer,
  layerLabel,
  question,
  current,
  accept,
  maxBytes,
  feedback,
  cancelTo,
}: {
  item: string;
  layer: string;
  layerLabel: string;
  question: string;
  current: string;
  accept: string;
  maxBytes: string;
  feedback?: ActionFeedback;
  cancelTo: string;
}) {
  const t = useT();
  const busy = useNavigation().state === "submitting";
  const reasonError = feedback?.fieldErrors?.reason;
  return (
    <section className="card" id="appeal-form" data-testid="appeal-form" aria-labelledby="appeal-form-heading">
      <h2 id="appeal-form-heading">{t("appeal.form.heading", { item, layer: layerLabel })}</h2>
      <p className="question">{question}</p>
      <p>{t("appeal.form.current", { value: current })}</p>
      <FormAlert feedback={feedback && !feedback.ok ? feedback : undefined} />
      <Form method="post" encType="multipart/form-data">
        <input type="hidden" name="intent" value="file" />
        <input type="hidden" name="itemId" value={item} />
        <input type="hidden" name="layer" value={layer} />
        <label htmlFor="appeal-reason">{t("appeal.form.reason")}</label>
        <textarea
          id="appeal-reason"
          name="reason"
          required
          maxLength={4000}
          rows={5}
          defaultValue={feedback?.values?.reason ?? ""}
          {...errorAria("appeal-reason", reasonError, "appeal-reason-hint")}
        />
        <p className="small muted" id="appeal-reason-hint">
          {t("appeal.form.reasonHint")}
        </p>
        <FieldError id="appeal-reason" error={reasonError} />
        <label htmlFor="appeal-files">{t("appeal.form.files")}</label>
        <input id="appeal-files" type="file" name="file" multiple required accept={accept} aria-describedby="appeal-files-hint" />
        <p className="small muted" id="appeal-files-hint">
          {t("appeal.form.filesHint", { max: maxBytes })}
        </p>
        <p>
          <button type="submit" disabled={busy} data-testid="appeal-submit">
            {t("appeal.form.submit")}
          </button>{" "}
          <Link to={cancelTo}>{t("appeal.form.cancel")}</Link>
        </p>
      </Form>
    </section>
  );
}
