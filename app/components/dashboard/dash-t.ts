import { dashboardEn } from "~/i18n/dashboard.en";
import { dashboardId } from "~/i18n/dashboard.id";
import { formatNumber, isMessageKey, translator, type Locale, type MessageKey, type Params } from "~/i18n";
import { useLocale } from "~/i18n/use-t";
import type { ColumnFormat, DataColumn } from "~/components/charts/table-data";

export type DashKey = keyof typeof dashboardId;
export type DashT = (key: DashKey, params?: Params) => string;

const dictionaries: Record<Locale, Record<DashKey, string>> = { id: dashboardId, en: dashboardEn };

/**
 * Dashboard strings, read from the dashboard dictionaries directly so they work whether or not the
 * main dictionaries have merged them yet; other keys go through the app's translator.
 */
export function dashTranslator(locale: Locale): DashT {
  const dict = dictionaries[locale];
  return (key, params) => {
    const template = dict[key] ?? dashboardId[key] ?? key;
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const v = params[name];
      if (v === undefined) return whole;
      return typeof v === "number" ? formatNumber(v, locale) : v;
    });
  };
}

/** Any label: a dashboard key, an app key, or literal text (a year, a unit name). */
export function labelTranslator(locale: Locale): (label: string) => string {
  const dash = dashTranslator(locale);
  const app = translator(locale);
  return (label) => (label in dashboardId ? dash(label as DashKey) : isMessageKey(label) ? app(label as MessageKey) : label);
}

export function useDashT(): DashT {
  return dashTranslator(useLocale());
}

/** The column names of the dashboard dictionary: `dash.col.<name>`. */
type ColumnName = DashKey extends infer K ? (K extends `dash.col.${infer N}` ? N : never) : never;

/**
 * Chart table columns: `[name, format?]` is the column `name` labelled `dash.col.<name>`; a full
 * DataColumn stands where the label is another (a period, a longer heading).
 */
export function dashColumns(t: DashT, specs: readonly (readonly [ColumnName, ColumnFormat?] | DataColumn)[]): DataColumn[] {
  return specs.map((s) => {
    if (!Array.isArray(s)) return s as DataColumn;
    const [name, format] = s as readonly [ColumnName, ColumnFormat?];
    return format ? { key: name, label: t(`dash.col.${name}`), format } : { key: name, label: t(`dash.col.${name}`) };
  });
}
