/*
 * The start page (issue #27): each role's work in one place. Assessors and coordinators see their
 * open assessments with progress (and, for an assessor, the areas assigned to them), items sent back
 * to them, and filling or review windows closing within two weeks; coordinators the submissions
 * awaiting their review; evaluators their queue (submitted or final assessments in their scope);
 * everyone their latest notifications. Everything is read through the same scope rules as the pages
 * it links to (listAssessments, canOnUnit).
 */
import type { Db } from "#db/client.server";
import type { AssessmentStatus } from "#db/schema";
import type { Actor } from "~/auth/permissions";
import type { Locale } from "~/i18n";
import { listInbox, type InboxEntry } from "~/services/notifications/inbox.server";
import { outlineOf } from "~/domain/instrument/outline";
import { getFrozenInstrument, publishedInstrumentsIn } from "~/services/instruments/frozen.server";
import { canOnUnit, listAssessments } from "./assessments.server";
import { todayWib } from "./rules";

export interface StartAssessment {
  id: string;
  unitName: string;
  organisationName: string;
  year: number;
  instrumentId: string;
  status: AssessmentStatus;
  answered: number;
  itemCount: number | null;
  /** Node ids assigned to this user in the assessment (empty: none assigned to them). */
  assigned: string[];
  /** The window that applies now and its last day (YYYY-MM-DD), or null when the period sets none. */
  window: { kind: "fill" | "review"; end: string; daysLeft: number } | null;
}

export interface StartPage {
  work: StartAssessment[];
  returned: Array<{ assessmentId: string; unitName: string; year: number; itemId: string; areaId: string | null }>;
  closingSoon: StartAssessment[];
  toReview: StartAssessment[];
  toEvaluate: StartAssessment[];
  notifications: InboxEntry[];
}

/** Windows closing within this many days are listed as closing soon. */
export const CLOSING_SOON_DAYS = 14;

const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

export async function startPage(db: Db, actor: Actor, locale: Locale): Promise<StartPage> {
  const [rows, instruments, notifications] = await Promise.all([
    listAssessments(db, actor),
    publishedInstrumentsIn(db),
    listInbox(db, actor.id, locale, 5),
  ]);
  const itemCount = new Map(instruments.map((i) => [i.id, i.itemCount]));
  const ids = rows.map((r) => r.id);
  const [units, periods, assignments, returned] = ids.length
    ? await Promise.all([
        db
          .selectFrom("assessment")
          .innerJoin("unit", "unit.id", "assessment.unit_id")
          .select(["assessment.id", "assessment.instrument_hash", "unit.organisation_id", "unit.path"])
          .where("assessment.id", "in", ids)
          .execute(),
        db
          .selectFrom("assessment")
          .innerJoin("period", "period.id", "assessment.period_id")
          .select(["assessment.id", "period.fill_end", "period.review_end"])
          .where("assessment.id", "in", ids)
          .execute(),
        db
          .selectFrom("assignment")
          .select(["assessment_id", "node_id"])
          .where("user_id", "=", actor.id)
          .where("assessment_id", "in", ids)
          .execute(),
        db
          .selectFrom("answer")
          .select(["assessment_id", "item_id"])
          .where("layer", "=", "self")
          .where("review_status", "=", "returned")
          .where("assessment_id", "in", ids)
          .orderBy("item_id")
          .execute(),
      ])
    : [[], [], [], []];
  const released = ids.length
    ? await db
        .selectFrom("layer_release")
        .select(["assessment_id", "layer"])
        .where("assessment_id", "in", ids)
        .where("revoked_at", "is", null)
        .execute()
    : [];
  const unitOf = new Map(units.map((u) => [u.id, u]));
  const periodOf = new Map(periods.map((p) => [p.id, p]));
  const today = todayWib();
  const may = (id: string, action: Parameters<typeof canOnUnit>[1]) => {
    const u = unitOf.get(id);
    return !!u && canOnUnit(actor, action, { organisation_id: u.organisation_id, path: u.path });
  };
  const view = (r: (typeof rows)[number]): StartAssessment => {
    const p = periodOf.get(r.id);
    const kind = r.status === "submitted" ? "review" : r.status === "final" ? null : "fill";
    const end = kind === "fill" ? p?.fill_end : kind === "review" ? p?.review_end : null;
    return {
      id: r.id,
      unitName: r.unitName,
      organisationName: r.organisationName,
      year: r.year,
      instrumentId: r.instrumentId,
      status: r.status,
      answered: r.answered,
      itemCount: itemCount.get(r.instrumentId) ?? null,
      assigned: assignments.filter((a) => a.assessment_id === r.id).map((a) => a.node_id),
      window: kind && end ? { kind, end, daysLeft: daysBetween(today, end) } : null,
    };
  };
  const editable = rows.filter(
    (r) => (r.status === "draft" || r.status === "returned") && (may(r.id, "assessment.fill") || may(r.id, "assessment.review")),
  );
  const work = editable.map(view);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return {
    work,
    returned: await Promise.all(
      returned
        .filter((a) => editable.some((r) => r.id === a.assessment_id))
        .slice(0, 50)
        .map(async (a) => {
          // The item's area, so the link opens the item where it is edited.
          const hash = unitOf.get(a.assessment_id)?.instrument_hash;
          const areaId = hash ? (outlineOf(await getFrozenInstrument(db, hash)).areaOfItem.get(a.item_id) ?? null) : null;
          const r = byId.get(a.assessment_id)!;
          return { assessmentId: a.assessment_id, unitName: r.unitName, year: r.year, itemId: a.item_id, areaId };
        }),
    ),
    closingSoon: rows
      .filter((r) => r.status !== "final" && (may(r.id, "assessment.fill") || may(r.id, "assessment.review")))
      .map(view)
      .filter((a) => a.window && a.window.daysLeft >= 0 && a.window.daysLeft <= CLOSING_SOON_DAYS)
      .sort((a, b) => a.window!.daysLeft - b.window!.daysLeft),
    toReview: rows.filter((r) => r.status === "submitted" && may(r.id, "assessment.review")).map(view),
    // The evaluator's queue: submitted or final assessments where a layer they score is not released yet.
    toEvaluate: rows
      .filter((r) => (r.status === "submitted" || r.status === "final") && may(r.id, "evaluation.read"))
      .filter((r) => {
        const mine = (["internal", "external"] as const).filter((l) =>
          may(r.id, l === "internal" ? "evaluation.internal" : "evaluation.external"),
        );
        return mine.some((l) => !released.some((x) => x.assessment_id === r.id && x.layer === l));
      })
      .map(view),
    notifications,
  };
}
