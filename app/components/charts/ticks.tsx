/*
 * Plain SVG ticks and labels. Recharts' own <Text> measures words in the browser but not on the server,
 * so its line breaks differ between the two and hydration fails; these render the same everywhere.
 */
import { AXIS } from "./palette";

interface TickProps {
  x?: number;
  y?: number;
  payload?: { value: string | number };
  textAnchor?: string;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function CategoryTick({ x = 0, y = 0, payload, maxChars = 30 }: TickProps & { maxChars?: number }) {
  const full = String(payload?.value ?? "");
  return (
    <text x={x} y={y} dx={-4} dy={4} textAnchor="end" fontSize={11} fill={AXIS}>
      <title>{full}</title>
      {clip(full, maxChars)}
    </text>
  );
}

export function BottomTick({ x = 0, y = 0, payload, format }: TickProps & { format?: (v: number | string) => string }) {
  const v = payload?.value ?? "";
  return (
    <text x={x} y={y} dy={12} textAnchor="middle" fontSize={11} fill={AXIS}>
      {format ? format(v) : String(v)}
    </text>
  );
}

export function LeftTick({ x = 0, y = 0, payload, format }: TickProps & { format?: (v: number | string) => string }) {
  const v = payload?.value ?? "";
  return (
    <text x={x} y={y} dx={-4} dy={4} textAnchor="end" fontSize={11} fill={AXIS}>
      {format ? format(v) : String(v)}
    </text>
  );
}

interface LabelProps {
  viewBox?: { x?: number; y?: number; width?: number; height?: number };
  text: string;
  fill?: string;
  align?: "start" | "end";
  /** Inside the top (default) or bottom edge of the line's or band's box, or just above it. */
  edge?: "top" | "bottom" | "above";
}

/** A label at the right (or left) end of a reference line or band, at its top or bottom edge. */
export function EdgeLabel({ viewBox, text, fill = AXIS, align = "end", edge = "top" }: LabelProps) {
  const x = (viewBox?.x ?? 0) + (align === "end" ? (viewBox?.width ?? 0) - 4 : 4);
  const y = (viewBox?.y ?? 0) + (edge === "top" ? 12 : edge === "above" ? -4 : (viewBox?.height ?? 0) - 4);
  return (
    <text x={x} y={y} textAnchor={align} fontSize={11} fontWeight={600} fill={fill}>
      {text}
    </text>
  );
}

/** Legend entries in the text colour (the swatch carries the series colour), so light series stay readable. */
export function legendText(value: string) {
  return <span style={{ color: "#1d2433" }}>{value}</span>;
}
