import { Form } from "@remix-run/react";
import { FormAlert, type ActionFeedback } from "~/components/form";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";

/** Strategy, size, seed and layer of a new spot-check sample. */
export function DrawSampleForm({ layers, feedback, extra }: { layers: readonly string[]; feedback?: ActionFeedback; extra?: React.ReactNode }) {
  const t = useT();
  return (
    <Form method="post" className="card-inner">
      <h3>{t("eval.drawSample")}</h3>
      <FormAlert feedback={feedback?.intent === "draw" ? feedback : undefined} />
      <input type="hidden" name="intent" value="draw" />
      {extra}
      <div className="row">
        <div>
          <label htmlFor="strategy">{t("eval.strategy")}</label>
          <select id="strategy" name="strategy" defaultValue="risk">
            {(["risk", "stratified", "simple"] as const).map((s) => (
              <option key={s} value={s}>
                {t(`eval.strategy.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="size">{t("eval.size")}</label>
          <input id="size" name="size" type="number" min={1} max={500} defaultValue={10} required />
        </div>
        <div>
          <label htmlFor="layer">{t("eval.layer")}</label>
          <select id="layer" name="layer">
            {layers.map((l) => (
              <option key={l} value={l}>
                {t(`eval.layer.${l}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="seed">{t("eval.seed")}</label>
          <input id="seed" name="seed" type="text" maxLength={64} />
        </div>
      </div>
      <p>
        <button type="submit">{t("eval.drawSample")}</button>
      </p>
    </Form>
  );
}
