import type { Item } from "~/domain/instrument/schema";
import type { IsoDate } from "./window";

/*
 * Whether a row (item) of an assessment's evaluator layer may be appealed now, pure, so the page that
 * offers "Ajukan sanggah" and the service that files it give the same answer (spec rb-2024 §4.1). The
 * first reason that applies is returned, as a message key; null means the row may be appealed.
 */

export const APPEAL_REFUSALS = [
  "appeal.refused.notOwnOrganisation",
  "appeal.refused.notAppealable",
  "appeal.refused.notReleased",
  "appeal.refused.noEvaluatorValue",
  "appeal.refused.alreadyOpen",
  "appeal.refused.noWindow",
  "appeal.refused.notYetOpen",
  "appeal.refused.windowClosed",
] as const;
export type AppealRefusal = (typeof APPEAL_REFUSALS)[number];

/**
 * Rows whose value is not the evaluator's judgement cannot be appealed through the LKE: a value computed
 * from the Rencana Aksi (`computed_from`) is appealed where it is graded, in the LKE Renaksi.
 */
export function isAppealableItem(item: Pick<Item, "computed_from"> | undefined): boolean {
  return !!item && !item.computed_from;
}

export interface EligibilityInput {
  /** The actor belongs to the assessment's organisation and may fill its assessment (the team). */
  ownTeam: boolean;
  appealable: boolean;
  /** The evaluator layer is released and the release is not revoked. */
  released: boolean;
  /** The layer holds a value for the row (not just a note). */
  hasEvaluatorValue: boolean;
  /** An appeal of this row and layer is still `diajukan`. */
  openAppeal: boolean;
  /** The window that applies (null: none, e.g. never released and no explicit window). */
  window: { opensOn: IsoDate; closesOn: IsoDate } | null;
  today: IsoDate;
}

export function appealRefusal(i: EligibilityInput): AppealRefusal | null {
  if (!i.ownTeam) return "appeal.refused.notOwnOrganisation";
  if (!i.appealable) return "appeal.refused.notAppealable";
  if (!i.released) return "appeal.refused.notReleased";
  if (!i.hasEvaluatorValue) return "appeal.refused.noEvaluatorValue";
  if (i.openAppeal) return "appeal.refused.alreadyOpen";
  if (!i.window) return "appeal.refused.noWindow";
  if (i.today < i.window.opensOn) return "appeal.refused.notYetOpen";
  if (i.today > i.window.closesOn) return "appeal.refused.windowClosed";
  return null;
}
