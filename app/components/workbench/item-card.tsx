import { Form, useSearchParams } from "@remix-run/react";
import { useEffect, useState, type ReactNode } from "react";
import type { Item } from "~/domain/instrument/schema";
import type { AnswerValue } from "~/domain/scoring/answers";
import { formatDate, formatNumber, type Locale, type MessageKey } from "~/i18n";
import { answerText } from "~/components/evaluation/answer-text";
import { useLocale, useT } from "~/i18n/use-t";
import { evidenceErrorFrom, evidenceNoticeFrom } from "~/services/evidence/rules";
import { answerFromFields } from "~/services/workbench/rules";
import { AnswerInputs } from "./answer-inputs";
import { Timeline } from "./timeline";
import { readDraft, useAutosave } from "./use-autosave";

export interface ItemAnswer {
  value: AnswerValue;
  note: string | null;
  version: number;
  carriedOver: boolean;
  reviewStatus: "pending" | "approved" | "returned";
  reviewNote: string | null;
}

/** The answer fields of a posted form (value, in.*, note), nothing else. */
export function pickFields(item: Item, posted: Record<string, string>): Record<string, string> {
  const empty = fieldsOf(item, null, null);
  return Object.fromEntries(Object.keys(empty).map((k) => [k, posted[k] ?? ""]));
}

/**
 * A stored number as the user types it: a decimal comma in Indonesian ("3,62"), a point in English;
 * no grouping, so the server's parser (comma or point) reads it back as the same number.
 */
export function numberField(v: unknown, locale?: Locale): string {
  if (v === null || v === undefined) return "";
  const s = String(v);
  return typeof v === "number" && locale === "id" ? s.replace(".", ",") : s;
}

/** The form fields of a stored answer; with `locale`, numbers are written in that locale (see numberField). */
export function fieldsOf(item: Item, value: AnswerValue, note: string | null, locale?: Locale): Record<string, string> {
  const f: Record<string, string> = { note: note ?? "" };
  if (item.type === "percent") {
    for (const i of item.inputs ?? []) {
      const v = value && typeof value === "object" ? value[i.name] : undefined;
      f[`in.${i.name}`] = numberField(v, locale);
    }
  } else f.value = numberField(value, locale);
  return f;
}

interface Props {
  assessmentId: string;
  item: Item;
  /** The weight of the item's group (the range of points items). */
  groupWeight: number;
  answer: ItemAnswer | null;
  editable: boolean;
  canReview: boolean;
  canComment: boolean;
  comments: { id: string; author: string | null; body: string; at: string }[];
  history: Parameters<typeof Timeline>[0]["entries"];
  /** Entries older than those shown (the page shows each item's newest ones). */
  olderHistory?: { count: number; atLeast: boolean } | null;
  evidence: ReactNode;
  /** How many files and links the item has (shown on the disclosure that holds the evidence). */
  evidenceCount?: number;
  /** A released evaluator answer on this item, if any. */
  evaluator?: { layer: string; value: unknown; note: string | null } | null;
  /** A conflict from a plain form post (no JavaScript): the other person's answer and what this user posted. */
  serverConflict?: { conflict: { value: unknown; note: string | null; version: number; updatedBy: string | null; updatedAt: string }; posted: Record<string, string> } | null;
  /** The page was reached by the redirect after a plain-form save of this item. */
  justSaved?: boolean;
  /** Open follow-ups (RATL) from earlier periods on this item. */
  followUps?: { id: string; year: number; recommendation: string; status: string; action: string | null }[];
  /** The engine's current value of this item (live), for ratio display. */
  liveValue: number | null;
  /** The codes of the engine's warnings on this item (live), e.g. zero_denominator. */
  warnings?: string[];
  onLive: (itemId: string, value: AnswerValue | undefined) => void;
}

export function ItemCard({ assessmentId, item, groupWeight, answer, editable, canReview, canComment, comments, history, olderHistory = null, evidence, evidenceCount = 0, evaluator, followUps = [], serverConflict = null, justSaved = false, liveValue, warnings = [], onLive }: Props) {
  const t = useT();
  const locale = useLocale();
  const draftKey = `cermin:draft:${assessmentId}:${item.id}`;
  const [fields, setFields] = useState(() =>
    serverConflict ? pickFields(item, serverConflict.posted) : fieldsOf(item, answer?.value ?? null, answer?.note ?? null, locale),
  );
  const [restored, setRestored] = useState(false);
  const [search] = useSearchParams();
  // Without JavaScript the page answers every form post (save, evidence) with itself: the Save button is
  // drawn on the server, and stays drawn until the page runs; then answers save themselves and it only
  // shows where a person's action is wanted (issue #28: fewer Tab stops between one answer and the next).
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const save = useAutosave({ endpoint: `/assessments/${assessmentId}/answers`, itemId: item.id, version: answer?.version ?? 0, draftKey, initialState: justSaved ? "saved" : "idle" });

  const update = (next: Record<string, string>, persist = true) => {
    setFields(next);
    const parsed = answerFromFields(item, next);
    onLive(item.id, parsed.ok ? parsed.value : undefined);
    if (persist) save.change(next);
  };

  // A draft left by a failed save or an expired session comes back after reload or re-login.
  useEffect(() => {
    if (!editable) return;
    const draft = readDraft(draftKey);
    if (draft && JSON.stringify(draft.fields) !== JSON.stringify(fieldsOf(item, answer?.value ?? null, answer?.note ?? null, locale))) {
      setRestored(true);
      update(draft.fields);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const conflict = save.conflict;
  // A chosen option can be cleared (a number or a count is cleared by emptying its field).
  const hasAnswer = Boolean(item.options && item.options.length > 0 && fields.value);
  // An evidence form posted without JavaScript comes back with its error or notice: the disclosure is open to show it.
  const evidenceMessage = Boolean(evidenceErrorFrom(search, item.id) ?? evidenceNoticeFrom(search, item.id));
  const stateKey: Record<typeof save.state, MessageKey | null> = {
    idle: null,
    unsaved: "workbench.unsaved",
    saving: "workbench.saving",
    saved: "workbench.saved",
    failed: "workbench.failed",
    conflict: null,
    rejected: null,
    expired: "login.sessionExpired",
  };
  const stateText = stateKey[save.state];
  // A refusal at one field (out of range, a count that is not whole) is shown at that field.
  const fieldError =
    save.state === "rejected" && save.error && save.errorAt?.field ? { field: save.errorAt.field, message: t(save.error as MessageKey, save.errorAt.params) } : null;
  return (
    <article className="item-card" id={`item-${item.id}`} data-testid={`item-${item.id}`}>
      <header>
        <code>{item.id}</code>
        {answer?.carriedOver ? <span className="tag badge-warn">{t("workbench.carried")}</span> : null}
        {answer && answer.reviewStatus !== "pending" ? (
          <span className={`tag ${answer.reviewStatus === "returned" ? "badge-bad" : "badge-ok"}`}>{t(`review.${answer.reviewStatus}` as MessageKey)}</span>
        ) : null}
        {stateText ? (
          <span className={`save-state ${save.state}`} role="status" data-testid={`save-state-${item.id}`}>
            {t(stateText)}
          </span>
        ) : null}
      </header>
      <p className="question">{item.question}</p>
      {item.computed_from ? (
        <p className="alert alert-ok" data-testid={`computed-${item.id}`}>
          {t("workbench.computedFrom")} <a href={`/renaksi/for/${assessmentId}`}>{t("workbench.computedLink")}</a>
        </p>
      ) : null}
      {answer?.reviewStatus === "returned" && answer.reviewNote ? <p className="alert alert-error">{t("workbench.reviewNote", { note: answer.reviewNote })}</p> : null}
      {restored ? <p className="alert alert-ok">{t("workbench.draftRestored")}</p> : null}
      {evaluator ? (
        <p className="alert alert-warn" data-testid={`evaluator-${item.id}`}>
          {t(`eval.layer.${evaluator.layer}` as MessageKey)}: <strong>{answerText(item, evaluator.value, locale)}</strong>
          {evaluator.note ? ` — ${evaluator.note}` : ""}
        </p>
      ) : null}
      {followUps.map((f) => (
        <p className="alert alert-warn" key={f.id}>
          {t("eval.openFollowUps")} ({f.year}): {f.recommendation} · {t(`followup.${f.status}` as MessageKey)}
          {f.action ? ` · ${f.action}` : ""}
        </p>
      ))}
      {save.state === "rejected" && save.error && !fieldError ? (
        <p className="alert alert-error" role="alert">
          {t(save.error as MessageKey)}
        </p>
      ) : null}
      {conflict ? (
        <div className="alert alert-error" role="alert" data-testid={`conflict-${item.id}`}>
          <p>{t("workbench.conflict", { name: conflict.updatedBy ?? "–", at: formatDate(conflict.updatedAt, locale), value: answerText(item, conflict.value, locale) })}</p>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              save.useTheirs();
              update(fieldsOf(item, conflict.value as AnswerValue, conflict.note, locale), false);
            }}
          >
            {t("workbench.useTheirs")}
          </button>{" "}
          <button type="button" onClick={save.keepMine}>
            {t("workbench.keepMine")}
          </button>
        </div>
      ) : null}
      {serverConflict && !conflict ? (
        <div className="alert alert-error" role="alert" data-testid={`conflict-${item.id}`}>
          <p>
            {t("workbench.conflict", {
              name: serverConflict.conflict.updatedBy ?? "–",
              at: formatDate(serverConflict.conflict.updatedAt, locale),
              value: answerText(item, serverConflict.conflict.value, locale),
            })}
          </p>
          <form method="post" className="inline-form">
            <input type="hidden" name="intent" value="save" />
            <input type="hidden" name="itemId" value={item.id} />
            <input type="hidden" name="baseVersion" value={String(serverConflict.conflict.version)} />
            {Object.entries(pickFields(item, serverConflict.posted)).map(([k, v]) => (
              <input key={k} type="hidden" name={k} value={v} />
            ))}
            <button type="submit">{t("workbench.keepMine")}</button>
          </form>{" "}
          <a href={`?#item-${item.id}`} className="button secondary">
            {t("workbench.useTheirs")}
          </a>
        </div>
      ) : null}
      <form
        method="post"
        onSubmit={(e) => {
          e.preventDefault();
          save.change(fields);
          save.saveNow();
        }}
      >
        <input type="hidden" name="intent" value="save" />
        <input type="hidden" name="itemId" value={item.id} />
        <input type="hidden" name="baseVersion" value={String(save.version.current)} />
        <AnswerInputs
          item={item}
          fields={fields}
          disabled={!editable}
          onChange={(name, value) => update({ ...fields, [name]: value })}
          ratio={item.type === "percent" ? liveValue : null}
          formatRatio={(v) => `${formatNumber(v * 100, locale, 2)} %`}
          groupWeight={groupWeight}
          error={fieldError}
          clearable={false}
        />
        {[...new Set(warnings)].map((code) => (
          <p key={code} className="alert alert-warn" data-testid={`warning-${item.id}`}>
            {t(`workbench.warning.${code}` as MessageKey, { value: `${formatNumber((liveValue ?? 0) * 100, locale, 2)} %` })}
          </p>
        ))}
        <label htmlFor={`note-${item.id}`}>{t("workbench.note")}</label>
        <textarea id={`note-${item.id}`} name="note" value={fields.note ?? ""} disabled={!editable} maxLength={4000} onChange={(e) => update({ ...fields, note: e.target.value })} />
        {editable && (!hydrated || answer?.carriedOver || save.state === "failed" || save.state === "expired") ? (
          <p className="row">
            {!hydrated || answer?.carriedOver ? (
              <button type="submit">{answer?.carriedOver ? t("workbench.confirm") : t("workbench.save")}</button>
            ) : null}
            {save.state === "failed" ? (
              <button type="button" className="secondary" onClick={save.saveNow}>
                {t("workbench.retry")}
              </button>
            ) : null}
          </p>
        ) : null}
      </form>
      {canReview ? <ReviewControls itemId={item.id} /> : null}
      {/* One Tab stop for all that is not the answer: guidance, evidence, discussion and history (issue #28). */}
      <details className="item-more" open={evidenceMessage || undefined} data-testid={`item-more-${item.id}`}>
        <summary className="item-more">
          <span className="sr-only">{item.id}: </span>
          {t("workbench.more")} <span className="muted small">({t("workbench.moreCounts", { evidence: evidenceCount, comments: comments.length })})</span>
        </summary>
        {editable && hasAnswer ? (
          <p>
            <button type="button" className="link-button" onClick={() => update({ ...fields, value: "" })}>
              {t("workbench.clearAnswer")}
            </button>
          </p>
        ) : null}
        {item.guidance ? (
          <section>
            <h4>{t("workbench.guidance")}</h4>
            <p>{item.guidance}</p>
          </section>
        ) : null}
        {item.evidence.length > 0 ? (
          <section>
            <h4>{t("workbench.evidenceHints")}</h4>
            <ul>
              {item.evidence.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          </section>
        ) : null}
        {evidence}
        <section>
          <h4>
            {t("workbench.comments")} ({comments.length})
          </h4>
          <ul>
            {comments.map((c) => (
              <li key={c.id}>
                <strong>{c.author ?? "–"}</strong> <span className="muted small">{formatDate(c.at, locale)}</span>
                <div>{c.body}</div>
              </li>
            ))}
          </ul>
          {canComment ? (
            <Form method="post" preventScrollReset>
              <input type="hidden" name="intent" value="comment" />
              <input type="hidden" name="itemId" value={item.id} />
              <label htmlFor={`comment-${item.id}`} className="sr-only">
                {t("workbench.comments")}
              </label>
              <textarea id={`comment-${item.id}`} name="body" required maxLength={4000} placeholder={t("workbench.commentPlaceholder")} />
              <button type="submit" className="secondary">
                {t("workbench.addComment")}
              </button>
            </Form>
          ) : null}
        </section>
        <section data-testid={`history-${item.id}`}>
          <h4>{t("workbench.history")}</h4>
          <Timeline entries={history} item={item} />
          {olderHistory ? <p className="muted">{t(olderHistory.atLeast ? "workbench.historyOlderAtLeast" : "workbench.historyOlder", { n: olderHistory.count })}</p> : null}
        </section>
      </details>
    </article>
  );
}

function ReviewControls({ itemId }: { itemId: string }) {
  const t = useT();
  return (
    <div className="row review-controls">
      <Form method="post" preventScrollReset>
        <input type="hidden" name="intent" value="approve" />
        <input type="hidden" name="itemId" value={itemId} />
        <button type="submit" className="secondary">
          {t("workbench.approve")}
        </button>
      </Form>
      <Form method="post" preventScrollReset className="row">
        <input type="hidden" name="intent" value="return" />
        <input type="hidden" name="itemId" value={itemId} />
        <div>
          <label htmlFor={`return-${itemId}`}>{t("workbench.returnNote")}</label>
          <input id={`return-${itemId}`} name="note" type="text" required maxLength={1000} />
        </div>
        <button type="submit" className="danger">
          {t("workbench.return")}
        </button>
      </Form>
    </div>
  );
}
