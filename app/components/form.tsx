import type { InputHTMLAttributes, ReactNode } from "react";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";

export interface ActionFeedback {
  ok: boolean;
  intent?: string;
  formError?: MessageKey;
  fieldErrors?: Partial<Record<string, MessageKey>>;
  values?: Record<string, string>;
  message?: MessageKey;
}

/** Narrows useActionData() output to the feedback of one form (by intent) so errors land in the right form. */
export function feedbackFor(data: unknown, intent?: string): ActionFeedback | undefined {
  if (!data || typeof data !== "object") return undefined;
  const fb = data as ActionFeedback;
  if (intent !== undefined && fb.intent !== undefined && fb.intent !== intent) return undefined;
  return fb;
}

export function FormAlert({ feedback }: { feedback?: ActionFeedback }) {
  const t = useT();
  if (!feedback) return null;
  if (!feedback.ok && feedback.formError) {
    const own = feedback.fieldErrors?._form;
    return (
      <p className="alert alert-error" role="alert">
        {t(own ?? feedback.formError)}
      </p>
    );
  }
  if (feedback.ok && feedback.message) {
    return (
      <p className="alert alert-ok" role="status">
        {t(feedback.message)}
      </p>
    );
  }
  return null;
}

interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "name"> {
  name: string;
  label: MessageKey;
  feedback?: ActionFeedback;
  idPrefix?: string;
}

export function Field({ name, label, feedback, idPrefix = "", defaultValue, type = "text", ...rest }: FieldProps) {
  const t = useT();
  const id = `${idPrefix}${name}`;
  const error = feedback?.fieldErrors?.[name];
  const kept = type === "password" ? undefined : feedback?.values?.[name];
  return (
    <div>
      <label htmlFor={id}>{t(label)}</label>
      <input
        id={id}
        name={name}
        type={type}
        defaultValue={kept ?? defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        {...rest}
      />
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {t(error)}
        </p>
      ) : null}
    </div>
  );
}

interface SelectProps {
  name: string;
  label: MessageKey;
  feedback?: ActionFeedback;
  idPrefix?: string;
  defaultValue?: string;
  required?: boolean;
  children: ReactNode;
}

export function SelectField({ name, label, feedback, idPrefix = "", defaultValue, required, children }: SelectProps) {
  const t = useT();
  const id = `${idPrefix}${name}`;
  const error = feedback?.fieldErrors?.[name];
  return (
    <div>
      <label htmlFor={id}>{t(label)}</label>
      <select
        id={id}
        name={name}
        defaultValue={feedback?.values?.[name] ?? defaultValue}
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      >
        {children}
      </select>
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {t(error)}
        </p>
      ) : null}
    </div>
  );
}
