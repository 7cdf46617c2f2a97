import { Form } from "@remix-run/react";
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

/** The aria attributes of a control that may carry an error; `describedBy` is used when there is none. */
export function errorAria(id: string, error: MessageKey | undefined, describedBy?: string) {
  return { "aria-invalid": error ? true : undefined, "aria-describedby": error ? `${id}-error` : describedBy };
}

/** The error line under a control (`${id}-error`, which errorAria points at); nothing without an error. */
export function FieldError({ id, error }: { id: string; error: MessageKey | undefined }) {
  const t = useT();
  if (!error) return null;
  return (
    <p className="field-error" id={`${id}-error`}>
      {t(error)}
    </p>
  );
}

/** A POST form of one button: the intent, the hidden fields that name its target, and the submit button. */
export function PostButton({
  intent,
  fields = {},
  className,
  formClassName,
  disabled,
  testId,
  children,
}: {
  intent: string;
  fields?: Record<string, string>;
  className?: string;
  formClassName?: string;
  disabled?: boolean;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <Form method="post" className={formClassName}>
      <input type="hidden" name="intent" value={intent} />
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" className={className} disabled={disabled} data-testid={testId}>
        {children}
      </button>
    </Form>
  );
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
      <input id={id} name={name} type={type} defaultValue={kept ?? defaultValue} {...errorAria(id, error)} {...rest} />
      <FieldError id={id} error={error} />
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
      <select id={id} name={name} defaultValue={feedback?.values?.[name] ?? defaultValue} required={required} {...errorAria(id, error)}>
        {children}
      </select>
      <FieldError id={id} error={error} />
    </div>
  );
}

/** A form's submit button on its own line. */
export function SubmitRow({ testId, disabled, children }: { testId?: string; disabled?: boolean; children: ReactNode }) {
  return (
    <p>
      <button type="submit" disabled={disabled} data-testid={testId}>
        {children}
      </button>
    </p>
  );
}

/** A new password and its confirmation, as account and set-password forms ask for them. */
export function NewPasswordFields({ feedback }: { feedback?: ActionFeedback }) {
  return (
    <>
      <Field
        name="password"
        type="password"
        label="account.newPassword"
        autoComplete="new-password"
        required
        minLength={10}
        feedback={feedback}
      />
      <Field name="confirm" type="password" label="account.confirmPassword" autoComplete="new-password" required feedback={feedback} />
    </>
  );
}
