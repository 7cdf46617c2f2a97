import type { LoaderFunctionArgs } from "@remix-run/node";
import { forbidden, requireUser } from "~/auth/require.server";
import { getDb } from "~/db.server";
import { translator } from "~/i18n";
import { getLocale } from "~/i18n/locale.server";
import { chartCsv } from "~/services/dashboard/export";
import { parseRollupQuery, rollupResultsTable } from "~/services/rollup/rollup.server";
import { mayReadRollup } from "~/services/rollup/scope.server";

/** The roll-up's list of organisations (the viewer's scope only) as CSV in the reader's convention, like the dashboard downloads. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!mayReadRollup(user)) throw forbidden();
  const locale = await getLocale(request, user);
  const t = translator(locale);
  const { name, table } = await rollupResultsTable(getDb(), user, parseRollupQuery(new URL(request.url)), locale, (k) => t(k));
  return new Response(chartCsv(table, locale), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}.csv"`,
      "Content-Language": locale,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
    },
  });
}
