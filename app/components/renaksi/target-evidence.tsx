import { Form } from "@remix-run/react";
import { ACCEPT_ATTRIBUTE } from "~/services/evidence/sniff";
import { Field, FormAlert, IntentForm, PostButton, type ActionFeedback } from "~/components/form";
import { formatDate, formatNumber } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import type { RenaksiEvidenceView } from "~/services/renaksi/evidence.server";

/**
 * A target's bukti dukung (issue #29): its live files (downloaded through the plan's authorised route)
 * and links; for the team inside the planning window, plain forms to upload files with a title, add a
 * link and remove one (they work without JavaScript: a multipart post to this page).
 */
export function TargetEvidence({
  planId,
  targetId,
  evidence,
  editable,
  maxBytes,
  feedback,
  already,
}: {
  planId: string;
  targetId: string;
  evidence: RenaksiEvidenceView[];
  editable: boolean;
  maxBytes: string;
  feedback: ActionFeedback | undefined;
  already: string[];
}) {
  const t = useT();
  const locale = useLocale();
  const dom = `ev-${targetId}`;
  const failed = Boolean(feedback && !feedback.ok);
  const files = feedback?.intent === "add-evidence-files" ? feedback : undefined;
  const link = feedback?.intent === "add-evidence-link" ? feedback : undefined;
  return (
    <section className="renaksi-evidence" data-testid={`evidence-${targetId}`} aria-labelledby={`${dom}-title`}>
      <h4 id={`${dom}-title`}>
        {t("renaksi.evidence.title")} <span className="muted small">({t("renaksi.evidence.count", { n: evidence.length })})</span>
      </h4>
      {feedback?.intent === "remove-evidence" ? <FormAlert feedback={feedback} /> : null}
      {already.length > 0 ? (
        <p className="alert alert-warn" role="status">
          {t("renaksi.evidence.already", { names: already.join(", ") })}
        </p>
      ) : null}
      {evidence.length === 0 ? (
        <p className="muted">{t("renaksi.evidence.none")}</p>
      ) : (
        <ul>
          {evidence.map((e) => {
            const safeUrl = e.kind === "link" && e.url && /^https?:\/\//i.test(e.url) ? e.url : null;
            return (
              <li key={e.id} data-testid={`evidence-item-${e.id}`}>
                {e.kind === "file" ? (
                  <a href={`/renaksi/${encodeURIComponent(planId)}/evidence/${encodeURIComponent(e.id)}`} download={e.filename ?? e.name}>
                    {e.name}
                  </a>
                ) : safeUrl ? (
                  <a href={safeUrl} target="_blank" rel="noopener noreferrer">
                    {e.name}
                  </a>
                ) : (
                  <span>{e.name}</span>
                )}{" "}
                <span className="muted small">
                  {e.kind === "file"
                    ? `· ${e.filename ?? ""}${e.size !== null ? ` · ${formatNumber(Math.max(1, Math.round(e.size / 1024)), locale)} KB` : ""}`
                    : `· ${t("renaksi.evidence.link")}${safeUrl ? ` · ${new URL(safeUrl).host}` : ""}`}
                  {` · ${e.uploadedBy ?? "–"}, ${formatDate(e.createdAt, locale)}`}
                </span>
                {editable ? (
                  <PostButton intent="remove-evidence" fields={{ id: e.id, targetId }} className="secondary" formClassName="inline-form">
                    {t("renaksi.evidence.remove")}
                  </PostButton>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      {editable ? (
        <details open={failed && feedback?.intent !== "remove-evidence"}>
          <summary>{t("renaksi.evidence.upload")} / {t("renaksi.evidence.addLink")}</summary>
          <Form method="post" encType="multipart/form-data">
            <input type="hidden" name="intent" value="add-evidence-files" />
            <input type="hidden" name="targetId" value={targetId} />
            <FormAlert feedback={files} />
            <label htmlFor={`${dom}-file`}>{t("renaksi.evidence.files")}</label>
            <input id={`${dom}-file`} type="file" name="file" multiple required accept={ACCEPT_ATTRIBUTE} aria-describedby={`${dom}-limits`} />
            <p className="muted small" id={`${dom}-limits`}>
              {t("renaksi.evidence.limits", { max: maxBytes })}
            </p>
            <Field name="title" label="renaksi.evidence.fileTitle" idPrefix={`${dom}-file-`} maxLength={200} help={t("renaksi.evidence.fileTitleHelp")} feedback={files} />
            <button type="submit">{t("renaksi.evidence.upload")}</button>
          </Form>
          <IntentForm intent="add-evidence-link" fields={{ targetId }}>
            <FormAlert feedback={link} />
            <Field name="url" type="url" label="renaksi.evidence.url" idPrefix={`${dom}-link-`} required maxLength={2000} feedback={link} />
            <Field name="title" label="renaksi.evidence.linkTitle" idPrefix={`${dom}-link-`} maxLength={200} feedback={link} />
            <button type="submit">{t("renaksi.evidence.addLink")}</button>
          </IntentForm>
        </details>
      ) : null}
    </section>
  );
}
