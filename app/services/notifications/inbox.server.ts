/**
 * A user's inbox and mail preference. Every function takes the acting user's id and touches only that
 * user's rows: someone else's notification is "not found", never readable or markable.
 */
import type { Db } from "#db/client.server";
import type { EmailMode } from "#db/schema";
import { notFound } from "~/auth/require.server";
import type { Locale } from "~/i18n";
import { parseParams, renderNotification } from "./messages";

export interface InboxEntry {
  id: string;
  kind: string;
  message: string;
  link: string;
  createdAt: string;
  read: boolean;
}

export const INBOX_PAGE_SIZE = 100;

/** The newest notifications first, rendered in the reader's language. */
export async function listInbox(db: Db, userId: string, locale: Locale, limit = INBOX_PAGE_SIZE): Promise<InboxEntry[]> {
  const rows = await db
    .selectFrom("notification")
    .select(["id", "kind", "params_json", "link", "created_at", "read_at"])
    .where("user_id", "=", userId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    message: renderNotification(locale, r.kind, parseParams(r.params_json)),
    link: r.link,
    createdAt: r.created_at,
    read: r.read_at !== null,
  }));
}

export async function unreadCount(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom("notification")
    .select((eb) => eb.fn.countAll<string | number>().as("n"))
    .where("user_id", "=", userId)
    .where("read_at", "is", null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Marks one of the user's notifications read (idempotent); 404 when it is not theirs. Returns its link. */
export async function markRead(db: Db, userId: string, notificationId: string, now = new Date()): Promise<string> {
  const row = await db
    .selectFrom("notification")
    .select(["id", "link", "read_at"])
    .where("id", "=", notificationId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  if (!row) throw notFound();
  if (!row.read_at)
    await db
      .updateTable("notification")
      .set({ read_at: now.toISOString() })
      .where("id", "=", row.id)
      .where("read_at", "is", null)
      .execute();
  return row.link;
}

export async function markAllRead(db: Db, userId: string, now = new Date()): Promise<number> {
  const r = await db
    .updateTable("notification")
    .set({ read_at: now.toISOString() })
    .where("user_id", "=", userId)
    .where("read_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function getEmailMode(db: Db, userId: string): Promise<EmailMode> {
  const row = await db.selectFrom("notification_pref").select("email_mode").where("user_id", "=", userId).executeTakeFirst();
  return row?.email_mode ?? "instant";
}

export async function setEmailMode(db: Db, userId: string, mode: EmailMode, now = new Date()): Promise<void> {
  await db
    .insertInto("notification_pref")
    .values({ user_id: userId, email_mode: mode, updated_at: now.toISOString() })
    .onConflict((oc) => oc.column("user_id").doUpdateSet({ email_mode: mode, updated_at: now.toISOString() }))
    .execute();
}
