import { NOT_APPLICABLE, type Item } from "~/domain/instrument/schema";
import { numberRange } from "~/domain/scoring/item-value";
import { formatNumber } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import { scorerText } from "./scorer-text";

interface Props {
  item: Item;
  fields: Record<string, string>;
  disabled: boolean;
  onChange: (name: string, value: string) => void;
  /** For percent items: the current value v in [0,1] computed by the engine, shown as the ratio. */
  ratio: number | null;
  formatRatio: (v: number) => string;
  /** The weight of the item's group (the range of points items). */
  groupWeight: number;
  /** The server's refusal of one field ("5 di luar rentang 0–4"), shown under that field. */
  error?: { field: string; message: string } | null;
  /** Draws the "clear" button after the options (the item card offers it in its disclosure instead: one Tab stop less). */
  clearable?: boolean;
}

/** The refusal under a field, tied to it for screen readers. */
function FieldError({ id, error, field }: { id: string; error: Props["error"]; field: string }) {
  if (!error || error.field !== field) return null;
  return (
    <p className="field-error" id={id} role="alert" data-testid="field-error">
      {error.message}
    </p>
  );
}

/** The answer controls of one item: options with their criteria, a score, or the named counts of a ratio. */
export function AnswerInputs({ item, fields, disabled, onChange, ratio, formatRatio, groupWeight, error = null, clearable = true }: Props) {
  const t = useT();
  const locale = useLocale();
  const base = `a-${item.id}`;
  if (item.options && item.options.length > 0) {
    return (
      <fieldset className="options" disabled={disabled}>
        <legend className="sr-only">{item.question}</legend>
        {item.options.map((o) => (
          <label key={o.code} className="option">
            <input type="radio" name="value" value={o.code} checked={fields.value === o.code} onChange={() => onChange("value", o.code)} />
            <strong>{o.code}</strong> — {o.criterion}
          </label>
        ))}
        {clearable && fields.value ? (
          <button type="button" className="link-button" onClick={() => onChange("value", "")}>
            {t("workbench.clear")}
          </button>
        ) : null}
      </fieldset>
    );
  }
  if (item.type === "percent") {
    return (
      <fieldset className="inputs" disabled={disabled}>
        <legend className="sr-only">{item.question}</legend>
        {(item.inputs ?? []).map((i) => (
          <div key={i.name}>
            <label htmlFor={`${base}-${i.name}`}>{i.label}</label>
            <input
              id={`${base}-${i.name}`}
              name={`in.${i.name}`}
              type="text"
              inputMode="numeric"
              pattern="[0-9]*"
              value={fields[`in.${i.name}`] ?? ""}
              onChange={(e) => onChange(`in.${i.name}`, e.target.value)}
              aria-invalid={error?.field === `in.${i.name}` || undefined}
              aria-describedby={error?.field === `in.${i.name}` ? `${base}-${i.name}-error` : undefined}
            />
            <FieldError id={`${base}-${i.name}-error`} error={error} field={`in.${i.name}`} />
          </div>
        ))}
        {ratio !== null ? <p data-testid={`ratio-${item.id}`}>{t("workbench.ratio", { ratio: formatRatio(ratio) })}</p> : null}
      </fieldset>
    );
  }
  const range = numberRange(item, groupWeight);
  const na = item.not_applicable && fields.value === NOT_APPLICABLE;
  return (
    <div className="number-answer">
      <label htmlFor={`${base}-value`}>
        {range ? t("workbench.range", { min: formatNumber(range.min, locale), max: formatNumber(range.max, locale) }) : item.type}
      </label>
      <input
        id={`${base}-value`}
        name={na ? undefined : "value"}
        type="text"
        inputMode="decimal"
        disabled={disabled || na}
        value={na ? "" : (fields.value ?? "")}
        onChange={(e) => onChange("value", e.target.value)}
        aria-invalid={error?.field === "value" || undefined}
        aria-describedby={error?.field === "value" ? `${base}-value-error` : undefined}
      />
      <FieldError id={`${base}-value-error`} error={error} field="value" />
      {item.not_applicable ? (
        <label className="option">
          {/* Without JavaScript the checkbox posts value=N/A itself (the number field is then ignored by the server). */}
          <input
            type="checkbox"
            name="value"
            value={NOT_APPLICABLE}
            checked={na}
            disabled={disabled}
            onChange={(e) => onChange("value", e.target.checked ? NOT_APPLICABLE : "")}
          />{" "}
          {t("workbench.notApplicable")}
          {na ? <span className="hint"> — {t("workbench.notApplicableHint")}</span> : null}
        </label>
      ) : null}
      {item.scorer ? <p className="hint">{t("workbench.scorer", { scorer: scorerText(item.scorer, t) })}</p> : null}
    </div>
  );
}
