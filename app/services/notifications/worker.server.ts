/**
 * The notification background loop of a server process: drains the mail outbox every few seconds and,
 * from 07:00 WIB (NOTIFY_DAILY_HOUR_WIB), runs the day's jobs. Every worker of every server runs it; the outbox claims and the
 * job_run row make sure each mail is sent once and each daily job runs once.
 */
import type { Db } from "#db/client.server";
import { mailEnabled, notificationConfig, type NotificationConfig } from "./config.server";
import { runDailyJobs } from "./daily.server";
import { sendDueMail, smtpTransport, type MailTransport } from "./outbox.server";

export const SEND_INTERVAL_MS = 15_000;
export const DAILY_CHECK_INTERVAL_MS = 5 * 60_000;

export interface NotificationWorker {
  stop(): void;
}

export function startNotificationWorker(
  db: Db,
  config: NotificationConfig = notificationConfig(),
  log: (msg: string) => void = console.error,
): NotificationWorker {
  let transport: MailTransport | null = null;
  let sending = false;
  let daily = false;
  const sendTick = async () => {
    if (sending || !mailEnabled(config)) return;
    sending = true;
    try {
      transport ??= smtpTransport(config.smtpUrl!);
      await sendDueMail(db, transport, { from: config.from });
    } catch (e) {
      log(`Mail outbox: ${(e as Error).message}`);
    } finally {
      sending = false;
    }
  };
  const dailyTick = async () => {
    const wibHour = (new Date().getUTCHours() + 7) % 24;
    // Daily jobs start at this hour (WIB), so reminders and digests arrive in the morning.
    if (daily || wibHour < config.dailyHourWib) return;
    daily = true;
    try {
      await runDailyJobs(db, { config });
    } catch (e) {
      log(`Daily notification jobs: ${(e as Error).message}`);
    } finally {
      daily = false;
    }
  };
  const timers = [setInterval(() => void sendTick(), SEND_INTERVAL_MS), setInterval(() => void dailyTick(), DAILY_CHECK_INTERVAL_MS)];
  for (const t of timers) t.unref();
  const first = setTimeout(() => void sendTick().then(dailyTick), 2_000);
  first.unref();
  return {
    stop() {
      clearTimeout(first);
      for (const t of timers) clearInterval(t);
      transport?.close();
    },
  };
}
