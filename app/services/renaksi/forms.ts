import { z } from "zod";
import { emptyToNull } from "~/utils/forms";
import { parseDecimal } from "~/services/workbench/rules";

/*
 * The plan forms' fields (Zod): decimals typed with a comma or a dot, optional texts, dates and the
 * four quarters. Every action of the plan pages parses with these, so bad input is a 400 in the form.
 */

const decimal = z.preprocess(
  emptyToNull,
  z
    .string()
    .transform((s, ctx) => {
      const n = parseDecimal(s);
      if (n === null || n < 0) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: "renaksi.notANumber" });
        return z.NEVER;
      }
      return n;
    })
    .nullable(),
);
export const OptionalDecimal = decimal;

/**
 * A rupiah amount: whole or decimal, with the grouping people type ("15.000.000", "15,000,000",
 * "15 000 000", "Rp 15.000.000") or without ("15000000"). Several separators of one kind are grouping;
 * a single separator followed by exactly three digits is grouping too (amounts are rarely fractional).
 */
export function parseAmount(raw: string): number | null {
  const t = raw.trim().replace(/^Rp\.?\s*/i, "").replace(/\s/g, "");
  if (/^\d{1,3}(\.\d{3})+(,\d+)?$/.test(t)) return Number(t.replace(/\./g, "").replace(",", "."));
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) return Number(t.replace(/,/g, ""));
  return parseDecimal(t);
}

const amount = z.preprocess(
  emptyToNull,
  z
    .string()
    .transform((s, ctx) => {
      const n = parseAmount(s);
      if (n === null || n < 0) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: "renaksi.notAnAmount" });
        return z.NEVER;
      }
      return n;
    })
    .nullable(),
);
const text = (max: number) => z.preprocess(emptyToNull, z.string().trim().max(max, "error.tooLong").nullable());
const required = (max: number) => z.string({ required_error: "error.required" }).trim().min(1, "error.required").max(max, "error.tooLong");
const isoDate = z.preprocess(emptyToNull, z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "error.invalidDate").nullable());
const id = z.string({ required_error: "error.required" }).trim().min(1, "error.required").max(64, "error.invalid");
const year = z.coerce.number({ message: "error.invalidYear" }).int("error.invalidYear").min(2024, "renaksi.yearFrom").max(2100, "error.invalidYear");

export const CreatePlanSchema = z.object({ organisationId: id, year });

export const TargetSchema = z.object({
  indicatorCode: required(16),
  baselineYear: z.preprocess(emptyToNull, z.coerce.number({ message: "error.invalidYear" }).int("error.invalidYear").min(2000, "error.invalidYear").max(2100, "error.invalidYear").nullable()),
  baselineValue: decimal,
  target: decimal,
  unit: text(100),
  note: text(4000),
});

export const RemoveSchema = z.object({ id });
export const ActionSchema = z.object({ parentId: id, text: required(2000) });
export const ActionUpdateSchema = z.object({ id, text: required(2000) });

export const OutputSchema = z.object({
  indicator: required(1000),
  unit: required(100),
  targetTw1: decimal,
  targetTw2: decimal,
  targetTw3: decimal,
  targetTw4: decimal,
  budgetTotal: amount,
  implementer: text(300),
  coordinator: text(300),
  focus: text(64),
});
export const OutputAddSchema = OutputSchema.extend({ actionId: id });
export const OutputUpdateSchema = OutputSchema.extend({ id });

export const MonevSchema = z.object({
  id,
  quarter: z.coerce.number().int().min(1, "error.invalid").max(4, "error.invalid"),
  realisation: decimal,
  budgetRealisation: amount,
  note: text(4000),
});

export const RealisationSchema = z.object({ id, realisasi: decimal, note: text(4000) });

export const GradeSchema = z.object({
  criterion: required(32),
  grade: z.preprocess(emptyToNull, z.enum(["A", "B", "C", "D", "E", "YA", "TIDAK"], { message: "renaksi.badGradeField" }).nullable()),
  note: text(4000),
  recommendation: text(4000),
});

export const EvaluatorNoteSchema = z.object({ entity: z.enum(["target", "output", "tematik"]), id, note: text(4000) });

export const TematikNodeSchema = z.object({
  theme: required(32),
  kind: z.enum(["sasaran", "indikator_roadmap", "permasalahan", "indikator_permasalahan"]),
  parentId: z.preprocess(emptyToNull, id.nullable()),
  name: required(1000),
  goal: text(1000),
  target: decimal,
  unit: text(100),
});

export const ScheduleSchema = z.object({
  mode: z.enum(["portal", "strict"]),
  planOpen: isoDate,
  planClose: isoDate,
  monevOpen: isoDate,
  monevClose: isoDate,
  gradingClose: isoDate,
  dueTw1: isoDate,
  dueTw2: isoDate,
  dueTw3: isoDate,
  dueTw4: isoDate,
});
