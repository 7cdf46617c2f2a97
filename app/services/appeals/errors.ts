import type { AppealRefusal } from "~/domain/appeal/eligibility";

/** Keys of the appeal service's refusals (messages in app/i18n/appeals.*.ts). */
export type AppealErrorKey =
  | AppealRefusal
  | "appeal.reasonRequired"
  | "appeal.fileRequired"
  | "appeal.fileType"
  | "appeal.unknownItem"
  | "appeal.notFound"
  | "appeal.cannotDecide"
  | "appeal.ownAppeal"
  | "appeal.alreadyDecided"
  | "appeal.responseRequired"
  | "appeal.valueRequired"
  | "appeal.window.invalidDates"
  | "appeal.window.order"
  | "appeal.window.unknownInstrument"
  | "appeal.window.unknownOrganisation";

/** A refusal the user can act on: the message key, its parameters and the HTTP status the route answers with. */
export class AppealError extends Error {
  constructor(
    public readonly key: AppealErrorKey,
    public readonly status: 400 | 403 | 404 | 409 = 400,
    public readonly params: Record<string, string | number> = {},
  ) {
    super(key);
  }
}
