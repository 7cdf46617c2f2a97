/**
 * Notification settings from the environment: the SMTP server and sender (mail is off without them),
 * the public base URL mail links point at, and how many days ahead the stage-window reminder looks.
 */
export interface NotificationConfig {
  /** `smtp://user:pass@host:port` or `smtps://…`; null = in-app notifications only. */
  smtpUrl: string | null;
  from: string;
  /** Absolute base URL without a trailing slash, e.g. `https://cermin.example.go.id`. */
  publicUrl: string;
  windowDays: number;
  /** The hour (WIB, 0–23) from which the day's jobs run: NOTIFY_DAILY_HOUR_WIB, default 7. */
  dailyHourWib: number;
}

export const DEFAULT_PUBLIC_URL = "http://localhost:3000";
export const DEFAULT_WINDOW_DAYS = 3;
export const DEFAULT_DAILY_HOUR_WIB = 7;

export function notificationConfig(env: Record<string, string | undefined> = process.env): NotificationConfig {
  const smtpUrl = env.SMTP_URL?.trim() || null;
  const publicUrl = (env.PUBLIC_URL?.trim() || (env.APP_ORIGIN ?? "").split(",")[0]?.trim() || DEFAULT_PUBLIC_URL).replace(/\/+$/, "");
  const days = Number(env.NOTIFY_WINDOW_DAYS);
  const hour = Number(env.NOTIFY_DAILY_HOUR_WIB?.trim() || DEFAULT_DAILY_HOUR_WIB);
  return {
    smtpUrl,
    from: env.MAIL_FROM?.trim() || "Cermin <no-reply@localhost>",
    publicUrl,
    windowDays: Number.isInteger(days) && days >= 0 && days <= 60 ? days : DEFAULT_WINDOW_DAYS,
    dailyHourWib: Number.isInteger(hour) && hour >= 0 && hour <= 23 ? hour : DEFAULT_DAILY_HOUR_WIB,
  };
}

export function mailEnabled(config: NotificationConfig = notificationConfig()): boolean {
  return config.smtpUrl !== null;
}

/** The absolute URL of an app path (which may carry a `#fragment`). */
export function absoluteUrl(config: NotificationConfig, pathname: string): string {
  return `${config.publicUrl}${pathname.startsWith("/") ? "" : "/"}${pathname}`;
}
