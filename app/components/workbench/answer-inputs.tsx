import type { Item } from "~/domain/instrument/schema";
import { useT } from "~/i18n/use-t";

interface Props {
  item: Item;
  fields: Record<string, string>;
  disabled: boolean;
  onChange: (name: string, value: string) => void;
  /** For percent items: the current value v in [0,1] computed by the engine, shown as the ratio. */
  ratio: number | null;
  formatRatio: (v: number) => string;
}

/** The answer controls of one item: options with their criteria, a score, or the named counts of a ratio. */
export function AnswerInputs({ item, fields, disabled, onChange, ratio, formatRatio }: Props) {
  const t = useT();
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
        {fields.value ? (
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
            />
          </div>
        ))}
        {ratio !== null ? <p data-testid={`ratio-${item.id}`}>{t("workbench.ratio", { ratio: formatRatio(ratio) })}</p> : null}
      </fieldset>
    );
  }
  const range = item.type === "external_points" ? null : `${item.scale?.min ?? 0}–${item.scale?.max ?? (item.type === "survey_0_4" ? 4 : 100)}`;
  return (
    <div>
      <label htmlFor={`${base}-value`}>
        {item.type} {range ? `(${range})` : ""}
      </label>
      <input
        id={`${base}-value`}
        name="value"
        type="text"
        inputMode="decimal"
        disabled={disabled}
        value={fields.value ?? ""}
        onChange={(e) => onChange("value", e.target.value)}
      />
    </div>
  );
}
