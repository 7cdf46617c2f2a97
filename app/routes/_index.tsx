import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/require.server";
import { getDb } from "~/db.server";
import { formatDate, type MessageKey } from "~/i18n";
import { getLocale } from "~/i18n/locale.server";
import { useLocale, useT } from "~/i18n/use-t";
import { ownMemberships } from "~/services/admin/users.server";
import { startPage, type StartAssessment } from "~/services/workbench/start.server";
import { itemHref } from "~/services/workbench/links";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle("home.title");

/** Each role's start (issue #27): my work with progress, items sent back, windows closing, queues, notifications. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const [memberships, start] = await Promise.all([ownMemberships(db, user), startPage(db, user, await getLocale(request, user))]);
  return { name: user.name, isAdmin: user.isAdmin, memberships, start };
}

export default function Home() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const s = data.start;
  const nothing = !s.work.length && !s.returned.length && !s.closingSoon.length && !s.toReview.length && !s.toEvaluate.length;
  return (
    <>
      <h1>{t("home.welcome", { name: data.name })}</h1>
      {s.returned.length ? (
        <section className="card" data-testid="home-returned">
          <h2>{t("home.returned", { count: s.returned.length })}</h2>
          <ul>
            {s.returned.slice(0, 20).map((r) => (
              <li key={`${r.assessmentId}:${r.itemId}`}>
                <Link to={itemHref(r.assessmentId, r.areaId, r.itemId)}>{r.itemId}</Link> · {r.unitName} {r.year}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {s.closingSoon.length ? (
        <section className="card" data-testid="home-closing">
          <h2>{t("home.closing")}</h2>
          <AssessmentList rows={s.closingSoon} showWindow />
        </section>
      ) : null}
      {s.work.length ? (
        <section className="card" data-testid="home-work">
          <h2>{t("home.work")}</h2>
          <AssessmentList rows={s.work} showWindow />
        </section>
      ) : null}
      {s.toReview.length ? (
        <section className="card" data-testid="home-review">
          <h2>{t("home.toReview")}</h2>
          <AssessmentList rows={s.toReview} showWindow />
        </section>
      ) : null}
      {s.toEvaluate.length ? (
        <section className="card" data-testid="home-evaluate">
          <h2>{t("home.toEvaluate")}</h2>
          <AssessmentList rows={s.toEvaluate} linkTo={(id) => `/evaluations/assessments/${id}`} />
        </section>
      ) : null}
      {nothing ? <p className="muted">{t("home.nothing")}</p> : null}
      <section className="card" data-testid="home-notifications">
        <h2>{t("home.notifications")}</h2>
        {s.notifications.length === 0 ? (
          <p className="muted">{t("home.noNotifications")}</p>
        ) : (
          <ul>
            {s.notifications.map((n) => (
              <li key={n.id} className={n.read ? "muted" : undefined}>
                <Link to={n.link}>{n.message}</Link>
              </li>
            ))}
          </ul>
        )}
        <p>
          <Link to="/inbox">{t("home.allNotifications")}</Link>
        </p>
      </section>
      <section className="card">
        <h2>{t("home.roles")}</h2>
        {data.memberships.length === 0 && !data.isAdmin ? <p>{t("home.noRoles")}</p> : null}
        <ul data-testid="my-roles">
          {data.isAdmin ? <li>{t("role.admin")}</li> : null}
          {data.memberships.map((m) => (
            <li key={m.id}>
              <strong>{t(`role.${m.role}` as MessageKey)}</strong> — {m.organisationName}
              {m.unitName ? ` · ${m.unitName}` : ` · ${t("home.scopeOrg")}`}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

function AssessmentList({
  rows,
  showWindow = false,
  linkTo,
}: {
  rows: StartAssessment[];
  showWindow?: boolean;
  linkTo?: (id: string) => string;
}) {
  const t = useT();
  const locale = useLocale();
  return (
    <ul className="start-list">
      {rows.map((a) => (
        <li key={a.id} data-assessment={a.id}>
          <Link to={linkTo ? linkTo(a.id) : `/assessments/${a.id}`}>
            {a.unitName} · {a.year}
          </Link>{" "}
          <span className="muted">
            {a.instrumentId} · {t(`status.${a.status}` as MessageKey)}
          </span>
          <br />
          <span>
            {a.itemCount !== null
              ? t("home.progress", { answered: a.answered, items: a.itemCount })
              : t("home.answered", { answered: a.answered })}
          </span>
          {a.assigned.length ? <span className="muted"> · {t("home.assigned", { areas: a.assigned.join(", ") })}</span> : null}
          {showWindow && a.window ? (
            <span className={a.window.daysLeft <= 3 ? "bad" : "muted"}>
              {" "}
              ·{" "}
              {t(a.window.kind === "fill" ? "home.fillUntil" : "home.reviewUntil", {
                date: formatDate(a.window.end, locale),
                days: a.window.daysLeft,
              })}
            </span>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
