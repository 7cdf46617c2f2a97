/**
 * Jobs that run once a day (WIB) across every worker and server: the stage-window reminder ("filling
 * closes in N days") and the daily digest mail. Whoever inserts the day's `job_run` row first runs the
 * job; every other worker's insert does nothing and it skips. A job that crashed half-way is not rerun
 * that day (its rows carry dedupe keys, so running it again by hand adds nothing twice).
 */
import type { Db } from "#db/client.server";
import { outlineOf } from "~/domain/instrument/outline";
import { translator } from "~/i18n";
import type { AssessmentContext } from "~/services/workbench/assessments.server";
import { getFrozenInstrument } from "~/services/instruments/frozen.server";
import { todayWib } from "~/services/workbench/rules";
import { mailEnabled, notificationConfig, type NotificationConfig } from "./config.server";
import { localeOf, parseParams, renderNotification } from "./messages";
import { assessmentLink, deliver, membersCovering, usersByIds, type Recipient } from "./notify.server";
import { composeMail, enqueueMail } from "./outbox.server";
import { sendRenaksiDueReminders } from "~/services/renaksi/reminders.server";

export const WINDOW_REMINDER_JOB = "window-reminder";
export const DIGEST_JOB = "mail-digest";

/** True for exactly one caller per (job, day): the one whose insert created the row. */
export async function claimJobRun(db: Db, job: string, day: string, now = new Date()): Promise<boolean> {
  const r = await db
    .insertInto("job_run")
    .values({ job, day, started_at: now.toISOString(), finished_at: null, result_json: null })
    .onConflict((oc) => oc.columns(["job", "day"]).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

async function finishJobRun(db: Db, job: string, day: string, result: unknown): Promise<void> {
  await db
    .updateTable("job_run")
    .set({ finished_at: new Date().toISOString(), result_json: JSON.stringify(result) })
    .where("job", "=", job)
    .where("day", "=", day)
    .execute();
}

const addDays = (isoDate: string, days: number) =>
  new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export interface DailyReport {
  day: string;
  /** null: another worker (or an earlier run) had this day's job. */
  reminders: number | null;
  digests: number | null;
}

/** Runs the day's jobs that have not run yet; safe to call from every worker, as often as wanted. */
export async function runDailyJobs(db: Db, opts: { now?: Date; config?: NotificationConfig } = {}): Promise<DailyReport> {
  const now = opts.now ?? new Date();
  const config = opts.config ?? notificationConfig();
  const day = todayWib(now);
  const report: DailyReport = { day, reminders: null, digests: null };
  if (await claimJobRun(db, WINDOW_REMINDER_JOB, day, now)) {
    report.reminders = (await sendWindowReminders(db, day, config, now)) + (await sendRenaksiDueReminders(db, day, config, now));
    await finishJobRun(db, WINDOW_REMINDER_JOB, day, { notifications: report.reminders });
  }
  if (mailEnabled(config) && (await claimJobRun(db, DIGEST_JOB, day, now))) {
    report.digests = await sendDigests(db, day, config, now);
    await finishJobRun(db, DIGEST_JOB, day, { mails: report.digests });
  }
  return report;
}

/** An assessment's context for a job: no actor, so no permission check (callers decide recipients themselves). */
async function unsafeAssessmentContext(db: Db, assessmentId: string): Promise<AssessmentContext | null> {
  const assessment = await db.selectFrom("assessment").selectAll().where("id", "=", assessmentId).executeTakeFirst();
  if (!assessment) return null;
  const unit = await db.selectFrom("unit").selectAll().where("id", "=", assessment.unit_id).executeTakeFirstOrThrow();
  const period = await db.selectFrom("period").selectAll().where("id", "=", assessment.period_id).executeTakeFirstOrThrow();
  const org = await db.selectFrom("organisation").select("name").where("id", "=", assessment.organisation_id).executeTakeFirstOrThrow();
  return { assessment, unit, period, organisationName: org.name, instrument: await getFrozenInstrument(db, assessment.instrument_hash) };
}

/**
 * Periods whose filling or review window ends `config.windowDays` days after `day`: for filling, each
 * assigned user with unanswered items in their part (everyone's count to the coordinators; the unit's
 * assessors when nobody is assigned); for review, the coordinators of assessments still under review.
 */
export async function sendWindowReminders(
  db: Db,
  day: string,
  config: NotificationConfig = notificationConfig(),
  now = new Date(),
): Promise<number> {
  const target = addDays(day, config.windowDays);
  const periods = await db
    .selectFrom("period")
    .select(["id", "fill_end", "review_end"])
    .where("status", "=", "open")
    .where((eb) => eb.or([eb("fill_end", "=", target), eb("review_end", "=", target)]))
    .execute();
  let created = 0;
  for (const period of periods) {
    const stages: ("fill" | "review")[] = [];
    if (period.fill_end === target) stages.push("fill");
    if (period.review_end === target) stages.push("review");
    for (const stage of stages) {
      const statuses = stage === "fill" ? (["draft", "returned"] as const) : (["submitted", "returned"] as const);
      const assessments = await db
        .selectFrom("assessment")
        .select("id")
        .where("period_id", "=", period.id)
        .where("status", "in", statuses)
        .execute();
      for (const { id } of assessments) {
        const ctx = await unsafeAssessmentContext(db, id);
        if (!ctx) continue;
        const base = { unit: ctx.unit.name, period: ctx.period.name, days: config.windowDays, date: target };
        const dedupe = `window:${stage}:${id}:${day}`;
        if (stage === "review") {
          const coordinators = await membersCovering(db, ctx.unit, ["coordinator"]);
          created += await deliver(
            db,
            coordinators,
            { kind: "window_review", assessmentId: id, itemId: null, params: base, link: assessmentLink(id), dedupeKey: dedupe },
            config,
            now,
          );
          continue;
        }
        for (const [recipients, open] of await openItemsByUser(db, ctx)) {
          created += await deliver(
            db,
            recipients,
            { kind: "window_fill", assessmentId: id, itemId: null, params: { ...base, open }, link: assessmentLink(id), dedupeKey: dedupe },
            config,
            now,
          );
        }
      }
    }
  }
  return created;
}

/** Groups of recipients with their count of unanswered items in one assessment (groups with none left out). */
async function openItemsByUser(db: Db, ctx: AssessmentContext): Promise<[Recipient[], number][]> {
  const outline = outlineOf(ctx.instrument);
  const answered = new Set(
    (
      await db
        .selectFrom("answer")
        .select("item_id")
        .where("assessment_id", "=", ctx.assessment.id)
        .where("layer", "=", "self")
        .where("value_json", "is not", null)
        .execute()
    ).map((r) => r.item_id),
  );
  const openIn = (nodeId: string) => {
    let n = 0;
    for (const area of outline.areas) {
      for (const g of area.groups) if (area.id === nodeId || g.id === nodeId) for (const item of g.items) if (!answered.has(item.id)) n++;
    }
    return n;
  };
  const total = [...outline.items.keys()].filter((id) => !answered.has(id)).length;
  if (total === 0) return [];
  const out: [Recipient[], number][] = [];
  const assignments = await db
    .selectFrom("assignment")
    .select(["user_id", "node_id"])
    .where("assessment_id", "=", ctx.assessment.id)
    .execute();
  const perUser = new Map<string, number>();
  for (const a of assignments) perUser.set(a.user_id, (perUser.get(a.user_id) ?? 0) + openIn(a.node_id));
  const coordinators = await membersCovering(db, ctx.unit, ["coordinator"]);
  const coordinatorIds = new Set(coordinators.map((c) => c.id));
  if (assignments.length === 0) {
    const assessors = (await membersCovering(db, ctx.unit, ["assessor"])).filter((u) => !coordinatorIds.has(u.id));
    if (assessors.length > 0) out.push([assessors, total]);
  } else {
    const users = await usersByIds(
      db,
      [...perUser.keys()].filter((id) => !coordinatorIds.has(id)),
    );
    for (const u of users) if ((perUser.get(u.id) ?? 0) > 0) out.push([[u], perUser.get(u.id)!]);
  }
  if (coordinators.length > 0) out.push([coordinators, total]);
  return out;
}

/** One mail per digest user with their unread notifications not mailed before; marks them mailed. */
export async function sendDigests(
  db: Db,
  day: string,
  config: NotificationConfig = notificationConfig(),
  now = new Date(),
): Promise<number> {
  const users = await db
    .selectFrom("notification_pref")
    .innerJoin("user", "user.id", "notification_pref.user_id")
    .select(["user.id", "user.email", "user.locale"])
    .where("notification_pref.email_mode", "=", "digest")
    .where("user.disabled_at", "is", null)
    .execute();
  let mails = 0;
  for (const user of users) {
    const rows = await db
      .selectFrom("notification")
      .select(["id", "kind", "params_json", "link"])
      .where("user_id", "=", user.id)
      .where("read_at", "is", null)
      .where("mailed_at", "is", null)
      .orderBy("created_at")
      .limit(200)
      .execute();
    if (rows.length === 0) continue;
    const locale = localeOf(user.locale);
    const t = translator(locale);
    const entries = rows.map((r) => ({ message: renderNotification(locale, r.kind, parseParams(r.params_json)), link: r.link }));
    const composed = composeMail(
      config,
      locale,
      t("notify.mail.digestSubject", { count: rows.length }),
      entries,
      t("notify.mail.digestIntro"),
    );
    await db.transaction().execute(async (trx) => {
      if (await enqueueMail(trx, { dedupeKey: `digest:${user.id}:${day}`, to: user.email, ...composed, userId: user.id, now })) mails++;
      await trx
        .updateTable("notification")
        .set({ mailed_at: now.toISOString() })
        .where(
          "id",
          "in",
          rows.map((r) => r.id),
        )
        .execute();
    });
  }
  return mails;
}
