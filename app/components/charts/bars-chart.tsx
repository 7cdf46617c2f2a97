import { useDashT } from "~/components/dashboard/dash-t";
import { useLocale } from "~/i18n/use-t";
import { SERIES, THRESHOLD } from "./palette";
import type { DataTable } from "./table-data";
import {
  ChartLegend,
  ChartSvg,
  Hatch,
  LABEL_LINE,
  LABEL_SIZE,
  Lines,
  Mark,
  TEXT,
  TICK_SIZE,
  VerticalGrid,
  chartNumber,
  niceTicks,
  pct,
  wrapLabel,
  type LegendEntry,
} from "./svg";

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
  /** Upper end of the value axis; a round number above the data maximum when omitted. */
  max?: number;
  format?: "number" | "percent" | "int";
  /** Vertical threshold lines (e.g. the WBK area minimum of 60 %). */
  guides?: { label: string; value: number }[];
  /** Ignored: the chart is as wide as its box (kept for callers that still pass sizes). */
  width?: number;
  labelWidth?: number;
  /** A row key that is truthy for rows drawn muted (hatched grey), named in the legend by `mutedLabel`. */
  mutedKey?: string;
  mutedLabel?: string;
}

/** Where a value of `max` ends: the rest of the width holds the value labels. */
const BAR_END = 0.84;
const HEAD = 24;
const MUTED = "#8A93A3";

/**
 * Horizontal bars, one row per category, the label on its own line above the bars so the chart
 * reads the same on a phone and a laptop: grouped series one under the other (this period under the
 * last) or stacked parts (confirmed / answered / empty). Each row is a focusable mark that follows
 * the row's link.
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
  mutedKey,
  mutedLabel,
}: Props) {
  const locale = useLocale();
  const t = useDashT();
  const labelOf = new Map(table.columns.map((c) => [c.key, c.label]));
  const colors = series.map((s, i) => s.color ?? SERIES[i % SERIES.length]!);
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
  const dataMax = Math.max(
    0,
    ...table.rows.map((r) =>
      stacked ? series.reduce((s, x) => s + Math.max(0, num(r[x.key])), 0) : Math.max(...series.map((x) => num(r[x.key]))),
    ),
    ...guides.map((g) => g.value),
  );
  const top = max ?? Math.max(dataMax, niceTicks(0, dataMax || 1, 4).at(-1)!);
  const ticks = niceTicks(0, top, 4).filter((v) => v <= top + 1e-9);
  const at = (v: number) => pct((Math.min(top, Math.max(0, v)) / (top || 1)) * BAR_END);
  const fmt = (v: number) => chartNumber(v, format, locale);
  const barH = stacked ? 16 : series.length > 1 ? 12 : 14;
  const barsH = stacked ? barH : series.length * barH + (series.length - 1) * 2;

  let cursor = HEAD + 4;
  const layout = table.rows.map((r) => {
    const full = String(r[categoryKey] ?? "");
    const lines = wrapLabel(full);
    const rowTop = cursor;
    const barsTop = rowTop + lines.length * LABEL_LINE + 2;
    cursor = barsTop + barsH + 10;
    return { r, full, lines, rowTop, barsTop, bottom: cursor - 4 };
  });
  const plotBottom = cursor;
  const height = plotBottom + guides.length * 15 + 6;
  const hrefOf = (r: (typeof table.rows)[number]) =>
    table.hrefKey && typeof r[table.hrefKey] === "string" ? (r[table.hrefKey] as string) : null;
  const firstMark = table.rows.findIndex((r) => hrefOf(r));
  const hatch = `${id}-muted`;
  const markName = (full: string, r: (typeof table.rows)[number]) =>
    `${full}: ${series.map((s) => `${labelOf.get(s.key) ?? s.key} ${typeof r[s.key] === "number" ? fmt(r[s.key] as number) : "–"}`).join("; ")}${
      mutedKey && r[mutedKey] && mutedLabel ? ` (${mutedLabel})` : ""
    }`;

  return (
    <>
      <ChartSvg id={id} height={height} interactive={firstMark >= 0}>
        {mutedKey ? (
          <defs>
            <Hatch id={hatch} color={MUTED} />
          </defs>
        ) : null}
        <VerticalGrid ticks={ticks} at={at} top={HEAD} bottom={plotBottom} format={fmt} />
        {layout.map(({ r, full, lines, rowTop, barsTop, bottom }, i) => {
          const muted = !!(mutedKey && r[mutedKey]);
          let stackAt = 0;
          return (
            <Mark
              key={i}
              href={hrefOf(r)}
              name={markName(full, r)}
              first={i === firstMark}
              hit={{ x: "0", y: rowTop - 2, width: "100%", height: bottom - rowTop + 4 }}
            >
              <Lines
                lines={lines}
                x={0}
                y={rowTop + 11}
                fontSize={LABEL_SIZE}
                fill={TEXT}
                stroke="#fff"
                strokeWidth={3}
                paintOrder="stroke"
                data-label=""
              />
              {series.map((s, k) => {
                const v = num(r[s.key]);
                const raw = r[s.key];
                const fill = muted ? `url(#${hatch})` : colors[k]!;
                if (stacked) {
                  const x0 = stackAt;
                  stackAt += Math.max(0, v);
                  return v > 0 ? (
                    <rect
                      key={s.key}
                      data-bar={s.key}
                      x={at(x0)}
                      width={pct((Math.max(0, v) / (top || 1)) * BAR_END)}
                      y={barsTop}
                      height={barH}
                      fill={fill}
                      stroke="#fff"
                      strokeWidth={0.5}
                    />
                  ) : null;
                }
                const y = barsTop + k * (barH + 2);
                return (
                  <g key={s.key}>
                    <rect data-bar={s.key} x="0" width={at(v)} y={y} height={barH} fill={fill} />
                    <text x={at(v)} dx={4} y={y + barH - 2} fontSize={TICK_SIZE} fill={TEXT}>
                      {typeof raw === "number" ? fmt(raw) : "–"}
                    </text>
                  </g>
                );
              })}
            </Mark>
          );
        })}
        <g aria-hidden="true">
          {guides.map((g, k) => (
            <g key={g.label} data-threshold={g.label}>
              <line x1={at(g.value)} x2={at(g.value)} y1={HEAD} y2={plotBottom + k * 15 + 4} stroke={THRESHOLD} strokeWidth={1.5} />
              <text x={at(g.value)} dx={4} y={plotBottom + k * 15 + 14} fontSize={TICK_SIZE} fontWeight={600} fill={THRESHOLD}>
                {g.label}
              </text>
            </g>
          ))}
        </g>
      </ChartSvg>
      <ChartLegend
        id={id}
        groups={[
          {
            entries: [
              ...series.map((s, k): LegendEntry => ({ label: labelOf.get(s.key) ?? s.key, swatch: { kind: "box", color: colors[k]! } })),
              ...(mutedKey && mutedLabel && table.rows.some((r) => r[mutedKey])
                ? [{ label: mutedLabel, swatch: { kind: "box", color: MUTED, hatch: true } } as LegendEntry]
                : []),
            ],
          },
          {
            title: guides.length ? t("dash.legend.thresholds") : undefined,
            entries: guides.map((g): LegendEntry => ({ label: g.label, swatch: { kind: "line", color: THRESHOLD, width: 1.5 } })),
          },
        ]}
      />
    </>
  );
}
