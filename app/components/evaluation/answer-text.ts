import type { Item } from "~/domain/instrument/schema";
import { formatNumber, type Locale } from "~/i18n";

/** What an answer needs of its item to read as text: the options' criteria and the count inputs' labels. */
export type AnswerItem = Pick<Item, "options" | "inputs">;

/** The parts of an item the evaluator pages send to the browser for answerText. */
export function answerItemOf(item: Item | undefined): AnswerItem | null {
  return item ? { options: item.options, inputs: item.inputs } : null;
}

/**
 * An answer as a person reads it: an option code with its criterion ("B — Sebagian unit …"), a number
 * in the locale's format, counts as "label: n"; "–" when unanswered. Never JSON.
 */
export function answerText(item: AnswerItem | null | undefined, value: unknown, locale: Locale): string {
  if (value === null || value === undefined || value === "") return "–";
  if (typeof value === "string") {
    const option = item?.options?.find((o) => o.code === value);
    if (!option) return value;
    const criterion = locale === "en" ? (option.criterion_en ?? option.criterion) : option.criterion;
    return criterion && criterion !== value ? `${value} — ${criterion}` : value;
  }
  if (typeof value === "number") return formatNumber(value, locale);
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>)
      .map(([name, n]) => {
        const input = item?.inputs?.find((i) => i.name === name);
        const label = input ? (locale === "en" ? (input.label_en ?? input.label) : input.label) : name;
        return `${label}: ${typeof n === "number" ? formatNumber(n, locale) : String(n)}`;
      })
      .join("; ");
  }
  return String(value);
}
