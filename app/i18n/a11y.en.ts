import type { a11yId } from "./a11y.id";

/** Page titles and the accessibility statement (issue #28): English. */
export const a11yEn: Record<keyof typeof a11yId, string> = {
  "title.error": "Something went wrong",
  "title.notFound": "Page not found",
  "title.forbidden": "Access denied",
  "title.overview": "Assessment overview",
  "title.area": "Worksheet",
  "title.consensus": "Consensus",
  "title.evaluation": "Assessment evaluation",
  "title.release": "Instrument release",
  "a11y.footer": "Accessibility",
  "a11y.title": "Accessibility statement",
  "a11y.intro":
    "Cermin is built to be usable by everyone: with a keyboard, a screen reader, magnification, on a laptop or a phone. We aim for WCAG 2.2 level AA. This page says what is supported, the limits we know of, and how to report a problem.",
  "a11y.supported": "What is supported",
  "a11y.keyboard": "Keyboard",
  "a11y.keyboardText":
    "Every function works with the keyboard. A “Skip to content” link appears on the first Tab, and the focused element has a clear orange ring. On a worksheet, one item's options are one Tab stop (change the choice with the arrow keys); after the answer come the note and one button that opens the item's guidance, evidence, discussion and history, so the next item's answer is at most three Tab presses away.",
  "a11y.screenReaders": "Screen readers",
  "a11y.screenReadersText":
    "Every page has a title naming it (with the unit and year of an assessment), uses landmarks (header, menu, main, footer), and every field has a label. A refused entry is announced at its field, the save state is announced, the receipt's QR code has a text alternative, and the figures of the charts are in tables.",
  "a11y.zoom": "Zoom and screen size",
  "a11y.zoomText":
    "Pages can be zoomed to 200 % without losing content. From 390 pixels wide (a phone) no page scrolls sideways: cards stack and wide tables scroll inside their card.",
  "a11y.languages": "Languages",
  "a11y.languagesText":
    "The interface is in Indonesian (the default) and English; the language button is in every page's header and your choice is saved. Every page declares its language to screen readers. Instrument texts are shown in English where the instrument has them.",
  "a11y.contrast": "Colour and contrast",
  "a11y.contrastText":
    "Text has at least 4.5:1 contrast against its background, the focus ring at least 3:1. Colour is never the only cue: states and values are written too. Fields that cannot be changed look grey with a dashed border, and the page says why.",
  "a11y.noScript": "Without JavaScript",
  "a11y.noScriptText": "Forms still work without JavaScript (plain form posts), including saving answers and uploading evidence.",
  "a11y.checks": "How we check",
  "a11y.checksText":
    "Every change is tested in a browser: axe-core (WCAG 2.0, 2.1 and 2.2 A/AA rules) runs on every page for every role in both languages, page widths are measured at 1366 and 390 pixels, and the Tab presses between items are counted. Automated checks do not find every problem; your reports help.",
  "a11y.limits": "Known limits",
  "a11y.limitCharts":
    "The dashboard charts are being reworked: some drill-down is still easiest with a mouse. The same figures are in the data table under each chart and can be downloaded.",
  "a11y.limitEvidence": "Evidence files (PDFs, scans, images) are shown as uploaded; Cermin cannot add text to scanned documents.",
  "a11y.limitWorkbooks":
    "Excel workbooks (LKE) follow the official layout of the Ministry (PANRB), including merged cells that screen readers read poorly; the same content is on Cermin's worksheets.",
  "a11y.limitInstruments": "Instrument texts (questions, criteria, guidance) are official texts and shown as they are.",
  "a11y.report": "Reporting a problem",
  "a11y.reportText":
    "If you cannot use part of Cermin, tell your organisation's administrator or the system administrator of this installation. Give the page's address, what you were doing, and the browser and assistive technology you use (e.g. NVDA, TalkBack, magnification). Problems in Cermin itself are fixed in its open-source project; meanwhile an administrator can help enter or read out data for you.",
};
