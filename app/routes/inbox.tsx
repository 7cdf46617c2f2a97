import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/require.server";
import { PostButton } from "~/components/form";
import { getDb } from "~/db.server";
import { formatDate } from "~/i18n";
import { getLocale } from "~/i18n/locale.server";
import { useLocale, useT } from "~/i18n/use-t";
import { listInbox, markAllRead, markRead, unreadCount } from "~/services/notifications/inbox.server";
import { badRequest, parseForm, readFormData } from "~/utils/forms";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle("inbox.title");

// The signed-in user's own notifications only: every query below is keyed by user.id.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const locale = await getLocale(request, user);
  return { entries: await listInbox(db, user.id, locale), unread: await unreadCount(db, user.id) };
}

const NotificationId = z.string({ required_error: "error.required" }).trim().min(1, "error.required").max(100, "error.invalid");
const InboxActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("read"), id: NotificationId }),
  /** Marks the entry read and goes where it points: the "open" link works without JavaScript too. */
  z.object({ intent: z.literal("open"), id: NotificationId }),
  z.object({ intent: z.literal("read-all") }),
]);

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const parsed = parseForm(await readFormData(request), InboxActionSchema);
  if (!parsed.ok) return badRequest(parsed);
  const input = parsed.value;
  if (input.intent === "read-all") {
    await markAllRead(db, user.id);
    return redirect("/inbox");
  }
  const link = await markRead(db, user.id, input.id);
  return redirect(input.intent === "open" && link.startsWith("/") && !link.startsWith("//") ? link : "/inbox");
}

export default function Inbox() {
  const { entries, unread } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("inbox.title")}</h1>
      <p className="muted">
        {t("notify.bellUnread", { count: unread })} · <Link to="/account#notifications">{t("inbox.preferences")}</Link>
      </p>
      {unread > 0 ? (
        <Form method="post">
          <input type="hidden" name="intent" value="read-all" />
          <button type="submit" className="secondary" data-testid="inbox-read-all">
            {t("inbox.markAllRead")}
          </button>
        </Form>
      ) : null}
      {entries.length === 0 ? (
        <p data-testid="inbox-empty">{t("inbox.empty")}</p>
      ) : (
        <ul className="inbox" data-testid="inbox">
          {entries.map((e) => (
            <li key={e.id} className={e.read ? "inbox-entry" : "inbox-entry unread"} data-testid={`inbox-${e.id}`}>
              <p>
                {e.read ? null : <strong className="badge">{t("inbox.unread")}</strong>} {e.message}
              </p>
              <p className="muted">
                <time dateTime={e.createdAt}>{formatDate(e.createdAt, locale)}</time>
              </p>
              <div className="inline-actions">
                <PostButton intent="open" fields={{ id: e.id }} formClassName="inline-form">
                  {t("inbox.open")}
                </PostButton>
                {e.read ? null : (
                  <PostButton intent="read" fields={{ id: e.id }} formClassName="inline-form" className="link-button">
                    {t("inbox.markRead")}
                  </PostButton>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
