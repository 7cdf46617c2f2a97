import { Form } from "@remix-run/react";
import type { InputHTMLAttributes, ReactNode } from "react";
import type { MessageKey, Params } from "~/i18n";
import { useT } from "~/i18n/use-t";

export interface ActionFeedback {
  ok: boolean;
  intent?: string;
  formError?: MessageKey;
  /** The parameters of formError ("5 di luar rentang 0–4"); numbers are written in the reader's locale. */
  formParams?: Params;
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
        {own ? t(own) : t(feedback.formError, feedback.formParams)}
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

/** A POST form for one intent of a multi-intent action, with the hidden fields that name its target. */
export function IntentForm({
  intent,
  fields = {},
  className,
  children,
}: {
  intent: string;
  fields?: Record<string, string>;
  className?: string;
  children: ReactNode;
}) {
  return (
    <Form method="post" className={className}>
      <input type="hidden" name="intent" value={intent} />
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {children}
    </Form>
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
    <IntentForm intent={intent} fields={fields} className={formClassName}>
      <button type="submit" className={className} disabled={disabled} data-testid={testId}>
        {children}
      </button>
    </IntentForm>
  );
}

interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "name" | "id"> {
  name: string;
  label: MessageKey;
  feedback?: ActionFeedback;
  idPrefix?: string;
  /** The control's id when it is not `${idPrefix}${name}`. */
  id?: string;
  /** A hint under the control (`${id}-help`), announced when there is no error. */
  help?: ReactNode;
}

export function Field({ name, label, feedback, idPrefix = "", id: ownId, help, defaultValue, type = "text", ...rest }: FieldProps) {
  const t = useT();
  const id = ownId ?? `${idPrefix}${name}`;
  const error = feedback?.fieldErrors?.[name];
  // Neither a password nor a file can be put back into an input.
  const kept = type === "password" || type === "file" ? undefined : feedback?.values?.[name];
  return (
    <div>
      <label htmlFor={id}>{t(label)}</label>
      <input
        id={id}
        name={name}
        type={type}
        defaultValue={type === "file" ? undefined : (kept ?? defaultValue)}
        {...errorAria(id, error, help ? `${id}-help` : undefined)}
        {...rest}
      />
      <FieldError id={id} error={error} />
      {help && (
        <p className="muted small" id={`${id}-help`}>
          {help}
        </p>
      )}
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

/** A card holding one POST form: its title, the form's feedback, the intent (when the action has several) and the submit row. */
export function FormCard({
  title,
  feedback,
  intent,
  submit,
  children,
}: {
  title: ReactNode;
  feedback?: ActionFeedback;
  intent?: string;
  submit: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="card">
      <h2>{title}</h2>
      <FormAlert feedback={feedback} />
      <Form method="post">
        {intent ? <input type="hidden" name="intent" value={intent} /> : null}
        {children}
        <SubmitRow>{submit}</SubmitRow>
      </Form>
    </section>
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
