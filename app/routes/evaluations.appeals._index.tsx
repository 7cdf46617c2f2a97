import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { scopesFor } from "~/auth/permissions";
import { forbidden, requireUser } from "~/auth/require.server";
import { layerName, StatusBadge } from "~/components/appeals/appeal-parts";
import { BackLink } from "~/components/back-link";
import { getDb } from "~/db.server";
import { formatDate, formatNumber } from "~/i18n";
import { pageTitle } from "~/i18n/page-title";
import { useLocale, useT } from "~/i18n/use-t";
import { appealQueue } from "~/services/appeals/queue.server";

export const meta = pageTitle("appeal.queue.title");

const FilterSchema = z.object({
  status: z.enum(["diajukan", "diterima", "ditolak", "all"]).catch("diajukan"),
  layer: z.enum(["internal", "external"]).optional().catch(undefined),
  year: z.coerce.number().int().min(2000).max(2100).optional().catch(undefined),
  org: z.string().max(64).optional().catch(undefined),
  item: z.string().max(64).optional().catch(undefined),
});

/** The evaluator's appeal queue (issue #30): appeals of the layers the user may write, counts per item, filters. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!user.isAdmin && scopesFor(user, "evaluation.internal").length + scopesFor(user, "evaluation.external").length === 0)
    throw forbidden();
  const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([, v]) => v !== ""));
  const filter = FilterSchema.parse(params);
  const queue = await appealQueue(getDb(), user, {
    status: filter.status,
    layer: filter.layer,
    year: filter.year,
    organisationId: filter.org,
    itemId: filter.item,
  });
  return { ...queue, filter, isAdmin: user.isAdmin };
}

export default function AppealQueuePage() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const n = (v: number) => formatNumber(v, locale, 0);
  return (
    <>
      <BackLink to="/evaluations">{t("eval.title")}</BackLink>
      <h1>{t("appeal.queue.title")}</h1>
      <p className="muted">{t("appeal.queue.intro")}</p>
      {d.isAdmin ? (
        <p>
          <Link to="/admin/appeal-windows">{t("appeal.windows.link")}</Link>
        </p>
      ) : null}
      <Form method="get" className="card" data-testid="appeal-filter">
        <label htmlFor="f-status">{t("appeal.filter.status")}</label>
        <select id="f-status" name="status" defaultValue={d.filter.status}>
          <option value="diajukan">{t("appeal.status.diajukan")}</option>
          <option value="diterima">{t("appeal.status.diterima")}</option>
          <option value="ditolak">{t("appeal.status.ditolak")}</option>
          <option value="all">{t("appeal.filter.all")}</option>
        </select>
        <label htmlFor="f-layer">{t("appeal.filter.layer")}</label>
        <select id="f-layer" name="layer" defaultValue={d.filter.layer ?? ""}>
          <option value="">{t("appeal.filter.any")}</option>
          <option value="internal">{layerName(t, "internal")}</option>
          <option value="external">{layerName(t, "external")}</option>
        </select>
        <label htmlFor="f-year">{t("appeal.filter.year")}</label>
        <select id="f-year" name="year" defaultValue={d.filter.year ?? ""}>
          <option value="">{t("appeal.filter.any")}</option>
          {d.years.map((y) => (
            <option key={y} value={y}>
              {y}
            </option>
          ))}
        </select>
        {d.organisations.length > 1 ? (
          <>
            <label htmlFor="f-org">{t("appeal.filter.organisation")}</label>
            <select id="f-org" name="org" defaultValue={d.filter.org ?? ""}>
              <option value="">{t("appeal.filter.any")}</option>
              {d.organisations.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </>
        ) : null}
        {d.filter.item ? <input type="hidden" name="item" value={d.filter.item} /> : null}
        <p>
          <button type="submit">{t("appeal.filter.apply")}</button>
        </p>
      </Form>
      <section className="card" data-testid="appeal-counts">
        <h2>{t("appeal.queue.counts")}</h2>
        {d.counts.length === 0 ? (
          <p className="muted">{t("appeal.queue.empty")}</p>
        ) : (
          <table className="compact">
            <thead>
              <tr>
                <th scope="col">{t("appeal.col.item")}</th>
                <th scope="col">{t("appeal.col.open")}</th>
                <th scope="col">{t("appeal.col.accepted")}</th>
                <th scope="col">{t("appeal.col.rejected")}</th>
              </tr>
            </thead>
            <tbody>
              {d.counts.map((c) => (
                <tr key={c.itemId}>
                  <th scope="row">
                    <Link to={`?status=all&item=${encodeURIComponent(c.itemId)}`}>
                      <code>{c.itemId}</code>
                    </Link>
                  </th>
                  <td>{n(c.diajukan)}</td>
                  <td>{n(c.diterima)}</td>
                  <td>{n(c.ditolak)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card" data-testid="appeal-queue">
        <h2>
          {t("appeal.queue.title")} ({n(d.appeals.length)})
        </h2>
        {d.appeals.length === 0 ? <p className="muted">{t("appeal.queue.empty")}</p> : null}
        <ul>
          {d.appeals.map((a) => (
            <li key={a.id} data-testid="appeal-queue-row" data-item={a.itemId}>
              <Link to={`/evaluations/appeals/${a.id}`}>
                <code>{a.itemId}</code> · {a.status === "diajukan" ? t("appeal.queue.decide") : t("appeal.queue.view")}
              </Link>{" "}
              · <StatusBadge status={a.status} />
              <div className="small muted">
                {a.unitName} · {a.organisationName} · {a.year} · {layerName(t, a.layer)} · {formatDate(a.filedAt, locale)}
              </div>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
