import { formatNumber } from "~/i18n";
import { useLocale } from "~/i18n/use-t";
import { OKABE_ITO } from "./palette";
import type { DataRow, DataTable } from "./table-data";
import {
  AXIS,
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
  niceTicks,
  pct,
  roundTo,
  signedNumber,
  wrapLabel,
  type LegendEntry,
} from "./svg";

interface Props {
  id: string;
  /**
   * Rows with step, label, start, end, change (null on the two totals) and the change's parts:
   * better (answers that rose, ≥ 0), worse (answers that fell, ≤ 0) and unanswered (answers no longer
   * given, ≤ 0), summing to the change; a row with a change but no parts (the rule change) is drawn as
   * one step of its own.
   */
  table: DataTable;
  domain: [number, number];
  labels: { total: string; better: string; worse: string; unanswered: string; rule: string };
  /** Ignored: the chart is as wide as its box. */
  width?: number;
  height?: number;
}

const BAR_END = 0.84;
const HEAD = 24;
const BAR_H = 12;
const COLORS = {
  total: OKABE_ITO.blue,
  better: OKABE_ITO.bluishGreen,
  worse: OKABE_ITO.vermillion,
  unanswered: "#7A5A8C",
  rule: OKABE_ITO.orange,
} as const;
type Part = keyof typeof COLORS;

const n = (v: DataRow[string] | undefined) => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/**
 * A waterfall read top to bottom: the earlier total, then each area's change split into answers that
 * rose, answers that fell and answers no longer given (each its own bar, floating from the running
 * total), then the later total — the bars add up visibly from one total to the other. A change that
 * rounds to 0,00 shows 0,00 without a sign. Each step is a focusable mark with its numbers in words.
 */
export function WaterfallChart({ id, table, domain, labels }: Props) {
  const locale = useLocale();
  const [lo, hi] = domain;
  const at = (v: number) => pct(((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo || 1)) * BAR_END);
  const ticks = niceTicks(lo, hi, 6);
  const num = (v: number) => formatNumber(roundTo(v, 2), locale, 2);
  const hatch = `${id}-unanswered`;

  let cursor = HEAD + 4;
  const layout = table.rows.map((r) => {
    const full = String(r.label ?? r.step ?? "");
    const lines = wrapLabel(full);
    const isTotal = r.change === null || r.change === undefined;
    const start = n(r.start);
    const end = n(r.end);
    const bars: { part: Part; from: number; to: number; value: number }[] = [];
    if (isTotal) bars.push({ part: "total", from: lo, to: end, value: end });
    else {
      const better = n(r.better);
      const worse = n(r.worse);
      const unanswered = n(r.unanswered);
      const split = roundTo(better, 9) !== 0 || roundTo(worse, 9) !== 0 || roundTo(unanswered, 9) !== 0;
      if (!split)
        bars.push({ part: r.better === null || r.better === undefined ? "rule" : "better", from: start, to: end, value: n(r.change) });
      else {
        let level = start;
        for (const [part, v] of [
          ["better", better],
          ["worse", worse],
          ["unanswered", unanswered],
        ] as const) {
          if (roundTo(v, 9) === 0) continue;
          // The last part ends exactly at the step's end, whatever the floating-point sum.
          bars.push({ part, from: level, to: level + v, value: v });
          level += v;
        }
        bars[bars.length - 1]!.to = end;
      }
    }
    const rowTop = cursor;
    const barsTop = rowTop + lines.length * LABEL_LINE + 2;
    cursor = barsTop + bars.length * (BAR_H + 2) + 8;
    return { r, full, lines, rowTop, barsTop, bars, isTotal, start, end, bottom: cursor - 4 };
  });
  const plotBottom = cursor;
  const height = plotBottom + 4;
  const hrefOf = (r: DataRow) => (table.hrefKey && typeof r[table.hrefKey] === "string" ? (r[table.hrefKey] as string) : null);
  const firstMark = table.rows.findIndex((r) => hrefOf(r));
  const partLabel = (p: Part) => labels[p];
  const markName = (l: (typeof layout)[number]) =>
    l.isTotal
      ? `${l.full}: ${labels.total} ${num(l.end)}`
      : `${l.full}: ${signedNumber(n(l.r.change), locale)} (${num(l.start)} → ${num(l.end)})${
          l.bars.length > 1 || l.bars[0]?.part !== "rule"
            ? `; ${l.bars.map((b) => `${partLabel(b.part)} ${signedNumber(b.value, locale)}`).join("; ")}`
            : ""
        }`;
  const used = new Set(layout.flatMap((l) => l.bars.map((b) => b.part)));

  return (
    <>
      <ChartSvg id={id} height={height} interactive={firstMark >= 0}>
        <defs>
          <Hatch id={hatch} color={COLORS.unanswered} />
        </defs>
        <VerticalGrid ticks={ticks} at={at} top={HEAD} bottom={plotBottom} format={(v) => formatNumber(v, locale, 0)} />
        {layout.map((l, i) => {
          return (
            <Mark
              key={i}
              href={hrefOf(l.r)}
              name={markName(l)}
              first={i === firstMark}
              hit={{ x: "0", y: l.rowTop - 2, width: "100%", height: l.bottom - l.rowTop + 4 }}
            >
              <g data-step={String(l.r.step ?? "")}>
                <Lines
                  lines={l.lines}
                  x={0}
                  y={l.rowTop + 11}
                  fontSize={LABEL_SIZE}
                  fill={TEXT}
                  stroke="#fff"
                  strokeWidth={3}
                  paintOrder="stroke"
                />
                {l.bars.map((b, k) => {
                  const y = l.barsTop + k * (BAR_H + 2);
                  const [a, z] = b.from <= b.to ? [b.from, b.to] : [b.to, b.from];
                  const flat = roundTo(z - a, 6) === 0;
                  return (
                    <g key={b.part}>
                      {flat ? (
                        <line data-bar={b.part} x1={at(a)} x2={at(a)} y1={y} y2={y + BAR_H} stroke={AXIS} strokeWidth={2} />
                      ) : (
                        <rect
                          data-bar={b.part}
                          x={at(a)}
                          width={pct(((z - a) / (hi - lo || 1)) * BAR_END)}
                          y={y}
                          height={BAR_H}
                          fill={b.part === "unanswered" ? `url(#${hatch})` : COLORS[b.part]}
                        />
                      )}
                      <text x={at(z)} dx={4} y={y + BAR_H - 2} fontSize={TICK_SIZE} fill={TEXT}>
                        {b.part === "total" ? num(b.value) : signedNumber(b.value, locale)}
                      </text>
                    </g>
                  );
                })}
              </g>
            </Mark>
          );
        })}
        <g aria-hidden="true">
          {layout.slice(0, -1).map((l, i) => {
            const next = layout[i + 1]!;
            const level = l.end;
            return (
              <line
                key={i}
                x1={at(level)}
                x2={at(level)}
                y1={l.barsTop + l.bars.length * (BAR_H + 2) - 2}
                y2={next.barsTop}
                stroke={AXIS}
                strokeDasharray="2 2"
              />
            );
          })}
        </g>
      </ChartSvg>
      <ChartLegend
        id={id}
        groups={[
          {
            entries: (["total", "better", "worse", "unanswered", "rule"] as const)
              .filter((p) => p === "total" || used.has(p))
              .map(
                (p): LegendEntry => ({
                  label: partLabel(p),
                  swatch: p === "unanswered" ? { kind: "box", color: COLORS.unanswered, hatch: true } : { kind: "box", color: COLORS[p] },
                }),
              ),
          },
        ]}
      />
    </>
  );
}
