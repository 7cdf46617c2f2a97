/**
 * The words of a notification: one message per kind, filled from the row's params in the reader's
 * language. The inbox renders them when read; mail renders them when enqueued. Pure.
 */
import { formatDate, isLocale, translator, type Locale, type MessageKey } from "~/i18n";

export const NOTIFICATION_KINDS = [
  "assigned",
  "item_returned",
  "evaluator_returned",
  "submitted",
  "finalised",
  "results_released",
  "consensus_revealed",
  "window_fill",
  "window_review",
  "renaksi_due",
  "appeal_filed",
  "appeal_decided",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Values a message may show; `layer` is a layer code and `date` an ISO date, both rendered per language. */
export type NotificationParams = Partial<Record<"unit" | "period" | "area" | "item" | "by" | "note" | "layer" | "date", string>> &
  /** An appeal's decision (issue #30): "diterima" or "ditolak", said in the reader's language. */
  Partial<Record<"status", string>> &
  Partial<Record<"days" | "open" | "quarter", number>>;

export function localeOf(value: string | null | undefined): Locale {
  return isLocale(value) ? value : "id";
}

export function renderNotification(locale: Locale, kind: string, params: NotificationParams): string {
  const t = translator(locale);
  const key = `notify.kind.${kind}` as MessageKey;
  const filled: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined) filled[k] = v;
  if (params.layer === "internal" || params.layer === "external") filled.layer = t(`notify.layer.${params.layer}`);
  if (params.date) filled.date = formatDate(params.date, locale);
  if (params.status === "diterima" || params.status === "ditolak") filled.status = t(`appeal.status.${params.status}`);
  filled.note ??= "–";
  return t(key, filled);
}

export function parseParams(json: string): NotificationParams {
  try {
    const v: unknown = JSON.parse(json);
    return v && typeof v === "object" ? (v as NotificationParams) : {};
  } catch {
    return {};
  }
}
