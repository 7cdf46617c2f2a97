import type { Locale } from "./index";
import { auditActionsEn } from "./audit.en";
import { auditActionsId } from "./audit.id";
import { appealAuditActionsEn } from "./appeals.en";
import { appealAuditActionsId } from "./appeals.id";

/**
 * The name a person reads for an audit action key ("answer.save" → "Jawaban disimpan"). An action
 * without a name yet is shown as its words, not as a key ("foo.bar_baz" → "Foo · bar baz").
 */
export function auditActionName(action: string, locale: Locale): string {
  const appeal = (locale === "en" ? appealAuditActionsEn : appealAuditActionsId)[action];
  if (appeal) return appeal;
  const names: Record<string, string> = locale === "en" ? auditActionsEn : auditActionsId;
  const name = names[action];
  if (name) return name;
  const [head, ...rest] = action.split(".");
  const words = (s: string) => s.replace(/_/g, " ");
  return [head ? head.charAt(0).toUpperCase() + words(head.slice(1)) : "", ...rest.map(words)].filter(Boolean).join(" · ");
}

/** Every named action, for the filter. */
export const AUDIT_ACTIONS = Object.keys(auditActionsId);
AUDIT_ACTIONS.push(...Object.keys(appealAuditActionsId));
