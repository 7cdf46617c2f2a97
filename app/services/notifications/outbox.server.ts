/**
 * The mail outbox: enqueueing (deduplicated), composing the plain-text/HTML body, and the sender that
 * drains due rows over SMTP. A sender claims a row with a conditional UPDATE (pending, due, not leased
 * by someone else) and only the sender whose UPDATE changed the row sends it, so two workers or two
 * servers never send the same row. Failures back off exponentially; rows are never deleted.
 */
import type { ExpressionBuilder } from "kysely";
import nodemailer from "nodemailer";
import type { Db } from "#db/client.server";
import type { Database, MailOutbox } from "#db/schema";
import { translator, type Locale } from "~/i18n";
import { newId } from "~/utils/ids";
import { absoluteUrl, type NotificationConfig } from "./config.server";

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  /** Stable per outbox row, so a receiving server can recognise a repeat after a crash mid-send. */
  messageId: string;
}

/** Delivers one message or throws (an SMTP `responseCode` on the error says whether a retry can help). */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** Timeouts well inside the claim lease: a send finishes (or fails) before another sender may take the row. */
const SMTP_TIMEOUT_MS = 30_000;
export const CLAIM_LEASE_MS = 10 * 60_000;
export const BASE_BACKOFF_MS = 30_000;
export const MAX_BACKOFF_MS = 3_600_000;
/** After this many failed attempts (about a day with the backoff cap) a row is marked failed. */
export const MAX_ATTEMPTS = 30;
/** Dedupe-key prefix of set-password mail: its text holds a live token, so it is blanked once sent. */
export const SET_PASSWORD_MAIL = "set-password";
const REDACTED = "[one-time set-password link removed after sending]";

export function smtpTransport(smtpUrl: string): MailTransport {
  const transporter = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
  });
  return {
    async send(mail) {
      await transporter.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.html ? { html: mail.html } : {}),
        messageId: mail.messageId,
      });
    },
    close: () => transporter.close(),
  };
}

/** Wait before attempt n+1 after n failed attempts: 30 s × 2^(n−1), at most an hour. */
export function backoffMs(failedAttempts: number): number {
  return Math.min(BASE_BACKOFF_MS * 2 ** Math.max(0, failedAttempts - 1), MAX_BACKOFF_MS);
}

export interface EnqueueInput {
  dedupeKey: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  userId?: string | null;
  notificationId?: string | null;
  now?: Date;
}

/** Adds a mail to the outbox unless one with the same dedupe key exists; true when it was added. */
export async function enqueueMail(db: Db, input: EnqueueInput): Promise<boolean> {
  const now = (input.now ?? new Date()).toISOString();
  const r = await db
    .insertInto("mail_outbox")
    .values({
      id: newId(),
      notification_id: input.notificationId ?? null,
      user_id: input.userId ?? null,
      to_address: input.to,
      subject: input.subject,
      text: input.text,
      html: input.html,
      status: "pending",
      attempts: 0,
      next_attempt_at: now,
      claimed_until: null,
      claim_token: null,
      last_error: null,
      sent_at: null,
      created_at: now,
      dedupe_key: input.dedupeKey,
    })
    .onConflict((oc) => oc.column("dedupe_key").doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** Subject, text and HTML of a mail holding one or more messages, each with its absolute link. */
export function composeMail(
  config: NotificationConfig,
  locale: Locale,
  subject: string,
  entries: { message: string; link: string }[],
  intro?: string,
) {
  const t = translator(locale);
  const account = absoluteUrl(config, "/account");
  const footer = t("notify.mail.footer", { url: account });
  const blocks = entries.map((e) => `${e.message}\n${t("notify.mail.open")} ${absoluteUrl(config, e.link)}`);
  const text = [...(intro ? [intro] : []), ...blocks, `-- \n${footer}`].join("\n\n");
  const htmlBlocks = entries.map((e) => {
    const url = escapeHtml(absoluteUrl(config, e.link));
    return `<p>${escapeHtml(e.message)}<br>${escapeHtml(t("notify.mail.open"))} <a href="${url}">${url}</a></p>`;
  });
  const html = `<!doctype html><html lang="${locale}"><body>${intro ? `<p>${escapeHtml(intro)}</p>` : ""}${htmlBlocks.join("")}<hr><p style="color:#666">${escapeHtml(footer)}</p></body></html>`;
  return { subject: `${t("notify.mail.subjectPrefix")} ${subject}`, text, html };
}

export interface SendReport {
  sent: number;
  retried: number;
  failed: number;
}

const leaseFree = (now: string) => (eb: ExpressionBuilder<Database, "mail_outbox">) =>
  eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<", now)]);

/** Is this SMTP error about the recipient itself (mailbox unknown or refused), so a retry cannot help? */
function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: unknown })?.responseCode;
  return typeof code === "number" && code >= 550 && code <= 553;
}

/**
 * Sends the due mail: claims up to `limit` pending rows whose next attempt is due, sends each, marks it
 * sent; on failure counts the attempt and schedules the next one (backoffMs), or marks it failed when the
 * recipient is refused or after MAX_ATTEMPTS. Safe to run in several processes at once.
 */
export async function sendDueMail(
  db: Db,
  transport: MailTransport,
  opts: { from: string; now?: () => Date; limit?: number },
): Promise<SendReport> {
  const clock = opts.now ?? (() => new Date());
  const report: SendReport = { sent: 0, retried: 0, failed: 0 };
  const startedAt = clock().toISOString();
  const due = await db
    .selectFrom("mail_outbox")
    .select("id")
    .where("status", "=", "pending")
    .where("next_attempt_at", "<=", startedAt)
    .where(leaseFree(startedAt))
    .orderBy("next_attempt_at")
    .orderBy("id")
    .limit(opts.limit ?? 50)
    .execute();
  for (const { id } of due) {
    const row = await claim(db, id, clock());
    if (!row) continue;
    const token = row.claim_token!;
    try {
      await transport.send({
        from: opts.from,
        to: row.to_address,
        subject: row.subject,
        text: row.text,
        html: row.html,
        messageId: `<${row.id}@cermin>`,
      });
    } catch (error) {
      const attempts = row.attempts + 1;
      const failed = isPermanent(error) || attempts >= MAX_ATTEMPTS;
      await db
        .updateTable("mail_outbox")
        .set({
          status: failed ? "failed" : "pending",
          attempts,
          next_attempt_at: new Date(clock().getTime() + backoffMs(attempts)).toISOString(),
          last_error: String((error as Error)?.message ?? error).slice(0, 1000),
          claimed_until: null,
          claim_token: null,
        })
        .where("id", "=", row.id)
        .where("claim_token", "=", token)
        .execute();
      if (failed) report.failed++;
      else report.retried++;
      continue;
    }
    await db
      .updateTable("mail_outbox")
      .set({
        status: "sent",
        attempts: row.attempts + 1,
        sent_at: clock().toISOString(),
        last_error: null,
        claimed_until: null,
        claim_token: null,
        // The token is stored only hashed elsewhere; the outbox does not keep it readable either.
        ...(row.dedupe_key.startsWith(`${SET_PASSWORD_MAIL}:`) ? { text: REDACTED, html: null } : {}),
      })
      .where("id", "=", row.id)
      .where("claim_token", "=", token)
      .execute();
    report.sent++;
  }
  return report;
}

/** Takes the row for this sender, or null when another sender holds it or it is no longer due. */
async function claim(db: Db, id: string, at: Date): Promise<MailOutbox | null> {
  const now = at.toISOString();
  const token = newId();
  const r = await db
    .updateTable("mail_outbox")
    .set({ claimed_until: new Date(at.getTime() + CLAIM_LEASE_MS).toISOString(), claim_token: token })
    .where("id", "=", id)
    .where("status", "=", "pending")
    .where("next_attempt_at", "<=", now)
    .where(leaseFree(now))
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return null;
  return (await db.selectFrom("mail_outbox").selectAll().where("id", "=", id).where("claim_token", "=", token).executeTakeFirst()) ?? null;
}
