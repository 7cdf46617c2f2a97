import type { ActionFeedback } from "~/components/form";
import { Field } from "~/components/form";
import { useLocale, useT } from "~/i18n/use-t";
import type { OutputView } from "~/services/renaksi/view.server";
import { Num, QuarterHead, QuarterRow, amountText, numText } from "./plan-parts";

const sum = (xs: readonly (number | null)[]) => xs.reduce<number>((s, v) => s + (v ?? 0), 0);

type OutputLike = Pick<OutputView, "indicator" | "unit" | "targetTw" | "budgetTotal" | "implementer" | "coordinator" | "focus">;

/** The fields of an output indicator (portal action template, spec rb-2024 §2.2): indicator, unit, TW1–TW4 targets, budget, implementer, coordinator. */
export function OutputFields({ prefix, output, feedback, focus }: { prefix: string; output?: OutputLike; feedback?: ActionFeedback; focus?: { code: string; name: string }[] }) {
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <Field name="indicator" label="renaksi.outputIndicator" idPrefix={prefix} defaultValue={output?.indicator ?? ""} required feedback={feedback} />
      <div className="grid-2">
        <Field name="unit" label="renaksi.unit" idPrefix={prefix} defaultValue={output?.unit ?? ""} required feedback={feedback} />
        <Field name="budgetTotal" inputMode="decimal" label="renaksi.budgetTotal" idPrefix={prefix} defaultValue={amountText(output?.budgetTotal, locale)} feedback={feedback} />
      </div>
      <fieldset>
        <legend>{t("renaksi.targetTw")}</legend>
        <div className="quarters">
          {([1, 2, 3, 4] as const).map((q) => (
            <Field key={q} name={`targetTw${q}`} inputMode="decimal" label={`renaksi.tw${q}`} idPrefix={prefix} defaultValue={numText(output?.targetTw[q - 1], locale)} feedback={feedback} />
          ))}
        </div>
      </fieldset>
      <div className="grid-2">
        <Field name="implementer" label="renaksi.implementer" idPrefix={prefix} defaultValue={output?.implementer ?? ""} feedback={feedback} />
        <Field name="coordinator" label="renaksi.coordinator" idPrefix={prefix} defaultValue={output?.coordinator ?? ""} feedback={feedback} />
      </div>
      {focus ? (
        <div>
          <label htmlFor={`${prefix}focus`}>{t("renaksi.focus")}</label>
          <select id={`${prefix}focus`} name="focus" defaultValue={output?.focus ?? ""}>
            <option value="">–</option>
            {focus.map((f) => (
              <option key={f.code} value={f.code}>
                {f.name}
              </option>
            ))}
          </select>
        </div>
      ) : null}
    </>
  );
}

/** One output as read: targets and realisation per quarter and the achievement the rule computes. */
export function OutputSummary({ output }: { output: OutputView }) {
  const t = useT();
  return (
    <>
      <p>
        <strong>{output.indicator}</strong> ({output.unit}) · {t("renaksi.budgetTotal")}: <Num value={output.budgetTotal} />
        {output.implementer ? ` · ${t("renaksi.implementer")}: ${output.implementer}` : ""}
        {output.coordinator ? ` · ${t("renaksi.coordinator")}: ${output.coordinator}` : ""}
      </p>
      <table className="compact">
        <QuarterHead />
        <tbody>
          <QuarterRow label={t("renaksi.target")} values={output.targetTw} total={sum(output.targetTw)} />
          <QuarterRow label={t("renaksi.realisation")} values={output.realisationTw} total={sum(output.realisationTw)} />
          {/* A quarter without a target has no achievement to show (the portal stores 0 there). */}
          <QuarterRow
            label={t("renaksi.achievement")}
            values={output.achievement.perQuarter.map((v, i) => ((output.targetTw[i] ?? 0) > 0 ? v : null))}
            total={output.achievement.total}
            pct
            totalTestId="output-total"
          />
        </tbody>
      </table>
      {output.achievement.over300 ? <p className="alert alert-warn">{t("renaksi.over300")}</p> : null}
      {output.evaluatorNote ? (
        <p className="alert alert-warn">
          {t("renaksi.evaluatorNote")}: {output.evaluatorNote}
        </p>
      ) : null}
    </>
  );
}
