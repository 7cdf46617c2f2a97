import { answerText, type AnswerItem } from "~/components/evaluation/answer-text";
import { formatDate, formatNumber, type Locale } from "~/i18n";
import { auditActionName } from "~/i18n/audit-actions";
import { useLocale, useT } from "~/i18n/use-t";
import type { TimelineEntry } from "~/services/workbench/workflow.server";

/** Keys of audit values that are bookkeeping, not something a person reads. */
const TECHNICAL = new Set(["seq", "version", "id", "sha256", "source", "hash", "assessmentId", "itemIds", "evidenceId"]);

const cut = (s: string) => (s.length > 120 ? s.slice(0, 117) + "…" : s);

/** One scalar as words: numbers in the locale, yes/no for booleans; nothing for objects and lists. */
function scalar(v: unknown, locale: Locale): string | null {
  if (v === null || v === undefined || v === "") return null;
  if (typeof v === "number") return formatNumber(v, locale);
  if (typeof v === "boolean") return locale === "en" ? (v ? "yes" : "no") : v ? "ya" : "tidak";
  if (typeof v === "string") return cut(v);
  return null;
}

/**
 * An audit value as a person reads it, never JSON: an answer through answerText (option with its
 * criterion, numbers in the locale, counts with their labels) and its note; other entries as their
 * readable fields (a status, a body, a name), without bookkeeping such as versions and sequence numbers.
 */
export function auditValueText(v: unknown, item: AnswerItem | null | undefined, locale: Locale): string {
  if (v === null || v === undefined) return "–";
  if (typeof v !== "object" || Array.isArray(v)) return scalar(v, locale) ?? "–";
  const o = v as Record<string, unknown>;
  const parts: string[] = [];
  if ("value" in o) parts.push(answerText(item ?? null, o.value, locale));
  for (const [k, x] of Object.entries(o)) {
    if (k === "value" || TECHNICAL.has(k)) continue;
    const s = scalar(x, locale);
    if (s !== null) parts.push(k === "note" || k === "body" || k === "name" ? s : `${k}: ${s}`);
  }
  return parts.length ? parts.join(" · ") : "–";
}

/** The history of an assessment or of one item: when, who, what (in words), and the change. */
export function Timeline({ entries, item = null }: { entries: TimelineEntry[]; item?: AnswerItem | null }) {
  const t = useT();
  const locale = useLocale();
  if (entries.length === 0) return <p className="muted">{t("workbench.noHistory")}</p>;
  return (
    <ol className="timeline" data-testid="timeline">
      {entries.map((e) => {
        const before = e.before !== null && e.before !== undefined ? auditValueText(e.before, item, locale) : null;
        const after = e.after !== null && e.after !== undefined ? auditValueText(e.after, item, locale) : null;
        return (
          <li key={e.id} data-action={e.action}>
            <span className="muted">{formatDate(e.at, locale)}</span> · {e.actor ?? "–"} · <strong>{auditActionName(e.action, locale)}</strong>
            {e.itemId ? <> · {e.itemId}</> : null}
            {before !== null || after !== null ? (
              <div className="muted small">{before !== null && after !== null ? `${before} → ${after}` : (after ?? before)}</div>
            ) : null}
            {e.reason ? <div className="small">{e.reason}</div> : null}
          </li>
        );
      })}
    </ol>
  );
}
