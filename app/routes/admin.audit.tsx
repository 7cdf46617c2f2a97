import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { scopesFor } from "~/auth/permissions";
import { forbidden, requireUser } from "~/auth/require.server";
import { getDb } from "~/db.server";
import { formatDate } from "~/i18n";
import { useLocale, useT } from "~/i18n/use-t";
import { TableCard } from "~/components/list";

const PAGE = 200;

/** The latest audit entries of the organisations where the user may read the log. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const orgIds = [...new Set(scopesFor(user, "audit.read").filter((m) => m.unitPath === null).map((m) => m.organisationId))];
  if (!user.isAdmin && orgIds.length === 0) throw forbidden();
  let q = getDb()
    .selectFrom("audit_log")
    .leftJoin("user", "user.id", "audit_log.actor_user_id")
    .select(["audit_log.id", "audit_log.at", "audit_log.action", "audit_log.entity_type", "audit_log.entity_id", "audit_log.reason", "user.name as actorName"])
    .orderBy("audit_log.at", "desc")
    .limit(PAGE);
  if (!user.isAdmin) q = q.where("audit_log.organisation_id", "in", orgIds);
  return { entries: await q.execute() };
}

export default function Audit() {
  const { entries } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("audit.title")}</h1>
      <TableCard empty={t("audit.empty")} testId="audit" isEmpty={entries.length === 0} headers={[t("audit.at"), t("audit.actor"), t("audit.action"), t("audit.entity")]}>
        {entries.map((e) => (
          <tr key={e.id}>
            <td>{formatDate(e.at, locale)}</td>
            <td>{e.actorName ?? "–"}</td>
            <td>
              <code>{e.action}</code>
              {e.reason ? ` — ${e.reason}` : null}
            </td>
            <td>
              {e.entity_type} <span className="muted">{e.entity_id?.slice(0, 8)}</span>
            </td>
          </tr>
        ))}
      </TableCard>
    </>
  );
}
