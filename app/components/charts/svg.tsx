/*
 * What every chart shares. Charts are plain SVG rendered on the server: width 100 % of their box,
 * a fixed height in CSS pixels, horizontal positions in percent of the width (SVG lengths accept
 * percentages on x, x1, x2, cx, width and <use>'s x). So a chart fills its container at any width
 * while its text keeps its size (12 px labels, 11 px ticks) — a viewBox would shrink the text with
 * the chart (≈ 4 px on a phone). Nothing is measured in the browser, so the server's markup is the
 * final drawing: readable without JavaScript, in print, and hydration never differs.
 *
 * Drill-down marks are SVG links (`<a data-mark>`) with an accessible name: one Tab stop per chart
 * (roving tabindex), arrow keys move between marks, Enter or Space follows; a click navigates
 * client-side. Without JavaScript the first mark and the data table's links still lead there.
 */
import { useNavigate } from "@remix-run/react";
import type { KeyboardEvent, MouseEvent, ReactNode, SVGProps } from "react";
import { useDashT } from "~/components/dashboard/dash-t";
import { AXIS, GRID } from "./palette";

export { chartNumber, niceTicks, roundTo, shownZero, signedNumber } from "./numbers";

export const TEXT = "#1d2433";
export const LABEL_SIZE = 12;
export const TICK_SIZE = 11;
/** Line height of a wrapped label. */
export const LABEL_LINE = 15;
/**
 * Characters per label line: what 12 px text fits in the narrowest chart box (≈ 300 px on a 390 px
 * phone) — wider boxes show the same lines. Longer labels wrap to a second line, then end in "…";
 * the full text is the mark's <title> and the table's cell.
 */
export const LABEL_CHARS = 46;

/** A fraction of the chart's width as an SVG length ("37.5%"). */
export function pct(f: number): string {
  const v = Math.round(Math.min(1, Math.max(0, f)) * 100_000) / 1000;
  return `${v}%`;
}

/** Words into at most `lines` lines of `chars` characters; the last ends in "…" when text is left over. */
export function wrapLabel(text: string, chars = LABEL_CHARS, lines = 2): string[] {
  // A word longer than a line (a code, a URL) is cut into pieces of a line each.
  const words = text
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .flatMap((w) => (w.length <= chars ? [w] : (w.match(new RegExp(`.{1,${chars}}`, "g")) ?? [w])));
  const out: string[] = [];
  let line = "";
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const longer = line ? `${line} ${w}` : w;
    if (longer.length <= chars) {
      line = longer;
      continue;
    }
    if (out.length === lines - 1) {
      const rest = `${line} ${words.slice(i).join(" ")}`;
      out.push(`${rest.slice(0, chars - 1).trimEnd()}…`);
      return out;
    }
    out.push(line);
    line = w;
  }
  if (line) out.push(line);
  return out.length ? out : [""];
}

/** Arrow keys move between a chart's marks; Enter (the link's own) and Space follow; a click navigates client-side. */
export function useMarks() {
  const navigate = useNavigate();
  const markOf = (t: EventTarget | null) => (t instanceof Element ? t.closest("a[data-mark]") : null);
  const onClick = (e: MouseEvent<SVGSVGElement>) => {
    const a = markOf(e.target);
    const href = a?.getAttribute("href");
    if (!href || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  const onKeyDown = (e: KeyboardEvent<SVGSVGElement>) => {
    const a = markOf(e.target);
    if (!a) return;
    if (e.key === " ") {
      e.preventDefault();
      const href = a.getAttribute("href");
      if (href) navigate(href);
      return;
    }
    const marks = [...e.currentTarget.querySelectorAll<SVGAElement>("a[data-mark]")];
    const i = marks.indexOf(a as SVGAElement);
    const next =
      e.key === "ArrowRight" || e.key === "ArrowDown"
        ? Math.min(marks.length - 1, i + 1)
        : e.key === "ArrowLeft" || e.key === "ArrowUp"
          ? Math.max(0, i - 1)
          : e.key === "Home"
            ? 0
            : e.key === "End"
              ? marks.length - 1
              : null;
    if (next === null) return;
    e.preventDefault();
    marks.forEach((m, k) => m.setAttribute("tabindex", k === next ? "0" : "-1"));
    marks[next]?.focus();
  };
  return { onClick, onKeyDown };
}

interface SvgProps {
  /** The chart's id: also its figure's (named by the figure's caption `chart-<id>-title`). */
  id: string;
  height: number;
  /** Whether the chart has marks to focus: a group of links, else one image. */
  interactive: boolean;
  children: ReactNode;
  className?: string;
}

/** The chart's <svg>: as wide as its box, `height` CSS pixels high; a group of marks or one image. */
export function ChartSvg({ id, height, interactive, children, className }: SvgProps) {
  const marks = useMarks();
  const t = useDashT();
  return (
    <svg
      id={id}
      className={`chart-svg${className ? ` ${className}` : ""}`}
      width="100%"
      height={height}
      role={interactive ? "group" : "img"}
      aria-labelledby={`chart-${id}-title`}
      aria-describedby={interactive ? `${id}-keys` : undefined}
      fontSize={TICK_SIZE}
      {...(interactive ? marks : {})}
    >
      {interactive ? <desc id={`${id}-keys`}>{t("dash.keys")}</desc> : null}
      {children}
    </svg>
  );
}

/**
 * A focusable mark: its drawing, and over it an SVG link with the mark's accessible name and tooltip
 * whose hit area is drawn as the focus ring when focused. The drawing stays outside the link, so the
 * link's name is the whole of its text (WCAG 2.5.3: no visible text inside that the name leaves out).
 * `first` is the chart's one Tab stop.
 */
export function Mark({
  href,
  name,
  first,
  hit,
  children,
}: {
  href: string | null;
  name: string;
  first: boolean;
  hit: { x: string; y: number; width: string; height: number };
  children: ReactNode;
}) {
  if (!href)
    return (
      <g>
        <title>{name}</title>
        {children}
      </g>
    );
  return (
    <g>
      {children}
      <a href={href} data-mark="" aria-label={name} tabIndex={first ? 0 : -1}>
        <title>{name}</title>
        <rect className="mark-hit" x={hit.x} y={hit.y} width={hit.width} height={hit.height} rx={3} />
      </a>
    </g>
  );
}

/** Text lines (a wrapped label) from `y`, one LABEL_LINE apart. */
export function Lines({
  lines,
  x,
  y,
  ...rest
}: { lines: string[]; x: string | number; y: number } & Omit<SVGProps<SVGTextElement>, "x" | "y">) {
  return (
    <text x={x} y={y} {...rest}>
      {lines.map((l, i) => (
        <tspan key={i} x={x} dy={i === 0 ? 0 : LABEL_LINE}>
          {l}
        </tspan>
      ))}
    </text>
  );
}

/** Vertical grid lines with their tick labels above, across [top, bottom] (horizontal charts). */
export function VerticalGrid({
  ticks,
  at,
  top,
  bottom,
  format,
}: {
  ticks: number[];
  at: (v: number) => string;
  top: number;
  bottom: number;
  format: (v: number) => string;
}) {
  return (
    <g aria-hidden="true">
      {ticks.map((v, i) => (
        <g key={v}>
          <line x1={at(v)} x2={at(v)} y1={top} y2={bottom} stroke={GRID} strokeDasharray="3 3" />
          <text x={at(v)} y={top - 5} textAnchor={i === 0 ? "start" : "middle"} fill={AXIS} fontSize={TICK_SIZE}>
            {format(v)}
          </text>
        </g>
      ))}
    </g>
  );
}

export type MarkerShape = "circle" | "square" | "diamond" | "up" | "down";

/** Marker outlines centred on 0,0 (placed with <use x="…%" y="…">). */
export const MARKER_PATHS: Record<MarkerShape, string> = {
  circle: "M -4.5 0 A 4.5 4.5 0 1 0 4.5 0 A 4.5 4.5 0 1 0 -4.5 0 Z",
  square: "M -4 -4 H 4 V 4 H -4 Z",
  diamond: "M 0 -5.5 L 5.5 0 L 0 5.5 L -5.5 0 Z",
  up: "M 0 -5.5 L 5.5 4 L -5.5 4 Z",
  down: "M 0 5.5 L 5.5 -4 L -5.5 -4 Z",
};

/** A hatch fill (white diagonal stripes over `color`), so a pattern tells parts apart without hue. */
export function Hatch({ id, color }: { id: string; color: string }) {
  return (
    <pattern id={id} patternUnits="userSpaceOnUse" width={6} height={6} patternTransform="rotate(45)">
      <rect width={6} height={6} fill={color} />
      <line x1={0} y1={0} x2={0} y2={6} stroke="#fff" strokeWidth={2.5} />
    </pattern>
  );
}

export type Swatch =
  | { kind: "line"; color: string; dash?: string; width?: number; marker?: MarkerShape }
  | { kind: "box"; color: string; hatch?: boolean; outline?: string }
  | { kind: "ring"; color: string };

export interface LegendEntry {
  label: string;
  swatch: Swatch;
}

function SwatchSvg({ swatch, id }: { swatch: Swatch; id: string }) {
  if (swatch.kind === "box")
    return (
      <svg width={16} height={12} aria-hidden="true" className="legend-swatch">
        {swatch.hatch ? (
          <defs>
            <Hatch id={id} color={swatch.color} />
          </defs>
        ) : null}
        <rect x={0.5} y={0.5} width={15} height={11} fill={swatch.hatch ? `url(#${id})` : swatch.color} stroke={swatch.outline ?? "none"} />
      </svg>
    );
  if (swatch.kind === "ring")
    return (
      <svg width={16} height={16} aria-hidden="true" className="legend-swatch">
        <circle cx={8} cy={8} r={6.5} fill="none" stroke={swatch.color} strokeWidth={2} />
      </svg>
    );
  return (
    <svg width={30} height={12} aria-hidden="true" className="legend-swatch">
      <line x1={1} x2={29} y1={6} y2={6} stroke={swatch.color} strokeWidth={swatch.width ?? 2} strokeDasharray={swatch.dash || undefined} />
      {swatch.marker ? <path d={MARKER_PATHS[swatch.marker]} transform="translate(15 6)" fill={swatch.color} /> : null}
    </svg>
  );
}

/** The legend, as HTML under the chart (it wraps on a phone): groups with a heading, each entry its swatch and words. */
export function ChartLegend({ id, groups }: { id: string; groups: { title?: string; entries: LegendEntry[] }[] }) {
  const shown = groups.filter((g) => g.entries.length > 0);
  if (shown.length === 0) return null;
  return (
    <div className="chart-legend" data-testid={`legend-${id}`}>
      {shown.map((g, gi) => (
        <div key={gi} className="legend-group">
          {g.title ? <span className="legend-title">{g.title}</span> : null}
          <ul>
            {g.entries.map((e, i) => (
              <li key={i}>
                <SwatchSvg swatch={e.swatch} id={`${id}-lg-${gi}-${i}`} />
                {e.label}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}

export { AXIS, GRID };
