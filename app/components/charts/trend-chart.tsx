import { useDashT } from "~/components/dashboard/dash-t";
import { formatNumber } from "~/i18n";
import { useLocale } from "~/i18n/use-t";
import { BAND_FILLS, OKABE_ITO, THRESHOLD } from "./palette";
import type { DataTable } from "./table-data";
import {
  AXIS,
  ChartLegend,
  ChartSvg,
  GRID,
  LABEL_SIZE,
  MARKER_PATHS,
  Mark,
  TEXT,
  TICK_SIZE,
  chartNumber,
  niceTicks,
  pct,
  type LegendEntry,
  type MarkerShape,
} from "./svg";

export interface TrendGuides {
  bands: { code: string; label: string; from: number; to: number }[];
  lines: { label: string; value: number }[];
  max: number;
}

interface Props {
  id: string;
  table: DataTable;
  /** Keys of the numeric columns to draw as lines; the first is the main line, the others statistics beside it. */
  series: string[];
  /** The x-axis column. */
  xKey: string;
  guides: TrendGuides;
  /** Ignored: the chart is as wide as its box (kept for callers that still pass a size). */
  width?: number;
  height?: number;
  /** The column holding how many units each point rests on (written under each period). */
  countKey?: string;
  /** A row key that is truthy where fewer units are final than in the period before (marked). */
  flagKey?: string;
}

/** Line styles: the main line solid and heavy; statistics coloured, dashed or dotted, each with its marker. */
const STYLES: { color: string; dash: string; width: number; marker: MarkerShape }[] = [
  { color: OKABE_ITO.blue, dash: "", width: 3, marker: "circle" },
  { color: OKABE_ITO.vermillion, dash: "7 4", width: 2, marker: "down" },
  { color: OKABE_ITO.bluishGreen, dash: "2 3", width: 2.5, marker: "up" },
  { color: OKABE_ITO.reddishPurple, dash: "8 3 2 3", width: 2, marker: "diamond" },
];

/** Horizontal extent of the periods: room on the left for the value ticks, on the right for the threshold labels. */
const LEFT = 0.07;
const RIGHT = 0.86;
const TOP = 18;

/**
 * Scores over periods: one line per series (the first the main line, the others statistics),
 * Indeks RB predicate bands shaded behind, WBK/WBBM minimum totals as solid grey threshold lines
 * labelled at their end. Under each period: how many units its point rests on; a period with fewer
 * final units than the one before is ringed and flagged. Each period is a focusable mark that
 * drills into it. A legend names thresholds and statistics apart.
 */
export function TrendChart({ id, table, series, xKey, guides, height = 320, countKey, flagKey }: Props) {
  const locale = useLocale();
  const t = useDashT();
  const labelOf = new Map(table.columns.map((c) => [c.key, c.label]));
  const rows = table.rows;
  const n = Math.max(1, rows.length);
  const footer = countKey ? 36 : 22;
  const bottom = height - footer;
  const max = guides.max > 0 ? guides.max : 100;
  const y = (v: number) => Math.round((TOP + (1 - Math.min(max, Math.max(0, v)) / max) * (bottom - TOP)) * 100) / 100;
  const x = (i: number) => LEFT + ((i + 0.5) / n) * (RIGHT - LEFT);
  const colStart = (i: number) => LEFT + (i / n) * (RIGHT - LEFT);
  const ticks = niceTicks(0, max, 4);
  const num = (v: number) => formatNumber(v, locale, 2);
  const styles = series.map((key, i) => ({ key, label: labelOf.get(key) ?? key, ...STYLES[i % STYLES.length]! }));
  const hrefOf = (r: (typeof rows)[number]) =>
    table.hrefKey && typeof r[table.hrefKey] === "string" ? (r[table.hrefKey] as string) : null;
  const firstMark = rows.findIndex((r) => hrefOf(r));
  const flagged = flagKey ? rows.filter((r) => r[flagKey]) : [];
  const countLabel = countKey ? labelOf.get(countKey) : undefined;
  const defs = `${id}-m`;
  const markName = (r: (typeof rows)[number]) => {
    const parts = styles.map((s) => `${s.label} ${typeof r[s.key] === "number" ? num(r[s.key] as number) : "–"}`);
    if (countKey && typeof r[countKey] === "number") parts.push(t("dash.trend.pointUnits", { count: r[countKey] as number }));
    if (flagKey && r[flagKey]) parts.push(t("dash.trend.pointFewer"));
    return `${String(r[xKey])}: ${parts.join("; ")}`;
  };

  return (
    <>
      <ChartSvg id={id} height={height} interactive={rows.some((r) => hrefOf(r))}>
        <defs>
          {(Object.keys(MARKER_PATHS) as MarkerShape[]).map((m) => (
            <path key={m} id={`${defs}-${m}`} d={MARKER_PATHS[m]} />
          ))}
        </defs>
        <g aria-hidden="true">
          {guides.bands.map((b, i) => {
            const top = y(Math.min(max, b.to));
            const h = y(Math.max(0, b.from)) - top;
            return h > 0 ? (
              <g key={b.code}>
                <rect x="0" width="100%" y={top} height={h} fill={BAND_FILLS[i % BAND_FILLS.length]} />
                <text x="100%" dx={-4} y={top + 12} textAnchor="end" fontSize={TICK_SIZE} fontWeight={600} fill={AXIS}>
                  {b.code}
                </text>
              </g>
            ) : null;
          })}
          {ticks.map((v) => (
            <g key={v}>
              <line x1="0" x2="100%" y1={y(v)} y2={y(v)} stroke={GRID} strokeDasharray="3 3" />
              <text x={2} y={y(v) - 3} fontSize={TICK_SIZE} fill={AXIS}>
                {formatNumber(v, locale, 0)}
              </text>
            </g>
          ))}
          <line x1="0" x2="100%" y1={bottom} y2={bottom} stroke={AXIS} />
          {guides.lines.map((l) => (
            <g key={l.label} data-threshold={l.label}>
              <line x1="0" x2="100%" y1={y(l.value)} y2={y(l.value)} stroke={THRESHOLD} strokeWidth={1.5} />
              <text x="100%" dx={-2} y={y(l.value) - 4} textAnchor="end" fontSize={TICK_SIZE} fontWeight={600} fill={THRESHOLD}>
                {l.label} {formatNumber(l.value, locale)}
              </text>
            </g>
          ))}
          {styles.map((s) => {
            const points = rows.flatMap((r, i) => (typeof r[s.key] === "number" ? [{ i, v: r[s.key] as number }] : []));
            return (
              <g key={s.key} data-series={s.key}>
                {points.slice(1).map((p, k) => (
                  <line
                    key={p.i}
                    className="trend-line"
                    x1={pct(x(points[k]!.i))}
                    y1={y(points[k]!.v)}
                    x2={pct(x(p.i))}
                    y2={y(p.v)}
                    stroke={s.color}
                    strokeWidth={s.width}
                    strokeDasharray={s.dash || undefined}
                    strokeLinecap="round"
                  />
                ))}
              </g>
            );
          })}
        </g>
        {rows.map((r, i) => {
          const flag = !!(flagKey && r[flagKey]);
          const count = countKey && typeof r[countKey] === "number" ? (r[countKey] as number) : null;
          const main = typeof r[styles[0]?.key ?? ""] === "number" ? (r[styles[0]!.key] as number) : null;
          return (
            <Mark
              key={i}
              href={hrefOf(r)}
              name={markName(r)}
              first={i === firstMark}
              hit={{ x: pct(colStart(i)), y: 2, width: pct((RIGHT - LEFT) / n), height: height - 4 }}
            >
              <g data-point={String(r[xKey])} data-flag={flag ? "fewer" : undefined} data-units={count ?? undefined}>
                {flag && main !== null ? (
                  <circle
                    className="trend-flag-ring"
                    cx={pct(x(i))}
                    cy={y(main)}
                    r={9}
                    fill="none"
                    stroke={OKABE_ITO.vermillion}
                    strokeWidth={2}
                  />
                ) : null}
                {styles.map((s) =>
                  typeof r[s.key] === "number" ? (
                    <use
                      key={s.key}
                      href={`#${defs}-${s.marker}`}
                      x={pct(x(i))}
                      y={y(r[s.key] as number)}
                      fill={s.color}
                      className="trend-point"
                    />
                  ) : null,
                )}
                <text x={pct(x(i))} y={bottom + 15} textAnchor="middle" fontSize={LABEL_SIZE} fill={TEXT}>
                  {String(r[xKey])}
                </text>
                {count !== null ? (
                  <text
                    x={pct(x(i))}
                    y={bottom + 30}
                    textAnchor="middle"
                    fontSize={TICK_SIZE}
                    fontWeight={flag ? 700 : 400}
                    fill={flag ? "#A33F00" : AXIS}
                    data-count={count}
                  >
                    {flag ? "▲ " : ""}
                    {t("dash.trend.unitsShort", { count })}
                  </text>
                ) : null}
              </g>
            </Mark>
          );
        })}
      </ChartSvg>
      <ChartLegend
        id={id}
        groups={[
          {
            title: series.length > 1 ? t("dash.legend.statistics") : undefined,
            entries: styles.map(
              (s): LegendEntry => ({
                label: s.label,
                swatch: { kind: "line", color: s.color, dash: s.dash, width: s.width, marker: s.marker },
              }),
            ),
          },
          {
            title: t("dash.legend.thresholds"),
            entries: [
              ...guides.lines.map(
                (l): LegendEntry => ({
                  label: t("dash.legend.threshold", { label: l.label, value: formatNumber(l.value, locale) }),
                  swatch: { kind: "line", color: THRESHOLD, width: 1.5 },
                }),
              ),
              ...guides.bands.map(
                (b, i): LegendEntry => ({
                  label: `${b.code}: ${b.label} (${chartNumber(Math.max(0, b.from), "number", locale, 0)}–${chartNumber(Math.min(max, b.to), "number", locale, 0)})`,
                  swatch: { kind: "box", color: BAND_FILLS[i % BAND_FILLS.length]!, outline: GRID },
                }),
              ),
            ],
          },
          {
            entries: flagged.length
              ? [{ label: t("dash.legend.fewer", { count: countLabel ?? "" }), swatch: { kind: "ring", color: OKABE_ITO.vermillion } }]
              : [],
          },
        ]}
      />
    </>
  );
}
