import { useNavigate } from "@remix-run/react";
import { Bar, BarChart, CartesianGrid, Legend, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { formatNumber } from "~/i18n";
import { useLocale } from "~/i18n/use-t";
import { GRID, OKABE_ITO, SERIES } from "./palette";
import type { DataTable } from "./table-data";
import { BottomTick, CategoryTick, EdgeLabel, legendText } from "./ticks";

interface Series {
  key: string;
  color?: string;
}

interface Props {
  id: string;
  table: DataTable;
  /** Row key holding the category label (may be a key outside the table's columns, e.g. "_label"). */
  categoryKey: string;
  series: Series[];
  stacked?: boolean;
  /** Upper end of the value axis; data maximum when omitted. */
  max?: number;
  format?: "number" | "percent" | "int";
  /** Vertical reference lines (e.g. the WBK area minimum of 60 %). */
  guides?: { label: string; value: number }[];
  width?: number;
  labelWidth?: number;
}

/**
 * Horizontal bars, one row per category: grouped series side by side (this period beside the last)
 * or stacked parts (confirmed / answered / empty). Clicking a bar follows the row's link.
 */
export function BarsChart({
  id,
  table,
  categoryKey,
  series,
  stacked = false,
  max,
  format = "number",
  guides = [],
  width = 720,
  labelWidth = 220,
}: Props) {
  const locale = useLocale();
  const navigate = useNavigate();
  const labelOf = new Map(table.columns.map((c) => [c.key, c.label]));
  const rowHeight = stacked ? 24 : 10 + series.length * 12;
  const height = Math.max(120, table.rows.length * rowHeight + 70);
  const fmt = (digits: number) => (v: number | string) => {
    if (typeof v !== "number") return String(v);
    return format === "percent" ? `${formatNumber(v, locale, digits)} %` : formatNumber(v, locale, format === "int" ? 0 : digits);
  };
  const go = (row: Record<string, unknown> | undefined) => {
    const href = table.hrefKey ? row?.[table.hrefKey] : null;
    if (typeof href === "string") navigate(href);
  };
  return (
    <BarChart
      id={id}
      width={width}
      height={height}
      data={table.rows}
      layout="vertical"
      margin={{ top: guides.length ? 20 : 8, right: 24, bottom: 8, left: 8 }}
      barCategoryGap={stacked ? 4 : 3}
    >
      <CartesianGrid stroke={GRID} strokeDasharray="3 3" horizontal={false} />
      <XAxis type="number" domain={[0, max ?? "auto"]} tick={<BottomTick format={fmt(0)} />} allowDecimals={false} />
      <YAxis
        type="category"
        dataKey={categoryKey}
        width={labelWidth}
        tick={<CategoryTick maxChars={Math.floor(labelWidth / 6.5)} />}
        interval={0}
      />
      {guides.map((g, i) => (
        <ReferenceLine
          key={g.label}
          x={g.value}
          stroke={OKABE_ITO.vermillion}
          strokeDasharray="6 4"
          isFront
          label={<EdgeLabel text={g.label} fill={OKABE_ITO.vermillion} align={i % 2 ? "start" : "end"} edge="above" />}
        />
      ))}
      <Tooltip formatter={(v: number) => fmt(2)(v)} isAnimationActive={false} cursor={{ fill: "rgba(0,0,0,0.04)" }} />
      <Legend verticalAlign="bottom" height={26} formatter={legendText} />
      {series.map((s, i) => (
        <Bar
          key={s.key}
          dataKey={s.key}
          name={labelOf.get(s.key) ?? s.key}
          fill={s.color ?? SERIES[i % SERIES.length]}
          stackId={stacked ? "stack" : undefined}
          isAnimationActive={false}
          onClick={(d: { payload?: Record<string, unknown> }) => go(d?.payload)}
          cursor={table.hrefKey ? "pointer" : undefined}
        />
      ))}
    </BarChart>
  );
}
