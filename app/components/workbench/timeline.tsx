import { answerText, type AnswerItem } from "~/components/evaluation/answer-text";
import { formatDate, formatNumber, isMessageKey, translator, type Locale, type Translate } from "~/i18n";
import { auditActionName } from "~/i18n/audit-actions";
import { useLocale, useT } from "~/i18n/use-t";
import type { TimelineEntry } from "~/services/workbench/workflow.server";

const cut = (s: string) => (s.length > 120 ? s.slice(0, 117) + "…" : s);

/** One scalar as words: numbers in the locale, yes/no for booleans; nothing for objects and lists. */
function scalar(v: unknown, locale: Locale): string | null {
  if (v === null || v === undefined || v === "") return null;
  if (typeof v === "number") return formatNumber(v, locale);
  if (typeof v === "boolean") return locale === "en" ? (v ? "yes" : "no") : v ? "ya" : "tidak";
  if (typeof v === "string") return cut(v);
  return null;
}

/** A code (a status, a layer, a seal event) by its dictionary entry under `prefix`; nothing when unknown. */
function code(t: Translate, prefix: string, v: unknown): string | null {
  const key = `${prefix}.${String(v)}`;
  return typeof v === "string" && isMessageKey(key) ? t(key) : null;
}

const count = (v: unknown) => (typeof v === "number" ? v : 0);

/**
 * One field of an audit value in words, or null when it is bookkeeping (ids, hashes, sequence
 * numbers, sources, versions) or not known here: a field is never shown by its name (issue #27).
 */
function field(k: string, x: unknown, o: Record<string, unknown>, t: Translate, locale: Locale): string | null {
  switch (k) {
    case "note":
    case "body":
    case "name":
    case "recommendation":
    case "url":
      return scalar(x, locale);
    case "status":
      return code(t, "status", x);
    case "reviewStatus":
      return code(t, "review", x);
    case "layer":
      return code(t, "eval.layer", x);
    case "event":
      return code(t, "seal.event", x);
    case "stage":
      return code(t, "audit.value.stage", x);
    case "departs":
      return x === true ? t("audit.value.departs") : null;
    case "selfGroup":
    case "externalGroup":
      return typeof x === "string" && x ? t(k === "selfGroup" ? "audit.value.selfGroup" : "audit.value.externalGroup", { group: x }) : null;
    case "answers":
      return t("audit.value.imported", { answers: count(x), links: count(o.links) });
    case "cleared":
      return count(x) > 0 ? t("audit.value.cleared", { n: count(x) }) : null;
    case "unfinished":
      return typeof x === "number" && x > 0 ? t("audit.value.unfinished", { n: x }) : null;
    default:
      return null;
  }
}

/**
 * An audit value as a person reads it, never JSON and never a field's name: an answer through
 * answerText (option with its criterion, numbers in the locale, counts with their labels) and its
 * note; other entries by the fields a person reads (a status, a body, a name), in words.
 */
export function auditValueText(v: unknown, item: AnswerItem | null | undefined, locale: Locale): string {
  if (v === null || v === undefined) return "–";
  if (typeof v !== "object" || Array.isArray(v)) return scalar(v, locale) ?? "–";
  const o = v as Record<string, unknown>;
  const t = translator(locale);
  const parts: string[] = [];
  if ("value" in o) parts.push(answerText(item ?? null, o.value, locale));
  for (const [k, x] of Object.entries(o)) {
    const s = k === "value" ? null : field(k, x, o, t, locale);
    if (s !== null) parts.push(s);
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
            <span className="muted">{formatDate(e.at, locale)}</span> · {e.actor ?? "–"} ·{" "}
            <strong>{auditActionName(e.action, locale)}</strong>
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
