import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/require.server";
import { UnitTree } from "~/components/unit-tree";
import { getDb } from "~/db.server";
import { useT } from "~/i18n/use-t";
import { listOrganisations } from "~/services/admin/organisations.server";
import { buildTree, listUnits } from "~/services/admin/units.server";
import { pageTitle } from "~/i18n/page-title";

export const meta = pageTitle("units.readOnlyTitle");

/** Read-only structure of every organisation in the user's scope, for all roles. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const orgs = await listOrganisations(db, user);
  const trees = await Promise.all(
    orgs.map(async (o) => ({ id: o.id, name: o.name, tree: buildTree(await listUnits(db, user, o.id)) })),
  );
  return { trees };
}

export default function Units() {
  const { trees } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <h1>{t("units.readOnlyTitle")}</h1>
      {trees.map((o) => (
        <section className="card" key={o.id}>
          <h2>{o.name}</h2>
          {o.tree.length === 0 ? <p className="muted">{t("units.empty")}</p> : <UnitTree nodes={o.tree} />}
        </section>
      ))}
    </>
  );
}
