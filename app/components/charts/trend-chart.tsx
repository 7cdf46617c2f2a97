import { useNavigate } from "@remix-run/react";
import { CartesianGrid, Legend, Line, LineChart, ReferenceArea, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { formatNumber } from "~/i18n";
import { useLocale } from "~/i18n/use-t";
import { BAND_FILLS, DASHES, GRID, OKABE_ITO, SERIES } from "./palette";
import type { DataTable } from "./table-data";
import { BottomTick, EdgeLabel, LeftTick, legendText } from "./ticks";

export interface TrendGuides {
  bands: { code: string; label: string; from: number; to: number }[];
  lines: { label: string; value: number }[];
  max: number;
}

interface Props {
  id: string;
  table: DataTable;
  /** Keys of the numeric columns to draw as lines, in series order. */
  series: string[];
  /** The x-axis column. */
  xKey: string;
  guides: TrendGuides;
  width?: number;
  height?: number;
}

const MARKERS = ["circle", "square", "diamond"] as const;

function Marker({ cx = 0, cy = 0, shape, color }: { cx?: number; cy?: number; shape: (typeof MARKERS)[number]; color: string }) {
  if (shape === "square") return <rect x={cx - 4} y={cy - 4} width={8} height={8} fill={color} />;
  if (shape === "diamond") return <polygon points={`${cx},${cy - 5} ${cx + 5},${cy} ${cx},${cy + 5} ${cx - 5},${cy}`} fill={color} />;
  return <circle cx={cx} cy={cy} r={4} fill={color} />;
}

/**
 * Scores over periods: one line per series, Indeks RB predicate bands shaded behind, WBK/WBBM minimum
 * totals as dashed lines. Fixed size so it renders on the server (and prints) without JavaScript;
 * clicking a period drills into it when JavaScript runs.
 */
export function TrendChart({ id, table, series, xKey, guides, width = 720, height = 320 }: Props) {
  const locale = useLocale();
  const navigate = useNavigate();
  const labelOf = new Map(table.columns.map((c) => [c.key, c.label]));
  const fmt = (v: number | string) => (typeof v === "number" ? formatNumber(v, locale, 0) : v);
  return (
    <LineChart
      id={id}
      width={width}
      height={height}
      data={table.rows}
      margin={{ top: 16, right: 56, bottom: 8, left: 8 }}
      onClick={(state) => {
        const row = table.rows.find((r) => String(r[xKey]) === String(state?.activeLabel));
        const href = table.hrefKey ? row?.[table.hrefKey] : null;
        if (typeof href === "string") navigate(href);
      }}
    >
      {guides.bands.map((b, i) => (
        <ReferenceArea
          key={b.code}
          y1={Math.max(0, b.from)}
          y2={Math.min(guides.max, b.to)}
          fill={BAND_FILLS[i % BAND_FILLS.length]}
          fillOpacity={1}
          ifOverflow="hidden"
          label={<EdgeLabel text={b.code} />}
        />
      ))}
      <CartesianGrid stroke={GRID} strokeDasharray="3 3" vertical={false} />
      <XAxis dataKey={xKey} tick={<BottomTick />} tickLine={false} padding={{ left: 40, right: 40 }} />
      <YAxis domain={[0, guides.max]} tick={<LeftTick format={fmt} />} width={44} allowDecimals={false} />
      {guides.lines.map((l) => (
        <ReferenceLine
          key={l.label}
          y={l.value}
          stroke={OKABE_ITO.vermillion}
          strokeDasharray="6 4"
          label={<EdgeLabel text={`${l.label} ${l.value}`} fill={OKABE_ITO.vermillion} />}
        />
      ))}
      <Tooltip formatter={(v: number) => formatNumber(v, locale, 2)} isAnimationActive={false} />
      <Legend verticalAlign="bottom" height={28} formatter={legendText} />
      {series.map((key, i) => {
        const color = SERIES[i % SERIES.length]!;
        const shape = MARKERS[i % MARKERS.length]!;
        return (
          <Line
            key={key}
            type="linear"
            dataKey={key}
            name={labelOf.get(key) ?? key}
            stroke={color}
            strokeWidth={i === 0 ? 3 : 1.5}
            strokeDasharray={DASHES[i % DASHES.length]}
            dot={(p: { cx?: number; cy?: number; key?: string }) => <Marker key={p.key} cx={p.cx} cy={p.cy} shape={shape} color={color} />}
            activeDot={{ r: 6 }}
            isAnimationActive={false}
            connectNulls
          />
        );
      })}
    </LineChart>
  );
}
