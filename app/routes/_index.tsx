import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/require.server";
import { getDb } from "~/db.server";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { ownMemberships } from "~/services/admin/users.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const memberships = await ownMemberships(db, user);
  return { name: user.name, isAdmin: user.isAdmin, memberships };
}

export default function Home() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <h1>{t("home.welcome", { name: data.name })}</h1>
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
        <p className="muted">{t("home.whatNext")}</p>
        <p>
          <Link to="/units">{t("nav.units")}</Link>
        </p>
      </section>
    </>
  );
}
