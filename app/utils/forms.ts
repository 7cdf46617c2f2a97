import { data } from "@remix-run/node";
import type { z } from "zod";
import { isMessageKey, type MessageKey } from "~/i18n";

export type FieldErrors = Partial<Record<string, MessageKey>>;

export interface FormFailure {
  ok: false;
  formError: MessageKey;
  fieldErrors: FieldErrors;
  values: Record<string, string>;
}

/** Form fields as plain strings (files are ignored here; upload routes read them separately). */
export function formValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value === "string" && !(key in values)) values[key] = value;
  }
  return values;
}

/** Maps Zod issues to message keys; an issue whose message is not a key becomes "error.invalid". */
export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.join(".") || "_form";
    if (out[field]) continue;
    out[field] = isMessageKey(issue.message)
      ? issue.message
      : issue.code === "invalid_type" && issue.received === "undefined"
        ? "error.required"
        : "error.invalid";
  }
  return out;
}

export type Parsed<T> = { ok: true; value: T } | FormFailure;

export function parseForm<S extends z.ZodTypeAny>(formData: FormData, schema: S): Parsed<z.infer<S>> {
  const values = formValues(formData);
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, formError: "error.form", fieldErrors: fieldErrorsOf(result.error), values };
}

/** A 400 answer the form renders: the message, per-field errors and the user's input, so nothing is lost. */
export function badRequest(failure: Omit<FormFailure, "ok"> & { intent?: string }) {
  return data({ ok: false as const, ...failure }, { status: 400 });
}

export function formFailure(formError: MessageKey, values: Record<string, string>, fieldErrors: FieldErrors = {}) {
  return badRequest({ formError, fieldErrors, values });
}

/** Empty or missing form fields mean "not given". */
export function emptyToNull(v: unknown): unknown {
  return v === undefined || (typeof v === "string" && v.trim() === "") ? null : v;
}

/** Domain rule errors carry a message key; they become a 400 in the form that caused them. */
export function ruleFailure(error: unknown, values: Record<string, string>, intent?: string) {
  if (error instanceof Error && "key" in error && isMessageKey((error as { key: unknown }).key)) {
    // A refusal with parameters (an answer out of range) keeps them, so the message names the value and the range.
    const problem = (error as { problem?: { params?: Record<string, string | number> } }).problem;
    return badRequest({ formError: (error as { key: MessageKey }).key, ...(problem?.params ? { formParams: problem.params } : {}), fieldErrors: {}, values, intent });
  }
  throw error;
}

/** request.formData() throws on a malformed body (bad multipart, wrong content type); that is the client's fault: 400. */
export async function readFormData(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw new Response("error.badRequest", { status: 400, statusText: "Bad Request" });
  }
}

/** A posted form whose `intent` is one the route knows: its fields, their values for re-display, and `fail` (a 400 that keeps the intent). */
export interface IntentForm<T extends string> {
  formData: FormData;
  values: Record<string, string>;
  intent: T;
  fail: (failure: FormFailure) => ReturnType<typeof badRequest>;
}

/**
 * Reads a posted form with several intents (one action, many buttons). An intent outside `intents`
 * comes back as `{ rejected }`, a 400 "unknown intent" with the values kept, for the action to return.
 */
export async function readIntentForm<T extends string>(
  request: Request,
  intents: z.ZodEnum<[T, ...T[]]>,
): Promise<IntentForm<T> | { rejected: ReturnType<typeof formFailure> }> {
  const formData = await readFormData(request);
  const values = formValues(formData);
  const parsed = intents.safeParse(formData.get("intent"));
  if (!parsed.success) return { rejected: formFailure("error.unknownIntent", values) };
  const intent = parsed.data as T;
  return { formData, values, intent, fail: (failure) => badRequest({ ...failure, intent }) };
}
