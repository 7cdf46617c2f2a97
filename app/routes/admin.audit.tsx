import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/require.server";
import { TableCard } from "~/components/list";
import { getDb } from "~/db.server";
import { formatDate } from "~/i18n";
import { AUDIT_ACTIONS, auditActionName } from "~/i18n/audit-actions";
import { useLocale, useT } from "~/i18n/use-t";
import { listAuditLog } from "~/services/admin/audit-log.server";
import { IdSchema } from "~/utils/schemas";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle("audit.title");

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** Each filter is kept only when valid (a hand-edited URL shows the unfiltered log rather than an error). */
const FilterSchema = z.object({
  actor: IdSchema.optional().catch(undefined),
  action: z
    .string()
    .max(80)
    .regex(/^[a-z_.]+$/)
    .optional()
    .catch(undefined),
  from: Day.optional().catch(undefined),
  to: Day.optional().catch(undefined),
  assessment: IdSchema.optional().catch(undefined),
  after: z
    .string()
    .max(120)
    .regex(/^[0-9TZ:.-]+\|[0-9a-f-]+$/)
    .optional()
    .catch(undefined),
});

/** The audit log of the organisations where the user may read it: filters, pages, human names and links. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([, v]) => v.trim() !== ""));
  const f = FilterSchema.parse(params);
  const page = await listAuditLog(getDb(), user, {
    actorId: f.actor ?? null,
    action: f.action ?? null,
    from: f.from ?? null,
    to: f.to ?? null,
    assessmentId: f.assessment ?? null,
    after: f.after ?? null,
  });
  return {
    ...page,
    filter: { actor: f.actor ?? "", action: f.action ?? "", from: f.from ?? "", to: f.to ?? "", assessment: f.assessment ?? "" },
    paged: !!f.after,
  };
}

export default function Audit() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const query = (extra: Record<string, string>) =>
    `?${new URLSearchParams(Object.entries({ ...d.filter, ...extra }).filter(([, v]) => v !== "")).toString()}`;
  return (
    <>
      <h1>{t("audit.title")}</h1>
      <section className="card">
        <Form method="get" className="row" data-testid="audit-filters">
          <div>
            <label htmlFor="audit-actor">{t("audit.filter.actor")}</label>
            <select id="audit-actor" name="actor" defaultValue={d.filter.actor}>
              <option value="">{t("audit.filter.anyActor")}</option>
              {d.actors.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="audit-action">{t("audit.filter.action")}</label>
            <select id="audit-action" name="action" defaultValue={d.filter.action}>
              <option value="">{t("audit.filter.anyAction")}</option>
              {AUDIT_ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {auditActionName(a, locale)}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="audit-from">{t("audit.filter.from")}</label>
            <input id="audit-from" name="from" type="date" defaultValue={d.filter.from} />
          </div>
          <div>
            <label htmlFor="audit-to">{t("audit.filter.to")}</label>
            <input id="audit-to" name="to" type="date" defaultValue={d.filter.to} />
          </div>
          <div>
            <label htmlFor="audit-assessment">{t("audit.filter.assessment")}</label>
            <input id="audit-assessment" name="assessment" type="text" maxLength={64} defaultValue={d.filter.assessment} />
          </div>
          <div>
            <button type="submit">{t("audit.filter.apply")}</button> <Link to="?">{t("audit.filter.reset")}</Link>
          </div>
        </Form>
      </section>
      <p className="muted" data-testid="audit-count">
        {t("audit.count", { shown: d.entries.length })}
      </p>
      <TableCard
        empty={t("audit.empty")}
        testId="audit"
        isEmpty={d.entries.length === 0}
        headers={[t("audit.at"), t("audit.actor"), t("audit.action"), t("audit.entity")]}
      >
        {d.entries.map((e) => (
          <tr key={e.id} data-action={e.action}>
            <td>{formatDate(e.at, locale)}</td>
            <td>{e.actorName ?? t("audit.system")}</td>
            <td>
              {auditActionName(e.action, locale)}
              {e.reason ? (
                <>
                  <br />
                  <span className="muted">{t("audit.reason", { reason: e.reason })}</span>
                </>
              ) : null}
            </td>
            <td>
              <EntityCell entity={e.entity} />
            </td>
          </tr>
        ))}
      </TableCard>
      <p>
        {d.paged ? <Link to={query({})}>{t("audit.first")}</Link> : null}{" "}
        {d.next ? (
          <Link to={query({ after: d.next })} data-testid="audit-next">
            {t("audit.next")}
          </Link>
        ) : null}
      </p>
    </>
  );
}

function EntityCell({ entity }: { entity: ReturnType<typeof useLoaderData<typeof loader>>["entries"][number]["entity"] }) {
  const t = useT();
  const text =
    entity.kind === "assessment"
      ? t("audit.entity.assessment", { name: entity.name })
      : entity.kind === "item"
        ? t("audit.entity.item", { item: entity.item ?? "", name: entity.name })
        : entity.kind === "user"
          ? t("audit.entity.user", { name: entity.name })
          : t("audit.entity.other", { type: entity.type.replace(/_/g, " ") });
  return entity.href ? <Link to={entity.href}>{text}</Link> : <>{text}</>;
}
