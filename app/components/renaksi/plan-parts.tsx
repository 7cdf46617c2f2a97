import { NavLink } from "@remix-run/react";
import type { ReactNode } from "react";
import { formatNumber, type MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";

/** The plan's pages as tabs (one per step of the cycle: plan → quarterly monitoring → grading → index). */
export function PlanNav({ planId, org, year }: { planId: string; org: string; year: number }) {
  const t = useT();
  const tabs: [string, MessageKey][] = [
    ["", "renaksi.tab.overview"],
    ["rencana", "renaksi.tab.plan"],
    ["monev", "renaksi.tab.monev"],
    ["penilaian", "renaksi.tab.grading"],
    ["tematik", "renaksi.tab.tematik"],
    ["excel", "renaksi.tab.excel"],
  ];
  return (
    <>
      <p>
        <NavLink to="/renaksi">← {t("renaksi.title")}</NavLink>
      </p>
      <h1>
        {t("renaksi.planOf", { org, year: String(year) })}
      </h1>
      <nav aria-label={t("renaksi.tabs")} className="tabs">
        {tabs.map(([to, label]) => (
          <NavLink key={to} to={`/renaksi/${planId}${to ? `/${to}` : ""}`} end className={({ isActive }) => (isActive ? "tab active" : "tab")}>
            {t(label)}
          </NavLink>
        ))}
      </nav>
    </>
  );
}

/** A number in the reader's locale, "–" for none. */
export function Num({ value, digits }: { value: number | null | undefined; digits?: number }) {
  const locale = useLocale();
  return <>{value === null || value === undefined ? "–" : formatNumber(value, locale, digits)}</>;
}

/** A percentage ("62,5 %"), "–" for none. */
export function Pct({ value }: { value: number | null | undefined }) {
  const locale = useLocale();
  return <>{value === null || value === undefined ? "–" : `${formatNumber(value, locale, 2)} %`}</>;
}

/** A number as an input's default text in the reader's locale (decimal comma in Indonesian). */
export function numText(value: number | null | undefined, locale: string): string {
  return value === null || value === undefined ? "" : locale === "id" ? String(value).replace(".", ",") : String(value);
}

/** A rupiah amount as an input's default text, grouped as the reader writes it ("15.000.000"). */
export function amountText(value: number | null | undefined, locale: "id" | "en"): string {
  return value === null || value === undefined ? "" : formatNumber(value, locale);
}

/** The head of a quarter table: an empty (or named) first column, TW I–IV, Total, and any further columns. */
export function QuarterHead({ first, extra = [] }: { first?: string; extra?: string[] }) {
  const t = useT();
  return (
    <thead>
      <tr>
        <th scope="col">{first ?? ""}</th>
        {([1, 2, 3, 4] as const).map((q) => (
          <th key={q} scope="col">
            {t(`renaksi.tw${q}`)}
          </th>
        ))}
        <th scope="col">{t("renaksi.total")}</th>
        {extra.map((e) => (
          <th key={e} scope="col">
            {e}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** One row of a quarter table: its head cell, four quarters and the total, as numbers or percentages. */
export function QuarterRow({
  label,
  values,
  total,
  pct = false,
  totalTestId,
}: {
  label: string;
  values: readonly (number | null)[];
  total: number | null;
  pct?: boolean;
  totalTestId?: string;
}) {
  const Cell = pct ? Pct : Num;
  return (
    <tr>
      <th scope="row">{label}</th>
      {values.map((v, i) => (
        <td key={i}>
          <Cell value={v} />
        </td>
      ))}
      <td data-testid={totalTestId}>
        <Cell value={total} />
      </td>
    </tr>
  );
}

export function Card({ title, children, testId }: { title: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <section className="card" data-testid={testId}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}
