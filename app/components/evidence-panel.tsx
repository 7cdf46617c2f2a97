import { useFetcher, useSearchParams } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { formatDate, formatNumber, type Locale, type MessageKey, type Translate } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import type { EvidenceKey } from "~/i18n/evidence.id";
import { evidenceErrorFrom, evidenceNoticeFrom, plainSize, type EvidenceNotice, type EvidenceView } from "~/services/evidence/rules";
import { ACCEPT_ATTRIBUTE, EVIDENCE_TYPES, typeOfMime } from "~/services/evidence/sniff";

export interface EvidencePanelProps {
  assessmentId: string;
  itemId: string;
  /** Live evidence of this item. */
  evidence: EvidenceView[];
  /** The assessment's other live evidence, offered for "attach existing". */
  otherEvidence: EvidenceView[];
  /** The instrument's evidence hints for this item (pass [] when the page shows them elsewhere). */
  hints: string[];
  canEdit: boolean;
  /** Where a plain (no-JavaScript) post returns to: the current page with `#item-<id>`. */
  redirectTo: string;
  maxBytes?: number;
}

interface Failure {
  ok: false;
  formError: string;
  formParams?: Record<string, string | number>;
}

const k = (key: EvidenceKey) => key as unknown as MessageKey;

/** The notices of a successful upload or link (content already there: not added again, or attached from another item). */
function noticesOf(d: unknown): EvidenceNotice[] {
  return d && typeof d === "object" && (d as { ok?: unknown }).ok === true && Array.isArray((d as { notices?: unknown }).notices)
    ? (d as { notices: EvidenceNotice[] }).notices
    : [];
}

function failureOf(d: unknown): Failure | null {
  return d && typeof d === "object" && (d as { ok?: unknown }).ok === false && typeof (d as Failure).formError === "string"
    ? (d as Failure)
    : null;
}

function sizeText(bytes: number, locale: Locale): string {
  if (bytes < 1024) return `${formatNumber(bytes, locale, 0)} B`;
  if (bytes < 1024 * 1024) return `${formatNumber(bytes / 1024, locale, 0)} KB`;
  return `${formatNumber(bytes / (1024 * 1024), locale, 1)} MB`;
}

function typeText(e: EvidenceView, t: Translate): string {
  if (e.kind === "link") return t(k("evidence.linkKind"));
  const type = typeOfMime(e.mime);
  return type ? EVIDENCE_TYPES[type].label : "–";
}

/** A message from the server (key + params) shown next to the form it belongs to. */
function Alert({ failure }: { failure: { formError: string; formParams?: Record<string, string | number> } | null }) {
  const t = useT();
  if (!failure) return null;
  return (
    <p className="alert alert-error" role="alert">
      {t(failure.formError as MessageKey, failure.formParams)}
    </p>
  );
}

/** What the server said about an upload or link that added no new listing; a status, not an error. */
function Notices({ notices, testId }: { notices: { key: string; params: Record<string, string> }[]; testId: string }) {
  const t = useT();
  if (notices.length === 0) return null;
  return (
    <div className="alert alert-warn" role="status" data-testid={testId}>
      {notices.map((n, i) => (
        <p key={i}>{t(n.key as MessageKey, n.params)}</p>
      ))}
    </div>
  );
}

/** Clears a form after its fetcher finished without an error. */
function useResetOnSuccess(fetcher: ReturnType<typeof useFetcher>) {
  const ref = useRef<HTMLFormElement>(null);
  const busy = useRef(false);
  useEffect(() => {
    if (fetcher.state !== "idle") busy.current = true;
    else if (busy.current) {
      busy.current = false;
      if (!failureOf(fetcher.data)) ref.current?.reset();
    }
  }, [fetcher.state, fetcher.data]);
  return ref;
}

function Hidden({ intent, itemId, redirectTo }: { intent: string; itemId: string; redirectTo: string }) {
  return (
    <>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="itemId" value={itemId} />
      <input type="hidden" name="redirectTo" value={redirectTo} />
    </>
  );
}

function EvidenceRow({
  e,
  action,
  itemId,
  canEdit,
  redirectTo,
}: {
  e: EvidenceView;
  action: string;
  itemId: string;
  canEdit: boolean;
  redirectTo: string;
}) {
  const t = useT();
  const locale = useLocale();
  const fetcher = useFetcher();
  const others = e.itemIds.filter((i) => i !== itemId).length;
  const safeUrl = e.kind === "link" && e.url && /^https?:\/\//i.test(e.url) ? e.url : null;
  return (
    <li data-testid={`evidence-${e.id}`}>
      {e.kind === "file" ? (
        <a href={`/evidence/${encodeURIComponent(e.id)}/download`} download={e.name}>
          {e.name}
        </a>
      ) : safeUrl ? (
        <a href={safeUrl} target="_blank" rel="noopener noreferrer">
          {e.name}
        </a>
      ) : (
        <span>{e.name}</span>
      )}{" "}
      <span className="muted">
        · {typeText(e, t)}
        {e.size !== null ? ` · ${sizeText(e.size, locale)}` : ""}
        {safeUrl ? ` · ${new URL(safeUrl).host}` : ""}
        {e.evidenceDate ? ` · ${t(k("evidence.dated"), { date: formatDate(e.evidenceDate, locale) })}` : ""}
      </span>
      <div className="muted small">
        {t(k("evidence.uploadedBy"), { name: e.uploadedBy ?? "–", date: formatDate(e.createdAt, locale) })}
        {others > 0 ? ` · ${t(k("evidence.alsoIn"), { count: others })}` : ""}
      </div>
      {canEdit ? (
        <fetcher.Form method="post" action={action} className="inline-form">
          <Hidden intent="detach" itemId={itemId} redirectTo={redirectTo} />
          <input type="hidden" name="evidenceId" value={e.id} />
          <button type="submit" className="secondary" disabled={fetcher.state !== "idle"}>
            {t(k("evidence.detach"))}
          </button>
        </fetcher.Form>
      ) : null}
      <Alert failure={failureOf(fetcher.data)} />
    </li>
  );
}

/**
 * Evidence (bukti dukung) of one item: the list with authorised download links, and — when the item is
 * editable — upload, link and attach-existing forms. Fetcher forms post to the evidence resource route;
 * without JavaScript they are plain posts that redirect back (errors come back in the query string).
 */
export function EvidencePanel({ assessmentId, itemId, evidence, otherEvidence, hints, canEdit, redirectTo, maxBytes }: EvidencePanelProps) {
  const t = useT();
  const [search] = useSearchParams();
  const upload = useFetcher();
  const link = useFetcher();
  const attach = useFetcher();
  const uploadForm = useResetOnSuccess(upload);
  const linkForm = useResetOnSuccess(link);
  const action = `/assessments/${encodeURIComponent(assessmentId)}/evidence`;
  const dom = `ev-${itemId}`;
  const returned = evidenceErrorFrom(search, itemId);
  const returnedNotice = evidenceNoticeFrom(search, itemId);
  const busy = (f: { state: string }) => f.state !== "idle";
  return (
    <section className="evidence" aria-labelledby={`${dom}-title`} data-testid={`evidence-panel-${itemId}`}>
      <h4 id={`${dom}-title`}>{t(k("evidence.title"))}</h4>
      {hints.length > 0 ? (
        <div className="muted small">
          {t(k("evidence.hints"))}:
          <ul>
            {hints.map((h) => (
              <li key={h}>{h}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <Alert failure={returned ? { formError: returned.key, formParams: returned.params } : null} />
      <Notices notices={returnedNotice ? [returnedNotice] : []} testId={`evidence-notice-${itemId}`} />
      {evidence.length === 0 ? (
        <p className="muted">{t(k("evidence.none"))}</p>
      ) : (
        <ul className="evidence-list">
          {evidence.map((e) => (
            <EvidenceRow key={e.id} e={e} action={action} itemId={itemId} canEdit={canEdit} redirectTo={redirectTo} />
          ))}
        </ul>
      )}
      {canEdit ? (
        <>
          <upload.Form method="post" encType="multipart/form-data" action={action} ref={uploadForm}>
            <Hidden intent="upload" itemId={itemId} redirectTo={redirectTo} />
            <Alert failure={failureOf(upload.data)} />
            <Notices notices={noticesOf(upload.data)} testId={`evidence-upload-notice-${itemId}`} />
            <label htmlFor={`${dom}-file`}>{t(k("evidence.files"))}</label>
            <input
              id={`${dom}-file`}
              type="file"
              name="file"
              multiple
              required
              accept={ACCEPT_ATTRIBUTE}
              aria-describedby={`${dom}-limits`}
            />
            {maxBytes ? (
              <p className="muted small" id={`${dom}-limits`}>
                {t(k("evidence.limits"), { max: plainSize(maxBytes) })}
              </p>
            ) : null}
            <label htmlFor={`${dom}-date`}>{t(k("evidence.date"))}</label>
            <input id={`${dom}-date`} type="date" name="evidenceDate" />
            <button type="submit" disabled={busy(upload)}>
              {busy(upload) ? t(k("evidence.saving")) : t(k("evidence.upload"))}
            </button>
          </upload.Form>
          <details>
            <summary>{t(k("evidence.addLink"))}</summary>
            <link.Form method="post" action={action} ref={linkForm}>
              <Hidden intent="link" itemId={itemId} redirectTo={redirectTo} />
              <Alert failure={failureOf(link.data)} />
              <Notices notices={noticesOf(link.data)} testId={`evidence-link-notice-${itemId}`} />
              <label htmlFor={`${dom}-url`}>{t(k("evidence.url"))}</label>
              <input id={`${dom}-url`} type="url" name="url" required maxLength={2000} inputMode="url" placeholder="https://" />
              <label htmlFor={`${dom}-name`}>{t(k("evidence.linkName"))}</label>
              <input id={`${dom}-name`} type="text" name="name" maxLength={200} />
              <label htmlFor={`${dom}-link-date`}>{t(k("evidence.date"))}</label>
              <input id={`${dom}-link-date`} type="date" name="evidenceDate" />
              <button type="submit" disabled={busy(link)}>
                {busy(link) ? t(k("evidence.saving")) : t(k("evidence.addLink"))}
              </button>
            </link.Form>
          </details>
          {otherEvidence.length > 0 ? (
            <attach.Form method="post" action={action}>
              <Hidden intent="attach" itemId={itemId} redirectTo={redirectTo} />
              <Alert failure={failureOf(attach.data)} />
              <label htmlFor={`${dom}-attach`}>{t(k("evidence.attach"))}</label>
              <select id={`${dom}-attach`} name="evidenceId" required defaultValue="">
                <option value="" disabled>
                  {t(k("evidence.attachChoose"))}
                </option>
                {otherEvidence.map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.name} ({e.itemIds.join(", ")})
                  </option>
                ))}
              </select>
              <button type="submit" disabled={busy(attach)}>
                {t(k("evidence.attachSubmit"))}
              </button>
            </attach.Form>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
