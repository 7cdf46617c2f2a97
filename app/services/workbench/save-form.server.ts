import { z } from "zod";
import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import { outlineOf } from "~/domain/instrument/outline";
import type { FieldErrors } from "~/utils/forms";
import { leanSaveAnswer } from "./answer-save-lean.server";
import { saveAnswer, WorkbenchError, type SaveResult } from "./answers.server";
import type { AssessmentContext } from "./assessments.server";
import { BlindError, raterRound, saveIndividualAnswer } from "~/services/blind/rounds.server";
import { answerFromFields, type AnswerProblem } from "./rules";

/** A refusal at one field: the message (with the range or the count's label) shown there and as the form's message. */
const atField = (p: AnswerProblem, itemId: string | null) =>
  ({ status: 400, body: { ok: false, formError: p.key, fieldErrors: { [p.field]: p.key }, formParams: p.params, itemId } }) as const;

const SaveFieldsSchema = z.object({
  itemId: z.string().min(1, "error.required").max(64, "error.invalid"),
  baseVersion: z.coerce.number({ message: "error.invalid" }).int("error.invalid").min(0, "error.invalid"),
  note: z.string().max(4000, "error.tooLong").optional(),
  overrideReason: z.string().max(1000, "error.tooLong").optional(),
});

export type SaveFormOutcome =
  | { status: 200; body: Extract<SaveResult, { ok: true }> }
  | { status: 409; body: Extract<SaveResult, { ok: false }> }
  | { status: 400; body: { ok: false; formError: string; fieldErrors: FieldErrors; itemId: string | null; formParams?: AnswerProblem["params"] } };

/** Validates a posted answer form (autosave or plain post) and saves it; every refusal is a readable 4xx. */
export async function saveFromForm(db: Db, actor: Actor, ctx: AssessmentContext, values: Record<string, string>): Promise<SaveFormOutcome> {
  const parsed = SaveFieldsSchema.safeParse(values);
  const itemId = typeof values.itemId === "string" ? values.itemId : null;
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join(".") ?? "_form";
    return { status: 400, body: { ok: false, formError: "error.form", fieldErrors: { [field]: "error.invalid" }, itemId } };
  }
  const item = outlineOf(ctx.instrument).items.get(parsed.data.itemId);
  if (!item) return { status: 400, body: { ok: false, formError: "workbench.unknownItem", fieldErrors: {}, itemId } };
  const answer = answerFromFields(item, values);
  if (!answer.ok && answer.problem) return atField(answer.problem, itemId);
  if (!answer.ok) return { status: 400, body: { ok: false, formError: "workbench.invalidAnswer", fieldErrors: { [answer.field]: "error.invalid" }, itemId } };
  const input = { itemId: item.id, baseVersion: parsed.data.baseVersion, value: answer.value, note: parsed.data.note ?? null, overrideReason: parsed.data.overrideReason ?? null };
  // PostgreSQL: the common case in one statement; anything else (and SQLite) takes the path below.
  const fast = await leanSaveAnswer(db, actor, ctx, input);
  if (fast) return { status: 200, body: fast };
  // A named rater of the item's open blind round (issue #14) writes their own individual answer, never the self layer.
  const areaId = outlineOf(ctx.instrument).areaOfItem.get(item.id)!;
  const blind = await raterRound(db, actor, ctx, areaId);
  const result = await (blind ? saveIndividualAnswer(db, actor, ctx, input) : saveAnswer(db, actor, ctx, input)).catch((e: unknown) => {
    if (e instanceof WorkbenchError || e instanceof BlindError) return e;
    throw e;
  });
  if (result instanceof WorkbenchError && result.problem) return atField(result.problem, itemId);
  if (result instanceof WorkbenchError || result instanceof BlindError) return { status: 400, body: { ok: false, formError: result.key, fieldErrors: {}, itemId } };
  return result.ok ? { status: 200, body: result } : { status: 409, body: result };
}
