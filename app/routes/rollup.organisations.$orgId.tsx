import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { forbidden, requireUser } from "~/auth/require.server";
import { OwnIndicators, OwnSubcomponents, OwnSummary, OwnTargets, Regencies, Withheld } from "~/components/rollup/organisation";
import { BackToOverview, NationalNote, RollupFilters } from "~/components/rollup/parts";
import { getDb } from "~/db.server";
import { getLocale } from "~/i18n/locale.server";
import { pageTitle } from "~/i18n/page-title";
import { useT } from "~/i18n/use-t";
import { organisationRollup } from "~/services/rollup/organisation.server";
import { parseRollupQuery } from "~/services/rollup/rollup.server";
import { mayReadRollup } from "~/services/rollup/scope.server";
import { Link } from "@remix-run/react";

export const meta = pageTitle<typeof loader>("rollup.title", (d) => d.organisation.name);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!mayReadRollup(user)) throw forbidden();
  return organisationRollup(getDb(), user, params.orgId!, parseRollupQuery(new URL(request.url)), await getLocale(request, user));
}

export default function OrganisationRollupPage() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      {d.overview ? <BackToOverview /> : null}
      <h1>
        {t("rollup.orgTitle", { name: d.organisation.name })} <span className="tag">{t(`orgKind.${d.organisation.kind}`)}</span>
      </h1>
      {d.organisation.parentId && d.organisation.parentName ? (
        <p>
          {t("rollup.partOf")}{" "}
          <Link to={`/rollup/organisations/${d.organisation.parentId}?year=${d.year ?? ""}`}>{d.organisation.parentName}</Link>
        </p>
      ) : null}
      {d.access === "own" ? <p className="muted">{t("rollup.ownOnly")}</p> : null}
      {d.year === null ? (
        <p className="card muted">{t("rollup.noYears")}</p>
      ) : (
        <>
          <RollupFilters years={d.years} year={d.year} instruments={[]} instrument={d.model?.instrumentId ?? null} />
          {d.model ? (
            <p>
              {d.model.title} <span className="tag">{d.model.instrumentId}</span>
            </p>
          ) : null}
          <Withheld d={d} />
          <OwnSummary d={d} />
          {d.peer ? <NationalNote source={d.peer.national?.source ?? null} /> : null}
          <OwnSubcomponents d={d} />
          <OwnTargets d={d} />
          <OwnIndicators d={d} />
          <Regencies d={d} />
        </>
      )}
    </>
  );
}
