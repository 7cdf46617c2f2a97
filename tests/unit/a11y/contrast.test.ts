/** Issue #28: the app's own colours meet WCAG 2.2 AA contrast (text 4.5:1, focus indicator 3:1). */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { heat } from "~/components/blind/heat";
import { contrast } from "../../helpers/contrast";

const css = fs.readFileSync(path.join(__dirname, "..", "..", "..", "app", "styles.css"), "utf8");
const variable = (name: string) => {
  const m = new RegExp(`--${name}:\\s*(#[0-9a-fA-F]{6})`).exec(css);
  if (!m) throw new Error(`--${name} is not a #rrggbb colour in app/styles.css`);
  return m[1]!;
};

describe("colours", () => {
  test("the contrast helper agrees with known ratios", () => {
    expect(contrast("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrast("#f2a900", "#ffffff")).toBeCloseTo(2.01, 2);
    expect(contrast("hsl(0, 80%, 55%)", "#1d2433")).toBeCloseTo(3.62, 1);
  });

  test("the focus ring has at least 3:1 against white, the page background and the cards", () => {
    const focus = variable("focus");
    for (const bg of ["#ffffff", variable("bg"), variable("card")])
      expect(contrast(focus, bg), `${focus} on ${bg}`).toBeGreaterThanOrEqual(3);
  });

  test("the consensus heat map's text keeps at least 4.5:1 on every cell", () => {
    const fg = variable("fg");
    for (let i = 0; i <= 100; i++) expect(contrast(heat(i / 100), fg), `share ${i} %: ${heat(i / 100)}`).toBeGreaterThanOrEqual(4.5);
    expect(heat(0)).toBe("hsl(0, 80%, 100%)");
    expect(heat(1)).not.toBe(heat(0.5));
  });

  test("the page's text colours keep at least 4.5:1 on the page and on cards", () => {
    for (const fg of [variable("fg"), variable("muted"), variable("accent"), variable("danger"), variable("ok")])
      for (const bg of [variable("bg"), variable("card")]) expect(contrast(fg, bg), `${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5);
  });
});
