/**
 * The printed report's running head and page numbers, as CSS page-margin boxes (Chromium prints
 * `@page { @top-left { content: … } }`, and `counter(page)` / `counter(pages)` there). The texts come
 * from the database and the dictionaries, so every character outside a small safe set is written as
 * a CSS escape: nothing can end the string, the rule or the <style> element.
 */

const SAFE = /^[\p{L}\p{N} .,()·–-]$/u;

/** A CSS string literal of `text`. */
export function cssString(text: string): string {
  return `"${[...text].map((ch) => (SAFE.test(ch) ? ch : `\\${ch.codePointAt(0)!.toString(16).padStart(6, "0")}`)).join("")}"`;
}

/** CSS `content` for a template with `{page}` and `{pages}` ("Halaman {page} dari {pages}"). */
export function pageCounterContent(template: string): string {
  return template
    .split(/(\{pages?\})/)
    .filter((part) => part !== "")
    .map((part) => (part === "{page}" ? "counter(page)" : part === "{pages}" ? "counter(pages)" : cssString(part)))
    .join(" ");
}

const BOX = "font: 7.5pt/1.25 system-ui, sans-serif; color: #444;";

/** The @page rule: the head on every page (left: unit and period; right: instrument), the page number below. */
export function printPageCss(head: { left: string; right: string }, pageOf: string): string {
  return [
    "@page {",
    `  @top-left { content: ${cssString(head.left)}; ${BOX} vertical-align: bottom; text-align: left; }`,
    `  @top-right { content: ${cssString(head.right)}; ${BOX} vertical-align: bottom; text-align: right; }`,
    `  @bottom-center { content: ${pageCounterContent(pageOf)}; ${BOX} }`,
    "}",
  ].join("\n");
}
