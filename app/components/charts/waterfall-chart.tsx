import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { formatNumber } from "~/i18n";
import { useLocale } from "~/i18n/use-t";
import { GRID, OKABE_ITO } from "./palette";
import type { DataTable } from "./table-data";
import { BottomTick, LeftTick, legendText } from "./ticks";

/** Round ticks (multiples of 5, or 10 on a wide range) across the domain. */
function ticksOf([lo, hi]: [number, number]): number[] {
  const step = hi - lo > 50 ? 10 : 5;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) out.push(v);
  return out;
}

interface Props {
  id: string;
  /** Rows with step, label, change, end and the drawing keys _base, _rise, _fall, _total. */
  table: DataTable;
  domain: [number, number];
  labels: { rise: string; fall: string; total: string };
  width?: number;
  height?: number;
}

/**
 * A waterfall: the first and last bars are totals standing on the axis; each step in between floats
 * from the running total, rising (bluish green) or falling (vermillion, hatched by its label sign in
 * the table), so the bars add up visibly from one total to the other.
 */
export function WaterfallChart({ id, table, domain, labels, width = 720, height = 320 }: Props) {
  const locale = useLocale();
  const fmt = (v: number | string) => (typeof v === "number" ? formatNumber(v, locale, 0) : v);
  return (
    <BarChart
      id={id}
      width={width}
      height={height}
      data={table.rows}
      margin={{ top: 12, right: 16, bottom: 8, left: 8 }}
      barCategoryGap={4}
    >
      <CartesianGrid stroke={GRID} strokeDasharray="3 3" vertical={false} />
      <XAxis dataKey="step" tick={<BottomTick />} interval={0} />
      <YAxis domain={domain} ticks={ticksOf(domain)} allowDataOverflow tick={<LeftTick format={fmt} />} width={40} />
      <Tooltip
        isAnimationActive={false}
        cursor={{ fill: "rgba(0,0,0,0.04)" }}
        content={({ active, payload }) => {
          const row = active ? (payload?.[0]?.payload as Record<string, unknown> | undefined) : undefined;
          if (!row) return null;
          const change = row.change as number | null;
          return (
            <div className="chart-tooltip">
              <strong>{String(row.label)}</strong>
              <br />
              {change === null
                ? formatNumber(row.end as number, locale, 2)
                : `${change >= 0 ? "+" : "−"}${formatNumber(Math.abs(change), locale, 2)}`}
            </div>
          );
        }}
      />
      <Legend
        verticalAlign="bottom"
        height={26}
        formatter={legendText}
        payload={[
          { value: labels.total, type: "square", color: OKABE_ITO.blue, id: "total" },
          { value: labels.rise, type: "square", color: OKABE_ITO.bluishGreen, id: "rise" },
          { value: labels.fall, type: "square", color: OKABE_ITO.vermillion, id: "fall" },
        ]}
      />
      <Bar dataKey="_base" stackId="w" fill="transparent" isAnimationActive={false} legendType="none" />
      <Bar dataKey="_total" stackId="w" fill={OKABE_ITO.blue} isAnimationActive={false} />
      <Bar dataKey="_rise" stackId="w" fill={OKABE_ITO.bluishGreen} isAnimationActive={false} />
      <Bar dataKey="_fall" stackId="w" fill={OKABE_ITO.vermillion} isAnimationActive={false} />
    </BarChart>
  );
}
