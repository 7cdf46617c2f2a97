/**
 * Notifications end to end against a real SMTP server (smtp-server, started here on a free port):
 * who gets an inbox row for which event, what arrives by mail (recipient, language, the exact-item
 * link), the outbox surviving a mail server that is down and sending each message exactly once when
 * it is back, two senders at once, the daily reminder once across workers, digest and "off".
 */
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Db } from "#db/client.server";
import type { Actor } from "~/auth/permissions";
import { loadActor } from "~/auth/require.server";
import { outlineOf } from "~/domain/instrument/outline";
import { reviewItem } from "~/services/workbench/answers.server";
import { requireAssessment, type AssessmentContext } from "~/services/workbench/assessments.server";
import { createAssessments } from "~/services/workbench/rollout.server";
import { releaseLayer, saveEvaluatorAnswer } from "~/services/evaluation/layers.server";
import type { NotificationConfig } from "~/services/notifications/config.server";
import { runDailyJobs } from "~/services/notifications/daily.server";
import { getEmailMode, setEmailMode } from "~/services/notifications/inbox.server";
import { mailPasswordLink } from "~/services/notifications/notify.server";
import { backoffMs, enqueueMail, sendDueMail, smtpTransport, type MailTransport } from "~/services/notifications/outbox.server";
import { todayWib } from "~/services/workbench/rules";
import { setAssignment, submitAssessment } from "~/services/workbench/workflow.server";
import { newId } from "~/utils/ids";
import * as accountRoute from "~/routes/account";
import * as inboxRoute from "~/routes/inbox";
import { freshDb } from "../helpers/db";
import { makeOrg, makeUnit, makeUser, sessionCookie, makePeriod } from "../helpers/factories";
import { callAction, callLoader } from "../helpers/remix";
import { withTempDataDir } from "../helpers/world";

interface Received {
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

/** A real SMTP server on 127.0.0.1 that keeps every message it accepts. */
class MailSink {
  received: Received[] = [];
  private server: SMTPServer | null = null;
  port = 0;

  async start(port = 0): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            this.received.push({
              to: session.envelope.rcptTo.map((r) => r.address),
              subject: mail.subject ?? "",
              text: mail.text ?? "",
              html: typeof mail.html === "string" ? mail.html : "",
              messageId: mail.messageId ?? "",
            });
            callback();
          })
          .catch((e: Error) => callback(e));
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  to(address: string): Received[] {
    return this.received.filter((m) => m.to.includes(address));
  }
}

const sink = new MailSink();
let db: Db;
let config: NotificationConfig;
let transport: MailTransport;
let coordinator: Actor;
let assessorId: string;
let assessorEmail: string;
let englishId: string;
let englishEmail: string;
let coordinatorEmail: string;
let evaluator: Actor;
let outsiderId: string;
let ctx: AssessmentContext;
let areaA: string;
let areaB: string;
let areaC: string;
let itemInA: string;
const savedEnv: Record<string, string | undefined> = {};
/** The sender's clock, `ms` after `base`: the outbox's due times are compared with it. */
const after = (base: number, ms: number) => () => new Date(base + ms);
const HOUR = 3_600_000;

async function actorOf(id: string): Promise<Actor> {
  return loadActor(db, await db.selectFrom("user").selectAll().where("id", "=", id).executeTakeFirstOrThrow());
}

const inboxOf = (userId: string) => db.selectFrom("notification").selectAll().where("user_id", "=", userId).orderBy("created_at").execute();
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  withTempDataDir();
  db = await freshDb();
  await sink.start();
  config = {
    smtpUrl: `smtp://127.0.0.1:${sink.port}`,
    from: "Cermin <cermin@test.local>",
    publicUrl: "https://cermin.test",
    windowDays: 3,
    dailyHourWib: 7,
  };
  for (const k of ["SMTP_URL", "MAIL_FROM", "PUBLIC_URL", "NOTIFY_WINDOW_DAYS"]) savedEnv[k] = process.env[k];
  // The services' own notify calls read the environment, like the server does.
  process.env.SMTP_URL = config.smtpUrl!;
  process.env.MAIL_FROM = config.from;
  process.env.PUBLIC_URL = config.publicUrl;
  process.env.NOTIFY_WINDOW_DAYS = "3";
  transport = smtpTransport(config.smtpUrl!);

  const org = await makeOrg(db);
  const other = await makeOrg(db);
  const eselon1 = await makeUnit(db, org.id, null, "Ditjen Uji");
  const unit = await makeUnit(db, org.id, eselon1, "Kantor Layanan Uji");
  const coord = await makeUser(db, { role: "coordinator", organisationId: org.id, unitId: eselon1.id });
  coordinatorEmail = coord.email;
  ({ id: assessorId, email: assessorEmail } = await makeUser(db, { role: "assessor", organisationId: org.id, unitId: unit.id }));
  ({ id: englishId, email: englishEmail } = await makeUser(db, { role: "assessor", organisationId: org.id, unitId: unit.id }));
  await db.updateTable("user").set({ locale: "en" }).where("id", "=", englishId).execute();
  const ev = await makeUser(db, { role: "evaluator", organisationId: org.id });
  outsiderId = (await makeUser(db, { role: "coordinator", organisationId: other.id })).id;
  coordinator = await actorOf(coord.id);
  evaluator = await actorOf(ev.id);
  const today = todayWib();
  const periodId = await makePeriod(db, org.id, 2025, { fill_end: addDays(today, 3), review_end: addDays(today, 10) });
  const [assessmentId] = (
    await createAssessments(
      db,
      { id: coord.id, isAdmin: true, memberships: [] },
      { unitIds: [unit.id], periodId, instrumentId: "zi-2021", carryForward: false },
    )
  ).created;
  ctx = await requireAssessment(db, coordinator, assessmentId!);
  const areas = outlineOf(ctx.instrument).areas;
  [areaA, areaB, areaC] = [areas[0]!.id, areas[1]!.id, areas[2]!.id];
  itemInA = areas[0]!.groups[0]!.items[0]!.id;
});

afterAll(async () => {
  transport?.close();
  await sink.stop();
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

test("an assignment notifies the assigned assessors, each by mail in their own language with the area link", async () => {
  await setAssignment(db, coordinator, ctx, areaA, assessorId, true);
  await setAssignment(db, coordinator, ctx, areaA, englishId, true);
  expect((await inboxOf(assessorId)).map((n) => n.kind)).toEqual(["assigned"]);
  expect((await inboxOf(englishId)).map((n) => n.kind)).toEqual(["assigned"]);
  expect(await inboxOf(coordinator.id)).toEqual([]);
  expect(await inboxOf(outsiderId)).toEqual([]);

  expect(await sendDueMail(db, transport, { from: config.from })).toEqual({ sent: 2, retried: 0, failed: 0 });
  const [id] = sink.to(assessorEmail);
  const [en] = sink.to(englishEmail);
  expect(sink.received).toHaveLength(2);
  expect(id!.subject).toContain("Anda ditugaskan");
  expect(en!.subject).toContain("You were assigned");
  expect(en!.text).toContain("Open in Cermin:");
  const link = `https://cermin.test/assessments/${ctx.assessment.id}/areas/${areaA}`;
  expect(id!.text).toContain(link);
  expect(en!.html).toContain(`href="${link}"`);
});

test("submit notifies the unit's coordinators; a send-back notifies the item's assessors with the exact-item link", async () => {
  const assessor = await actorOf(assessorId);
  await submitAssessment(db, assessor, ctx, null);
  const coordInbox = await inboxOf(coordinator.id);
  expect(coordInbox.map((n) => n.kind)).toEqual(["submitted"]);
  expect(await inboxOf(outsiderId)).toEqual([]);

  ctx = await requireAssessment(db, coordinator, ctx.assessment.id);
  await reviewItem(db, coordinator, ctx, itemInA, "returned", "Lengkapi SK tim");
  const returned = (await inboxOf(englishId)).filter((n) => n.kind === "item_returned");
  expect(returned).toHaveLength(1);
  const itemLink = `/assessments/${ctx.assessment.id}/areas/${areaA}#item-${itemInA}`;
  expect(returned[0]!.link).toBe(itemLink);
  expect(returned[0]!.item_id).toBe(itemInA);
  expect((await inboxOf(assessorId)).filter((n) => n.kind === "item_returned")).toHaveLength(1);
  expect((await inboxOf(coordinator.id)).filter((n) => n.kind === "item_returned")).toHaveLength(0);

  sink.received = [];
  await sendDueMail(db, transport, { from: config.from });
  expect(sink.to(coordinatorEmail)).toHaveLength(1);
  const mail = sink.to(englishEmail);
  expect(mail).toHaveLength(1);
  expect(mail[0]!.subject).toContain(`Item ${itemInA}`);
  expect(mail[0]!.text).toContain(`https://cermin.test${itemLink}`);
  expect(mail[0]!.text).toContain("Lengkapi SK tim");
  expect(sink.to(assessorEmail)[0]!.subject).toContain(`Butir ${itemInA}`);
});

test("with the mail server down the outbox keeps the mail with growing backoff; back up, each is sent exactly once", async () => {
  await sink.stop();
  sink.received = [];
  await setAssignment(db, coordinator, ctx, areaB, assessorId, true);
  await setAssignment(db, coordinator, ctx, areaB, englishId, true);
  const pending = () => db.selectFrom("mail_outbox").selectAll().where("status", "=", "pending").orderBy("id").execute();
  expect(await pending()).toHaveLength(2);
  const t0 = Date.now();
  const at = (ms: number) => after(t0, ms);

  expect(await sendDueMail(db, transport, { from: config.from, now: at(0) })).toEqual({ sent: 0, retried: 2, failed: 0 });
  let rows = await pending();
  expect(rows.map((r) => r.attempts)).toEqual([1, 1]);
  expect(rows.every((r) => r.last_error && Date.parse(r.next_attempt_at) >= t0 + backoffMs(1) - 5)).toBe(true);
  // Not due yet: nothing is attempted.
  expect(await sendDueMail(db, transport, { from: config.from, now: at(10_000) })).toEqual({ sent: 0, retried: 0, failed: 0 });
  expect(await sendDueMail(db, transport, { from: config.from, now: at(31_000) })).toEqual({ sent: 0, retried: 2, failed: 0 });
  rows = await pending();
  expect(rows.map((r) => r.attempts)).toEqual([2, 2]);
  expect(Date.parse(rows[0]!.next_attempt_at) - (t0 + 31_000)).toBeGreaterThanOrEqual(backoffMs(2) - 5);
  expect(backoffMs(2)).toBe(2 * backoffMs(1));
  expect(backoffMs(20)).toBe(HOUR);

  await sink.start(sink.port);
  const back = at(31_000 + backoffMs(2) + 1_000);
  expect(await sendDueMail(db, transport, { from: config.from, now: back })).toEqual({ sent: 2, retried: 0, failed: 0 });
  expect(await sendDueMail(db, transport, { from: config.from, now: at(2 * HOUR) })).toEqual({ sent: 0, retried: 0, failed: 0 });
  expect(sink.to(assessorEmail)).toHaveLength(1);
  expect(sink.to(englishEmail)).toHaveLength(1);
  expect(await pending()).toEqual([]);
  const sent = await db
    .selectFrom("mail_outbox")
    .select(["status", "attempts", "sent_at"])
    .where("dedupe_key", "like", `mail:assigned:${ctx.assessment.id}:${areaB}:%`)
    .execute();
  expect(sent.map((r) => [r.status, r.attempts])).toEqual([
    ["sent", 3],
    ["sent", 3],
  ]);
});

test("two sender loops running at once never send a row twice", async () => {
  sink.received = [];
  const keys = Array.from({ length: 12 }, (_, i) => `test-parallel:${i}`);
  for (const k of keys)
    await enqueueMail(db, { dedupeKey: k, to: `parallel-${k.split(":")[1]}@test.local`, subject: k, text: k, html: null });
  // The same event enqueued again adds nothing.
  expect(await enqueueMail(db, { dedupeKey: keys[0]!, to: "parallel-0@test.local", subject: "again", text: "again", html: null })).toBe(
    false,
  );
  const second = smtpTransport(config.smtpUrl!);
  try {
    const reports = await Promise.all([sendDueMail(db, transport, { from: config.from }), sendDueMail(db, second, { from: config.from })]);
    expect(reports[0]!.sent + reports[1]!.sent).toBe(12);
  } finally {
    second.close();
  }
  const subjects = sink.received.map((m) => m.subject).sort();
  expect(subjects).toEqual([...keys].sort());
  expect(new Set(sink.received.map((m) => m.messageId)).size).toBe(12);
});

test("the daily job run by two workers on the same day sends one stage-window reminder per person", async () => {
  sink.received = [];
  const morning = new Date();
  const runs = await Promise.all([runDailyJobs(db, { now: morning, config }), runDailyJobs(db, { now: morning, config })]);
  const ran = runs.filter((r) => r.reminders !== null);
  expect(ran).toHaveLength(1);
  expect(ran[0]!.reminders).toBeGreaterThan(0);
  expect((await runDailyJobs(db, { now: morning, config })).reminders).toBeNull();
  await sendDueMail(db, transport, { from: config.from });
  const reminder = (email: string) => sink.to(email).filter((m) => /Jadwal pengisian|Filling the assessment/.test(m.subject));
  expect(reminder(assessorEmail)).toHaveLength(1);
  expect(reminder(englishEmail)).toHaveLength(1);
  expect(reminder(englishEmail)[0]!.subject).toContain("closes in 3 days");
  expect(reminder(coordinatorEmail)).toHaveLength(1);
  expect((await inboxOf(assessorId)).filter((n) => n.kind === "window_fill")).toHaveLength(1);
  expect(await db.selectFrom("job_run").select(["job", "day"]).where("job", "=", "window-reminder").execute()).toHaveLength(1);
});

test("digest users get one summary mail a day; users who chose off get none", async () => {
  await setEmailMode(db, englishId, "digest");
  await setEmailMode(db, assessorId, "off");
  sink.received = [];
  const before = await db.selectFrom("mail_outbox").select("id").execute();
  await setAssignment(db, coordinator, ctx, areaC, englishId, true);
  await setAssignment(db, coordinator, ctx, areaC, assessorId, true);
  expect((await inboxOf(englishId)).filter((n) => n.kind === "assigned")).toHaveLength(3);
  expect((await inboxOf(assessorId)).filter((n) => n.kind === "assigned")).toHaveLength(3);
  expect(await db.selectFrom("mail_outbox").select("id").execute()).toHaveLength(before.length);

  const tomorrow = new Date(Date.now() + 24 * HOUR);
  const runs = await Promise.all([runDailyJobs(db, { now: tomorrow, config }), runDailyJobs(db, { now: tomorrow, config })]);
  expect(runs.map((r) => r.digests).sort()).toEqual([1, null]);
  await sendDueMail(db, transport, { from: config.from, now: () => tomorrow });
  const digest = sink.to(englishEmail);
  expect(digest).toHaveLength(1);
  expect(digest[0]!.subject).toMatch(/Daily summary: \d+ unread notifications/);
  expect(digest[0]!.text).toContain(`https://cermin.test/assessments/${ctx.assessment.id}/areas/${areaC}`);
  expect(sink.to(assessorEmail)).toHaveLength(0);
  // The same notifications never go out in a second digest.
  const later = new Date(Date.now() + 48 * HOUR);
  expect((await runDailyJobs(db, { now: later, config })).digests).toBe(0);
  await setEmailMode(db, englishId, "instant");
  await setEmailMode(db, assessorId, "instant");
});

test("evaluator send-backs reach the unit only when the layer is released, with the release", async () => {
  sink.received = [];
  ctx = await requireAssessment(db, evaluator, ctx.assessment.id);
  const itemInB = outlineOf(ctx.instrument).areas[1]!.groups[0]!.items[0]!.id;
  await saveEvaluatorAnswer(db, evaluator, ctx, {
    layer: "external",
    itemId: itemInB,
    decision: "send_back",
    value: null,
    note: null,
    recommendation: "Bukti tidak relevan",
  });
  expect((await inboxOf(assessorId)).filter((n) => n.kind === "evaluator_returned")).toHaveLength(0);
  await releaseLayer(db, evaluator, ctx, "external");
  const forAssessor = await inboxOf(assessorId);
  expect(forAssessor.filter((n) => n.kind === "results_released")).toHaveLength(1);
  const returned = forAssessor.filter((n) => n.kind === "evaluator_returned");
  expect(returned).toHaveLength(1);
  expect(returned[0]!.link).toBe(`/assessments/${ctx.assessment.id}/areas/${areaB}#item-${itemInB}`);
  expect((await inboxOf(coordinator.id)).filter((n) => n.kind === "evaluator_returned")).toHaveLength(1);
  expect(await inboxOf(evaluator.id)).toEqual([]);
  await sendDueMail(db, transport, { from: config.from });
  expect(
    sink
      .to(englishEmail)
      .map((m) => m.subject)
      .join(" | "),
  ).toContain("TPN (external)");
});

test("the inbox page: newest first, mark one read, mark all read, nobody else's entries", async () => {
  const cookie = await sessionCookie(db, assessorId);
  const page = await callLoader(inboxRoute, { path: "/inbox", cookie });
  expect(page.status).toBe(200);
  const { entries, unread } = page.data as { entries: { id: string; createdAt: string; read: boolean; message: string }[]; unread: number };
  expect(entries.length).toBeGreaterThan(3);
  expect(unread).toBe(entries.length);
  expect([...entries].map((e) => e.createdAt)).toEqual(
    [...entries]
      .map((e) => e.createdAt)
      .sort()
      .reverse(),
  );
  expect(entries.some((e) => e.message.startsWith("Anda ditugaskan"))).toBe(true);

  const someoneElses = (await inboxOf(englishId))[0]!;
  const refused = await callAction(inboxRoute, { path: "/inbox", cookie, form: { intent: "read", id: someoneElses.id } });
  expect(refused.status).toBe(404);
  expect(
    (await db.selectFrom("notification").select("read_at").where("id", "=", someoneElses.id).executeTakeFirstOrThrow()).read_at,
  ).toBeNull();

  const opened = await callAction(inboxRoute, { path: "/inbox", cookie, form: { intent: "open", id: entries[0]!.id } });
  expect(opened.status).toBe(302);
  expect(opened.location).toBe(
    (await db.selectFrom("notification").select("link").where("id", "=", entries[0]!.id).executeTakeFirstOrThrow()).link,
  );
  expect(((await callLoader(inboxRoute, { path: "/inbox", cookie })).data as { unread: number }).unread).toBe(entries.length - 1);

  expect((await callAction(inboxRoute, { path: "/inbox", cookie, form: { intent: "read-all" } })).status).toBe(302);
  expect(((await callLoader(inboxRoute, { path: "/inbox", cookie })).data as { unread: number }).unread).toBe(0);
  expect((await inboxOf(englishId)).some((n) => n.read_at === null)).toBe(true);
  expect((await callAction(inboxRoute, { path: "/inbox", cookie, form: { intent: "bogus" } })).status).toBe(400);
});

test("with SMTP configured the set-password link goes by mail and is blanked in the outbox once sent", async () => {
  sink.received = [];
  const token = "tok-" + newId();
  expect(await mailPasswordLink(db, englishId, token)).toBe(true);
  await sendDueMail(db, transport, { from: config.from });
  const [mail] = sink.to(englishEmail);
  expect(mail!.subject).toContain("Set the password");
  expect(mail!.text).toContain(`https://cermin.test/set-password/${token}`);
  const stored = await db
    .selectFrom("mail_outbox")
    .select(["text", "status"])
    .where("dedupe_key", "like", "set-password:%")
    .executeTakeFirstOrThrow();
  expect(stored.status).toBe("sent");
  expect(stored.text).not.toContain(token);
  expect(await mailPasswordLink(db, englishId, token, { ...config, smtpUrl: null })).toBe(false);
});

test("the account page saves the mail preference and refuses an unknown one readably", async () => {
  const cookie = await sessionCookie(db, assessorId);
  const saved = await callAction(accountRoute, { path: "/account", cookie, form: { intent: "notifications", emailMode: "digest" } });
  expect(saved.status).toBe(200);
  expect(await getEmailMode(db, assessorId)).toBe("digest");
  expect(((await callLoader(accountRoute, { path: "/account", cookie })).data as { emailMode: string }).emailMode).toBe("digest");
  const refused = await callAction(accountRoute, { path: "/account", cookie, form: { intent: "notifications", emailMode: "hourly" } });
  expect(refused.status).toBe(400);
  expect((refused.data as { fieldErrors: Record<string, string> }).fieldErrors.emailMode).toBe("error.invalid");
  expect(await getEmailMode(db, assessorId)).toBe("digest");
  await setEmailMode(db, assessorId, "instant");
});
