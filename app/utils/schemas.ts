import { z } from "zod";
import { MEMBERSHIP_ROLES, ORGANISATION_KINDS } from "#db/schema";
import { UNIT_KINDS } from "~/services/admin/unit-kinds";
import { emptyToNull } from "./forms";

const name = z.string({ required_error: "error.required" }).trim().min(2, "error.required").max(200, "error.tooLong");
const optionalCode = z.preprocess(emptyToNull, z.string().trim().max(50, "error.tooLong").nullable());
const id = z.string({ required_error: "error.required" }).trim().min(1, "error.required").max(64, "error.invalid");
const optionalId = z.preprocess(emptyToNull, id.nullable());
const isoDate = z.preprocess(
  emptyToNull,
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "error.invalidDate")
    .refine((s) => !Number.isNaN(Date.parse(s)), "error.invalidDate")
    .nullable(),
);

export const OrganisationSchema = z.object({
  name,
  kind: z.enum(ORGANISATION_KINDS, { message: "error.invalid" }),
  code: optionalCode,
});

export const UnitFieldsSchema = z.object({
  name,
  kind: z.enum(UNIT_KINDS, { message: "error.invalid" }),
  code: optionalCode,
});

export const PeriodWindowsSchema = z.object({
  fillStart: isoDate,
  fillEnd: isoDate,
  reviewEnd: isoDate,
  evaluationEnd: isoDate,
});

export const PeriodSchema = PeriodWindowsSchema.extend({
  year: z.coerce.number({ message: "error.invalidYear" }).int("error.invalidYear").min(2000, "error.invalidYear").max(2100, "error.invalidYear"),
});

/** Restoring an organisation: a written reason, logged. */
export const OrganisationRestoreSchema = z.object({
  reason: z.string({ required_error: "orgs.reasonRequired" }).trim().min(3, "orgs.reasonRequired").max(1000, "error.tooLong"),
});

/** Archiving one also needs the consequence (members lose access) explicitly confirmed. */
export const OrganisationArchiveSchema = OrganisationRestoreSchema.extend({
  confirm: z.literal("yes", { errorMap: () => ({ message: "orgs.archiveConfirmRequired" }) }),
});

export { id as IdSchema, optionalId as OptionalIdSchema };

/** One <select> value names the organisation and optionally a unit: "orgId" or "orgId/unitId". */
export const ScopeFieldSchema = z
  .string({ required_error: "error.required" })
  .trim()
  .min(1, "error.required")
  .max(140, "error.invalid")
  .transform((v, ctx) => {
    const [organisationId, unitId, extra] = v.split("/");
    if (!organisationId || extra !== undefined || unitId === "") {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "error.invalid" });
      return z.NEVER;
    }
    return { organisationId, unitId: unitId ?? null };
  });

export const ScopedRoleSchema = z.object({
  scope: ScopeFieldSchema,
  role: z.enum(MEMBERSHIP_ROLES, { message: "error.invalid" }),
});

export const CreateUserFormSchema = ScopedRoleSchema.extend({
  email: z.string({ required_error: "error.required" }).trim().toLowerCase().max(254, "error.tooLong").email("error.invalidEmail"),
  name,
});
