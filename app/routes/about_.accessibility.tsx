import { Link } from "@remix-run/react";
import type { MessageKey } from "~/i18n";
import { pageTitle } from "~/i18n/page-title";
import { useT } from "~/i18n/use-t";

export const meta = pageTitle("a11y.title");

/** What is supported, in the order a reader looks for it: a heading and its text. */
const SUPPORTED: [MessageKey, MessageKey][] = [
  ["a11y.keyboard", "a11y.keyboardText"],
  ["a11y.screenReaders", "a11y.screenReadersText"],
  ["a11y.zoom", "a11y.zoomText"],
  ["a11y.languages", "a11y.languagesText"],
  ["a11y.contrast", "a11y.contrastText"],
  ["a11y.noScript", "a11y.noScriptText"],
];
const LIMITS: MessageKey[] = ["a11y.limitCharts", "a11y.limitEvidence", "a11y.limitWorkbooks", "a11y.limitInstruments"];

/** The accessibility statement (issue #28): public, linked from every page's footer, in the reader's language. */
export default function AccessibilityStatement() {
  const t = useT();
  return (
    <article className="statement" data-testid="accessibility-statement">
      <h1>{t("a11y.title")}</h1>
      <p>{t("a11y.intro")}</p>
      <section className="card">
        <h2>{t("a11y.supported")}</h2>
        {SUPPORTED.map(([head, text]) => (
          <section key={head}>
            <h3>{t(head)}</h3>
            <p>{t(text)}</p>
          </section>
        ))}
      </section>
      <section className="card">
        <h2>{t("a11y.limits")}</h2>
        <ul>
          {LIMITS.map((k) => (
            <li key={k}>{t(k)}</li>
          ))}
        </ul>
      </section>
      <section className="card">
        <h2>{t("a11y.checks")}</h2>
        <p>{t("a11y.checksText")}</p>
      </section>
      <section className="card" id="report">
        <h2>{t("a11y.report")}</h2>
        <p>{t("a11y.reportText")}</p>
      </section>
      <p>
        <Link to="/about">{t("seal.aboutTitle")}</Link>
      </p>
    </article>
  );
}
