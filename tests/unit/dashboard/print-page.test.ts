import { expect, test } from "vitest";
import { cssString, pageCounterContent, printPageCss } from "~/components/dashboard/print-page";

test("page numbers: the dictionary's template becomes CSS content with the page counters, in either language", () => {
  expect(pageCounterContent("Halaman {page} dari {pages}")).toBe('"Halaman " counter(page) " dari " counter(pages)');
  expect(pageCounterContent("Page {page} of {pages}")).toBe('"Page " counter(page) " of " counter(pages)');
  expect(pageCounterContent("{page}/{pages}")).toBe('counter(page) "\\00002f" counter(pages)');
});

test("running head: text from the database cannot end the string, the rule or the style element", () => {
  const hostile = 'Unit "A" \\ } </style><script>alert(1)</script>\n@import';
  const css = cssString(hostile);
  expect(css.startsWith('"') && css.endsWith('"')).toBe(true);
  const inner = css.slice(1, -1);
  expect(inner).not.toMatch(/["<>{}\n\\](?![0-9a-f]{6})/);
  expect(inner).not.toContain("<");
  expect(inner).not.toContain("}");
  // Letters (Indonesian or not), digits and the usual punctuation stay readable.
  expect(cssString("Balai Pengawasan Medan · Periode 2024 (zi-2021 1.0.0)")).toBe(
    '"Balai Pengawasan Medan · Periode 2024 (zi-2021 1.0.0)"',
  );
  const rule = printPageCss({ left: hostile, right: "x" }, "Halaman {page} dari {pages}");
  expect(rule).not.toContain("</style");
  expect(rule).toContain('@bottom-center { content: "Halaman " counter(page) " dari " counter(pages);');
});
